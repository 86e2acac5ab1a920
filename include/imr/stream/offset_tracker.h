#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "imr/stream/record.h"
#include "imr/stream/record_source.h"

namespace imr::stream {

// Per partition, the offsets taken for processing and which of them are done. Only the
// contiguous low watermark is ever committable: with offsets 5,6,7 in flight and 6,7
// done, nothing is committable until 5 is. Offsets need not be consecutive integers
// (compaction, transaction markers): order of arrival is what counts.
// Not thread-safe: owned by the pipeline's driver thread.
class offset_tracker {
  public:
    void track(const topic_partition& where, int64_t offset);
    // False when the offset is not tracked (e.g. its partition was revoked meanwhile).
    bool complete(const topic_partition& where, int64_t offset);

    // Next offsets to commit for partitions whose watermark moved since the last call.
    [[nodiscard]] std::vector<committed_offset> take_advanced();
    // The committable next offset of one partition, if any record of it is done.
    [[nodiscard]] std::optional<int64_t> watermark(const topic_partition& where) const;

    [[nodiscard]] size_t in_flight() const noexcept { return in_flight_; }
    [[nodiscard]] size_t in_flight(const topic_partition& where) const;

    // Stops tracking a partition (revoked); its pending offsets are abandoned.
    void forget(const topic_partition& where);

  private:
    struct partition_state {
        std::deque<std::pair<int64_t, bool>> pending;  // offset, done; in arrival order
        std::optional<int64_t> next_commit;
        bool advanced = false;
    };

    std::map<topic_partition, partition_state> partitions_;
    size_t in_flight_ = 0;
};

}  // namespace imr::stream
