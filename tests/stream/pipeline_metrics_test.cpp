#include "imr/observe/pipeline_metrics.h"

#include <gtest/gtest.h>

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
