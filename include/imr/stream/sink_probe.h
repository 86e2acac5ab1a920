#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include "imr/stream/record.h"

namespace imr::stream {

// What a record sink reports about records it could not write as they were; the metrics
// component implements it. Called from the thread that drives the sink.
class sink_probe {
  public:
    virtual ~sink_probe() = default;
    // A record that can never be written as it is (too large for its topic or for the
    // producer's queue, or refused by the broker for good). `reason` is a short code.
    virtual void record_refused(output_kind /*kind*/, std::string_view /*reason*/) {}
    // A dead letter replaced by one that fits (value cut or dropped).
    virtual void dead_letter_fitted() {}
    // A record has waited for room in the producer's queue longer than the bound (true),
    // or the wait is over (false).
    virtual void produce_stalled(bool /*stalled*/) {}
    // How long the record at the head has been waiting for room (zero when none waits).
    virtual void produce_blocked(std::chrono::milliseconds /*waited*/) {}
    // A topic's max.message.bytes as described by the broker.
    virtual void topic_limit(std::string_view /*topic*/, std::size_t /*bytes*/) {}
};

class null_sink_probe final : public sink_probe {};

}  // namespace imr::stream
