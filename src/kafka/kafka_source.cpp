#include "imr/kafka/kafka_source.h"

#include <algorithm>
#include <climits>
#include <exception>
#include <stdexcept>

#include "imr/observe/logger.h"

namespace imr::kafka {

namespace {

// 32 MiB: above the broker's 26 MiB topic limit, so every record the broker accepted (a
// 20 MB letter included) can be fetched.
constexpr const char* max_fetch_bytes = "33554432";
// Per partition and fetch: small, so that one fetch brings a little of every partition
// rather than 32 MiB of one, which under a backlog left the others without a commit for
// tens of seconds. A larger record is still fetched: the broker returns a first record
// batch that exceeds the limit, and librdkafka doubles a partition's fetch size when a
// record does not fit.
constexpr const char* partition_fetch_bytes = "1048576";

constexpr int rewind_timeout_ms = 10000;

int to_poll_timeout(std::chrono::milliseconds timeout) {
    return static_cast<int>(
        std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 0, INT_MAX));
}

std::chrono::milliseconds until(std::chrono::steady_clock::time_point deadline) {
    return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now()),
                    std::chrono::milliseconds{0});
}

struct event_deleter {
    void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
using event_ptr = std::unique_ptr<rd_kafka_event_t, event_deleter>;

// A commit that waits at most `timeout` for the broker: the synchronous rd_kafka_commit
// waits as long as the coordinator is away (46 s seen after an outage). On timeout the
// commit may still land later; nothing waits for it. `offsets` null: what is stored.
rd_kafka_resp_err_t bounded_commit(rd_kafka_t* rk, const rd_kafka_topic_partition_list_t* offsets,
                                   std::chrono::milliseconds timeout) {
    const queue_ptr queue(rd_kafka_queue_new(rk));
    const auto err = rd_kafka_commit_queue(rk, offsets, queue.get(), nullptr, nullptr);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return err;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        const event_ptr event(rd_kafka_queue_poll(queue.get(), to_poll_timeout(until(deadline))));
        if (!event) return RD_KAFKA_RESP_ERR__TIMED_OUT;
        if (rd_kafka_event_type(event.get()) == RD_KAFKA_EVENT_OFFSET_COMMIT)
            return rd_kafka_event_error(event.get());
    }
}

// "topic[0],topic[3]" for log lines; partition numbers are not letter content.
std::string describe(const std::vector<stream::topic_partition>& partitions) {
    std::string text;
    for (const auto& p : partitions) {
        if (!text.empty()) text.push_back(',');
        text += p.topic;
        text.push_back('[');
        text += std::to_string(p.partition);
        text.push_back(']');
    }
    return text;
}

stream::input_record copy_record(const rd_kafka_message_t& message, uint64_t generation) {
    stream::input_record record;
    record.generation = generation;
    record.where.topic = rd_kafka_topic_name(message.rkt);
    record.where.partition = message.partition;
    record.offset = message.offset;
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    if (const int64_t ts = rd_kafka_message_timestamp(&message, &type); ts != -1)
        record.timestamp_ms = ts;
    record.key = message_key(message);
    record.value = message_value(message);

    record.headers = message_headers(message);
    return record;
}

}  // namespace

kafka_source::kafka_source(std::string_view brokers, std::string_view group_id,
                           const std::vector<std::string>& topics, const properties& extra,
                           observe::logger& log, consumer_options options)
    : events_(log, "consumer", std::move(options.on_statistics)),
      commit_timeout_(options.commit_timeout) {
    if (topics.empty()) throw std::invalid_argument("kafka_source: no topics to subscribe to");

    properties props{
        {"bootstrap.servers", std::string(brokers)},
        {"group.id", std::string(group_id)},
        // The pipeline stores only the contiguous low watermark of finished records;
        // librdkafka must not store what it merely handed out.
        {"enable.auto.offset.store", "false"},
        // Auto-commit commits only what was stored, so it is safe and saves a round trip
        // per batch.
        {"enable.auto.commit", "true"},
        {"auto.commit.interval.ms", std::to_string(options.auto_commit_interval_ms)},
        {"auto.offset.reset", "earliest"},
        {"enable.partition.eof", "false"},
        {"queued.max.messages.kbytes", std::to_string(options.queued_max_messages_kbytes)},
        {"queued.min.messages", std::to_string(options.queued_min_messages)},
        // Per partition (max.partition.fetch.bytes is an alias) and per fetch: set
        // explicitly because librdkafka otherwise shrinks fetch.max.bytes to the queue bound.
        {"fetch.message.max.bytes", partition_fetch_bytes},
        {"fetch.max.bytes", max_fetch_bytes},
    };
    props.insert(props.end(), extra.begin(), extra.end());

    conf_ptr conf = make_conf(props);
    rd_kafka_conf_set_opaque(conf.get(), this);
    rd_kafka_conf_set_rebalance_cb(conf.get(), &kafka_source::rebalance_trampoline);
    rd_kafka_conf_set_error_cb(conf.get(), &kafka_source::error_trampoline);
    rd_kafka_conf_set_log_cb(conf.get(), &kafka_source::log_trampoline);
    if (events_.wants_statistics())
        rd_kafka_conf_set_stats_cb(conf.get(), &kafka_source::statistics_trampoline);
    rk_ = make_client(RD_KAFKA_CONSUMER, std::move(conf));

    // Errors and statistics then arrive through rd_kafka_consumer_poll, on the driver
    // thread, instead of needing a second poll loop.
    rd_kafka_poll_set_consumer(rk_.get());

    partition_list_ptr subscription(
        rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
    for (const auto& topic : topics) {
        rd_kafka_topic_partition_list_add(subscription.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
    }
    if (const auto err = rd_kafka_subscribe(rk_.get(), subscription.get());
        err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw std::runtime_error(std::string("kafka: cannot subscribe: ") + rd_kafka_err2str(err));
    }
    events_.log().info("kafka_consumer_started",
                       {{"group", group_id},
                        {"topics", static_cast<int64_t>(topics.size())},
                        {"queued_max_messages_kbytes", options.queued_max_messages_kbytes},
                        {"queued_min_messages", options.queued_min_messages}});
}

kafka_source::~kafka_source() {
    // No wake-up may reach a caller that has gone (set_wakeup(nullptr) is the caller's
    // duty; this covers an exception path), and the queue handle must go before the client.
    if (consumer_queue_) {
        rd_kafka_queue_cb_event_enable(consumer_queue_.get(), nullptr, nullptr);
        consumer_queue_.reset();
    }
    try {
        (void)close(std::chrono::milliseconds(commit_timeout_));
    } catch (...) {
        // Nothing sensible to do in a destructor; rd_kafka_destroy below still leaves the group.
    }
    if (rk_ && (events_.fatal() || close_abandoned_)) {
        // librdkafka refuses to close a consumer in the fatal state, and a plain
        // rd_kafka_destroy would try that close again and wait for it forever; after a
        // close that ran out of time, waiting again would overrun the shutdown budget.
        rd_kafka_destroy_flags(rk_.release(), RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
        return;
    }
    rk_.reset();
}

void kafka_source::rebalance_trampoline(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                        rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    static_cast<kafka_source*>(opaque)->on_rebalance(rk, err, *partitions);
}

void kafka_source::wakeup_trampoline(rd_kafka_t*, void* opaque) {
    static_cast<kafka_source*>(opaque)->wake_();
}

bool kafka_source::set_wakeup(std::function<void()> wake) {
    if (!rk_) return false;
    if (!consumer_queue_) consumer_queue_.reset(rd_kafka_queue_get_consumer(rk_.get()));
    if (!consumer_queue_) return false;
    // librdkafka calls the callback, and changes it, under the queue's lock: once it is
    // disabled no call is running, and `wake_` can be replaced.
    rd_kafka_queue_cb_event_enable(consumer_queue_.get(), nullptr, nullptr);
    wake_ = std::move(wake);
    if (wake_) {
        // Called when the queue (messages, and the events forwarded to it) gets an entry.
        rd_kafka_queue_cb_event_enable(consumer_queue_.get(), &kafka_source::wakeup_trampoline,
                                       this);
    }
    return true;
}

void kafka_source::error_trampoline(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    static_cast<kafka_source*>(opaque)->events_.on_error(rk, err, reason);
}

void kafka_source::log_trampoline(const rd_kafka_t* rk, int level, const char* facility,
                                  const char* message) {
    if (auto* self = static_cast<kafka_source*>(rd_kafka_opaque(rk)); self != nullptr) {
        self->events_.on_log(level, facility, message);
    }
}

int kafka_source::statistics_trampoline(rd_kafka_t*, char* json, std::size_t json_len,
                                        void* opaque) {
    static_cast<kafka_source*>(opaque)->events_.on_statistics(std::string_view(json, json_len));
    return 0;  // librdkafka frees the JSON
}

void kafka_source::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                rd_kafka_topic_partition_list_t& partitions) {
    // No exception may unwind through librdkafka's C frames, and the assignment must be
    // synchronised whatever the listener does, or the group stalls.
    rebalances_.fetch_add(1, std::memory_order_relaxed);
    const char* protocol_name = rd_kafka_rebalance_protocol(rk);
    const std::string_view protocol = protocol_name != nullptr ? protocol_name : "NONE";
    const bool cooperative = protocol == "COOPERATIVE";
    auto& log = events_.log();
    try {
        const auto list = from_partition_list(partitions);
        switch (err) {
            case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS: {
                assign(rk, partitions, cooperative);
                // The cooperative protocol assigns empty increments on every round; they
                // change nothing, so they are neither news nor worth a listener call.
                if (list.empty()) {
                    log.debug("kafka_partitions_assigned", {{"protocol", protocol}, {"count", 0}});
                    break;
                }
                log.info("kafka_partitions_assigned", {{"protocol", protocol},
                                                       {"count", static_cast<int64_t>(list.size())},
                                                       {"partitions", describe(list)}});
                const uint64_t generation = next_generation_++;
                for (const auto& p : list) generations_[p] = generation;
                if (listener_ != nullptr) {
                    try {
                        listener_->on_assigned(list, generation);
                    } catch (const std::exception& e) {
                        log.error("kafka_rebalance_listener_failed",
                                  {{"phase", "assigned"}, {"reason", e.what()}});
                    }
                }
                break;
            }

            case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS: {
                const bool lost = rd_kafka_assignment_lost(rk) != 0;
                log.info("kafka_partitions_revoked", {{"protocol", protocol},
                                                      {"count", static_cast<int64_t>(list.size())},
                                                      {"partitions", describe(list)},
                                                      {"lost", lost}});
                // First let the pipeline finish (and store) the partitions' work, while
                // we still own them and can commit for them.
                if (listener_ != nullptr) {
                    try {
                        listener_->on_revoked(list);
                    } catch (const std::exception& e) {
                        // Stored offsets only cover finished work, so committing them is
                        // still right.
                        log.error("kafka_rebalance_listener_failed",
                                  {{"phase", "revoked"}, {"reason", e.what()}});
                    }
                }
                if (lost) {
                    // Another member may already own them; a commit would be refused.
                    log.warn("kafka_assignment_lost",
                             {{"count", static_cast<int64_t>(list.size())}});
                } else {
                    commit_stored(rk, list);
                }
                unassign(rk, partitions, cooperative);
                forget(list);
                break;
            }

            default:
                log.error("kafka_rebalance_error", {{"error", rd_kafka_err2name(err)},
                                                    {"reason", rd_kafka_err2str(err)},
                                                    {"protocol", protocol}});
                unassign(rk, partitions, cooperative);  // bring librdkafka's state back in sync
                forget(list);
                break;
        }
    } catch (const std::exception& e) {
        log.error("kafka_rebalance_failed", {{"reason", e.what()}});
    } catch (...) {
        log.error("kafka_rebalance_failed", {});
    }
}

void kafka_source::assign(rd_kafka_t* rk, rd_kafka_topic_partition_list_t& partitions,
                          bool cooperative) {
    if (cooperative) {
        if (const error_ptr error(rd_kafka_incremental_assign(rk, &partitions)); error) {
            events_.log().error("kafka_assign_failed",
                                {{"error", rd_kafka_error_name(error.get())},
                                 {"reason", rd_kafka_error_string(error.get())}});
            if (rd_kafka_error_is_fatal(error.get()) != 0)
                events_.set_fatal(rk, rd_kafka_error_string(error.get()));
        }
    } else if (const auto err = rd_kafka_assign(rk, &partitions);
               err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        events_.log().error("kafka_assign_failed",
                            {{"error", rd_kafka_err2name(err)}, {"reason", rd_kafka_err2str(err)}});
        if (err == RD_KAFKA_RESP_ERR__FATAL) events_.set_fatal(rk, "assign");
    }
}

void kafka_source::unassign(rd_kafka_t* rk, rd_kafka_topic_partition_list_t& partitions,
                            bool cooperative) {
    if (cooperative) {
        if (const error_ptr error(rd_kafka_incremental_unassign(rk, &partitions)); error) {
            events_.log().error("kafka_unassign_failed",
                                {{"error", rd_kafka_error_name(error.get())},
                                 {"reason", rd_kafka_error_string(error.get())}});
            if (rd_kafka_error_is_fatal(error.get()) != 0)
                events_.set_fatal(rk, rd_kafka_error_string(error.get()));
        }
    } else if (const auto err = rd_kafka_assign(rk, nullptr); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        events_.log().error("kafka_unassign_failed",
                            {{"error", rd_kafka_err2name(err)}, {"reason", rd_kafka_err2str(err)}});
        if (err == RD_KAFKA_RESP_ERR__FATAL) events_.set_fatal(rk, "unassign");
    }
}

void kafka_source::commit_stored(rd_kafka_t* rk,
                                 const std::vector<stream::topic_partition>& partitions) {
    partition_list_ptr offsets(
        rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
    for (const auto& p : partitions) {
        if (const auto it = stored_.find(p); it != stored_.end()) {
            rd_kafka_topic_partition_list_add(offsets.get(), p.topic.c_str(), p.partition)->offset =
                it->second;
        }
    }
    if (offsets->cnt == 0) return;
    // Waited for: the next owner must start after what we finished, not at the last
    // auto-commit. Bounded: by the commit timeout, and when closing by its deadline.
    auto timeout = commit_timeout_;
    if (close_deadline_) timeout = std::min(timeout, until(*close_deadline_));
    const auto err = bounded_commit(rk, offsets.get(), timeout);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) {
        events_.log().info("kafka_committed_on_revoke", {{"count", offsets->cnt}});
        return;
    }
    events_.log().warn(
        "kafka_commit_failed",
        {{"when", "revoke"}, {"error", rd_kafka_err2name(err)}, {"reason", rd_kafka_err2str(err)}});
    if (err == RD_KAFKA_RESP_ERR__FATAL) events_.set_fatal(rk, "commit on revoke");
}

void kafka_source::forget(const std::vector<stream::topic_partition>& partitions) {
    for (const auto& p : partitions) {
        stored_.erase(p);
        generations_.erase(p);
    }
}

uint64_t kafka_source::generation_of(const rd_kafka_message_t& message) const {
    const stream::topic_partition where{rd_kafka_topic_name(message.rkt), message.partition};
    const auto it = generations_.find(where);
    return it == generations_.end() ? 0 : it->second;  // 0: no session has it
}

std::vector<stream::input_record> kafka_source::poll(std::size_t max_records,
                                                     std::chrono::milliseconds timeout,
                                                     std::size_t max_bytes) {
    std::vector<stream::input_record> records;
    // After a fatal error nothing more may be processed: it could never be committed.
    if (closed_ || max_records == 0 || events_.fatal()) return records;

    int wait_ms = to_poll_timeout(timeout);
    std::size_t bytes = 0;
    // Bounded by max_records polls so that a burst of error events cannot keep us here.
    // The rebalance callback may run inside any of these polls: each record is stamped
    // with its partition's generation as it is read, so records read before a revoke keep
    // the generation that ended.
    for (std::size_t polled = 0;
         polled < max_records && records.size() < max_records && bytes < max_bytes; ++polled) {
        const message_ptr message(rd_kafka_consumer_poll(rk_.get(), wait_ms));
        wait_ms = 0;  // only the first call waits; then take what is already fetched
        if (!message) break;
        if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            on_message_error(*message);
            continue;
        }
        records.push_back(copy_record(*message, generation_of(*message)));
        bytes += message->len;
        // `message` is destroyed here: librdkafka's buffer is released at once.
    }
    return records;
}

void kafka_source::on_message_error(const rd_kafka_message_t& message) {
    const char* topic = message.rkt != nullptr ? rd_kafka_topic_name(message.rkt) : "";
    if (message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        events_.log().debug(
            "kafka_partition_eof",
            {{"topic", topic}, {"partition", message.partition}, {"offset", message.offset}});
        return;
    }
    if (message.err == RD_KAFKA_RESP_ERR__FATAL) {
        events_.set_fatal(rk_.get(), rd_kafka_message_errstr(&message));
        return;
    }
    // e.g. __UNKNOWN_TOPIC_OR_PART for a subscribed topic that does not exist (yet), or
    // an authorization error. The text is librdkafka's, not the record's.
    events_.log().warn("kafka_consume_error", {{"error", rd_kafka_err2name(message.err)},
                                               {"reason", rd_kafka_message_errstr(&message)},
                                               {"topic", topic},
                                               {"partition", message.partition},
                                               {"offset", message.offset}});
}

void kafka_source::pause(const std::vector<stream::topic_partition>& partitions) {
    change_flow(partitions, &rd_kafka_pause_partitions, "kafka_pause_failed",
                "kafka_partitions_paused");
}

void kafka_source::resume(const std::vector<stream::topic_partition>& partitions) {
    change_flow(partitions, &rd_kafka_resume_partitions, "kafka_resume_failed",
                "kafka_partitions_resumed");
}

void kafka_source::change_flow(const std::vector<stream::topic_partition>& partitions,
                               flow_change change, std::string_view failed_event,
                               std::string_view done_event) {
    if (partitions.empty() || closed_) return;
    const auto list = to_partition_list(partitions);
    const auto err = change(rk_.get(), list.get());
    for (int i = 0; i < list->cnt; ++i) {
        const auto& p = list->elems[i];
        if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            events_.log().warn(failed_event, {{"topic", p.topic},
                                              {"partition", p.partition},
                                              {"error", rd_kafka_err2name(p.err)}});
        }
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        events_.log().warn(failed_event, {{"error", rd_kafka_err2name(err)}});
    } else {
        events_.log().debug(done_event, {{"partitions", describe(partitions)}});
    }
}

void kafka_source::store(const std::vector<stream::committed_offset>& offsets) {
    // Not guarded by closed_: on_revoked, called from inside close(), stores its last
    // watermarks here.
    if (offsets.empty() || !rk_) return;
    partition_list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
    for (const auto& o : offsets) {
        rd_kafka_topic_partition_list_add(list.get(), o.where.topic.c_str(), o.where.partition)
            ->offset = o.next_offset;
    }
    const auto err = rd_kafka_offsets_store(rk_.get(), list.get());
    if (err == RD_KAFKA_RESP_ERR__INVALID_ARG) {
        // Only when enable.auto.offset.store was overridden to true: a configuration bug.
        events_.log().error("kafka_offset_store_failed", {{"error", rd_kafka_err2name(err)}});
        return;
    }
    for (int i = 0; i < list->cnt; ++i) {
        const auto& p = list->elems[i];
        if (p.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            stored_[stream::topic_partition{p.topic, p.partition}] = p.offset;
        } else {
            // __STATE: the partition is no longer ours; its new owner will redo the work
            // (at-least-once), which is why this is a warning and not an error.
            events_.log().warn("kafka_offset_store_failed", {{"topic", p.topic},
                                                             {"partition", p.partition},
                                                             {"offset", p.offset},
                                                             {"error", rd_kafka_err2name(p.err)}});
        }
    }
}

bool kafka_source::commit_now(std::chrono::milliseconds timeout) {
    if (closed_) return false;
    const auto err = bounded_commit(rk_.get(), nullptr, timeout);
    // __NO_OFFSET: nothing stored since the last commit, which is success.
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) return true;
    events_.log().warn("kafka_commit_failed", {{"when", "commit_now"},
                                               {"error", rd_kafka_err2name(err)},
                                               {"reason", rd_kafka_err2str(err)}});
    if (err == RD_KAFKA_RESP_ERR__FATAL) events_.set_fatal(rk_.get(), "commit");
    return false;
}

uint64_t kafka_source::rewind(const std::vector<stream::topic_partition>& partitions) {
    // Records already fetched from the old position are told apart by their generation.
    const uint64_t generation = next_generation_++;
    for (const auto& p : partitions) {
        if (generations_.count(p) > 0) generations_[p] = generation;
    }
    if (partitions.empty() || closed_ || events_.fatal()) return generation;
    const auto list = to_partition_list(partitions);
    // Bounded below max.poll.interval.ms; read_committed waits out pending transactional
    // offset commits (librdkafka asks the broker for stable offsets).
    if (const auto err = rd_kafka_committed(rk_.get(), list.get(), rewind_timeout_ms);
        err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        events_.set_fatal(rk_.get(), std::string("cannot read committed offsets to rewind: ") +
                                         rd_kafka_err2name(err));
        return generation;
    }
    for (int i = 0; i < list->cnt; ++i) {
        if (list->elems[i].offset < 0) list->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    if (const error_ptr error(rd_kafka_seek_partitions(rk_.get(), list.get(), rewind_timeout_ms));
        error) {
        events_.set_fatal(rk_.get(),
                          std::string("cannot rewind: ") + rd_kafka_error_string(error.get()));
        return generation;
    }
    for (int i = 0; i < list->cnt; ++i) {
        if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            events_.set_fatal(rk_.get(), std::string("cannot rewind a partition: ") +
                                             rd_kafka_err2name(list->elems[i].err));
            return generation;
        }
    }
    events_.log().info(
        "kafka_consumer_rewound",
        {{"partitions", describe(partitions)}, {"generation", static_cast<int64_t>(generation)}});
    return generation;
}

group_metadata_ptr kafka_source::group_metadata() const {
    return group_metadata_ptr(rd_kafka_consumer_group_metadata(rk_.get()));
}

bool kafka_source::close(std::chrono::milliseconds timeout) {
    if (closed_ || !rk_) return true;
    closed_ = true;
    close_deadline_ = std::chrono::steady_clock::now() + timeout;
    // Revokes the assignment (listener, then the commit of stored offsets) and leaves the
    // group, in the background, while we serve its events until the deadline. In the
    // fatal state librdkafka refuses and nothing more is committed.
    const queue_ptr queue(rd_kafka_queue_new(rk_.get()));
    if (const error_ptr error(rd_kafka_consumer_close_queue(rk_.get(), queue.get())); error) {
        events_.log().warn("kafka_consumer_close_failed",
                           {{"error", rd_kafka_error_name(error.get())},
                            {"reason", rd_kafka_error_string(error.get())}});
        close_abandoned_ = true;
        return false;
    }
    while (rd_kafka_consumer_closed(rk_.get()) == 0) {
        const auto left = until(*close_deadline_);
        if (left.count() == 0) {
            events_.log().warn("kafka_consumer_close_timed_out", {});
            close_abandoned_ = true;
            return false;
        }
        const event_ptr event(rd_kafka_queue_poll(
            queue.get(), to_poll_timeout(std::min(left, std::chrono::milliseconds{100}))));
        if (event && rd_kafka_event_type(event.get()) == RD_KAFKA_EVENT_REBALANCE) {
            on_rebalance(rk_.get(), rd_kafka_event_error(event.get()),
                         *rd_kafka_event_topic_partition_list(event.get()));
        }
    }
    events_.log().info("kafka_consumer_closed",
                       {{"rebalances", static_cast<uint64_t>(rebalance_count())}});
    return true;
}

}  // namespace imr::kafka
