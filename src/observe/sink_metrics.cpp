#include "imr/observe/sink_metrics.h"

#include <string>

namespace imr::observe {

sink_metrics::sink_metrics(prometheus::Registry& r, health_state& health)
    : health_(health),
      refused_(prometheus::BuildCounter()
                   .Name("imr_records_refused_total")
                   .Help("Records that could not be written as they were, by kind and reason")
                   .Register(r)),
      fitted_(prometheus::BuildCounter()
                  .Name("imr_dead_letters_fitted_total")
                  .Help("Dead letters replaced by one that fits (value cut or dropped)")
                  .Register(r)
                  .Add({})),
      stalls_(prometheus::BuildCounter()
                  .Name("imr_produce_stalls_total")
                  .Help("Times a record waited for room in the producer's queue past the bound")
                  .Register(r)
                  .Add({})),
      blocked_(prometheus::BuildGauge()
                   .Name("imr_produce_blocked_seconds")
                   .Help("How long the next record has been waiting for room in the producer's "
                         "queue")
                   .Register(r)
                   .Add({})),
      topic_limits_(prometheus::BuildGauge()
                        .Name("imr_topic_max_message_bytes")
                        .Help("max.message.bytes of the output topics, as the broker describes "
                              "them")
                        .Register(r)) {
    // The series exist from the start (at zero), so that a rate over them is 0, not empty.
    for (const char* kind : {"outcome", "dead_letter"})
        refused_.Add({{"kind", kind}, {"reason", "too_large_for_topic"}});
}

void sink_metrics::record_refused(stream::output_kind kind, std::string_view reason) {
    refused_
        .Add({{"kind", kind == stream::output_kind::outcome ? "outcome" : "dead_letter"},
              {"reason", std::string(reason)}})
        .Increment();
}

void sink_metrics::dead_letter_fitted() {
    fitted_.Increment();
}

void sink_metrics::produce_stalled(bool stalled) {
    if (stalled) stalls_.Increment();
    health_.set_producer_stalled(stalled);
}

void sink_metrics::produce_blocked(std::chrono::milliseconds waited) {
    blocked_.Set(std::chrono::duration<double>(waited).count());
}

void sink_metrics::topic_limit(std::string_view topic, std::size_t bytes) {
    topic_limits_.Add({{"topic", std::string(topic)}}).Set(static_cast<double>(bytes));
}

}  // namespace imr::observe
