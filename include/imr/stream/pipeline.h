#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stop_token>
#include <string>

#include "imr/observe/logger.h"
#include "imr/stream/offset_committer.h"
#include "imr/stream/partition_session.h"
#include "imr/stream/pipeline_probe.h"
#include "imr/stream/record_processor.h"
#include "imr/stream/record_sink.h"
#include "imr/stream/record_source.h"
#include "imr/stream/wake_signal.h"
#include "imr/stream/worker_pool.h"

namespace imr::stream {

struct pipeline_config {
    size_t workers = 1;
    // Documents taken from the source and not yet delivered. At the cap no more are taken;
    // if the window stays full for `pause_after` with nothing left for the workers to do
    // (the sink is what holds it up), the assigned partitions are paused
    // (polling goes on) and resume at half the cap.
    size_t max_in_flight = 1024;
    // The same window in bytes of input values: the memory bound, since documents range
    // from 1 KB to 16 MiB. One document is always let in, however large.
    size_t max_in_flight_bytes = size_t{128} << 20;
    std::chrono::milliseconds pause_after{500};
    size_t poll_batch = 256;
    std::chrono::milliseconds poll_timeout{100};
    std::chrono::milliseconds store_interval{200};
    // How long a revoke waits for the revoked partitions' work before giving it up.
    std::chrono::milliseconds drain_timeout{10000};
    // The whole graceful stop: finishing started work, flushing, committing and leaving
    // the group (its revocation included).
    std::chrono::milliseconds shutdown_timeout{30000};
};

struct pipeline_result {
    bool clean = true;    // false: failed, or work given up at the shutdown deadline
    bool failed = false;  // stopped on a fatal error
    // Taken, started and not delivered when the shutdown budget ran out.
    size_t abandoned = 0;
    // Taken but not started at the stop: cancelled, never produced (the next owner of
    // the partition reads them again, as their offsets were not committed).
    size_t cancelled = 0;
    std::string reason;  // why it stopped, for the log
};

// consume -> classify -> produce. One driver thread (the caller of run) does every client
// call: it polls the source, hands inputs to the worker pool, produces results in offset
// order per partition, takes delivery reports, and hands only the contiguous low
// watermark of delivered inputs to the offset committer. A dead letter counts as
// delivered. The committer decides the guarantee: without one, watermarks are stored in
// the source (at least once); a transactional one commits them with the outputs (exactly
// once) and may ask for a rewind, after which the uncommitted inputs are taken again.
// If a dead letter cannot be written, the pipeline stops rather than skip the input.
// Each assigned partition is one partition_session; a record, result or delivery report
// reaches only the session of its own generation, anything else is dropped and counted.
class pipeline final : private rebalance_listener, private delivery_listener {
  public:
    // `committer`, when given, must outlive the pipeline.
    pipeline(record_source& source, record_sink& sink, const processor_factory& make_processor,
             pipeline_config config, pipeline_probe& probe, observe::logger& log,
             offset_committer* committer = nullptr);
    ~pipeline() override;
    pipeline(const pipeline&) = delete;
    pipeline& operator=(const pipeline&) = delete;

    // Runs until `stop` is requested (then cancels work not started, finishes the rest,
    // flushes, commits and closes the source, all within shutdown_timeout) or until a
    // fatal error.
    pipeline_result run(std::stop_token stop);

  private:
    using clock = std::chrono::steady_clock;
    using session_map = std::map<topic_partition, std::unique_ptr<partition_session>>;

    void on_assigned(const std::vector<topic_partition>& partitions, uint64_t generation) override;
    void on_revoked(const std::vector<topic_partition>& partitions) override;
    void on_delivery(const delivery_report& report) override;

    [[nodiscard]] bool poll_source();
    void wait_for_work();
    void accept(std::vector<input_record> records);
    void collect();
    void release(partition_session& session);
    void release_all();
    void apply_flow_control();
    [[nodiscard]] bool produce_head(partition_session& session);
    void commit_offsets(bool force);
    [[nodiscard]] bool await_deliveries();
    void forget_refused(const std::vector<committed_offset>& committed);
    void rewind();
    void drain(const std::set<topic_partition>& partitions, clock::time_point deadline);
    void shut_down(pipeline_result& result);
    // Takes back queued work (never started); returns how many inputs.
    size_t cancel_queued(const std::function<bool(const input_record&)>& which);
    [[nodiscard]] partition_session* session_of(const topic_partition& where, uint64_t generation);
    [[nodiscard]] bool pending_in(const std::set<topic_partition>& partitions) const;
    [[nodiscard]] size_t in_flight() const;
    [[nodiscard]] size_t in_flight_bytes() const;
    [[nodiscard]] bool window_full() const;
    [[nodiscard]] std::set<topic_partition> owned() const;
    void report_load();
    void fail(std::string reason);

    record_source& source_;
    record_sink& sink_;
    pipeline_config config_;
    pipeline_probe& probe_;
    observe::logger& log_;
    std::unique_ptr<record_processor> driver_processor_;  // dead letters built on the driver
    std::unique_ptr<offset_committer> own_committer_;     // when none is given: at least once
    offset_committer& committer_;
    // The driver sleeps on this between rounds; workers and the source wake it.
    wake_signal wake_;
    bool source_wakes_ = false;  // the source calls wake_ when records arrive
    worker_pool pool_;
    session_map sessions_;
    bool paused_ = false;
    std::optional<clock::time_point> full_since_;
    std::optional<std::string> failure_;
    // Inputs whose outcome the broker refused inside an aborted transaction: when they are
    // taken again they become dead letters (`outcome_rejected`) instead.
    std::set<std::pair<topic_partition, int64_t>> refused_outcomes_;
    bool commit_soon_ = false;  // a delivery failed: the open transaction must end now
    size_t unreported_ = 0;     // produced records whose delivery report has not come yet
    // Set once the stop is requested: every wait from then on ends by this time.
    std::optional<clock::time_point> shutdown_deadline_;
    size_t unfinished_at_revoke_ = 0;  // started work given up by revokes in the shutdown
};

}  // namespace imr::stream
