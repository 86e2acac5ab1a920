#pragma once

#include <chrono>

#include "imr/core/error.h"
#include "imr/core/outcome.h"

namespace imr {

// What classification reports per document; the metrics component implements it.
// Called from worker threads concurrently: implementations must be thread-safe.
class classification_probe {
  public:
    virtual ~classification_probe() = default;
    virtual void classified(const outcome& /*value*/, std::chrono::nanoseconds /*took*/) {}
    virtual void failed(errc /*code*/, std::chrono::nanoseconds /*took*/) {}
    // Pattern matching failed (RE2's DFA out of memory): the document became `internal`.
    virtual void match_failed() {}
};

class null_classification_probe final : public classification_probe {};

}  // namespace imr
