#include "imr/kafka/topic_limits.h"

#include <charconv>

#include "imr/observe/logger.h"

namespace imr::kafka {

namespace {

using clock = std::chrono::steady_clock;

constexpr int request_timeout_ms = 5000;
// Without an answer yet, ask again soon: the broker may just have been down at start.
constexpr std::chrono::seconds retry_unknown{5};

std::optional<std::size_t> parse_size(const char* text) {
    if (text == nullptr) return std::nullopt;
    const std::string_view s(text);
    std::size_t value = 0;
    const auto [end, err] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (err != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return value;
}

struct event_deleter {
    void operator()(rd_kafka_event_t* event) const noexcept { rd_kafka_event_destroy(event); }
};
struct options_deleter {
    void operator()(rd_kafka_AdminOptions_t* options) const noexcept {
        rd_kafka_AdminOptions_destroy(options);
    }
};
struct resource_deleter {
    void operator()(rd_kafka_ConfigResource_t* resource) const noexcept {
        rd_kafka_ConfigResource_destroy(resource);
    }
};

}  // namespace

topic_limits::topic_limits(rd_kafka_t* rk, std::vector<std::string> topics,
                           std::chrono::milliseconds refresh, observe::logger& log,
                           on_change changed)
    : rk_(rk),
      topics_(std::move(topics)),
      refresh_(refresh),
      log_(log),
      changed_(std::move(changed)),
      queue_(rd_kafka_queue_new(rk)) {
    request();
}

topic_limits::~topic_limits() = default;

void topic_limits::request() {
    std::unique_ptr<rd_kafka_AdminOptions_t, options_deleter> options(
        rd_kafka_AdminOptions_new(rk_, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS));
    char errstr[256] = {};
    rd_kafka_AdminOptions_set_request_timeout(options.get(), request_timeout_ms, errstr,
                                              sizeof errstr);
    std::vector<std::unique_ptr<rd_kafka_ConfigResource_t, resource_deleter>> owned;
    std::vector<rd_kafka_ConfigResource_t*> resources;
    for (const auto& topic : topics_) {
        owned.emplace_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
        resources.push_back(owned.back().get());
    }
    // librdkafka copies the resources; ours are freed on return.
    rd_kafka_DescribeConfigs(rk_, resources.data(), resources.size(), options.get(), queue_.get());
    outstanding_ = true;
}

void topic_limits::poll() {
    if (const std::unique_ptr<rd_kafka_event_t, event_deleter> event(
            rd_kafka_queue_poll(queue_.get(), 0));
        event) {
        outstanding_ = false;
        take(*event);
        next_request_ =
            clock::now() + (limits_.size() == topics_.size() ? refresh_ : retry_unknown);
    }
    if (!outstanding_ && clock::now() >= next_request_) request();
}

void topic_limits::take(rd_kafka_event_t& event) {
    if (rd_kafka_event_type(&event) != RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT) return;
    if (const auto err = rd_kafka_event_error(&event); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (!warned_) {
            log_.warn("topic_limits_unknown", {{"error", rd_kafka_err2name(err)},
                                               {"reason", rd_kafka_event_error_string(&event)}});
            warned_ = true;
        }
        return;
    }
    const auto* result = rd_kafka_event_DescribeConfigs_result(&event);
    std::size_t count = 0;
    const auto** resources = rd_kafka_DescribeConfigs_result_resources(result, &count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto* resource = resources[i];
        const std::string topic = rd_kafka_ConfigResource_name(resource);
        if (const auto err = rd_kafka_ConfigResource_error(resource); err) {
            log_.warn("topic_limits_unknown",
                      {{"topic", topic}, {"error", rd_kafka_err2name(err)}});
            continue;
        }
        std::size_t entries = 0;
        const auto** configs = rd_kafka_ConfigResource_configs(resource, &entries);
        for (std::size_t j = 0; j < entries; ++j) {
            if (std::string_view(rd_kafka_ConfigEntry_name(configs[j])) != "max.message.bytes")
                continue;
            const auto bytes = parse_size(rd_kafka_ConfigEntry_value(configs[j]));
            if (!bytes) continue;
            const auto it = limits_.find(topic);
            if (it != limits_.end() && it->second == *bytes) continue;
            limits_[topic] = *bytes;
            log_.info("topic_limit",
                      {{"topic", topic}, {"max_message_bytes", static_cast<uint64_t>(*bytes)}});
            if (changed_) changed_(topic, *bytes);
        }
    }
}

std::optional<std::size_t> topic_limits::max_message_bytes(const std::string& topic) const {
    const auto it = limits_.find(topic);
    if (it == limits_.end()) return std::nullopt;
    return it->second;
}

}  // namespace imr::kafka
