#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

#include "imr/stream/record.h"

namespace imr::stream {

// What the pipeline reports about itself; the metrics component implements it. Called
// from the driver thread only. Domain code never sees the metrics library.
class pipeline_probe {
  public:
    virtual ~pipeline_probe() = default;
    virtual void consumed(size_t /*bytes*/) {}
    // `latency`: from the input's timestamp to this acknowledgement, when known.
    virtual void delivered(output_kind /*kind*/, size_t /*bytes*/,
                           std::optional<std::chrono::milliseconds> /*latency*/) {}
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
