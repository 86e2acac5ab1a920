#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "imr/stream/record.h"

namespace imr::stream {

// What became of one produced record, reported once per produce() that returned `queued`.
struct delivery_report {
    output_kind kind = output_kind::outcome;
    std::string topic;  // where the record was produced to
    topic_partition source;
    int64_t source_offset = 0;
    uint64_t source_generation = 0;
    bool delivered = false;
    std::string error;  // the client's message when not delivered; never record content
    // Not delivered because the broker refused this record itself (too large, invalid):
    // sending it again cannot succeed.
    bool refused = false;
    size_t bytes = 0;  // value size of the produced record
    std::optional<int64_t> source_timestamp_ms;
    // From produce() to this report (when the sink measured it): the client's batching, the
    // broker's append and acknowledgement, and how soon the report was polled.
    std::optional<std::chrono::microseconds> since_produce;
};

class delivery_listener {
  public:
    virtual ~delivery_listener() = default;
    virtual void on_delivery(const delivery_report& report) = 0;
};

enum class produce_status {
    queued,      // a delivery report will follow
    queue_full,  // try again after poll(): back-pressure from the client
    failed,      // refused outright (e.g. too large); no report will follow
};

// Where output records go (a Kafka producer in production, a vector in tests).
// Single-threaded: only the pipeline's driver thread calls it. Delivery reports are
// delivered from inside poll() and flush().
class record_sink {
  public:
    virtual ~record_sink() = default;

    virtual void set_delivery_listener(delivery_listener* listener) = 0;
    virtual produce_status produce(const output_record& record) = 0;
    virtual void poll(std::chrono::milliseconds timeout) = 0;
    // Waits until everything queued is delivered or failed; false on timeout.
    virtual bool flush(std::chrono::milliseconds timeout) = 0;
    // A fatal client error: the process must stop (never skip).
    [[nodiscard]] virtual bool fatal() const = 0;
};

}  // namespace imr::stream
