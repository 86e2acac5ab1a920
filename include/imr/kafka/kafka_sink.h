#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "imr/kafka/client_config.h"
#include "imr/kafka/topic_limits.h"
#include "imr/stream/record_sink.h"
#include "imr/stream/sink_probe.h"

namespace imr::observe {
class logger;
}

namespace imr::kafka {

struct sink_options {
    // A record that has waited this long for room in the producer's queue is reported (log
    // line, metric, readiness); if nothing queued is left to make room, it is given up
    // (an outcome is refused, a dead letter fitted) instead of waiting for ever.
    std::chrono::milliseconds stall_timeout{10000};
    // How often the topics' max.message.bytes are described again.
    std::chrono::milliseconds limits_refresh{60000};
    stream::sink_probe* probe = nullptr;  // optional; must outlive the sink
};

// An idempotent producer writing outcomes and dead letters.
//
// Untrusted input must never stop the service, so a record that cannot be written as it
// is never reaches the broker's refusal when that can be known up front: each record is
// checked against its topic's max.message.bytes (described by the broker, see
// topic_limits) and the producer's own message and queue limits. A too large outcome is
// refused (produce() returns failed: the pipeline dead-letters its input as
// outcome_rejected); a too large dead letter is replaced by one whose value is cut to fit,
// with headers giving the original size, sha256 and the reason. A refusal the check did
// not foresee (the topic's limit changed, or could not be described) is handled on the
// delivery report: an outcome becomes a value-less outcome_rejected dead letter, a dead
// letter a value-less one; only a broker that refuses even that fails the input.
//
// Idempotence keeps per-partition order through retries and acks=all keeps a delivered
// record through a leader change, so a delivery report can safely mark its input done.
// Threading: one thread (the pipeline's driver) calls everything except fatal() and
// fatal_reason(); delivery reports come on that thread, from inside poll() and flush().
// Lifetime: the delivery listener must outlive the sink or be unset with
// set_delivery_listener(nullptr) before it is destroyed: the destructor's last flush
// reports through it. Flush properly before destroying; the destructor only waits briefly.
class kafka_sink final : public stream::record_sink {
  public:
    // `extra` is applied after the defaults, so it overrides them. Throws
    // std::invalid_argument on a bad property and std::runtime_error when the client
    // cannot be created.
    kafka_sink(std::string_view brokers, std::string outcomes_topic, std::string dead_letter_topic,
               const properties& extra, observe::logger& log,
               statistics_callback on_statistics = {}, sink_options options = {});
    ~kafka_sink() override;

    kafka_sink(const kafka_sink&) = delete;
    kafka_sink& operator=(const kafka_sink&) = delete;
    // librdkafka holds `this` as its callback opaque, so the object cannot move.
    kafka_sink(kafka_sink&&) = delete;
    kafka_sink& operator=(kafka_sink&&) = delete;

    void set_delivery_listener(stream::delivery_listener* listener) override {
        listener_ = listener;
    }
    stream::produce_status produce(const stream::output_record& record) override;
    void poll(std::chrono::milliseconds timeout) override;
    bool flush(std::chrono::milliseconds timeout) override;
    [[nodiscard]] bool fatal() const override { return events_.fatal(); }
    [[nodiscard]] std::string fatal_reason() const { return events_.fatal_reason(); }

    // Records produced but not yet reported (plus librdkafka's own requests and the
    // replacements of refused records waiting to be queued).
    [[nodiscard]] int in_flight() const;
    // The librdkafka handle, still owned by the sink: for diagnostics and tests (e.g.
    // rd_kafka_test_fatal_error). Never destroy it.
    [[nodiscard]] rd_kafka_t* native_handle() const noexcept { return rk_.get(); }

  private:
    static void delivery_trampoline(rd_kafka_t* rk, const rd_kafka_message_t* message,
                                    void* opaque);
    static void error_trampoline(rd_kafka_t* rk, int err, const char* reason, void* opaque);
    static void log_trampoline(const rd_kafka_t* rk, int level, const char* facility,
                               const char* message);
    static int statistics_trampoline(rd_kafka_t* rk, char* json, std::size_t json_len,
                                     void* opaque);

    // Rides with each message through librdkafka (RD_KAFKA_V_OPAQUE) so that its delivery
    // report can name the input it completes. Owned by librdkafka from a successful produce
    // until the delivery callback, which frees it or hands it to the replacement.
    struct delivery_token {
        stream::output_kind kind;  // of the record the listener is told about
        stream::topic_partition source;
        int64_t source_offset;
        uint64_t source_generation;
        std::size_t bytes;
        std::optional<int64_t> source_timestamp_ms;
        bool replaced = false;  // this message already replaces a refused one
        std::chrono::steady_clock::time_point produced_at{};  // handed to the client
    };
    using token_ptr = std::unique_ptr<delivery_token>;
    // A record that replaces a refused one, waiting for room in the queue.
    struct replacement {
        stream::output_record record;
        token_ptr token;
    };

    void on_delivery(const rd_kafka_message_t& message);
    [[nodiscard]] const std::string& topic_of(stream::output_kind kind) const;
    // The largest record size() + record_overhead the topic takes; `reason` says which
    // limit it is.
    [[nodiscard]] std::size_t limit_for(const std::string& topic, std::string_view& reason) const;
    [[nodiscard]] stream::produce_status produce_fitted(const stream::output_record& record);
    [[nodiscard]] stream::produce_status send(const stream::output_record& record, bool fitted);
    [[nodiscard]] rd_kafka_resp_err_t enqueue(const stream::output_record& record,
                                              delivery_token* token);
    [[nodiscard]] bool replace_refused(const rd_kafka_message_t& message, token_ptr& token);
    void send_replacements();
    // `refused`: the broker refused the record itself (too large, invalid); sending it again
    // cannot succeed.
    void report(delivery_token& token, bool delivered, std::string error, bool refused = false);
    void note_blocked(const stream::output_record& record);
    void note_unblocked();
    void refuse(const stream::output_record& record, std::string_view reason, std::size_t limit);

    client_events events_;
    std::string outcomes_topic_;
    std::string dead_letter_topic_;
    stream::delivery_listener* listener_ = nullptr;
    sink_options options_;
    stream::null_sink_probe null_probe_;
    stream::sink_probe& probe_;
    std::size_t producer_limit_ = 0;
    std::string_view producer_limit_reason_;
    std::deque<replacement> replacements_;
    // The fitted form of the dead letter last retried on a full queue: fitting hashes the
    // whole value, which should not happen again on every retry.
    std::optional<std::pair<std::pair<stream::topic_partition, int64_t>, stream::output_record>>
        fitted_cache_;
    std::optional<std::chrono::steady_clock::time_point> blocked_since_;
    bool stalled_ = false;
    std::unique_ptr<topic_limits> limits_;  // destroyed (in ~kafka_sink) before the client
    client_ptr rk_;  // last: destroyed first, while the members its callbacks use still live
};

}  // namespace imr::kafka
