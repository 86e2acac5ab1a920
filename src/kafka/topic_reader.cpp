#include "imr/kafka/topic_reader.h"

#include <set>
#include <variant>
#include <vector>

namespace imr::kafka {
namespace {

struct metadata_deleter {
    void operator()(const rd_kafka_metadata_t* metadata) const noexcept {
        rd_kafka_metadata_destroy(metadata);
    }
};
using metadata_ptr = std::unique_ptr<const rd_kafka_metadata_t, metadata_deleter>;

struct topic_deleter {
    void operator()(rd_kafka_topic_t* topic) const noexcept { rd_kafka_topic_destroy(topic); }
};
using topic_ptr = std::unique_ptr<rd_kafka_topic_t, topic_deleter>;

// The topic's partition ids, or an error message.
std::variant<std::vector<int32_t>, std::string> partitions_of(rd_kafka_t& client,
                                                              const std::string& topic,
                                                              std::chrono::milliseconds timeout) {
    const topic_ptr handle(rd_kafka_topic_new(&client, topic.c_str(), nullptr));
    const rd_kafka_metadata_t* raw = nullptr;
    const auto err =
        rd_kafka_metadata(&client, 0, handle.get(), &raw, static_cast<int>(timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return std::string("cannot read the topic's metadata: ") + rd_kafka_err2str(err);
    }
    const metadata_ptr metadata(raw);
    if (metadata->topic_cnt != 1 || metadata->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return std::string("topic not available: ") +
               rd_kafka_err2str(metadata->topic_cnt == 1 ? metadata->topics[0].err
                                                         : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC);
    }
    std::vector<int32_t> ids;
    for (int i = 0; i < metadata->topics[0].partition_cnt; ++i) {
        ids.push_back(metadata->topics[0].partitions[i].id);
    }
    return ids;
}

conf_ptr reader_conf(const topic_read_options& options) {
    // librdkafka's consumer wants a group.id even for assign(); the group is never joined
    // (no subscribe) and nothing is committed, so the broker never hears of it.
    properties props = {
        {"bootstrap.servers", options.brokers}, {"group.id", "imr-stream-report-unjoined"},
        {"isolation.level", "read_committed"},  {"enable.partition.eof", "true"},
        {"enable.auto.commit", "false"},        {"enable.auto.offset.store", "false"},
    };
    props.insert(props.end(), options.extra.begin(), options.extra.end());
    return make_conf(props);
}

}  // namespace

std::optional<std::string> read_topic(const topic_read_options& options,
                                      const std::function<void(std::string_view)>& visit) {
    const client_ptr client = make_client(RD_KAFKA_CONSUMER, reader_conf(options));
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    auto found = partitions_of(*client, options.topic, options.timeout);
    if (auto* error = std::get_if<std::string>(&found)) return *error;
    const auto& ids = std::get<std::vector<int32_t>>(found);

    const partition_list_ptr assignment(
        rd_kafka_topic_partition_list_new(static_cast<int>(ids.size())));
    for (const int32_t id : ids) {
        rd_kafka_topic_partition_list_add(assignment.get(), options.topic.c_str(), id)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
    }
    if (const auto err = rd_kafka_assign(client.get(), assignment.get()); err) {
        return std::string("cannot assign the topic's partitions: ") + rd_kafka_err2str(err);
    }
    std::set<int32_t> open(ids.begin(), ids.end());
    while (!open.empty()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return "the topic was not read to its end within the timeout";
        }
        const message_ptr message(rd_kafka_consumer_poll(client.get(), 200));
        if (!message) continue;
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            open.erase(message->partition);
        } else if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (message->err == RD_KAFKA_RESP_ERR__TRANSPORT ||
                message->err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
                continue;  // librdkafka reconnects by itself until the deadline
            }
            return std::string("cannot read the topic: ") + rd_kafka_message_errstr(message.get());
        } else {
            visit(std::string_view(static_cast<const char*>(message->payload), message->len));
        }
    }
    rd_kafka_consumer_close(client.get());
    return std::nullopt;
}

}  // namespace imr::kafka
