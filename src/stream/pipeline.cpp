#include "imr/stream/pipeline.h"

#include <algorithm>

namespace imr::stream {
namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds result_wait{5};
constexpr milliseconds report_wait{10};

std::vector<topic_partition> as_vector(const std::set<topic_partition>& partitions) {
    return {partitions.begin(), partitions.end()};
}

}  // namespace

pipeline::pipeline(record_source& source, record_sink& sink,
                   const processor_factory& make_processor, pipeline_config config,
                   pipeline_probe& probe, observe::logger& log, offset_committer* committer)
    : source_(source),
      sink_(sink),
      config_(config),
      probe_(probe),
      log_(log),
      driver_processor_(make_processor()),
      own_committer_(committer != nullptr ? nullptr
                                          : std::make_unique<stored_offsets_committer>(
                                                source, config.store_interval)),
      committer_(committer != nullptr ? *committer : *own_committer_),
      pool_(std::max<size_t>(1, config.workers), make_processor) {
    source_.set_rebalance_listener(this);
    sink_.set_delivery_listener(this);
}

pipeline::~pipeline() {
    source_.set_rebalance_listener(nullptr);
    sink_.set_delivery_listener(nullptr);
}

pipeline_result pipeline::run(std::stop_token stop) {
    log_.info("pipeline_started", {{"workers", static_cast<int64_t>(pool_.size())},
                                   {"max_in_flight", static_cast<int64_t>(config_.max_in_flight)}});
    while (!stop.stop_requested() && !failure_) {
        probe_.loop_ticked();
        const size_t in_flight = tracker_.in_flight();
        const milliseconds timeout = in_flight > 0 ? milliseconds{0} : config_.poll_timeout;
        const size_t room =
            config_.max_in_flight > in_flight ? config_.max_in_flight - in_flight : 0;
        // A full window that is not (yet) paused waits for room without polling: the
        // client's own prefetch is bounded, and pausing at every brief fill would stall
        // its fetcher (librdkafka resumes fetching only at its next fetch tick, ~1 s).
        // Once paused, polling goes on for one record at a time, which serves rebalances
        // and keeps the group membership alive.
        if (room > 0 || paused_) {
            accept(source_.poll(std::clamp<size_t>(room, 1, config_.poll_batch), timeout));
        }
        collect(tracker_.in_flight() > 0 ? result_wait : milliseconds{0});
        sink_.poll(milliseconds{0});
        if (sink_.fatal()) fail("the producer hit a fatal error");
        if (source_.fatal()) fail("the consumer hit a fatal error");
        apply_flow_control();
        commit_offsets(commit_soon_);
    }

    // Graceful stop: no new input, finish what is in flight, then commit and leave.
    if (!failure_) {
        log_.info("pipeline_draining", {{"in_flight", static_cast<int64_t>(tracker_.in_flight())}});
        drain(assigned_, config_.drain_timeout);
        if (!sink_.flush(config_.drain_timeout)) log_.warn("producer_flush_timed_out");
    }
    commit_offsets(true);
    if (!failure_ && !source_.commit_now()) {
        probe_.commit_failed();
        log_.warn("final_commit_failed");
    }
    source_.close();
    log_.info("pipeline_stopped",
              {{"clean", !failure_.has_value()},
               {"abandoned_in_flight", static_cast<int64_t>(tracker_.in_flight())}});
    return failure_ ? pipeline_result{false, *failure_} : pipeline_result{};
}

void pipeline::accept(std::vector<input_record> records) {
    for (auto& record : records) {
        probe_.consumed(record.value.size());
        auto& queue = queues_[record.where];
        if (queue.epoch == 0) queue.epoch = next_epoch_++;
        tracker_.track(record.where, record.offset);
        auto& entry = queue.slots[record.offset];
        entry.input.where = record.where;
        entry.input.offset = record.offset;
        pool_.submit(std::move(record), queue.epoch);
    }
    probe_.in_flight(tracker_.in_flight());
    probe_.queue_depth(pool_.queued());
    probe_.workers(pool_.busy_workers(), pool_.size());
}

void pipeline::collect(milliseconds wait) {
    auto results = pool_.take_results(wait);
    for (auto& result : results) {
        const auto it = queues_.find(result.input.where);
        // A result for a partition revoked (or revoked and re-assigned) meanwhile: its
        // offset is no longer ours to commit; the new owner processes it again.
        if (it == queues_.end() || it->second.epoch != result.epoch) continue;
        const auto entry = it->second.slots.find(result.input.offset);
        if (entry == it->second.slots.end()) continue;
        entry->second.ready = true;
        entry->second.input = std::move(result.input);
        entry->second.output = std::move(result.output);
    }
    if (!results.empty()) release_all();
}

void pipeline::release_all() {
    for (auto& [where, queue] : queues_) release(queue);
}

// Produces the ready results at the head of a partition, in offset order, so that
// per-partition order of outcomes follows the order of inputs.
void pipeline::release(partition_queue& queue) {
    while (!queue.slots.empty() && queue.slots.begin()->second.ready && !failure_) {
        if (!produce_head(queue)) return;
        queue.slots.erase(queue.slots.begin());
    }
}

// False: the head stays (queue full, retried after the next poll) or the pipeline failed.
bool pipeline::produce_head(partition_queue& queue) {
    slot& head = queue.slots.begin()->second;
    if (commit_soon_) return false;  // the open transaction is doomed: nothing more into it
    if (!committer_.before_produce()) {
        fail(committer_.failure_reason());
        return false;
    }
    if (head.output->kind == output_kind::outcome &&
        refused_outcomes_.count({head.input.where, head.input.offset}) > 0) {
        head.output = driver_processor_->dead_letter(
            head.input, "outcome_rejected", "the outcome record was refused by the broker");
    }
    while (true) {
        const produce_status status = sink_.produce(*head.output);
        if (status == produce_status::queued) {
            ++unreported_;
            return true;
        }
        if (status == produce_status::queue_full) return false;
        probe_.produce_rejected(head.output->kind);
        if (head.output->kind == output_kind::dead_letter) {
            fail("a dead letter could not be produced");
            return false;
        }
        // The outcome was refused (e.g. too large for the topic): keep the input as a
        // dead letter instead of losing it.
        head.output = driver_processor_->dead_letter(
            head.input, "outcome_rejected", "the outcome record was refused by the producer");
    }
}

void pipeline::on_delivery(const delivery_report& report) {
    if (unreported_ > 0) --unreported_;
    if (!report.delivered) {
        probe_.delivery_failed(report.kind);
        // In a transaction, records purged by an abort come back here too: expected noise.
        const auto level = committer_.delivery_failure_is_fatal() ? observe::log_level::error
                           : report.refused                       ? observe::log_level::warn
                                                                  : observe::log_level::debug;
        log_.log(level, "delivery_failed",
                 {{"kind", report.kind == output_kind::outcome ? "outcome" : "dead_letter"},
                  {"topic", report.source.topic},
                  {"partition", static_cast<int64_t>(report.source.partition)},
                  {"offset", report.source_offset},
                  {"error", report.error}});
        if (committer_.delivery_failure_is_fatal()) {
            // Not delivered after the client's own retries: stop before anything later is
            // committed past this input.
            fail("a record could not be delivered");
            return;
        }
        // Transactional: the open transaction cannot commit; end (abort) it now and redo
        // its inputs. An outcome the broker refused comes back as a dead letter; a refused
        // dead letter would fail again on every attempt.
        commit_soon_ = true;
        if (report.refused && report.kind == output_kind::outcome) {
            refused_outcomes_.insert({report.source, report.source_offset});
        } else if (report.refused) {
            fail("a dead letter was refused by the broker");
        }
        return;
    }
    std::optional<milliseconds> latency;
    if (report.source_timestamp_ms) {
        const auto now = std::chrono::duration_cast<milliseconds>(
            std::chrono::system_clock::now().time_since_epoch());
        latency = now - milliseconds(*report.source_timestamp_ms);
    }
    probe_.delivered(report.kind, report.bytes, latency);
    tracker_.complete(report.source, report.source_offset);
    probe_.in_flight(tracker_.in_flight());
}

void pipeline::apply_flow_control() {
    const size_t in_flight = tracker_.in_flight();
    const bool full = in_flight >= config_.max_in_flight;
    if (!full) {
        full_since_.reset();
    } else if (!full_since_) {
        full_since_ = clock::now();
    }
    // Pause only when the window stays full: the sink is slow or blocked, not just busy.
    const bool stuck = full && clock::now() - *full_since_ >= config_.pause_after;
    if (!paused_ && stuck && !assigned_.empty()) {
        source_.pause(as_vector(assigned_));
        paused_ = true;
        probe_.paused_partitions(assigned_.size());
        log_.debug("partitions_paused", {{"in_flight", static_cast<int64_t>(in_flight)}});
    } else if (paused_ && in_flight <= config_.max_in_flight / 2) {
        source_.resume(as_vector(assigned_));
        paused_ = false;
        probe_.paused_partitions(0);
        log_.debug("partitions_resumed", {{"in_flight", static_cast<int64_t>(in_flight)}});
    }
}

void pipeline::commit_offsets(bool force) {
    if (!force && !committer_.due(clock::now())) return;
    // Transactional offsets must cover exactly the delivered outputs: wait for the reports
    // of everything produced. If that takes too long, the transaction stays open and the
    // commit is tried again at the next tick.
    if (committer_.needs_delivered_outputs() && !await_deliveries()) return;
    commit_soon_ = false;
    const auto advanced = tracker_.take_advanced();
    switch (committer_.commit(advanced)) {
        case commit_result::done:
            if (!advanced.empty()) probe_.offsets_stored(advanced.size());
            forget_refused(advanced);
            return;
        case commit_result::rewind:
            probe_.commit_failed();
            rewind();
            return;
        case commit_result::fatal:
            fail(committer_.failure_reason());
            return;
    }
}

// Waits for the delivery reports of everything produced, in short slices so that a failed
// delivery (which dooms the transaction: the rest would wait in vain) ends the wait.
// False: neither happened within the drain timeout; the commit is tried again later.
bool pipeline::await_deliveries() {
    const auto deadline = clock::now() + config_.drain_timeout;
    while (unreported_ > 0 && !commit_soon_ && !failure_) {
        if (clock::now() >= deadline) return false;
        sink_.poll(report_wait);
    }
    return true;
}

// A refused outcome is a dead letter in every later attempt until its input is committed.
void pipeline::forget_refused(const std::vector<committed_offset>& committed) {
    for (const auto& c : committed) {
        std::erase_if(refused_outcomes_, [&](const auto& refused) {
            return refused.first == c.where && refused.second < c.next_offset;
        });
    }
}

// The outputs since the last commit were discarded (an aborted transaction): drop every
// result still in flight and take the inputs again from the committed offsets. Results
// of the old epoch that workers still return are ignored by collect().
void pipeline::rewind() {
    sink_.flush(milliseconds{0});  // reports of the aborted records, before forgetting
    commit_soon_ = false;
    size_t dropped = 0;
    std::vector<topic_partition> partitions;  // every partition with a queue is owned
    for (auto& [p, queue] : queues_) {
        dropped += tracker_.in_flight(p);
        tracker_.forget(p);
        queue = partition_queue{next_epoch_++, {}};
        partitions.push_back(p);
    }
    source_.rewind(partitions);
    probe_.in_flight(tracker_.in_flight());
    log_.warn("pipeline_rewound", {{"partitions", static_cast<int64_t>(partitions.size())},
                                   {"dropped_in_flight", static_cast<int64_t>(dropped)}});
}

bool pipeline::pending_in(const std::set<topic_partition>& partitions) const {
    return std::any_of(partitions.begin(), partitions.end(),
                       [&](const topic_partition& p) { return tracker_.in_flight(p) > 0; });
}

void pipeline::drain(const std::set<topic_partition>& partitions, milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    while (pending_in(partitions) && !failure_ && clock::now() < deadline) {
        collect(result_wait);
        release_all();
        sink_.poll(milliseconds{0});
        if (sink_.fatal()) fail("the producer hit a fatal error");
    }
}

void pipeline::on_assigned(const std::vector<topic_partition>& partitions) {
    for (const auto& p : partitions) {
        assigned_.insert(p);
        auto& queue = queues_[p];
        if (queue.epoch == 0) queue.epoch = next_epoch_++;
    }
    // librdkafka keeps a partition's pause flag across revoke and assign: set it to what
    // flow control says now, or a partition revoked while paused is never fetched again.
    if (paused_) {
        source_.pause(partitions);
    } else {
        source_.resume(partitions);
    }
    probe_.rebalanced();
    probe_.assigned_partitions(assigned_.size());
    log_.info("partitions_assigned", {{"count", static_cast<int64_t>(partitions.size())},
                                      {"owned", static_cast<int64_t>(assigned_.size())}});
}

void pipeline::on_revoked(const std::vector<topic_partition>& partitions) {
    const std::set<topic_partition> revoked(partitions.begin(), partitions.end());
    // Finish what we can so the next owner redoes as little as possible; what is still
    // in flight at the deadline is dropped uncommitted (at-least-once).
    drain(revoked, config_.drain_timeout);
    commit_offsets(true);
    if (paused_) source_.resume(partitions);  // leave no stale pause flag behind
    size_t abandoned = 0;
    for (const auto& p : revoked) {
        abandoned += tracker_.in_flight(p);
        tracker_.forget(p);
        queues_.erase(p);
        assigned_.erase(p);
    }
    probe_.rebalanced();
    probe_.assigned_partitions(assigned_.size());
    probe_.in_flight(tracker_.in_flight());
    log_.info("partitions_revoked", {{"count", static_cast<int64_t>(partitions.size())},
                                     {"abandoned_in_flight", static_cast<int64_t>(abandoned)},
                                     {"owned", static_cast<int64_t>(assigned_.size())}});
}

void pipeline::fail(std::string reason) {
    if (failure_) return;
    log_.error("pipeline_failed", {{"reason", reason}});
    failure_ = std::move(reason);
}

}  // namespace imr::stream
