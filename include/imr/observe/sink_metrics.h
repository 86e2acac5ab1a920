#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "imr/observe/health.h"
#include "imr/stream/sink_probe.h"

namespace imr::observe {

// The sink's metrics of docs/metrics.md (refused and fitted records, producer stalls,
// topic limits); a stall also makes the service not ready.
class sink_metrics final : public stream::sink_probe {
  public:
    sink_metrics(prometheus::Registry& registry, health_state& health);

    void record_refused(stream::output_kind kind, std::string_view reason) override;
    void dead_letter_fitted() override;
    void produce_stalled(bool stalled) override;
    void produce_blocked(std::chrono::milliseconds waited) override;
    void topic_limit(std::string_view topic, std::size_t bytes) override;

  private:
    health_state& health_;
    prometheus::Family<prometheus::Counter>& refused_;
    prometheus::Counter& fitted_;
    prometheus::Counter& stalls_;
    prometheus::Gauge& blocked_;
    prometheus::Family<prometheus::Gauge>& topic_limits_;
};

}  // namespace imr::observe
