#include "imr/kafka/kafka_sink.h"

#include <sys/types.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <exception>
#include <memory>
#include <optional>

#include "imr/kafka/record_fit.h"
#include "imr/observe/logger.h"

namespace imr::kafka {

namespace {

using clock = std::chrono::steady_clock;

// 32 MiB: a 20 MB dead letter carrying the original bytes plus its headers must fit; the
// broker's per-topic limit (26 MiB) is what finally bounds a record.
constexpr const char* max_message_bytes = "33554432";

// How long the destructor waits for outstanding deliveries. The application flushes with
// its own deadline before; this only covers an abnormal exit path.
constexpr int destructor_flush_ms = 2000;

int to_poll_timeout(std::chrono::milliseconds timeout) {
    return static_cast<int>(
        std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 0, INT_MAX));
}

// Purged by an aborted transaction or at shutdown: expected, and reported as undelivered.
bool purged(rd_kafka_resp_err_t err) {
    return err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT;
}

std::string_view kind_name(stream::output_kind kind) {
    return kind == stream::output_kind::outcome ? "outcome" : "dead_letter";
}

// Errors by which the broker refuses a record for what it is: retrying cannot help.
bool refused_for_good(rd_kafka_resp_err_t err) {
    return err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
           err == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE ||
           err == RD_KAFKA_RESP_ERR_INVALID_RECORD || err == RD_KAFKA_RESP_ERR_POLICY_VIOLATION;
}

std::size_t conf_size(const rd_kafka_conf_t& conf, const char* name) {
    char value[64] = {};
    std::size_t size = sizeof value;
    if (rd_kafka_conf_get(&conf, name, value, &size) != RD_KAFKA_CONF_OK) return SIZE_MAX;
    std::size_t parsed = 0;
    const std::string_view text(value);
    if (std::from_chars(text.data(), text.data() + text.size(), parsed).ec != std::errc())
        return SIZE_MAX;
    return parsed;
}

// The produced record back from its delivery report (librdkafka kept a copy of it).
stream::output_record record_of(const rd_kafka_message_t& message, stream::output_kind kind) {
    stream::output_record record;
    record.kind = kind;
    record.key = message_key(message);
    record.value = message_value(message);
    record.headers = message_headers(message);
    return record;
}

}  // namespace

kafka_sink::kafka_sink(std::string_view brokers, std::string outcomes_topic,
                       std::string dead_letter_topic, const properties& extra, observe::logger& log,
                       statistics_callback on_statistics, sink_options options)
    : events_(log, "producer", std::move(on_statistics)),
      outcomes_topic_(std::move(outcomes_topic)),
      dead_letter_topic_(std::move(dead_letter_topic)),
      options_(options),
      probe_(options.probe != nullptr ? *options.probe : null_probe_) {
    properties props{
        {"bootstrap.servers", std::string(brokers)},
        {"enable.idempotence", "true"},
        {"acks", "all"},
        // How long an outcome waits for others to share its request. 5 ms was most of the
        // median end-to-end latency at a steady rate; 1 ms cost about 8% of the backlog
        // throughput of one pinned worker (a request per millisecond and partition); 2 ms
        // keeps that throughput and most of the latency gain (docs/benchmarks.md).
        {"linger.ms", "2"},
        {"compression.type", "lz4"},
        {"message.max.bytes", max_message_bytes},
    };
    props.insert(props.end(), extra.begin(), extra.end());

    conf_ptr conf = make_conf(props);
    // A record larger than the producer's queue can never be queued: librdkafka answers
    // "queue full" for ever (queue.buffering.max.kbytes).
    const std::size_t message_limit = conf_size(*conf, "message.max.bytes");
    const std::size_t queue_kbytes = conf_size(*conf, "queue.buffering.max.kbytes");
    const std::size_t queue_limit = queue_kbytes == SIZE_MAX ? SIZE_MAX : queue_kbytes * 1024;
    producer_limit_ = std::min(message_limit, queue_limit);
    producer_limit_reason_ =
        queue_limit < message_limit ? "too_large_for_producer_queue" : "too_large_for_producer";
    rd_kafka_conf_set_opaque(conf.get(), this);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), &kafka_sink::delivery_trampoline);
    rd_kafka_conf_set_error_cb(conf.get(), &kafka_sink::error_trampoline);
    rd_kafka_conf_set_log_cb(conf.get(), &kafka_sink::log_trampoline);
    if (events_.wants_statistics())
        rd_kafka_conf_set_stats_cb(conf.get(), &kafka_sink::statistics_trampoline);
    rk_ = make_client(RD_KAFKA_PRODUCER, std::move(conf));
    limits_ = std::make_unique<topic_limits>(
        rk_.get(), std::vector<std::string>{outcomes_topic_, dead_letter_topic_},
        options_.limits_refresh, events_.log(),
        [this](std::string_view topic, std::size_t bytes) { probe_.topic_limit(topic, bytes); });
    events_.log().info("kafka_producer_started",
                       {{"outcomes_topic", outcomes_topic_},
                        {"dead_letter_topic", dead_letter_topic_},
                        {"producer_limit_bytes", static_cast<uint64_t>(producer_limit_)}});
}

kafka_sink::~kafka_sink() {
    try {
        if (rk_ && rd_kafka_flush(rk_.get(), destructor_flush_ms) == RD_KAFKA_RESP_ERR__TIMED_OUT) {
            events_.log().warn("kafka_producer_unflushed", {{"in_flight", in_flight()}});
            // Purged messages are reported (as failed) by the next flush, which frees their
            // tokens; without the purge rd_kafka_destroy would drop them unreported.
            rd_kafka_purge(rk_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
            rd_kafka_flush(rk_.get(), 500);
        }
    } catch (...) {
        // A throwing listener or logger must not escape a destructor.
    }
    limits_.reset();
    rk_.reset();
}

void kafka_sink::delivery_trampoline(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    static_cast<kafka_sink*>(opaque)->on_delivery(*message);
}

void kafka_sink::error_trampoline(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    static_cast<kafka_sink*>(opaque)->events_.on_error(rk, err, reason);
}

void kafka_sink::log_trampoline(const rd_kafka_t* rk, int level, const char* facility,
                                const char* message) {
    if (auto* self = static_cast<kafka_sink*>(rd_kafka_opaque(rk)); self != nullptr) {
        self->events_.on_log(level, facility, message);
    }
}

int kafka_sink::statistics_trampoline(rd_kafka_t*, char* json, std::size_t json_len, void* opaque) {
    static_cast<kafka_sink*>(opaque)->events_.on_statistics(std::string_view(json, json_len));
    return 0;  // librdkafka frees the JSON
}

const std::string& kafka_sink::topic_of(stream::output_kind kind) const {
    return kind == stream::output_kind::outcome ? outcomes_topic_ : dead_letter_topic_;
}

std::size_t kafka_sink::limit_for(const std::string& topic, std::string_view& reason) const {
    reason = producer_limit_reason_;
    std::size_t limit = producer_limit_;
    if (const auto described = limits_->max_message_bytes(topic); described && *described < limit) {
        limit = *described;
        reason = "too_large_for_topic";
    }
    return limit;
}

stream::produce_status kafka_sink::produce(const stream::output_record& record) {
    send_replacements();
    const auto key = std::make_pair(record.source, record.source_offset);
    const bool dead_letter = record.kind == stream::output_kind::dead_letter;
    if (dead_letter && fitted_cache_ && fitted_cache_->first == key) return produce_fitted(record);
    std::string_view reason;
    const std::size_t limit = limit_for(topic_of(record.kind), reason);
    if (record_size(record) + record_overhead <= limit) return send(record, false);
    if (!dead_letter) {
        refuse(record, reason, limit);
        return stream::produce_status::failed;
    }
    {
        auto fitted = fit_dead_letter(record, limit, reason);
        if (!fitted) {
            refuse(record, "headers_too_large", limit);
            return stream::produce_status::failed;
        }
        probe_.record_refused(record.kind, reason);
        fitted_cache_.emplace(key, std::move(*fitted));
    }
    return produce_fitted(record);
}

stream::produce_status kafka_sink::produce_fitted(const stream::output_record& original) {
    const stream::output_record& fitted = fitted_cache_->second;
    const stream::produce_status status = send(fitted, true);
    if (status == stream::produce_status::queued) {
        probe_.dead_letter_fitted();
        events_.log().warn("dead_letter_fitted",
                           {{"topic", dead_letter_topic_},
                            {"original_bytes", static_cast<uint64_t>(original.value.size())},
                            {"bytes", static_cast<uint64_t>(fitted.value.size())},
                            {"source_topic", original.source.topic},
                            {"source_partition", original.source.partition},
                            {"source_offset", original.source_offset}});
    }
    if (status != stream::produce_status::queue_full) fitted_cache_.reset();
    return status;
}

void kafka_sink::refuse(const stream::output_record& record, std::string_view reason,
                        std::size_t limit) {
    probe_.record_refused(record.kind, reason);
    events_.log().warn("record_refused", {{"reason", reason},
                                          {"kind", kind_name(record.kind)},
                                          {"topic", topic_of(record.kind)},
                                          {"bytes", static_cast<uint64_t>(record_size(record))},
                                          {"limit", static_cast<uint64_t>(limit)},
                                          {"source_topic", record.source.topic},
                                          {"source_partition", record.source.partition},
                                          {"source_offset", record.source_offset}});
}

rd_kafka_resp_err_t kafka_sink::enqueue(const stream::output_record& record,
                                        delivery_token* token) {
    const std::string& topic = topic_of(record.kind);
    headers_ptr headers;
    if (!record.headers.empty()) {
        headers.reset(rd_kafka_headers_new(record.headers.size()));
        for (const auto& h : record.headers) {
            rd_kafka_header_add(headers.get(), h.name.data(), static_cast<ssize_t>(h.name.size()),
                                h.value.data(), static_cast<ssize_t>(h.value.size()));
        }
    }
    // A null key (not an empty one) when the record has none.
    const void* key = record.key ? record.key->data() : nullptr;
    const std::size_t key_size = record.key ? record.key->size() : 0;
    // Likewise a null value stays null (a dead letter of a null input).
    const void* value = record.value.is_null() ? nullptr : record.value.data();
    token->produced_at = clock::now();
    // RD_KAFKA_MSG_F_COPY: the caller's record may go away as soon as we return.
    const auto err = rd_kafka_producev(
        rk_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key, key_size),
        RD_KAFKA_V_VALUE(const_cast<void*>(value), record.value.size()),
        RD_KAFKA_V_HEADERS(headers.get()), RD_KAFKA_V_OPAQUE(token), RD_KAFKA_V_END);
    // On success the headers belong to the message; on failure librdkafka took nothing.
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) (void)headers.release();
    if (err == RD_KAFKA_RESP_ERR__FATAL) events_.set_fatal(rk_.get(), "produce");
    return err;
}

stream::produce_status kafka_sink::send(const stream::output_record& record, bool fitted) {
    auto token = std::make_unique<delivery_token>(
        delivery_token{record.kind, record.source, record.source_offset, record.source_generation,
                       record.value.size(), record.source_timestamp_ms, fitted});
    const auto err = enqueue(record, token.get());
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        (void)token.release();  // librdkafka's until the delivery callback
        note_unblocked();
        return stream::produce_status::queued;
    }
    // __STATE: a transaction in its abortable-error state takes no records until it is
    // aborted; the record is offered again after that, like one refused for a full queue.
    if (err == RD_KAFKA_RESP_ERR__STATE) return stream::produce_status::queue_full;
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        note_blocked(record);
        // Nothing queued is left that could make room: the record will never fit.
        const bool hopeless = stalled_ && rd_kafka_outq_len(rk_.get()) == 0;
        if (!hopeless) return stream::produce_status::queue_full;
        if (record.kind == stream::output_kind::outcome || fitted) {
            refuse(record, "unqueueable", producer_limit_);
            note_unblocked();
            return stream::produce_status::failed;
        }
        // Fit it as the queue's limit says; the caller's next attempt queues the fitted one.
        fitted_cache_.emplace(std::make_pair(record.source, record.source_offset),
                              value_less_dead_letter(record, "unqueueable"));
        return stream::produce_status::queue_full;
    }
    events_.log().warn("kafka_produce_failed",
                       {{"error", rd_kafka_err2name(err)},
                        {"reason", rd_kafka_err2str(err)},
                        {"kind", kind_name(record.kind)},
                        {"topic", topic_of(record.kind)},
                        {"bytes", static_cast<uint64_t>(record.value.size())},
                        {"source_topic", record.source.topic},
                        {"source_partition", record.source.partition},
                        {"source_offset", record.source_offset}});
    return stream::produce_status::failed;
}

void kafka_sink::note_blocked(const stream::output_record& record) {
    const auto now = clock::now();
    if (!blocked_since_) blocked_since_ = now;
    const auto waited =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - *blocked_since_);
    probe_.produce_blocked(waited);
    if (stalled_ || waited < options_.stall_timeout) return;
    stalled_ = true;
    probe_.produce_stalled(true);
    events_.log().warn("produce_stalled",
                       {{"kind", kind_name(record.kind)},
                        {"topic", topic_of(record.kind)},
                        {"bytes", static_cast<uint64_t>(record_size(record))},
                        {"waited_ms", static_cast<int64_t>(waited.count())},
                        {"queued", static_cast<int64_t>(rd_kafka_outq_len(rk_.get()))},
                        {"source_topic", record.source.topic},
                        {"source_partition", record.source.partition},
                        {"source_offset", record.source_offset}});
}

void kafka_sink::note_unblocked() {
    if (!blocked_since_) return;
    if (stalled_) {
        const auto waited =
            std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - *blocked_since_);
        events_.log().info("produce_resumed",
                           {{"waited_ms", static_cast<int64_t>(waited.count())}});
        probe_.produce_stalled(false);
    }
    stalled_ = false;
    blocked_since_.reset();
    probe_.produce_blocked(std::chrono::milliseconds{0});
}

void kafka_sink::on_delivery(const rd_kafka_message_t& message) {
    token_ptr token(static_cast<delivery_token*>(message._private));
    if (!token) return;  // not produced through produce(): nothing to report

    const bool delivered = message.err == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (!delivered) {
        // Purged by an aborted transaction or at shutdown: expected, and reported as
        // undelivered.
        events_.log().log(
            purged(message.err) ? observe::log_level::debug : observe::log_level::warn,
            "kafka_delivery_failed",
            {{"error", rd_kafka_err2name(message.err)},
             {"kind", kind_name(token->kind)},
             {"topic", message.rkt != nullptr ? rd_kafka_topic_name(message.rkt) : ""},
             {"source_topic", token->source.topic},
             {"source_partition", token->source.partition},
             {"source_offset", token->source_offset}});
        if (refused_for_good(message.err) && replace_refused(message, token)) return;
    }
    report(*token, delivered, delivered ? std::string() : rd_kafka_err2str(message.err),
           !delivered && refused_for_good(message.err));
}

// The broker refused a record the up-front check let through: its limit changed or could
// not be described. The replacement is queued from poll(): producing from inside the
// delivery callback could only wait for room by blocking the thread that makes it.
bool kafka_sink::replace_refused(const rd_kafka_message_t& message, token_ptr& token) {
    if (token->replaced) return false;  // even the replacement was refused: give up
    limits_->refresh_now();
    const std::string_view reason = rd_kafka_err2name(message.err);
    stream::output_record refused = record_of(message, token->kind);
    refused.source = token->source;
    refused.source_offset = token->source_offset;
    refused.source_generation = token->source_generation;
    refused.source_timestamp_ms = token->source_timestamp_ms;
    probe_.record_refused(token->kind, reason);
    stream::output_record letter = token->kind == stream::output_kind::outcome
                                       ? rejected_outcome_letter(refused, reason)
                                       : value_less_dead_letter(refused, reason);
    if (token->kind == stream::output_kind::dead_letter) probe_.dead_letter_fitted();
    token->kind = stream::output_kind::dead_letter;
    token->bytes = 0;
    token->replaced = true;
    replacements_.push_back({std::move(letter), std::move(token)});
    return true;
}

void kafka_sink::send_replacements() {
    while (!replacements_.empty()) {
        replacement& next = replacements_.front();
        const auto err = enqueue(next.record, next.token.get());
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) return;
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            (void)next.token.release();
        } else {
            report(*next.token, false, rd_kafka_err2str(err));
        }
        replacements_.pop_front();
    }
}

void kafka_sink::report(delivery_token& token, bool delivered, std::string error, bool refused) {
    if (listener_ == nullptr) return;
    stream::delivery_report report;
    report.kind = token.kind;
    report.source = token.source;
    report.source_offset = token.source_offset;
    report.source_generation = token.source_generation;
    report.topic = topic_of(token.kind);
    report.bytes = token.bytes;
    report.source_timestamp_ms = token.source_timestamp_ms;
    report.delivered = delivered;
    report.since_produce =
        std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - token.produced_at);
    report.refused = refused;
    report.error = std::move(error);
    try {
        listener_->on_delivery(report);
    } catch (const std::exception& e) {
        // An exception must not unwind through librdkafka's C frames.
        events_.log().error("kafka_delivery_listener_failed", {{"reason", e.what()}});
    } catch (...) {
        events_.log().error("kafka_delivery_listener_failed", {});
    }
}

void kafka_sink::poll(std::chrono::milliseconds timeout) {
    send_replacements();
    rd_kafka_poll(rk_.get(), to_poll_timeout(timeout));
    send_replacements();
    limits_->poll();
}

bool kafka_sink::flush(std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    for (;;) {
        send_replacements();
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        rd_kafka_flush(rk_.get(), to_poll_timeout(std::min(left, std::chrono::milliseconds{100})));
        if (replacements_.empty() && rd_kafka_outq_len(rk_.get()) == 0) return true;
        if (clock::now() >= deadline) break;
    }
    events_.log().warn("kafka_flush_timed_out", {{"in_flight", in_flight()}});
    return false;
}

int kafka_sink::in_flight() const {
    return rd_kafka_outq_len(rk_.get()) + static_cast<int>(replacements_.size());
}

}  // namespace imr::kafka
