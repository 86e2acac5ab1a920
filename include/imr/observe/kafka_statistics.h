#pragma once

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "imr/observe/health.h"

namespace imr::observe {

// Turns librdkafka's statistics JSON (statistics.interval.ms) into gauges: consumer lag
// and committed offset per topic/partition, broker round-trip time, and the group and
// broker state that readiness needs. Called from librdkafka's threads; serialized here.
class kafka_statistics {
  public:
    kafka_statistics(prometheus::Registry& registry, health_state& health);
    ~kafka_statistics();

    void on_consumer_statistics(std::string_view json);
    void on_producer_statistics(std::string_view json);

  private:
    struct parser;
    void parse(std::string_view json, std::string_view client);

    health_state& health_;
    prometheus::Family<prometheus::Gauge>& lag_;
    prometheus::Family<prometheus::Gauge>& committed_;
    prometheus::Family<prometheus::Gauge>& rtt_;
    std::mutex mutex_;
    std::unique_ptr<parser> json_;
    // Label sets last reported, so partitions given up stop being exported.
    std::map<std::pair<std::string, std::string>, prometheus::Gauge*> lag_series_;
    std::map<std::pair<std::string, std::string>, prometheus::Gauge*> committed_series_;
};

}  // namespace imr::observe
