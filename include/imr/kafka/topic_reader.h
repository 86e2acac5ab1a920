#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "imr/kafka/client_config.h"

namespace imr::kafka {

// Reads every record of one topic, from the beginning of each partition to the end it has
// when reached (read_committed: the last stable offset), without joining a consumer group
// and without committing anything: partitions are assigned, not subscribed, the group is
// never joined and auto-commit is off. For tools that take a snapshot of a topic (`imr-stream
// report`).
struct topic_read_options {
    std::string brokers;
    std::string topic;
    properties extra;  // librdkafka properties applied last (security settings, ...)
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // the whole read
};

// Calls `visit` with each record's value (empty for a NULL value), partition by partition in
// offset order. Returns an error message when the topic cannot be read to its end in time.
[[nodiscard]] std::optional<std::string> read_topic(
    const topic_read_options& options, const std::function<void(std::string_view)>& visit);

}  // namespace imr::kafka
