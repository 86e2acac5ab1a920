#include "imr/kafka/kafka_sink.h"

#include <sys/types.h>

#include <algorithm>
#include <climits>
#include <exception>
#include <memory>
#include <optional>

#include "imr/observe/logger.h"

namespace imr::kafka {

namespace {

// 32 MiB: a 20 MB dead letter carrying the original bytes plus its headers must fit; the
// broker's per-topic limit (26 MiB) is what finally bounds a record.
constexpr const char* max_message_bytes = "33554432";

// How long the destructor waits for outstanding deliveries. The application flushes with
// its own deadline before; this only covers an abnormal exit path.
constexpr int destructor_flush_ms = 2000;

// Rides with each message through librdkafka (RD_KAFKA_V_OPAQUE) so that its delivery
// report can name the input it completes. Owned by librdkafka from a successful produce
// until the delivery callback, which frees it.
struct delivery_token {
    stream::output_kind kind;
    stream::topic_partition source;
    int64_t source_offset;
    uint64_t source_generation;
    std::size_t bytes;
    std::optional<int64_t> source_timestamp_ms;
};

int to_poll_timeout(std::chrono::milliseconds timeout) {
    return static_cast<int>(
        std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 0, INT_MAX));
}

// The broker refused the record itself: no retry or new transaction can deliver it.
bool refused_by_broker(rd_kafka_resp_err_t err) {
    return err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
           err == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE ||
           err == RD_KAFKA_RESP_ERR_INVALID_RECORD;
}

// Purged by an aborted transaction or at shutdown: expected, and reported as undelivered.
bool purged(rd_kafka_resp_err_t err) {
    return err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT;
}

std::string_view kind_name(stream::output_kind kind) {
    return kind == stream::output_kind::outcome ? "outcome" : "dead_letter";
}

}  // namespace

kafka_sink::kafka_sink(std::string_view brokers, std::string outcomes_topic,
                       std::string dead_letter_topic, const properties& extra, observe::logger& log,
                       statistics_callback on_statistics)
    : events_(log, "producer", std::move(on_statistics)),
      outcomes_topic_(std::move(outcomes_topic)),
      dead_letter_topic_(std::move(dead_letter_topic)) {
    properties props{
        {"bootstrap.servers", std::string(brokers)},
        {"enable.idempotence", "true"},
        {"acks", "all"},
        {"linger.ms", "5"},
        {"compression.type", "lz4"},
        {"message.max.bytes", max_message_bytes},
    };
    props.insert(props.end(), extra.begin(), extra.end());

    conf_ptr conf = make_conf(props);
    rd_kafka_conf_set_opaque(conf.get(), this);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), &kafka_sink::delivery_trampoline);
    rd_kafka_conf_set_error_cb(conf.get(), &kafka_sink::error_trampoline);
    rd_kafka_conf_set_log_cb(conf.get(), &kafka_sink::log_trampoline);
    if (events_.wants_statistics())
        rd_kafka_conf_set_stats_cb(conf.get(), &kafka_sink::statistics_trampoline);
    rk_ = make_client(RD_KAFKA_PRODUCER, std::move(conf));
    events_.log().info("kafka_producer_started", {{"outcomes_topic", outcomes_topic_},
                                                  {"dead_letter_topic", dead_letter_topic_}});
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

stream::produce_status kafka_sink::produce(const stream::output_record& record) {
    const std::string& topic =
        record.kind == stream::output_kind::outcome ? outcomes_topic_ : dead_letter_topic_;

    headers_ptr headers;
    if (!record.headers.empty()) {
        headers.reset(rd_kafka_headers_new(record.headers.size()));
        for (const auto& h : record.headers) {
            rd_kafka_header_add(headers.get(), h.name.data(), static_cast<ssize_t>(h.name.size()),
                                h.value.data(), static_cast<ssize_t>(h.value.size()));
        }
    }
    auto token = std::make_unique<delivery_token>(
        delivery_token{record.kind, record.source, record.source_offset, record.source_generation,
                       record.value.size(), record.source_timestamp_ms});

    // A null key (not an empty one) when the record has none.
    const void* key = record.key ? record.key->data() : nullptr;
    const std::size_t key_size = record.key ? record.key->size() : 0;
    // Likewise a null value stays null (a dead letter of a null input).
    const void* value = record.value.is_null() ? nullptr : record.value.data();
    // RD_KAFKA_MSG_F_COPY: the caller's record may go away as soon as we return.
    const auto err = rd_kafka_producev(
        rk_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key, key_size),
        RD_KAFKA_V_VALUE(const_cast<void*>(value), record.value.size()),
        RD_KAFKA_V_HEADERS(headers.get()), RD_KAFKA_V_OPAQUE(token.get()), RD_KAFKA_V_END);

    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        // Both now belong to librdkafka: the headers to the message, the token until the
        // delivery callback.
        (void)headers.release();
        (void)token.release();
        return stream::produce_status::queued;
    }
    // On failure librdkafka took neither: the unique_ptrs free them.
    // __STATE: a transaction in its abortable-error state takes no records until it is
    // aborted; the record is offered again after that, like one refused for a full queue.
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL || err == RD_KAFKA_RESP_ERR__STATE)
        return stream::produce_status::queue_full;
    if (err == RD_KAFKA_RESP_ERR__FATAL) events_.set_fatal(rk_.get(), "produce");
    events_.log().warn("kafka_produce_failed",
                       {{"error", rd_kafka_err2name(err)},
                        {"reason", rd_kafka_err2str(err)},
                        {"kind", kind_name(record.kind)},
                        {"topic", topic},
                        {"bytes", static_cast<uint64_t>(record.value.size())},
                        {"source_topic", record.source.topic},
                        {"source_partition", record.source.partition},
                        {"source_offset", record.source_offset}});
    return stream::produce_status::failed;
}

void kafka_sink::on_delivery(const rd_kafka_message_t& message) {
    const std::unique_ptr<delivery_token> token(static_cast<delivery_token*>(message._private));
    if (!token) return;  // not produced through produce(): nothing to report

    stream::delivery_report report;
    report.kind = token->kind;
    report.source = std::move(token->source);
    report.source_offset = token->source_offset;
    report.source_generation = token->source_generation;
    if (message.rkt != nullptr) report.topic = rd_kafka_topic_name(message.rkt);
    report.bytes = token->bytes;
    report.source_timestamp_ms = token->source_timestamp_ms;
    report.delivered = message.err == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (!report.delivered) {
        report.error = rd_kafka_err2str(message.err);
        report.refused = refused_by_broker(message.err);
        events_.log().log(
            purged(message.err) ? observe::log_level::debug : observe::log_level::warn,
            "kafka_delivery_failed",
            {{"error", rd_kafka_err2name(message.err)},
             {"kind", kind_name(report.kind)},
             {"topic", report.topic},
             {"source_topic", report.source.topic},
             {"source_partition", report.source.partition},
             {"source_offset", report.source_offset}});
    }
    if (listener_ == nullptr) return;
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
    rd_kafka_poll(rk_.get(), to_poll_timeout(timeout));
}

bool kafka_sink::flush(std::chrono::milliseconds timeout) {
    const auto err = rd_kafka_flush(rk_.get(), to_poll_timeout(timeout));
    if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
        events_.log().warn("kafka_flush_timed_out", {{"in_flight", in_flight()}});
        return false;
    }
    return true;
}

int kafka_sink::in_flight() const {
    return rd_kafka_outq_len(rk_.get());
}

}  // namespace imr::kafka
