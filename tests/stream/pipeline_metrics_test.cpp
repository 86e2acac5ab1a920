#include "imr/observe/pipeline_metrics.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>

#include "imr/observe/health.h"

namespace imr::observe {
namespace {

// Regression (issue 7, defect 7): set_producer_failed was never called, so readiness
// never reported a producer whose deliveries fail.
TEST(PipelineMetrics, ReadinessReportsAProducerWhoseDeliveriesFail) {
    prometheus::Registry registry;
    health_state health;
    pipeline_metrics metrics(registry, health);
    metrics.loop_ticked();
    metrics.assigned_partitions(1);
    std::string why;
    ASSERT_TRUE(health.ready(why)) << why;

    metrics.delivery_failed(stream::output_kind::outcome);
    EXPECT_FALSE(health.ready(why));
    EXPECT_EQ(why, "producer in error");

    metrics.delivered(stream::output_kind::outcome, 10, std::nullopt);
    EXPECT_TRUE(health.ready(why)) << why;
}

TEST(PipelineMetrics, ExportsEachLatencyStageUnderItsOwnLabel) {
    prometheus::Registry registry;
    health_state health;
    pipeline_metrics metrics(registry, health);
    metrics.stage_took(stream::latency_stage::queue, std::chrono::microseconds(300));
    metrics.stage_took(stream::latency_stage::queue, std::chrono::microseconds(700));
    metrics.stage_took(stream::latency_stage::acknowledge, std::chrono::milliseconds(4));

    std::map<std::string, prometheus::ClientMetric::Histogram> by_stage;
    for (const auto& family : registry.Collect()) {
        if (family.name != "imr_stage_latency_seconds") continue;
        for (const auto& metric : family.metric) {
            ASSERT_EQ(metric.label.size(), 1u);
            EXPECT_EQ(metric.label[0].name, "stage");
            by_stage[metric.label[0].value] = metric.histogram;
        }
    }
    ASSERT_EQ(by_stage.size(), 5u);
    for (const auto* stage : {"fetch", "queue", "process", "release", "acknowledge"})
        EXPECT_EQ(by_stage.count(stage), 1u) << stage;
    EXPECT_EQ(by_stage["queue"].sample_count, 2u);
    EXPECT_DOUBLE_EQ(by_stage["queue"].sample_sum, 0.001);
    EXPECT_EQ(by_stage["acknowledge"].sample_count, 1u);
    EXPECT_EQ(by_stage["fetch"].sample_count, 0u);
}

// Regression (issue 7, defect 4): a liveness probe must not kill a draining instance.
TEST(HealthState, StaysLiveWhileShuttingDown) {
    health_state health(std::chrono::milliseconds(0));  // any pause counts as a stall
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::string why;
    ASSERT_FALSE(health.live(why));
    health.set_stopping(true);
    EXPECT_TRUE(health.live(why)) << why;
    EXPECT_FALSE(health.ready(why));
}

}  // namespace
}  // namespace imr::observe
