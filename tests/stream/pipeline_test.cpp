#include "imr/stream/pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
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

// Each input of each partition exactly once among the committed outputs.
void expect_each_once(const std::vector<output_record>& committed,
                      const std::vector<topic_partition>& partitions, int64_t count) {
    std::map<std::pair<topic_partition, int64_t>, int> seen;
    for (const auto& r : committed) ++seen[{r.source, r.source_offset}];
    for (const auto& p : partitions) {
        for (int64_t o = 0; o < count; ++o) {
            EXPECT_EQ((seen[{p, o}]), 1) << "partition " << p.partition << " offset " << o;
        }
    }
    EXPECT_EQ(committed.size(), partitions.size() * static_cast<size_t>(count));
}

void add_inputs(fake_source& source, const std::vector<topic_partition>& partitions,
                int64_t count) {
    for (int64_t o = 0; o < count; ++o) {
        for (const auto& p : partitions) source.add(make_input(p.topic, p.partition, o));
    }
}

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

    // Inputs "good", `middle`, "good" on p0, run until all three are produced.
    std::vector<output_record> run_between_good(const std::string& middle, fake_source& source) {
        fake_sink sink;
        source.add(make_input("in", 0, 0, "good"));
        source.add(make_input("in", 0, 1, middle));
        source.add(make_input("in", 0, 2, "good"));
        pipeline p(source, sink, factory_, config(), probe_, log_);
        const auto result = run_until(p, [&] { return sink.produced().size() == 3; });
        EXPECT_TRUE(result.clean);
        return sink.produced();
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

// Records every stage time it is told (the driver thread tells, the test reads after).
class stage_probe final : public pipeline_probe {
  public:
    void stage_took(latency_stage stage, std::chrono::microseconds took) override {
        std::lock_guard lock(mutex_);
        taken_[stage].push_back(took);
    }
    std::vector<std::chrono::microseconds> of(latency_stage stage) {
        std::lock_guard lock(mutex_);
        return taken_[stage];
    }

  private:
    std::mutex mutex_;
    std::map<latency_stage, std::vector<std::chrono::microseconds>> taken_;
};

TEST_F(PipelineTest, ReportsEachStageOfEveryLetterOnce) {
    fake_source source;
    fake_sink sink;
    const auto sent = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()) -
                      50ms;
    for (int64_t o = 0; o < 10; ++o) {
        for (const auto& p : {p0, p1}) {
            auto input = make_input(p.topic, p.partition, o, o == 3 ? "slow" : "x");
            input.timestamp_ms = sent.count();
            source.add(std::move(input));
        }
    }
    stage_probe stages;
    pipeline p(source, sink, factory_, config(2), stages, log_);
    // The last delivery reports are served by the graceful stop's flush.
    const auto result = run_until(p, [&] { return sink.produced().size() == 20; });
    ASSERT_TRUE(result.clean) << result.reason;

    for (const auto stage : {latency_stage::fetch, latency_stage::queue, latency_stage::process,
                             latency_stage::release, latency_stage::acknowledge}) {
        const auto took = stages.of(stage);
        EXPECT_EQ(took.size(), 20u) << "stage " << static_cast<int>(stage);
        for (const auto t : took) EXPECT_GE(t.count(), 0) << "stage " << static_cast<int>(stage);
    }
    // The inputs were stamped 50 ms before the run; the "slow" ones take 20 ms each.
    for (const auto t : stages.of(latency_stage::fetch)) EXPECT_GE(t, 50ms);
    const auto process = stages.of(latency_stage::process);
    EXPECT_EQ(std::count_if(process.begin(), process.end(), [](auto t) { return t >= 20ms; }), 2);
}

TEST_F(PipelineTest, PoisonMessagesBecomeDeadLettersAndThePartitionMovesOn) {
    fake_source source;
    const auto produced = run_between_good("poison", source);
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
    source.assign_at_next_poll({p0});
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
    source.assign_at_next_poll({p0});
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
    source.assign_at_next_poll({p0, p1});
    for (int64_t o = 0; o < 50; ++o) {
        source.add(make_input("in", 0, o));
        source.add(make_input("in", 1, o));
    }
    pipeline p(source, sink, factory_, config(), probe_, log_);
    bool revoked = false;
    const auto result = run_until(p, [&] {
        const auto produced = sink.produced();
        const auto of_p1 = std::count_if(produced.begin(), produced.end(),
                                         [](const output_record& r) { return r.source == p1; });
        if (!revoked && of_p1 >= 5) {
            source.revoke_at_next_poll({p1});
            revoked = true;
        }
        return revoked && source.committed().count(p1) > 0 && source.stored().count(p0) > 0 &&
               source.stored().at(p0) == 50;
    });
    ASSERT_TRUE(result.clean);
    // Everything of p1 taken before the revoke was delivered before giving it up, and
    // the stored watermark covers exactly what was delivered.
    int64_t delivered_p1 = 0;
    for (const auto& r : sink.produced()) delivered_p1 += r.source == p1 ? 1 : 0;
    EXPECT_EQ(source.committed().at(p1), delivered_p1);
}

// Regression (issue 11): a window kept full by inputs still waiting for a worker (slow
// documents, or a core shared with other work) paused the partitions as if the sink were
// blocked; a pause throws away librdkafka's prefetch, which it fetches again only at its
// next tick, so the workers ran dry.
TEST_F(PipelineTest, WindowFullOfQueuedWorkDoesNotPause) {
    fake_source source;
    fake_sink sink;
    for (int64_t o = 0; o < 12; ++o) source.add(make_input("in", 0, o, "slow"));  // 20 ms each
    source.assign_at_next_poll({p0});
    pipeline p(source, sink, factory_, config(1, 4), probe_, log_);  // pause_after 5 ms
    const auto result = run_until(p, [&] { return sink.produced().size() >= 12; });
    EXPECT_TRUE(result.clean);
    EXPECT_EQ(sink.produced().size(), 12u);
    EXPECT_EQ(source.committed().at(p0), 12);
    EXPECT_EQ(source.pause_calls(), 0u);
}

TEST_F(PipelineTest, PartitionRevokedWhilePausedIsFetchedAgainWhenReassigned) {
    fake_source source;  // like librdkafka, keeps pause flags across revoke and assign
    fake_sink sink;
    sink.cork(true);
    for (int64_t o = 0; o < 8; ++o) source.add(make_input("in", 0, o));
    source.assign_at_next_poll({p0});
    auto c = config(1, 4);
    c.drain_timeout = 10ms;  // the corked sink never finishes the revoked work
    pipeline p(source, sink, factory_, c, probe_, log_);

    bool revoked = false;
    bool reassigned = false;
    const auto result = run_until(p, [&] {
        if (!revoked && source.pause_calls() > 0) {
            source.revoke_at_next_poll({p0});
            revoked = true;
        } else if (revoked && !reassigned && source.stored().empty() && source.pause_calls() > 0) {
            sink.cork(false);
            source.assign_at_next_poll({p0});
            reassigned = true;
        }
        return reassigned && source.stored().count(p0) > 0 && source.stored().at(p0) == 8;
    });
    ASSERT_TRUE(result.clean);
    ASSERT_TRUE(reassigned);
    EXPECT_EQ(source.committed().at(p0), 8) << "the re-assigned partition was never fetched again";
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

// Regression (issue 7, defect 3): librdkafka can run the rebalance callback inside the
// source's batch loop. Records read before a revoke were accepted after it as if still
// owned; after the eager re-assign the same offsets were tracked twice and the
// partition's watermark never advanced again.
TEST_F(PipelineTest, RecordsReadBeforeAMidBatchRevokeAreDroppedAndTheReassignRewinds) {
    fake_source source;
    fake_sink sink;
    for (int64_t o = 0; o < 20; ++o) source.add(make_input("in", 0, o));
    source.assign_at_next_poll({p0});
    // In the first batch, after 5 records: revoke p0 and assign it again at once.
    source.at_next_poll(
        [](fake_source& s) {
            s.revoke({p0});
            s.assign({p0});
        },
        5);
    pipeline p(source, sink, factory_, config(2, 64), probe_, log_);
    const auto result = run_until(p, [&] {
        const auto stored = source.stored();
        return stored.count(p0) > 0 && stored.at(p0) == 20;
    });
    ASSERT_TRUE(result.clean) << result.reason;
    EXPECT_EQ(source.committed().at(p0), 20) << "the watermark stopped advancing";
    const auto produced = sink.produced();
    std::set<int64_t> offsets;
    for (const auto& r : produced) {
        EXPECT_EQ(r.source_generation, 2u) << "a record of the revoked assignment was produced";
        EXPECT_TRUE(offsets.insert(r.source_offset).second)
            << "offset " << r.source_offset << " produced twice";
    }
    EXPECT_EQ(offsets.size(), 20u);
}

// Regression (issue 7, defect 4): a stop ran every queued document through the
// workers (9.6 s for a 2 s timeout) and then discarded the results.
TEST_F(PipelineTest, StopCancelsQueuedWorkAndKeepsToItsBudget) {
    fake_source source;
    fake_sink sink;
    for (int64_t o = 0; o < 200; ++o) source.add(make_input("in", 0, o, "slow"));
    auto c = config(1, 256);
    c.shutdown_timeout = 300ms;
    pipeline p(source, sink, factory_, c, probe_, log_);
    std::stop_source stop;
    pipeline_result result;
    std::thread runner([&] { result = p.run(stop.get_token()); });
    while (sink.produced().empty()) std::this_thread::sleep_for(1ms);
    const auto stopped_at = std::chrono::steady_clock::now();
    stop.request_stop();
    runner.join();
    const auto took = std::chrono::steady_clock::now() - stopped_at;

    EXPECT_LT(took, 1s) << "the stop ran the queued work";
    EXPECT_GT(result.cancelled, 100u);
    EXPECT_TRUE(result.clean) << result.reason;  // started work finished in time
    EXPECT_EQ(result.abandoned, 0u);
    const auto produced = static_cast<int64_t>(sink.produced().size());
    EXPECT_LT(produced, 200);
    EXPECT_EQ(source.committed().at(p0), produced) << "committed past what was produced";
}

// Regression (issue 7, defect 4): pipeline_stopped said clean:true, abandoned 0 while
// the work in flight was given up.
TEST_F(PipelineTest, StopThatRunsOutOfTimeReportsTheAbandonedWork) {
    fake_source source;
    fake_sink sink;
    sink.cork(true);  // nothing is ever acknowledged
    for (int64_t o = 0; o < 10; ++o) source.add(make_input("in", 0, o));
    auto c = config(2, 64);
    c.shutdown_timeout = 100ms;
    c.drain_timeout = 5s;  // the revoke inside the stop must keep to the stop's budget
    pipeline p(source, sink, factory_, c, probe_, log_);
    const auto started = std::chrono::steady_clock::now();
    const auto result = run_until(p, [&] { return sink.produced().size() == 10; });
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    EXPECT_FALSE(result.clean);
    EXPECT_FALSE(result.failed);
    EXPECT_EQ(result.abandoned, 10u);
    EXPECT_TRUE(source.committed().empty());
}

// Regression (issue 7, defect 6): only the document count bounded memory.
TEST_F(PipelineTest, ByteBudgetBoundsTheInputInFlight) {
    fake_source source;
    fake_sink sink;
    sink.cork(true);
    for (int64_t o = 0; o < 100; ++o) source.add(make_input("in", 0, o, std::string(1000, 'x')));
    auto c = config(2, 64);
    c.max_in_flight_bytes = 5000;
    pipeline p(source, sink, factory_, c, probe_, log_);
    std::stop_source stop;
    std::thread runner([&] { (void)p.run(stop.get_token()); });
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (source.pause_calls() == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(30ms);
    const size_t taken = sink.produced().size();
    EXPECT_GT(source.pause_calls(), 0u) << "a full byte budget pauses like a full count";
    EXPECT_LE(taken, 6u) << "5000 bytes allow five 1000-byte documents (plus one polled)";
    sink.cork(false);
    while (sink.produced().size() < 100 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);
    stop.request_stop();
    runner.join();
    EXPECT_EQ(source.committed().at(p0), 100);
}

TEST_F(PipelineTest, OneDocumentLargerThanTheByteBudgetStillPasses) {
    fake_source source;
    fake_sink sink;
    source.add(make_input("in", 0, 0, std::string(10000, 'x')));
    auto c = config();
    c.max_in_flight_bytes = 100;
    pipeline p(source, sink, factory_, c, probe_, log_);
    const auto result = run_until(p, [&] { return sink.produced().size() == 1; });
    ASSERT_TRUE(result.clean);
    EXPECT_EQ(source.committed().at(p0), 1);
}

// Regression (issue 7, defect 6): a dead letter copied its (up to 16 MiB) input again.
TEST_F(PipelineTest, DeadLetterSharesTheInputBytes) {
    fake_source source;
    fake_sink sink;
    const input_record poison = make_input("in", 0, 0, "poison");
    source.add(poison);
    pipeline p(source, sink, factory_, config(), probe_, log_);
    const auto result = run_until(p, [&] { return sink.produced().size() == 1; });
    ASSERT_TRUE(result.clean);
    const auto produced = sink.produced();
    ASSERT_EQ(produced.size(), 1u);
    EXPECT_EQ(produced[0].value.data(), poison.value.data()) << "the input was copied";
}

// Regression (issue 7, defect 7): an exception escaping a worker called std::terminate.
TEST_F(PipelineTest, ProcessorExceptionBecomesAnInternalDeadLetter) {
    fake_source source;
    const auto produced = run_between_good("throw", source);
    ASSERT_EQ(produced.size(), 3u);
    EXPECT_EQ(produced[1].kind, output_kind::dead_letter);
    ASSERT_FALSE(produced[1].headers.empty());
    EXPECT_EQ(produced[1].headers.back().value, "internal");
    EXPECT_EQ(source.committed().at(p0), 3);
}

// Regression (issue 7, defect 7): delivery_failed named the input topic as `topic`.
TEST_F(PipelineTest, DeliveryFailedLogNamesTheTopicProducedTo) {
    std::FILE* captured = std::tmpfile();
    ASSERT_NE(captured, nullptr);
    observe::logger log(observe::log_level::error, captured);
    fake_source source;
    fake_sink sink;
    sink.fail_deliveries(output_kind::outcome);
    source.add(make_input("in", 0, 0, "good"));
    pipeline p(source, sink, factory_, config(), probe_, log);
    std::stop_source stop;
    EXPECT_FALSE(p.run(stop.get_token()).clean);

    std::fflush(captured);
    std::rewind(captured);
    std::string text;
    for (int c = std::fgetc(captured); c != EOF; c = std::fgetc(captured))
        text.push_back(static_cast<char>(c));
    std::fclose(captured);
    const auto line = text.substr(text.find("delivery_failed"));
    EXPECT_NE(line.find(R"("topic":"outcomes")"), std::string::npos) << line;
    EXPECT_NE(line.find(R"("source_topic":"in")"), std::string::npos) << line;
}

// Regression (issue 7, defect 7): the client hands out a run of one partition before the
// next; processed in that order, a backlog on one partition kept the others from
// committing for tens of seconds.
TEST_F(PipelineTest, PartitionsOfOneBatchAreServedInTurn) {
    fake_source source;  // returns all of p0 before any of p1, like a fetched run
    fake_sink sink;
    for (int64_t o = 0; o < 40; ++o) source.add(make_input("in", 0, o));
    for (int64_t o = 0; o < 40; ++o) source.add(make_input("in", 1, o));
    pipeline p(source, sink, factory_, config(1, 128), probe_, log_);
    const auto result = run_until(p, [&] { return sink.produced().size() == 80; });
    ASSERT_TRUE(result.clean);
    const auto produced = sink.produced();
    ASSERT_EQ(produced.size(), 80u);
    size_t p1_in_first_half = 0;
    for (size_t i = 0; i < 40; ++i) p1_in_first_half += produced[i].source == p1 ? 1 : 0;
    EXPECT_GE(p1_in_first_half, 15u) << "p1 waited behind the whole of p0";
    EXPECT_EQ(source.committed().at(p0), 40);
    EXPECT_EQ(source.committed().at(p1), 40);
}

// Exactly-once: a transactional committer commits outputs and offsets together, an
// aborted transaction rewinds the source, and nothing is committed twice.

TEST_F(PipelineTest, ExactlyOnceCommitsEveryOutputOnceWithItsOffsets) {
    fake_source source;
    fake_sink sink;
    add_inputs(source, {p0, p1}, 100);
    testing::fake_transactions transactions(source, sink);
    pipeline p(source, sink, factory_, config(2, 16), probe_, log_, &transactions);
    const auto result = run_until(p, [&] { return transactions.committed().size() >= 200; });

    ASSERT_TRUE(result.clean) << result.reason;
    expect_each_once(transactions.committed(), {p0, p1}, 100);
    EXPECT_EQ(source.committed().at(p0), 100);
    EXPECT_EQ(source.committed().at(p1), 100);
    EXPECT_TRUE(source.stored().empty()) << "a transactional commit stores nothing in the consumer";
}

TEST_F(PipelineTest, ExactlyOnceAbortedTransactionRewindsAndRedoesItsInputsOnce) {
    fake_source source;
    fake_sink sink;
    add_inputs(source, {p0, p1}, 100);
    testing::fake_transactions transactions(source, sink);
    transactions.abort_next(3);
    pipeline p(source, sink, factory_, config(2, 16), probe_, log_, &transactions);
    const auto result = run_until(p, [&] { return transactions.committed().size() >= 200; });

    ASSERT_TRUE(result.clean) << result.reason;
    EXPECT_EQ(transactions.aborted(), 3);
    EXPECT_EQ(source.rewinds(), 3u);
    EXPECT_GT(sink.produced().size(), 200u) << "the aborted outputs were produced again";
    expect_each_once(transactions.committed(), {p0, p1}, 100);
    EXPECT_EQ(source.committed().at(p0), 100);
    EXPECT_EQ(source.committed().at(p1), 100);
}

TEST_F(PipelineTest, ExactlyOnceOutcomeRefusedInATransactionBecomesADeadLetterAfterTheRewind) {
    fake_source source;
    fake_sink sink;
    for (int64_t o = 0; o < 40; ++o) source.add(make_input("in", 0, o, "v" + std::to_string(o)));
    sink.reject_outcome_of(p0, 25);
    testing::fake_transactions transactions(source, sink);
    pipeline p(source, sink, factory_, config(2, 16), probe_, log_, &transactions);
    const auto result = run_until(p, [&] { return transactions.committed().size() >= 40; });

    ASSERT_TRUE(result.clean) << result.reason;
    EXPECT_GE(transactions.aborted(), 1);
    expect_each_once(transactions.committed(), {p0}, 40);
    for (const auto& r : transactions.committed()) {
        if (r.source_offset != 25) continue;
        EXPECT_EQ(r.kind, output_kind::dead_letter);
        ASSERT_FALSE(r.headers.empty());
        EXPECT_EQ(r.headers[0].value, "outcome_rejected");
        EXPECT_EQ(r.value, "v25") << "the dead letter carries the input";
    }
}

TEST_F(PipelineTest, ExactlyOnceFatalCommitStopsThePipelineWithTheCommittersReason) {
    fake_source source;
    fake_sink sink;
    for (int64_t o = 0; o < 10; ++o) source.add(make_input("in", 0, o));
    testing::fake_transactions transactions(source, sink);
    transactions.go_fatal();
    pipeline p(source, sink, factory_, config(2, 16), probe_, log_, &transactions);
    std::stop_source stop;
    const auto result = p.run(stop.get_token());  // returns by itself on the failure

    EXPECT_FALSE(result.clean);
    EXPECT_EQ(result.reason, "fenced");
    EXPECT_TRUE(source.committed().empty());
}

}  // namespace
}  // namespace imr::stream
