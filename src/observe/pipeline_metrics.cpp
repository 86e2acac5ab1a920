#include "imr/observe/pipeline_metrics.h"

#include <chrono>

namespace imr::observe {
namespace {

prometheus::Family<prometheus::Gauge>& gauge_family(prometheus::Registry& r,
                                                    const std::string& name,
                                                    const std::string& help) {
    return prometheus::BuildGauge().Name(name).Help(help).Register(r);
}

prometheus::Family<prometheus::Counter>& counter_family(prometheus::Registry& r,
                                                        const std::string& name,
                                                        const std::string& help) {
    return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}

// Finer than the end-to-end buckets: most stages take well under a millisecond.
const prometheus::Histogram::BucketBoundaries stage_buckets{
    0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01,
    0.015,  0.025,   0.05,   0.1,   0.25,  0.5,   1,     2.5,    10};

constexpr std::array<std::pair<stream::latency_stage, const char*>, 5> stage_names{{
    {stream::latency_stage::fetch, "fetch"},
    {stream::latency_stage::queue, "queue"},
    {stream::latency_stage::process, "process"},
    {stream::latency_stage::release, "release"},
    {stream::latency_stage::acknowledge, "acknowledge"},
}};

}  // namespace

pipeline_metrics::by_kind::by_kind(prometheus::Family<prometheus::Counter>& family)
    : outcome(family.Add({{"kind", "outcome"}})),
      dead_letter(family.Add({{"kind", "dead_letter"}})) {}

pipeline_metrics::pipeline_metrics(prometheus::Registry& r, health_state& health)
    : health_(health),
      consumed_(counter_family(r, "imr_documents_consumed_total",
                               "Input records taken from the input topic")
                    .Add({})),
      input_bytes_(
          counter_family(r, "imr_input_bytes_total", "Bytes of input records consumed").Add({})),
      output_bytes_(
          counter_family(r, "imr_output_bytes_total", "Bytes of records acknowledged, by kind")),
      produce_errors_(counter_family(r, "imr_produce_errors_total",
                                     "Records refused or not delivered, by kind")),
      rebalances_(counter_family(r, "imr_rebalances_total", "Partition assignments and revocations")
                      .Add({})),
      commit_errors_(counter_family(r, "imr_commit_errors_total", "Failed offset commits").Add({})),
      stale_dropped_(counter_family(r, "imr_stale_records_dropped_total",
                                    "Records, results or delivery reports of a partition "
                                    "assignment that had ended; dropped, never committed")
                         .Add({})),
      in_flight_(
          gauge_family(r, "imr_in_flight_documents", "Documents taken and not yet acknowledged")
              .Add({})),
      in_flight_bytes_(
          gauge_family(r, "imr_in_flight_bytes", "Input bytes taken and not yet acknowledged")
              .Add({})),
      queue_depth_(
          gauge_family(r, "imr_worker_queue_depth", "Documents waiting for a worker").Add({})),
      paused_(
          gauge_family(r, "imr_paused_partitions", "Partitions paused by back-pressure").Add({})),
      assigned_(
          gauge_family(r, "imr_assigned_partitions", "Partitions this instance owns").Add({})),
      utilization_(
          gauge_family(r, "imr_worker_utilization_ratio", "Busy workers / workers").Add({})),
      last_tick_(gauge_family(r, "imr_poll_loop_last_tick_timestamp_seconds",
                              "When the poll loop last ran")
                     .Add({})),
      latency_(
          prometheus::BuildHistogram()
              .Name("imr_end_to_end_latency_seconds")
              .Help("Input message timestamp to the output's delivery acknowledgement")
              .Register(r)
              .Add({}, prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                               0.5, 1, 2.5, 5, 10, 30, 60, 300})) {
    auto& stages = prometheus::BuildHistogram()
                       .Name("imr_stage_latency_seconds")
                       .Help(
                           "Each stage of the end-to-end latency: fetch (input timestamp to "
                           "taken), queue (to a worker), process, release (to the producer), "
                           "acknowledge (to the delivery report)")
                       .Register(r);
    for (const auto& [stage, name] : stage_names)
        stages_[static_cast<size_t>(stage)] = &stages.Add({{"stage", name}}, stage_buckets);
}

void pipeline_metrics::consumed(size_t bytes) {
    consumed_.Increment();
    input_bytes_.Increment(static_cast<double>(bytes));
}

void pipeline_metrics::delivered(stream::output_kind kind, size_t bytes,
                                 std::optional<std::chrono::milliseconds> latency) {
    output_bytes_[kind].Increment(static_cast<double>(bytes));
    health_.set_producer_failed(false);
    if (latency && latency->count() >= 0)
        latency_.Observe(static_cast<double>(latency->count()) / 1000.0);
}

void pipeline_metrics::stage_took(stream::latency_stage stage, std::chrono::microseconds took) {
    if (took.count() >= 0)
        stages_[static_cast<size_t>(stage)]->Observe(static_cast<double>(took.count()) / 1e6);
}

void pipeline_metrics::delivery_failed(stream::output_kind kind) {
    produce_errors_[kind].Increment();
    health_.set_producer_failed(true);
}

void pipeline_metrics::produce_rejected(stream::output_kind kind) {
    produce_errors_[kind].Increment();
}

void pipeline_metrics::in_flight(size_t documents) {
    in_flight_.Set(static_cast<double>(documents));
}
void pipeline_metrics::in_flight_bytes(size_t bytes) {
    in_flight_bytes_.Set(static_cast<double>(bytes));
}
void pipeline_metrics::stale_dropped() {
    stale_dropped_.Increment();
}
void pipeline_metrics::queue_depth(size_t jobs) {
    queue_depth_.Set(static_cast<double>(jobs));
}
void pipeline_metrics::paused_partitions(size_t count) {
    paused_.Set(static_cast<double>(count));
}

void pipeline_metrics::assigned_partitions(size_t count) {
    assigned_.Set(static_cast<double>(count));
    // An assignment is the coordinator's answer: in the group, broker reachable, without
    // waiting for the next statistics report (which keeps both up to date afterwards).
    health_.set_group_state(true);
    health_.set_broker_reachable(true);
}

void pipeline_metrics::workers(size_t busy, size_t total) {
    utilization_.Set(total == 0 ? 0.0 : static_cast<double>(busy) / static_cast<double>(total));
}

void pipeline_metrics::rebalanced() {
    rebalances_.Increment();
}
void pipeline_metrics::commit_failed() {
    commit_errors_.Increment();
}

void pipeline_metrics::loop_ticked() {
    health_.loop_ticked();
    last_tick_.SetToCurrentTime();
}

}  // namespace imr::observe
