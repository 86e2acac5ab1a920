#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "imr/kafka/client_config.h"
#include "imr/stream/record_sink.h"

namespace imr::observe {
class logger;
}

namespace imr::kafka {

// An idempotent producer writing outcomes and dead letters.
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
               statistics_callback on_statistics = {});
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

    // Records produced but not yet reported (plus librdkafka's own requests).
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

    void on_delivery(const rd_kafka_message_t& message);

    client_events events_;
    std::string outcomes_topic_;
    std::string dead_letter_topic_;
    stream::delivery_listener* listener_ = nullptr;
    client_ptr rk_;  // last: destroyed first, while the members its callbacks use still live
};

}  // namespace imr::kafka
