#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imr/kafka/client_config.h"
#include "imr/stream/record_source.h"

namespace imr::observe {
class logger;
}

namespace imr::kafka {

// Bounds and cadence of the consumer. The prefetch bounds keep a backlog of millions of
// messages from growing the heap: librdkafka fetches ahead until either bound is reached
// (overshooting by at most one fetch, i.e. fetch.message.max.bytes). Both bounds apply to
// the consumer's whole queue, not to each partition, and once one is reached librdkafka
// looks again only at its next tick (up to 1 s): the prefetch must hold more than a
// second of work at full speed, or the workers run dry before each refill. The bytes are
// the bound that counts; the message count only stops small records from piling up.
struct consumer_options {
    int queued_max_messages_kbytes = 32768;  // 32 MiB: over 5,000 text letters
    int queued_min_messages = 100000;
    // Stored offsets (the contiguous low watermark) are committed this often, on revoke
    // and on close.
    int auto_commit_interval_ms = 1000;
    // The longest wait for the commit on revoke (and on close, within its own timeout).
    std::chrono::milliseconds commit_timeout{10000};
    statistics_callback on_statistics;  // needs "statistics.interval.ms" in the extras
};

// A consumer-group member reading the input topics.
//
// Threading: one thread (the pipeline's driver) calls every member except fatal(),
// fatal_reason() and rebalance_count(), which any thread may read. The rebalance listener
// runs on that thread, inside poll() and close().
// Lifetime: the rebalance listener must outlive the source or be unset with
// set_rebalance_listener(nullptr) before the source is closed or destroyed, because
// close() (and so the destructor) revokes the partitions through it.
// Offsets: nothing is committed that was not passed to store(); store() takes the next
// offset to read (last processed + 1).
class kafka_source final : public stream::record_source {
  public:
    // `extra` is applied after the defaults, so it overrides them. Throws
    // std::invalid_argument on a bad property and std::runtime_error when the client
    // cannot be created or the subscription is refused.
    kafka_source(std::string_view brokers, std::string_view group_id,
                 const std::vector<std::string>& topics, const properties& extra,
                 observe::logger& log, consumer_options options = {});
    ~kafka_source() override;

    kafka_source(const kafka_source&) = delete;
    kafka_source& operator=(const kafka_source&) = delete;
    // librdkafka holds `this` as its callback opaque, so the object cannot move.
    kafka_source(kafka_source&&) = delete;
    kafka_source& operator=(kafka_source&&) = delete;

    void set_rebalance_listener(stream::rebalance_listener* listener) override {
        listener_ = listener;
    }
    std::vector<stream::input_record> poll(std::size_t max_records,
                                           std::chrono::milliseconds timeout,
                                           std::size_t max_bytes) override;
    // Called from a librdkafka thread when the consumer's queue gets a message or event.
    bool set_wakeup(std::function<void()> wake) override;
    void pause(const std::vector<stream::topic_partition>& partitions) override;
    void resume(const std::vector<stream::topic_partition>& partitions) override;
    void store(const std::vector<stream::committed_offset>& offsets) override;
    bool commit_now(std::chrono::milliseconds timeout) override;
    // Seeks to the committed offsets (the start where none is committed) and starts a new
    // generation for the partitions. A failure is fatal: going on from the current
    // position would skip inputs whose outputs were aborted.
    uint64_t rewind(const std::vector<stream::topic_partition>& partitions) override;
    bool close(std::chrono::milliseconds timeout) override;

    // The group's generation and member id, which a transactional producer sends with the
    // offsets (KIP-447): a member fenced out of the group cannot commit for it.
    [[nodiscard]] group_metadata_ptr group_metadata() const;

    // A fatal client error: the process must stop. poll() delivers nothing more and
    // librdkafka will not commit again (close() cannot leave the group cleanly).
    [[nodiscard]] bool fatal() const noexcept { return events_.fatal(); }
    [[nodiscard]] std::string fatal_reason() const { return events_.fatal_reason(); }
    // Assignments plus revocations seen so far (each rebalance callback counts once).
    [[nodiscard]] std::size_t rebalance_count() const noexcept { return rebalances_.load(); }
    // The librdkafka handle, still owned by the source: for diagnostics and tests (e.g.
    // rd_kafka_test_fatal_error). Never destroy it or change its assignment.
    [[nodiscard]] rd_kafka_t* native_handle() const noexcept { return rk_.get(); }

  private:
    static void rebalance_trampoline(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                     rd_kafka_topic_partition_list_t* partitions, void* opaque);
    static void error_trampoline(rd_kafka_t* rk, int err, const char* reason, void* opaque);
    static void wakeup_trampoline(rd_kafka_t* rk, void* opaque);
    static void log_trampoline(const rd_kafka_t* rk, int level, const char* facility,
                               const char* message);
    static int statistics_trampoline(rd_kafka_t* rk, char* json, std::size_t json_len,
                                     void* opaque);

    void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                      rd_kafka_topic_partition_list_t& partitions);
    void assign(rd_kafka_t* rk, rd_kafka_topic_partition_list_t& partitions, bool cooperative);
    void unassign(rd_kafka_t* rk, rd_kafka_topic_partition_list_t& partitions, bool cooperative);
    void commit_stored(rd_kafka_t* rk, const std::vector<stream::topic_partition>& partitions);
    void on_message_error(const rd_kafka_message_t& message);
    void forget(const std::vector<stream::topic_partition>& partitions);
    [[nodiscard]] uint64_t generation_of(const rd_kafka_message_t& message) const;
    using flow_change = rd_kafka_resp_err_t (*)(rd_kafka_t*, rd_kafka_topic_partition_list_t*);
    // Pauses or resumes, logging per-partition failures under `failed_event`.
    void change_flow(const std::vector<stream::topic_partition>& partitions, flow_change change,
                     std::string_view failed_event, std::string_view done_event);

    client_events events_;
    stream::rebalance_listener* listener_ = nullptr;
    // What store() handed to librdkafka and is not known to be given up yet, so that a
    // revocation commits exactly the revoked partitions' watermarks.
    std::map<stream::topic_partition, int64_t> stored_;
    // The generation of each owned partition's current assignment, stamped on its records.
    std::map<stream::topic_partition, uint64_t> generations_;
    uint64_t next_generation_ = 1;
    std::chrono::milliseconds commit_timeout_;
    std::optional<std::chrono::steady_clock::time_point> close_deadline_;
    std::atomic<std::size_t> rebalances_{0};
    bool closed_ = false;
    bool close_abandoned_ = false;  // close ran out of time: destroy without closing again
    std::function<void()> wake_;
    queue_ptr consumer_queue_;  // for set_wakeup; released first thing in the destructor
    client_ptr rk_;  // last: destroyed first, while the members its callbacks use still live
};

}  // namespace imr::kafka
