#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "imr/stream/record.h"

namespace imr::stream {

// Told of partition ownership changes. Called from inside record_source::poll (possibly
// in the middle of a batch) and close(), on the thread that polls; `on_revoked` must
// finish the partitions' work before returning, because the source gives them up (and
// commits) right after. `generation` is what the source stamps on every record it reads
// for these partitions until they are revoked; it increases with every assignment.
class rebalance_listener {
  public:
    virtual ~rebalance_listener() = default;
    virtual void on_assigned(const std::vector<topic_partition>& partitions,
                             uint64_t generation) = 0;
    virtual void on_revoked(const std::vector<topic_partition>& partitions) = 0;
};

struct committed_offset {
    topic_partition where;
    int64_t next_offset = 0;  // Kafka convention: the offset of the next record to read
};

// Where input records come from (a Kafka consumer group in production, a vector in
// tests). Single-threaded: only the pipeline's driver thread calls it.
class record_source {
  public:
    virtual ~record_source() = default;

    virtual void set_rebalance_listener(rebalance_listener* listener) = 0;
    // Up to `max_records`, waiting at most `timeout` for the first one, and no record
    // after the batch's values reach `max_bytes` (the record that crosses it is taken).
    // Each record carries the generation of its partition's assignment when it was read.
    virtual std::vector<input_record> poll(size_t max_records, std::chrono::milliseconds timeout,
                                           size_t max_bytes) = 0;
    // Asks the source to call `wake` (from any thread, a client's own included, and
    // without calling back into the source) whenever records or events may have become
    // ready for poll(), so that the caller can sleep on its own signal, which its workers
    // also wake, instead of inside poll(). An empty function stops the calls. False: the
    // source cannot, and the caller must wait inside poll() for records.
    virtual bool set_wakeup(std::function<void()> wake) {
        (void)wake;
        return false;
    }
    virtual void pause(const std::vector<topic_partition>& partitions) = 0;
    virtual void resume(const std::vector<topic_partition>& partitions) = 0;
    // Marks offsets as processed; they are committed asynchronously and on close.
    virtual void store(const std::vector<committed_offset>& offsets) = 0;
    // Commits what is stored, waiting at most `timeout` for the broker's answer.
    virtual bool commit_now(std::chrono::milliseconds timeout) = 0;
    // Goes back to the committed offsets of `partitions` (their next records are the first
    // ones not committed): the work taken since the last commit is redone. Returns the
    // new generation stamped on the partitions' records from now on, as after a new
    // assignment, so that nothing read before the rewind is mistaken for what follows.
    virtual uint64_t rewind(const std::vector<topic_partition>& partitions) = 0;
    // Leaves the group after a final commit, within `timeout` (revocation included);
    // false when it had to give up (nothing more is committed then).
    virtual bool close(std::chrono::milliseconds timeout) = 0;
    // A fatal client error: the process must stop.
    [[nodiscard]] virtual bool fatal() const { return false; }
};

}  // namespace imr::stream
