#pragma once

// Ownership and configuration helpers shared by kafka_source and kafka_sink. Every
// librdkafka object that the application owns lives in one of these unique_ptrs, so no
// path (exceptions included) can leak or double-free a handle.

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "imr/stream/record.h"

namespace imr::observe {
class logger;
}

namespace imr::kafka {

// librdkafka properties in the order they are applied: a later entry overrides an earlier
// one, which is how user-supplied extras override the clients' defaults.
using properties = std::vector<std::pair<std::string, std::string>>;

// Receives librdkafka's statistics JSON (see librdkafka STATISTICS.md). Enabled by the
// caller with "statistics.interval.ms" in the extra properties. Called on the thread that
// polls the client; the view is only valid during the call.
using statistics_callback = std::function<void(std::string_view json)>;

struct conf_deleter {
    void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};
using conf_ptr = std::unique_ptr<rd_kafka_conf_t, conf_deleter>;

struct client_deleter {
    void operator()(rd_kafka_t* rk) const noexcept { rd_kafka_destroy(rk); }
};
using client_ptr = std::unique_ptr<rd_kafka_t, client_deleter>;

struct partition_list_deleter {
    void operator()(rd_kafka_topic_partition_list_t* list) const noexcept {
        rd_kafka_topic_partition_list_destroy(list);
    }
};
using partition_list_ptr = std::unique_ptr<rd_kafka_topic_partition_list_t, partition_list_deleter>;

struct headers_deleter {
    void operator()(rd_kafka_headers_t* headers) const noexcept {
        rd_kafka_headers_destroy(headers);
    }
};
using headers_ptr = std::unique_ptr<rd_kafka_headers_t, headers_deleter>;

struct message_deleter {
    void operator()(rd_kafka_message_t* message) const noexcept {
        rd_kafka_message_destroy(message);
    }
};
using message_ptr = std::unique_ptr<rd_kafka_message_t, message_deleter>;

struct error_deleter {
    void operator()(rd_kafka_error_t* error) const noexcept { rd_kafka_error_destroy(error); }
};
using error_ptr = std::unique_ptr<rd_kafka_error_t, error_deleter>;

struct group_metadata_deleter {
    void operator()(rd_kafka_consumer_group_metadata_t* metadata) const noexcept {
        rd_kafka_consumer_group_metadata_destroy(metadata);
    }
};
using group_metadata_ptr =
    std::unique_ptr<rd_kafka_consumer_group_metadata_t, group_metadata_deleter>;

struct queue_deleter {
    void operator()(rd_kafka_queue_t* queue) const noexcept { rd_kafka_queue_destroy(queue); }
};
using queue_ptr = std::unique_ptr<rd_kafka_queue_t, queue_deleter>;

// Builds a configuration from `props`, applied in order. Throws std::invalid_argument
// naming the property and carrying librdkafka's reason, with the value redacted: values
// may be credentials (sasl.password, ssl.key.password, ...).
[[nodiscard]] conf_ptr make_conf(const properties& props);

// True when librdkafka has a property of that name (for either client); says nothing of
// whether a value would be accepted.
[[nodiscard]] bool is_known_property(const std::string& name);

// Applies one property; same error contract as make_conf.
void set_property(rd_kafka_conf_t& conf, const std::string& name, const std::string& value);

// Creates a client from `conf`. librdkafka takes the configuration only on success, so
// `conf` is released then and still destroyed by its owner on failure. Throws
// std::runtime_error with librdkafka's reason (e.g. incompatible settings).
[[nodiscard]] client_ptr make_client(rd_kafka_type_t type, conf_ptr conf);

[[nodiscard]] partition_list_ptr to_partition_list(
    const std::vector<stream::topic_partition>& partitions);
[[nodiscard]] std::vector<stream::topic_partition> from_partition_list(
    const rd_kafka_topic_partition_list_t& list);

// The headers of a consumed message or of a delivery report (librdkafka keeps the
// produced ones). A null header value becomes an empty string: the interface has no null.
[[nodiscard]] std::vector<stream::header> message_headers(const rd_kafka_message_t& message);

// A message's key (absent when NULL) and value (NULL stays NULL, distinct from empty), copied
// out of librdkafka's buffers.
[[nodiscard]] std::optional<std::string> message_key(const rd_kafka_message_t& message);
[[nodiscard]] stream::payload message_value(const rd_kafka_message_t& message);

// What the consumer and the producer share: the error and log callbacks' handling, the
// fatal state, and the statistics callback. The clients reach it from their librdkafka
// callbacks. The fatal state may be read from any thread; the rest is called by
// librdkafka (log callbacks come from its internal threads; logger is thread-safe).
class client_events {
  public:
    client_events(observe::logger& log, std::string_view role, statistics_callback on_statistics);
    client_events(const client_events&) = delete;
    client_events& operator=(const client_events&) = delete;

    // rd_kafka_conf_set_error_cb: __FATAL sets the fatal state, anything else is a warning
    // (librdkafka retries transport errors by itself).
    void on_error(rd_kafka_t* rk, int err, const char* reason);
    // rd_kafka_conf_set_log_cb: librdkafka's own log lines, as JSON lines of our logger.
    void on_log(int syslog_level, const char* facility, const char* message);
    void on_statistics(std::string_view json);
    // Records a fatal error found outside the error callback (a consumer error message, an
    // error object marked fatal). The first reason wins; later calls do nothing.
    void set_fatal(rd_kafka_t* rk, std::string_view context);

    [[nodiscard]] bool fatal() const noexcept { return fatal_.load(std::memory_order_acquire); }
    [[nodiscard]] std::string fatal_reason() const;
    [[nodiscard]] observe::logger& log() const noexcept { return log_; }
    [[nodiscard]] bool wants_statistics() const noexcept {
        return static_cast<bool>(on_statistics_);
    }

  private:
    observe::logger& log_;
    std::string role_;
    statistics_callback on_statistics_;
    std::atomic<bool> fatal_{false};
    mutable std::mutex fatal_mutex_;
    std::string fatal_reason_;
};

}  // namespace imr::kafka
