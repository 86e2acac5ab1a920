#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace imr::stream {

// One partition's offsets taken for processing and which of them are done. Only the
// contiguous low watermark is ever committable: with offsets 5,6,7 in flight and 6,7
// done, nothing is committable until 5 is. Offsets need not be consecutive integers
// (compaction, transaction markers), but they must increase: an offset at or below one
// already tracked is refused, so the pending list stays sorted whatever the source does.
// Not thread-safe: owned by one partition session on the pipeline's driver thread.
class offset_tracker {
  public:
    // False (and nothing tracked) when `offset` does not increase on the last one seen.
    [[nodiscard]] bool track(int64_t offset, size_t bytes = 0);
    // False when the offset is not pending (never tracked, or already done).
    bool complete(int64_t offset);

    // The next offset to commit, once per advance of the watermark.
    [[nodiscard]] std::optional<int64_t> take_advanced();
    // The committable next offset, if any record is done.
    [[nodiscard]] std::optional<int64_t> watermark() const noexcept { return next_commit_; }

    [[nodiscard]] size_t in_flight() const noexcept { return in_flight_; }
    // Input bytes of the records not done yet.
    [[nodiscard]] size_t in_flight_bytes() const noexcept { return in_flight_bytes_; }

  private:
    struct entry {
        int64_t offset;
        size_t bytes;
        bool done;
    };
    std::deque<entry> pending_;  // sorted by offset (track refuses anything else)
    std::optional<int64_t> last_tracked_;
    std::optional<int64_t> next_commit_;
    bool advanced_ = false;
    size_t in_flight_ = 0;
    size_t in_flight_bytes_ = 0;
};

}  // namespace imr::stream
