#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <cstdio>
#include <mutex>

#include "imr/engine/classification_probe.h"

namespace imr::observe {

// Per-document counters of the engine (docs/metrics.md): letters by outcome and layout,
// items by category and decision, failures by code, classification time. Thread-safe:
// workers report concurrently.
class classification_metrics final : public classification_probe {
  public:
    explicit classification_metrics(prometheus::Registry& registry);

    void classified(const outcome& value, std::chrono::nanoseconds took) override;
    void failed(errc code, std::chrono::nanoseconds took) override;
    void match_failed() override;

    // The same counters as a short human summary (for `imr-stream classify`).
    void print_summary(std::FILE* out) const;

  private:
    prometheus::Counter& classified_;
    prometheus::Family<prometheus::Counter>& dead_lettered_;
    prometheus::Family<prometheus::Counter>& items_;
    prometheus::Family<prometheus::Counter>& letters_;
    prometheus::Family<prometheus::Counter>& layouts_;
    prometheus::Counter& match_errors_;
    prometheus::Histogram& duration_;
    std::atomic<uint64_t> items_total_{0};
    std::atomic<uint64_t> failures_total_{0};
    std::atomic<uint64_t> nanoseconds_total_{0};
};

}  // namespace imr::observe
