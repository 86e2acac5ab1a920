#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>

#include "imr/observe/health.h"
#include "imr/stream/pipeline_probe.h"

namespace imr::observe {

// The stream-level metrics of docs/metrics.md, fed by the pipeline's driver thread.
class pipeline_metrics final : public stream::pipeline_probe {
  public:
    pipeline_metrics(prometheus::Registry& registry, health_state& health);

    void consumed(size_t bytes) override;
    void delivered(stream::output_kind kind, size_t bytes,
                   std::optional<std::chrono::milliseconds> latency) override;
    void stage_took(stream::latency_stage stage, std::chrono::microseconds took) override;
    void delivery_failed(stream::output_kind kind) override;
    void produce_rejected(stream::output_kind kind) override;
    void in_flight(size_t documents) override;
    void in_flight_bytes(size_t bytes) override;
    void stale_dropped() override;
    void queue_depth(size_t jobs) override;
    void paused_partitions(size_t count) override;
    void assigned_partitions(size_t count) override;
    void workers(size_t busy, size_t total) override;
    void rebalanced() override;
    void commit_failed() override;
    void loop_ticked() override;

  private:
    // One counter per output kind, looked up once: a labelled Add() is a hash lookup under
    // the family's lock, and deliveries are counted once per record.
    struct by_kind {
        prometheus::Counter& outcome;
        prometheus::Counter& dead_letter;
        explicit by_kind(prometheus::Family<prometheus::Counter>& family);
        prometheus::Counter& operator[](stream::output_kind kind) const {
            return kind == stream::output_kind::outcome ? outcome : dead_letter;
        }
    };

    health_state& health_;
    prometheus::Counter& consumed_;
    prometheus::Counter& input_bytes_;
    by_kind output_bytes_;
    by_kind produce_errors_;
    prometheus::Counter& rebalances_;
    prometheus::Counter& commit_errors_;
    prometheus::Counter& stale_dropped_;
    prometheus::Gauge& in_flight_;
    prometheus::Gauge& in_flight_bytes_;
    prometheus::Gauge& queue_depth_;
    prometheus::Gauge& paused_;
    prometheus::Gauge& assigned_;
    prometheus::Gauge& utilization_;
    prometheus::Gauge& last_tick_;
    prometheus::Histogram& latency_;
    // One histogram per stage, in the order of stream::latency_stage, looked up once.
    std::array<prometheus::Histogram*, 5> stages_{};
};

}  // namespace imr::observe
