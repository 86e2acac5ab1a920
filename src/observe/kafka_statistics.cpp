#include "imr/observe/kafka_statistics.h"

#include <simdjson.h>

#include <set>

namespace imr::observe {

struct kafka_statistics::parser {
    simdjson::dom::parser dom;
};

kafka_statistics::kafka_statistics(prometheus::Registry& registry, health_state& health)
    : health_(health),
      lag_(prometheus::BuildGauge()
               .Name("imr_consumer_lag_messages")
               .Help("Consumer lag per partition, from librdkafka statistics")
               .Register(registry)),
      committed_(prometheus::BuildGauge()
                     .Name("imr_committed_offset")
                     .Help("Last committed offset per partition, from librdkafka statistics")
                     .Register(registry)),
      rtt_(prometheus::BuildGauge()
               .Name("imr_broker_rtt_seconds")
               .Help("Average broker round-trip time, from librdkafka statistics")
               .Register(registry)),
      json_(std::make_unique<parser>()) {}

kafka_statistics::~kafka_statistics() = default;

void kafka_statistics::on_consumer_statistics(std::string_view json) {
    parse(json, "consumer");
}
void kafka_statistics::on_producer_statistics(std::string_view json) {
    parse(json, "producer");
}

void kafka_statistics::parse(std::string_view json, std::string_view client) {
    std::lock_guard lock(mutex_);
    simdjson::dom::element root;
    // The statistics string is not padded: let simdjson copy it into a padded buffer.
    if (json_->dom.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS) return;

    bool any_broker_up = false;
    simdjson::dom::object brokers;
    if (root["brokers"].get(brokers) == simdjson::SUCCESS) {
        for (auto [name, broker] : brokers) {
            int64_t node = -1;
            if (broker["nodeid"].get(node) == simdjson::SUCCESS && node < 0)
                continue;  // bootstrap entry
            // Real brokers are "host:port/id"; "GroupCoordinator" is librdkafka's logical handle.
            if (std::string_view(name).find('/') == std::string_view::npos) continue;
            std::string_view state;
            if (broker["state"].get(state) == simdjson::SUCCESS && state == "UP")
                any_broker_up = true;
            int64_t rtt_us = 0;
            if (broker["rtt"]["avg"].get(rtt_us) == simdjson::SUCCESS) {
                rtt_.Add({{"client", std::string(client)}, {"broker", std::string(name)}})
                    .Set(static_cast<double>(rtt_us) / 1e6);
            }
        }
    }
    health_.set_broker_reachable(any_broker_up);
    if (client != "consumer") return;

    // Joined means the coordinator is up and the join protocol has settled ("steady"),
    // with an assignment or an empty one while waiting for partitions.
    std::string_view group_state;
    std::string_view join_state;
    if (root["cgrp"]["state"].get(group_state) == simdjson::SUCCESS &&
        root["cgrp"]["join_state"].get(join_state) == simdjson::SUCCESS) {
        health_.set_group_state(group_state == "up" && join_state == "steady");
    }

    std::set<std::pair<std::string, std::string>> seen;
    simdjson::dom::object topics;
    if (root["topics"].get(topics) == simdjson::SUCCESS) {
        for (auto [topic, details] : topics) {
            simdjson::dom::object partitions;
            if (details["partitions"].get(partitions) != simdjson::SUCCESS) continue;
            for (auto [partition, p] : partitions) {
                if (partition == "-1") continue;  // librdkafka's internal unassigned partition
                int64_t lag = -1;
                int64_t committed = -1;
                if (p["consumer_lag"].get(lag) != simdjson::SUCCESS) lag = -1;
                if (p["committed_offset"].get(committed) != simdjson::SUCCESS) committed = -1;
                if (lag < 0 && committed < 0) continue;  // not ours: no fetch state
                const auto key = std::make_pair(std::string(topic), std::string(partition));
                const prometheus::Labels labels{{"topic", key.first}, {"partition", key.second}};
                seen.insert(key);
                if (lag >= 0) {
                    auto& gauge = lag_.Add(labels);
                    gauge.Set(static_cast<double>(lag));
                    lag_series_[key] = &gauge;
                }
                if (committed >= 0) {
                    auto& gauge = committed_.Add(labels);
                    gauge.Set(static_cast<double>(committed));
                    committed_series_[key] = &gauge;
                }
            }
        }
    }
    for (auto* series : {&lag_series_, &committed_series_}) {
        auto& family = series == &lag_series_ ? lag_ : committed_;
        for (auto it = series->begin(); it != series->end();) {
            if (seen.count(it->first) > 0) {
                ++it;
                continue;
            }
            family.Remove(it->second);
            it = series->erase(it);
        }
    }
}

}  // namespace imr::observe
