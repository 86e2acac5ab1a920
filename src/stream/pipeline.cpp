#include "imr/stream/pipeline.h"

#include <algorithm>
#include <deque>
#include <map>

namespace imr::stream {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds result_wait{5};
constexpr milliseconds report_wait{10};

std::vector<topic_partition> as_vector(const std::set<topic_partition>& partitions) {
    return {partitions.begin(), partitions.end()};
}

// The batch's records taken one partition at a time in turn, each partition's in offset
// order: the client hands out a fetched run of one partition before the next, and the
// workers take jobs in submission order, so without this a backlog on one partition
// would keep the others' work (and their commits) waiting behind it.
std::vector<input_record> interleave_partitions(std::vector<input_record> records) {
    const bool one_partition =
        std::all_of(records.begin(), records.end(),
                    [&](const input_record& r) { return r.where == records.front().where; });
    if (one_partition) return records;
    std::map<topic_partition, std::deque<input_record>> runs;
    for (auto& r : records) runs[r.where].push_back(std::move(r));
    std::vector<input_record> out;
    out.reserve(records.size());
    while (out.size() < records.size()) {
        for (auto& [where, run] : runs) {
            if (run.empty()) continue;
            out.push_back(std::move(run.front()));
            run.pop_front();
        }
    }
    return out;
}

std::chrono::microseconds micros(std::chrono::steady_clock::duration d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d);
}

milliseconds remaining(std::chrono::steady_clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    return std::max(left, milliseconds{0});
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
      pool_(std::max<size_t>(1, config.workers), make_processor, wake_) {
    source_.set_rebalance_listener(this);
    sink_.set_delivery_listener(this);
    source_wakes_ = source_.set_wakeup([this] { wake_.notify(); });
}

pipeline::~pipeline() {
    source_.set_wakeup(nullptr);
    source_.set_rebalance_listener(nullptr);
    sink_.set_delivery_listener(nullptr);
}

pipeline_result pipeline::run(std::stop_token stop) {
    log_.info("pipeline_started",
              {{"workers", static_cast<int64_t>(pool_.size())},
               {"max_in_flight", static_cast<int64_t>(config_.max_in_flight)},
               {"max_in_flight_bytes", static_cast<int64_t>(config_.max_in_flight_bytes)}});
    const std::stop_callback wake_on_stop(stop, [this] { wake_.notify(); });
    while (!stop.stop_requested() && !failure_) {
        probe_.loop_ticked();
        const bool more_to_poll = poll_source();
        collect();
        sink_.poll(milliseconds{0});
        if (sink_.fatal()) fail("the producer hit a fatal error");
        if (source_.fatal()) fail("the consumer hit a fatal error");
        apply_flow_control();
        commit_offsets(commit_soon_);
        if (!more_to_poll) wait_for_work();
    }
    pipeline_result result;
    shut_down(result);
    return result;
}

bool pipeline::window_full() const {
    const size_t count = in_flight();
    return count >= config_.max_in_flight ||
           (count > 0 && in_flight_bytes() >= config_.max_in_flight_bytes);
}

// True when the source may hold more records that there is room for now.
bool pipeline::poll_source() {
    const size_t count = in_flight();
    // A source that wakes us is never waited on: the wait is wait_for_work's, which the
    // workers' results end as well.
    const milliseconds timeout =
        count > 0 || source_wakes_ ? milliseconds{0} : config_.poll_timeout;
    // A full window that is not (yet) paused waits for room without polling: the
    // client's own prefetch is bounded, and pausing at every brief fill would stall
    // its fetcher (librdkafka resumes fetching only at its next fetch tick, ~1 s).
    // Once paused, polling goes on for one record at a time, which serves rebalances
    // and keeps the group membership alive.
    const bool full = window_full();
    if (full && !paused_) return false;
    const size_t room = full ? 1 : std::min(config_.max_in_flight - count, config_.poll_batch);
    const size_t bytes = in_flight_bytes();
    const size_t byte_room =
        bytes < config_.max_in_flight_bytes ? config_.max_in_flight_bytes - bytes : 1;
    auto records = source_.poll(std::max<size_t>(room, 1), timeout, byte_room);
    const bool more = !full && records.size() >= room;
    accept(std::move(records));
    return more;
}

// Sleeps until a worker has results or the source has records, at most a few ms while
// work is in flight (delivery reports, a producer queue that was full and the flow
// control's clock are looked at then), else the poll timeout.
void pipeline::wait_for_work() {
    const size_t count = in_flight();
    if (count == 0 && !source_wakes_) return;  // poll_source waited inside the source
    wake_.wait_for(count > 0 ? result_wait : config_.poll_timeout);
}

partition_session* pipeline::session_of(const topic_partition& where, uint64_t generation) {
    const auto it = sessions_.find(where);
    if (it == sessions_.end() || !it->second->owns(where, generation)) return nullptr;
    return it->second.get();
}

void pipeline::accept(std::vector<input_record> records) {
    const auto taken = clock::now();
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    for (auto& record : interleave_partitions(std::move(records))) {
        probe_.consumed(record.value.size());
        partition_session* session = session_of(record.where, record.generation);
        // Read under an assignment that has ended (a revoke in the middle of the batch),
        // or an offset already taken: never ours to process or commit.
        if (session == nullptr || !session->take(record)) {
            probe_.stale_dropped();
            continue;
        }
        // A timestamp ahead of our clock (another producer's clock) says nothing.
        if (record.timestamp_ms && now >= milliseconds(*record.timestamp_ms))
            probe_.stage_took(latency_stage::fetch, now - milliseconds(*record.timestamp_ms));
        record.taken_at = taken;
        pool_.submit(std::move(record));
    }
    report_load();
}

void pipeline::report_load() {
    probe_.in_flight(in_flight());
    probe_.in_flight_bytes(in_flight_bytes());
    probe_.queue_depth(pool_.queued());
    probe_.workers(pool_.busy_workers(), pool_.size());
}

void pipeline::collect() {
    auto results = pool_.take_results();
    for (auto& result : results) {
        partition_session* session = session_of(result.input.where, result.input.generation);
        // A result for a partition revoked (or revoked and re-assigned) meanwhile: its
        // offset is no longer ours to commit; the new owner processes it again.
        if (session == nullptr) {
            probe_.stale_dropped();
            continue;
        }
        probe_.stage_took(latency_stage::queue, micros(result.started - result.input.taken_at));
        probe_.stage_took(latency_stage::process, micros(result.finished - result.started));
        if (!result.output) {
            log_.error("worker_exception", {{"topic", result.input.where.topic},
                                            {"partition", result.input.where.partition},
                                            {"offset", result.input.offset},
                                            {"reason", result.error}});
            result.output = driver_processor_->dead_letter(result.input, "internal",
                                                           "processing failed: " + result.error);
        }
        result.output->ready_at = result.finished;
        session->finish(std::move(result.input), std::move(*result.output));
    }
    // Also without new results: a head refused for a full producer queue must be offered
    // again once the queue drains, or a full in-flight window waits for ever.
    release_all();
}

void pipeline::release_all() {
    for (auto& [where, session] : sessions_) release(*session);
}

// Produces the ready results at the head of a partition, in offset order, so that
// per-partition order of outcomes follows the order of inputs.
void pipeline::release(partition_session& session) {
    while (!failure_ && session.ready_head() != nullptr) {
        if (!produce_head(session)) return;
        session.produced_head();
    }
}

// False: the head stays (queue full, retried after the next poll) or the pipeline failed.
bool pipeline::produce_head(partition_session& session) {
    if (commit_soon_) return false;  // the open transaction is doomed: nothing more into it
    if (!committer_.before_produce()) {
        fail(committer_.failure_reason());
        return false;
    }
    const input_record* input = session.head_input();
    if (session.ready_head()->kind == output_kind::outcome && input != nullptr &&
        refused_outcomes_.count({input->where, input->offset}) > 0) {
        session.replace_head(driver_processor_->dead_letter(
            *input, "outcome_rejected", "the outcome record was refused by the broker"));
    }
    while (true) {
        output_record* head = session.ready_head();
        const produce_status status = sink_.produce(*head);
        if (status == produce_status::queued) {
            if (head->ready_at)
                probe_.stage_took(latency_stage::release, micros(clock::now() - *head->ready_at));
            ++unreported_;
            return true;
        }
        if (status == produce_status::queue_full) return false;
        probe_.produce_rejected(head->kind);
        if (head->kind == output_kind::dead_letter || session.head_input() == nullptr) {
            fail("a dead letter could not be produced");
            return false;
        }
        // The outcome was refused (e.g. too large for the topic): keep the input as a
        // dead letter instead of losing it.
        session.replace_head(
            driver_processor_->dead_letter(*session.head_input(), "outcome_rejected",
                                           "the outcome record was refused by the producer"));
    }
}

void pipeline::on_delivery(const delivery_report& report) {
    const std::string_view kind = report.kind == output_kind::outcome ? "outcome" : "dead_letter";
    if (unreported_ > 0) --unreported_;
    if (!report.delivered) {
        probe_.delivery_failed(report.kind);
        // In a transaction, records purged by an abort come back here too: expected noise.
        const auto level = committer_.delivery_failure_is_fatal() ? observe::log_level::error
                           : report.refused                       ? observe::log_level::warn
                                                                  : observe::log_level::debug;
        log_.log(level, "delivery_failed",
                 {{"kind", kind},
                  {"topic", report.topic},
                  {"source_topic", report.source.topic},
                  {"source_partition", report.source.partition},
                  {"source_offset", report.source_offset},
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
    if (report.since_produce) probe_.stage_took(latency_stage::acknowledge, *report.since_produce);
    partition_session* session = session_of(report.source, report.source_generation);
    if (session == nullptr || !session->delivered(report.source_offset)) probe_.stale_dropped();
    probe_.in_flight(in_flight());
    probe_.in_flight_bytes(in_flight_bytes());
}

void pipeline::apply_flow_control() {
    const bool full = window_full();
    if (!full) {
        full_since_.reset();
    } else if (!full_since_) {
        full_since_ = clock::now();
    }
    // Pause only when the window stays full with every document in it processed: the sink
    // is slow or blocked. A window kept full by inputs still waiting for a worker (slow
    // documents, or a core shared with other work) is not stuck: pausing there would only
    // throw away the client's prefetch, which it fetches again at its next tick.
    const bool stuck =
        full && clock::now() - *full_since_ >= config_.pause_after && pool_.queued() == 0;
    const size_t count = in_flight();
    if (!paused_ && stuck && !sessions_.empty()) {
        source_.pause(as_vector(owned()));
        paused_ = true;
        probe_.paused_partitions(sessions_.size());
        log_.debug("partitions_paused", {{"in_flight", static_cast<int64_t>(count)}});
    } else if (paused_ && count <= config_.max_in_flight / 2 &&
               in_flight_bytes() <= config_.max_in_flight_bytes / 2) {
        source_.resume(as_vector(owned()));
        paused_ = false;
        probe_.paused_partitions(0);
        log_.debug("partitions_resumed", {{"in_flight", static_cast<int64_t>(count)}});
    }
}

void pipeline::commit_offsets(bool force) {
    if (!force && !committer_.due(clock::now())) return;
    // Transactional offsets must cover exactly the delivered outputs: wait for the reports
    // of everything produced. If that takes too long, the transaction stays open and the
    // commit is tried again at the next tick.
    if (committer_.needs_delivered_outputs() && !await_deliveries()) return;
    commit_soon_ = false;
    std::vector<committed_offset> advanced;
    for (auto& [where, session] : sessions_) {
        if (auto next = session->take_advanced()) advanced.push_back({where, *next});
    }
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

// Waits for the delivery reports of everything produced, so that a failed delivery (which
// dooms the transaction: the rest would wait in vain) ends the wait at once. False:
// neither happened within the drain timeout; the commit is tried again later.
bool pipeline::await_deliveries() {
    auto deadline = clock::now() + config_.drain_timeout;
    if (shutdown_deadline_) deadline = std::min(deadline, *shutdown_deadline_);
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

// The outputs since the last commit were discarded (an aborted transaction): every
// session starts again, under a new generation, from the committed offsets. Queued work
// is cancelled; results and reports of the old generation find no session.
void pipeline::rewind() {
    sink_.poll(milliseconds{0});  // reports of the aborted records, before the sessions go
    commit_soon_ = false;
    const std::set<topic_partition> partitions = owned();
    cancel_queued([&](const input_record& input) { return partitions.count(input.where) > 0; });
    size_t dropped = 0;
    for (const auto& [where, session] : sessions_) dropped += session->in_flight();
    const uint64_t generation = source_.rewind(as_vector(partitions));
    for (const auto& p : partitions)
        sessions_[p] = std::make_unique<partition_session>(p, generation);
    report_load();
    log_.warn("pipeline_rewound", {{"partitions", static_cast<int64_t>(partitions.size())},
                                   {"dropped_in_flight", static_cast<int64_t>(dropped)},
                                   {"generation", static_cast<int64_t>(generation)}});
}

size_t pipeline::in_flight() const {
    size_t total = 0;
    for (const auto& [where, session] : sessions_) total += session->in_flight();
    return total;
}

size_t pipeline::in_flight_bytes() const {
    size_t total = 0;
    for (const auto& [where, session] : sessions_) total += session->in_flight_bytes();
    return total;
}

std::set<topic_partition> pipeline::owned() const {
    std::set<topic_partition> out;
    for (const auto& [where, session] : sessions_) out.insert(where);
    return out;
}

bool pipeline::pending_in(const std::set<topic_partition>& partitions) const {
    return std::any_of(partitions.begin(), partitions.end(), [&](const topic_partition& p) {
        const auto it = sessions_.find(p);
        return it != sessions_.end() && it->second->active() > 0;
    });
}

void pipeline::drain(const std::set<topic_partition>& partitions, clock::time_point deadline) {
    while (pending_in(partitions) && !failure_ && clock::now() < deadline) {
        // The loop is alive while it drains: liveness must not fail a draining instance.
        probe_.loop_ticked();
        collect();
        sink_.poll(milliseconds{0});
        if (sink_.fatal()) fail("the producer hit a fatal error");
        if (pending_in(partitions)) wake_.wait_for(result_wait);
    }
}

// Graceful stop within one budget: work not started is cancelled, started work is
// finished, flushed and committed, and the group is left, all by the same deadline.
void pipeline::shut_down(pipeline_result& result) {
    shutdown_deadline_ = clock::now() + config_.shutdown_timeout;
    result.cancelled = cancel_queued([](const input_record&) { return true; });
    if (!failure_) {
        log_.info("pipeline_draining", {{"in_flight", static_cast<int64_t>(in_flight())},
                                        {"cancelled", static_cast<int64_t>(result.cancelled)}});
        drain(owned(), *shutdown_deadline_);
        if (!sink_.flush(remaining(*shutdown_deadline_))) log_.warn("producer_flush_timed_out");
    }
    commit_offsets(true);
    if (!failure_ && !source_.commit_now(remaining(*shutdown_deadline_))) {
        probe_.commit_failed();
        log_.warn("final_commit_failed");
    }
    if (!source_.close(remaining(*shutdown_deadline_))) log_.warn("consumer_close_timed_out");
    result.abandoned = unfinished_at_revoke_;
    for (const auto& [where, session] : sessions_) result.abandoned += session->active();
    result.failed = failure_.has_value();
    result.clean = !result.failed && result.abandoned == 0;
    if (failure_) {
        result.reason = *failure_;
    } else if (result.abandoned > 0) {
        result.reason = "the shutdown timeout ran out with work in flight";
    }
    log_.info("pipeline_stopped", {{"clean", result.clean},
                                   {"abandoned_in_flight", static_cast<int64_t>(result.abandoned)},
                                   {"cancelled", static_cast<int64_t>(result.cancelled)}});
}

void pipeline::on_assigned(const std::vector<topic_partition>& partitions, uint64_t generation) {
    for (const auto& p : partitions) {
        // A fresh session even if one is left (an assign without its revoke): whatever
        // the old one had in flight can no longer be committed by us.
        sessions_[p] = std::make_unique<partition_session>(p, generation);
    }
    // librdkafka keeps a partition's pause flag across revoke and assign: set it to what
    // flow control says now, or a partition revoked while paused is never fetched again.
    if (paused_) {
        source_.pause(partitions);
    } else {
        source_.resume(partitions);
    }
    probe_.rebalanced();
    probe_.assigned_partitions(sessions_.size());
    log_.info("partitions_assigned", {{"count", static_cast<int64_t>(partitions.size())},
                                      {"owned", static_cast<int64_t>(sessions_.size())},
                                      {"generation", static_cast<int64_t>(generation)}});
}

void pipeline::on_revoked(const std::vector<topic_partition>& partitions) {
    const std::set<topic_partition> revoked(partitions.begin(), partitions.end());
    // Work not started is not worth finishing for a partition we are giving up: the next
    // owner reads it again from the committed offset.
    const size_t cancelled =
        cancel_queued([&](const input_record& input) { return revoked.count(input.where) > 0; });
    // Finish what is started so the next owner redoes as little as possible; what is
    // still in flight at the deadline is dropped uncommitted (at-least-once).
    auto deadline = clock::now() + config_.drain_timeout;
    if (shutdown_deadline_) deadline = std::min(deadline, *shutdown_deadline_);
    drain(revoked, deadline);
    // Their final watermarks: stored for the consumer's commit on revoke, or committed in
    // the open transaction before the partitions go.
    commit_offsets(true);
    if (paused_) source_.resume(partitions);  // leave no stale pause flag behind
    size_t unfinished = 0;
    for (const auto& p : revoked) {
        const auto it = sessions_.find(p);
        if (it == sessions_.end()) continue;
        unfinished += it->second->active();
        sessions_.erase(it);  // later results and reports of it find no session
    }
    if (shutdown_deadline_) unfinished_at_revoke_ += unfinished;
    probe_.rebalanced();
    probe_.assigned_partitions(sessions_.size());
    report_load();
    log_.info("partitions_revoked", {{"count", static_cast<int64_t>(partitions.size())},
                                     {"cancelled", static_cast<int64_t>(cancelled)},
                                     {"abandoned_in_flight", static_cast<int64_t>(unfinished)},
                                     {"owned", static_cast<int64_t>(sessions_.size())}});
}

size_t pipeline::cancel_queued(const std::function<bool(const input_record&)>& which) {
    const auto cancelled = pool_.cancel_queued(which);
    for (const auto& input : cancelled) {
        if (auto* session = session_of(input.where, input.generation)) session->cancelled(input);
    }
    return cancelled.size();
}

void pipeline::fail(std::string reason) {
    if (failure_) return;
    log_.error("pipeline_failed", {{"reason", reason}});
    failure_ = std::move(reason);
}

}  // namespace imr::stream
