#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "imr/stream/offset_tracker.h"
#include "imr/stream/record.h"

namespace imr::stream {

// Everything the pipeline holds for one assignment of one partition: its generation, the
// offsets in flight and their watermark, and the reorder slots that keep outputs in
// offset order. Created on assign and destroyed on revoke, so nothing of a revoked
// partition outlives it: a record, result or delivery report of another generation finds
// no session to change. Driver thread only.
class partition_session {
  public:
    partition_session(topic_partition where, uint64_t generation)
        : where_(std::move(where)), generation_(generation) {}
    partition_session(const partition_session&) = delete;
    partition_session& operator=(const partition_session&) = delete;

    [[nodiscard]] const topic_partition& where() const noexcept { return where_; }
    [[nodiscard]] uint64_t generation() const noexcept { return generation_; }
    [[nodiscard]] bool owns(const topic_partition& where, uint64_t generation) const noexcept {
        return generation == generation_ && where == where_;
    }

    // Starts tracking an input read under this session; false (nothing changes) when its
    // offset does not increase on the last one taken.
    [[nodiscard]] bool take(const input_record& input);
    // An input taken here will never be processed (cancelled before a worker took it):
    // it stays uncommitted, and nothing waits for it.
    void cancelled(const input_record& input);
    // The worker's result for an input taken here; false when no such input waits.
    bool finish(input_record input, output_record output);

    // The next output to produce in offset order, once its result is in.
    [[nodiscard]] output_record* ready_head();
    [[nodiscard]] const input_record* head_input() const;
    // The head output was queued for delivery: its slot is released.
    void produced_head();
    // The head's output was refused and is replaced (e.g. by a dead letter).
    void replace_head(output_record output);

    // A delivery report for one of this session's outputs.
    bool delivered(int64_t offset) { return tracker_.complete(offset); }
    [[nodiscard]] std::optional<int64_t> take_advanced() { return tracker_.take_advanced(); }
    [[nodiscard]] std::optional<int64_t> watermark() const noexcept { return tracker_.watermark(); }
    [[nodiscard]] size_t in_flight() const noexcept { return tracker_.in_flight(); }
    // In flight and not cancelled: what a drain waits for.
    [[nodiscard]] size_t active() const noexcept { return tracker_.in_flight() - cancelled_; }
    [[nodiscard]] size_t in_flight_bytes() const noexcept { return tracker_.in_flight_bytes(); }

  private:
    struct slot {
        std::optional<input_record> input;  // set with the result, for a dead letter
        std::optional<output_record> output;
    };

    topic_partition where_;
    uint64_t generation_;
    offset_tracker tracker_;
    size_t cancelled_ = 0;
    std::map<int64_t, slot> slots_;  // in offset order
};

}  // namespace imr::stream
