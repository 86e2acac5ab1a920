#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imr::observe {
class logger;
}

namespace imr::kafka {

// The max.message.bytes of the topics a producer writes, as the broker describes them
// (Admin API DescribeConfigs on the producer's own handle, answered on a queue of ours,
// so no thread and no blocking call). Asked at start, again every `refresh`, and at once
// after refresh_now() (a refusal says the limit may have changed). Until the first answer
// the limits are unknown; a broker that does not answer (down, no DescribeConfigs ACL)
// only leaves them unknown.
// Threading: one thread calls everything. Lifetime: must be destroyed before the client.
class topic_limits {
  public:
    using on_change = std::function<void(std::string_view topic, std::size_t bytes)>;

    topic_limits(rd_kafka_t* rk, std::vector<std::string> topics, std::chrono::milliseconds refresh,
                 observe::logger& log, on_change changed);
    ~topic_limits();
    topic_limits(const topic_limits&) = delete;
    topic_limits& operator=(const topic_limits&) = delete;

    // Takes an answer if one arrived and asks again when due. Never blocks.
    void poll();
    void refresh_now() { next_request_ = std::chrono::steady_clock::now(); }
    [[nodiscard]] std::optional<std::size_t> max_message_bytes(const std::string& topic) const;

  private:
    struct queue_deleter {
        void operator()(rd_kafka_queue_t* queue) const noexcept { rd_kafka_queue_destroy(queue); }
    };

    void request();
    void take(rd_kafka_event_t& event);

    rd_kafka_t* rk_;
    std::vector<std::string> topics_;
    std::chrono::milliseconds refresh_;
    observe::logger& log_;
    on_change changed_;
    std::unique_ptr<rd_kafka_queue_t, queue_deleter> queue_;
    std::map<std::string, std::size_t, std::less<>> limits_;
    std::chrono::steady_clock::time_point next_request_{};
    bool outstanding_ = false;
    bool warned_ = false;
};

}  // namespace imr::kafka
