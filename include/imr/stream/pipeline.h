#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stop_token>
#include <string>

#include "imr/observe/logger.h"
#include "imr/stream/offset_committer.h"
#include "imr/stream/offset_tracker.h"
#include "imr/stream/pipeline_probe.h"
#include "imr/stream/record_processor.h"
#include "imr/stream/record_sink.h"
#include "imr/stream/record_source.h"
#include "imr/stream/worker_pool.h"

namespace imr::stream {

struct pipeline_config {
    size_t workers = 1;
    // Documents taken from the source and not yet delivered. At the cap no more are taken;
    // if the window stays full for `pause_after`, the assigned partitions are paused
    // (polling goes on) and resume at half the cap.
    size_t max_in_flight = 1024;
    std::chrono::milliseconds pause_after{500};
    size_t poll_batch = 256;
    std::chrono::milliseconds poll_timeout{100};
    std::chrono::milliseconds store_interval{200};
    // How long a revoke or a shutdown waits for in-flight work before giving it up.
    std::chrono::milliseconds drain_timeout{10000};
};

struct pipeline_result {
    bool clean = true;   // false: stopped on a fatal error; the exit code must say so
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
class pipeline final : private rebalance_listener, private delivery_listener {
  public:
    // `committer`, when given, must outlive the pipeline.
    pipeline(record_source& source, record_sink& sink, const processor_factory& make_processor,
             pipeline_config config, pipeline_probe& probe, observe::logger& log,
             offset_committer* committer = nullptr);
    ~pipeline() override;
    pipeline(const pipeline&) = delete;
    pipeline& operator=(const pipeline&) = delete;

    // Runs until `stop` is requested (then drains, flushes, commits and closes the
    // source) or until a fatal error.
    pipeline_result run(std::stop_token stop);

  private:
    struct slot {
        bool ready = false;
        input_record input;
        std::optional<output_record> output;
    };
    struct partition_queue {
        uint64_t epoch = 0;
        std::map<int64_t, slot> slots;  // in offset order
    };

    void on_assigned(const std::vector<topic_partition>& partitions) override;
    void on_revoked(const std::vector<topic_partition>& partitions) override;
    void on_delivery(const delivery_report& report) override;

    void accept(std::vector<input_record> records);
    void collect(std::chrono::milliseconds wait);
    void release(partition_queue& queue);
    void release_all();
    void apply_flow_control();
    bool produce_head(partition_queue& queue);
    void commit_offsets(bool force);
    [[nodiscard]] bool await_deliveries();
    void forget_refused(const std::vector<committed_offset>& committed);
    void rewind();
    void drain(const std::set<topic_partition>& partitions, std::chrono::milliseconds timeout);
    [[nodiscard]] bool pending_in(const std::set<topic_partition>& partitions) const;
    void fail(std::string reason);

    record_source& source_;
    record_sink& sink_;
    pipeline_config config_;
    pipeline_probe& probe_;
    observe::logger& log_;
    std::unique_ptr<record_processor> driver_processor_;  // dead letters built on the driver
    std::unique_ptr<offset_committer> own_committer_;     // when none is given: at least once
    offset_committer& committer_;
    worker_pool pool_;
    offset_tracker tracker_;
    std::map<topic_partition, partition_queue> queues_;
    std::set<topic_partition> assigned_;
    bool paused_ = false;
    std::optional<std::chrono::steady_clock::time_point> full_since_;
    uint64_t next_epoch_ = 1;
    std::optional<std::string> failure_;
    // Inputs whose outcome the broker refused inside an aborted transaction: when they are
    // taken again they become dead letters (`outcome_rejected`) instead.
    std::set<std::pair<topic_partition, int64_t>> refused_outcomes_;
    bool commit_soon_ = false;
    size_t unreported_ = 0;  // produced records whose delivery report has not come yet  // a
                             // delivery failed: the open transaction must end now
};

}  // namespace imr::stream
