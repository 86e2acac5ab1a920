#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

#include "imr/stream/record.h"

namespace imr::stream {

// The stages of one input's way to its acknowledged output, which add up to the end-to-end
// latency: where the time goes when it grows.
enum class latency_stage {
    fetch,        // the input's timestamp to the pipeline taking it from the source
    queue,        // taken to a worker starting on it
    process,      // the worker's processing
    release,      // processed to handed to the producer (waiting for earlier offsets first)
    acknowledge,  // handed to the producer to its delivery report
};

// What the pipeline reports about itself; the metrics component implements it. Called
// from the driver thread only. Domain code never sees the metrics library.
class pipeline_probe {
  public:
    virtual ~pipeline_probe() = default;
    virtual void consumed(size_t /*bytes*/) {}
    // `latency`: from the input's timestamp to this acknowledgement, when known.
    virtual void delivered(output_kind /*kind*/, size_t /*bytes*/,
                           std::optional<std::chrono::milliseconds> /*latency*/) {}
    virtual void stage_took(latency_stage /*stage*/, std::chrono::microseconds /*took*/) {}
    virtual void delivery_failed(output_kind /*kind*/) {}
    virtual void produce_rejected(output_kind /*kind*/) {}
    virtual void in_flight(size_t /*documents*/) {}
    virtual void in_flight_bytes(size_t /*bytes*/) {}
    // A record, result or delivery report of a partition generation no longer owned (or
    // an offset that did not increase): dropped, never committed.
    virtual void stale_dropped() {}
    virtual void queue_depth(size_t /*jobs*/) {}
    virtual void paused_partitions(size_t /*count*/) {}
    virtual void rebalanced() {}
    virtual void offsets_stored(size_t /*partitions*/) {}
    virtual void assigned_partitions(size_t /*count*/) {}
    virtual void workers(size_t /*busy*/, size_t /*total*/) {}
    virtual void commit_failed() {}
    virtual void loop_ticked() {}
};

// The probe of a pipeline nobody observes (tests, tools).
class null_pipeline_probe final : public pipeline_probe {};

}  // namespace imr::stream
