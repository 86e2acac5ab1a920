#include "imr/stream/pipeline.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "fakes.h"

namespace imr::stream {
namespace {

using namespace std::chrono_literals;
using testing::fake_processor;
using testing::fake_sink;
using testing::fake_source;
using testing::make_input;

const topic_partition p0{"in", 0};
const topic_partition p1{"in", 1};

class PipelineTest : public ::testing::Test {
  protected:
    PipelineTest() : log_(observe::log_level::error, devnull_) {}
    ~PipelineTest() override { std::fclose(devnull_); }

    pipeline_config config(size_t workers = 2, size_t max_in_flight = 64) {
        pipeline_config c;
        c.workers = workers;
        c.max_in_flight = max_in_flight;
        c.poll_timeout = 1ms;
        c.store_interval = 0ms;
        c.pause_after = 5ms;
        c.drain_timeout = 2s;
        return c;
    }

    // Runs the pipeline until `done` holds (or 10 s pass), then stops it gracefully.
    pipeline_result run_until(pipeline& p, const std::function<bool()>& done) {
        std::stop_source stop;
        pipeline_result result;
        std::thread runner([&] { result = p.run(stop.get_token()); });
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!done() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(1ms);
        stop.request_stop();
        runner.join();
        return result;
    }

    std::FILE* devnull_ = std::fopen("/dev/null", "w");
    observe::logger log_;
    null_pipeline_probe probe_;
    processor_factory factory_ = [] { return std::make_unique<fake_processor>(); };
};

TEST_F(PipelineTest, ProducesEveryInputInOffsetOrderPerPartition) {
    fake_source source;
    fake_sink sink;
    for (int64_t o = 0; o < 200; ++o) {
        source.add(make_input("in", 0, o, "a" + std::to_string(o)));
        source.add(make_input("in", 1, o, "b" + std::to_string(o)));
    }
    pipeline p(source, sink, factory_, config(4), probe_, log_);
    const auto result = run_until(p, [&] { return sink.produced().size() == 400; });

    ASSERT_TRUE(result.clean) << result.reason;
    const auto produced = sink.produced();
    ASSERT_EQ(produced.size(), 400u);
    std::map<topic_partition, int64_t> last;
    for (const auto& r : produced) {
        auto [it, fresh] = last.try_emplace(r.source, r.source_offset);
        if (!fresh) {
            EXPECT_EQ(r.source_offset, it->second + 1)
                << "out of order on partition " << r.source.partition;
            it->second = r.source_offset;
        }
    }
    EXPECT_EQ(source.committed().at(p0), 200);
    EXPECT_EQ(source.committed().at(p1), 200);
    EXPECT_TRUE(source.closed());
}

TEST_F(PipelineTest, PoisonMessagesBecomeDeadLettersAndThePartitionMovesOn) {
    fake_source source;
    fake_sink sink;
    source.add(make_input("in", 0, 0, "good"));
    source.add(make_input("in", 0, 1, "poison"));
    source.add(make_input("in", 0, 2, "good"));
    pipeline p(source, sink, factory_, config(), probe_, log_);
    const auto result = run_until(p, [&] { return sink.produced().size() == 3; });

    ASSERT_TRUE(result.clean);
    const auto produced = sink.produced();
    ASSERT_EQ(produced.size(), 3u);
    EXPECT_EQ(produced[1].kind, output_kind::dead_letter);
    EXPECT_EQ(produced[1].value, "poison");  // original bytes kept
    EXPECT_EQ(source.committed().at(p0), 3);
}

TEST_F(PipelineTest, PausesPartitionsWhenInFlightIsFullAndResumesWhenDrained) {
    fake_source source;
    fake_sink sink;
    sink.cork(true);  // a broker that does not acknowledge: nothing completes
    for (int64_t o = 0; o < 100; ++o) source.add(make_input("in", 0, o));
    source.at_next_poll([](rebalance_listener& l) { l.on_assigned({p0}); });
    pipeline p(source, sink, factory_, config(2, 16), probe_, log_);

    std::stop_source stop;
    std::thread runner([&] { (void)p.run(stop.get_token()); });
    const auto wait_for = [](const std::function<bool()>& condition) {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (!condition() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(1ms);
        return condition();
    };
    EXPECT_TRUE(wait_for([&] { return source.pause_calls() > 0; }));
    std::this_thread::sleep_for(50ms);
    // Bounded: no more than the cap (plus the one record a full pipeline still polls
    // for) was taken while nothing was acknowledged.
    EXPECT_LE(sink.produced().size(), 17u);
    EXPECT_TRUE(source.committed().empty());

    sink.cork(false);
    EXPECT_TRUE(wait_for([&] { return source.resume_calls() > 0; }));
    EXPECT_TRUE(wait_for([&] { return sink.produced().size() == 100; }));
    stop.request_stop();
    runner.join();
    EXPECT_EQ(source.committed().at(p0), 100);
}

// Issue 7, defect 2: heads refused for a full producer queue were offered again only when
// new results arrived; with every result in, the stream stalled for ever.
TEST_F(PipelineTest, RetriesAFullProducerQueueWithoutNewResults) {
    fake_source source;
    fake_sink sink;
    sink.cork(true);
    sink.queue_capacity(1);
    for (int64_t o = 0; o < 8; ++o) source.add(make_input("in", 0, o));
    source.at_next_poll([](rebalance_listener& l) { l.on_assigned({p0}); });
    pipeline p(source, sink, factory_, config(2, 8), probe_, log_);
    std::stop_source stop;
    std::thread runner([&] { (void)p.run(stop.get_token()); });
    std::this_thread::sleep_for(200ms);  // every result is in; one record is queued
    EXPECT_EQ(sink.produced().size(), 1u);
    sink.cork(false);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (sink.produced().size() < 8 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);
    EXPECT_EQ(sink.produced().size(), 8u);
    stop.request_stop();
    runner.join();
}

TEST_F(PipelineTest, RevokeFinishesInFlightWorkAndStoresTheFinalWatermark) {
    fake_source source;
    fake_sink sink;
    source.at_next_poll([](rebalance_listener& l) { l.on_assigned({p0, p1}); });
    for (int64_t o = 0; o < 50; ++o) {
        source.add(make_input("in", 0, o));
        source.add(make_input("in", 1, o));
    }
    pipeline p(source, sink, factory_, config(), probe_, log_);
    bool revoked = false;
    const auto result = run_until(p, [&] {
        if (!revoked && sink.produced().size() >= 10) {
            source.at_next_poll([](rebalance_listener& l) { l.on_revoked({p1}); });
            revoked = true;
        }
        return revoked && source.stored().count(p1) > 0 && source.stored().count(p0) > 0 &&
               source.stored().at(p0) == 50;
    });
    ASSERT_TRUE(result.clean);
    // Everything of p1 taken before the revoke was delivered before giving it up, and
    // the stored watermark covers exactly what was delivered.
    int64_t delivered_p1 = 0;
    for (const auto& r : sink.produced()) delivered_p1 += r.source == p1 ? 1 : 0;
    EXPECT_EQ(source.stored().at(p1), delivered_p1);
}

TEST_F(PipelineTest, PartitionRevokedWhilePausedIsFetchedAgainWhenReassigned) {
    fake_source source;  // like librdkafka, keeps pause flags across revoke and assign
    fake_sink sink;
    sink.cork(true);
    for (int64_t o = 0; o < 8; ++o) source.add(make_input("in", 0, o));
    source.at_next_poll([](rebalance_listener& l) { l.on_assigned({p0}); });
    auto c = config(1, 4);
    c.drain_timeout = 10ms;  // the corked sink never finishes the revoked work
    pipeline p(source, sink, factory_, c, probe_, log_);

    bool revoked = false;
    bool reassigned = false;
    const auto result = run_until(p, [&] {
        if (!revoked && source.pause_calls() > 0) {
            source.at_next_poll([](rebalance_listener& l) { l.on_revoked({p0}); });
            revoked = true;
        } else if (revoked && !reassigned && source.stored().empty() && source.pause_calls() > 0) {
            sink.cork(false);
            source.at_next_poll([](rebalance_listener& l) { l.on_assigned({p0}); });
            reassigned = true;
        }
        return reassigned && source.stored().count(p0) > 0 && source.stored().at(p0) == 8;
    });
    ASSERT_TRUE(result.clean);
    ASSERT_TRUE(reassigned);
    EXPECT_EQ(source.stored().at(p0), 8) << "the re-assigned partition was never fetched again";
}

TEST_F(PipelineTest, StopsWhenADeadLetterCannotBeDelivered) {
    fake_source source;
    fake_sink sink;
    sink.fail_deliveries(output_kind::dead_letter);
    source.add(make_input("in", 0, 0, "good"));
    source.add(make_input("in", 0, 1, "poison"));
    source.add(make_input("in", 0, 2, "good"));
    pipeline p(source, sink, factory_, config(), probe_, log_);
    std::stop_source stop;
    const auto result = p.run(stop.get_token());  // returns by itself on the failure

    EXPECT_FALSE(result.clean);
    // Offset 1 was never done, so nothing past offset 0 may be committed.
    const auto stored = source.stored();
    if (stored.count(p0) > 0) {
        EXPECT_LE(stored.at(p0), 1);
    }
}

TEST_F(PipelineTest, RejectedOutcomeIsKeptAsDeadLetter) {
    fake_source source;
    fake_sink sink;
    sink.refuse(output_kind::outcome);
    source.add(make_input("in", 0, 0, "too big"));
    pipeline p(source, sink, factory_, config(), probe_, log_);
    const auto result = run_until(p, [&] { return !sink.produced().empty(); });

    ASSERT_TRUE(result.clean);
    const auto produced = sink.produced();
    ASSERT_EQ(produced.size(), 1u);
    EXPECT_EQ(produced[0].kind, output_kind::dead_letter);
    EXPECT_EQ(produced[0].value, "too big");
    EXPECT_EQ(source.committed().at(p0), 1);
}

TEST_F(PipelineTest, GracefulStopDrainsAndCommitsEverythingTaken) {
    fake_source source;
    fake_sink sink;
    for (int64_t o = 0; o < 30; ++o) source.add(make_input("in", 0, o));
    pipeline p(source, sink, factory_, config(1), probe_, log_);
    // Stop as soon as work is in flight: the drain must still finish it.
    const auto result = run_until(p, [&] { return !sink.produced().empty(); });
    ASSERT_TRUE(result.clean);
    const auto produced = sink.produced();
    ASSERT_FALSE(produced.empty());
    EXPECT_EQ(source.committed().at(p0), static_cast<int64_t>(produced.size()));
}

}  // namespace
}  // namespace imr::stream
