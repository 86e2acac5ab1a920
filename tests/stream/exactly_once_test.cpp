// The pipeline with a transactional offset committer: outputs and offsets are committed
// together, an aborted transaction rewinds the source, and nothing is committed twice.

#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "fakes.h"
#include "imr/stream/offset_committer.h"
#include "imr/stream/pipeline.h"

namespace imr::stream {
namespace {

using namespace std::chrono_literals;
using testing::fake_processor;
using testing::fake_sink;
using testing::fake_source;
using testing::make_input;

const topic_partition p0{"in", 0};
const topic_partition p1{"in", 1};

// Transactions over the fake sink: a transaction is the range of records produced since it
// was opened. Committing keeps the range and commits the offsets in the source; aborting
// drops the range. It aborts when told to, or when the sink refused a record meanwhile
// (what a broker's refusal does to a real transaction).
class fake_transactions final : public offset_committer {
  public:
    fake_transactions(fake_source& source, fake_sink& sink) : source_(source), sink_(sink) {}

    bool before_produce() override {
        if (!open_) {
            open_ = true;
            begin_ = sink_.produced().size();
            refused_at_begin_ = sink_.refused_count();
        }
        return true;
    }
    bool due(std::chrono::steady_clock::time_point) const override { return open_; }
    bool needs_delivered_outputs() const override { return true; }
    commit_result commit(const std::vector<committed_offset>& advanced) override {
        if (fatal_) return commit_result::fatal;
        if (!open_) return commit_result::done;
        open_ = false;
        const auto produced = sink_.produced();
        if (abort_next_ > 0 || sink_.refused_count() != refused_at_begin_) {
            if (abort_next_ > 0) --abort_next_;
            ++aborted_;
            return commit_result::rewind;
        }
        committed_.insert(committed_.end(), produced.begin() + static_cast<std::ptrdiff_t>(begin_),
                          produced.end());
        source_.commit(advanced);
        return commit_result::done;
    }
    bool delivery_failure_is_fatal() const override { return false; }
    std::string failure_reason() const override { return "fenced"; }

    void abort_next(int count) { abort_next_ = count; }
    void go_fatal() { fatal_ = true; }
    const std::vector<output_record>& committed() const { return committed_; }
    int aborted() const { return aborted_; }

  private:
    fake_source& source_;
    fake_sink& sink_;
    bool open_ = false;
    size_t begin_ = 0;
    size_t refused_at_begin_ = 0;
    int abort_next_ = 0;
    int aborted_ = 0;
    bool fatal_ = false;
    std::vector<output_record> committed_;
};

class ExactlyOnceTest : public ::testing::Test {
  protected:
    ExactlyOnceTest() : log_(observe::log_level::error, devnull_) {}
    ~ExactlyOnceTest() override { std::fclose(devnull_); }

    static pipeline_config config() {
        pipeline_config c;
        c.workers = 2;
        c.max_in_flight = 16;  // several transactions per partition
        c.poll_timeout = 1ms;
        c.pause_after = 5ms;
        c.drain_timeout = 2s;
        return c;
    }

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

    // Each input of each partition exactly once among the committed outputs.
    static void expect_each_once(const std::vector<output_record>& committed,
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

    std::FILE* devnull_ = std::fopen("/dev/null", "w");
    observe::logger log_;
    null_pipeline_probe probe_;
    processor_factory factory_ = [] { return std::make_unique<fake_processor>(); };
};

TEST_F(ExactlyOnceTest, CommitsEveryOutputOnceWithItsOffsets) {
    fake_source source;
    fake_sink sink;
    for (int64_t o = 0; o < 100; ++o) {
        source.add(make_input("in", 0, o));
        source.add(make_input("in", 1, o));
    }
    fake_transactions transactions(source, sink);
    pipeline p(source, sink, factory_, config(), probe_, log_, &transactions);
    const auto result = run_until(p, [&] { return transactions.committed().size() >= 200; });

    ASSERT_TRUE(result.clean) << result.reason;
    expect_each_once(transactions.committed(), {p0, p1}, 100);
    EXPECT_EQ(source.committed().at(p0), 100);
    EXPECT_EQ(source.committed().at(p1), 100);
    EXPECT_TRUE(source.stored().empty()) << "a transactional commit stores nothing in the consumer";
}

TEST_F(ExactlyOnceTest, AbortedTransactionRewindsAndRedoesItsInputsOnce) {
    fake_source source;
    fake_sink sink;
    for (int64_t o = 0; o < 100; ++o) {
        source.add(make_input("in", 0, o));
        source.add(make_input("in", 1, o));
    }
    fake_transactions transactions(source, sink);
    transactions.abort_next(3);
    pipeline p(source, sink, factory_, config(), probe_, log_, &transactions);
    const auto result = run_until(p, [&] { return transactions.committed().size() >= 200; });

    ASSERT_TRUE(result.clean) << result.reason;
    EXPECT_EQ(transactions.aborted(), 3);
    EXPECT_EQ(source.rewinds(), 3u);
    EXPECT_GT(sink.produced().size(), 200u) << "the aborted outputs were produced again";
    expect_each_once(transactions.committed(), {p0, p1}, 100);
    EXPECT_EQ(source.committed().at(p0), 100);
    EXPECT_EQ(source.committed().at(p1), 100);
}

TEST_F(ExactlyOnceTest, OutcomeRefusedInATransactionBecomesADeadLetterAfterTheRewind) {
    fake_source source;
    fake_sink sink;
    for (int64_t o = 0; o < 40; ++o) source.add(make_input("in", 0, o, "v" + std::to_string(o)));
    sink.reject_outcome_of(p0, 25);
    fake_transactions transactions(source, sink);
    pipeline p(source, sink, factory_, config(), probe_, log_, &transactions);
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

TEST_F(ExactlyOnceTest, FatalCommitStopsThePipelineWithTheCommittersReason) {
    fake_source source;
    fake_sink sink;
    for (int64_t o = 0; o < 10; ++o) source.add(make_input("in", 0, o));
    fake_transactions transactions(source, sink);
    transactions.go_fatal();
    pipeline p(source, sink, factory_, config(), probe_, log_, &transactions);
    std::stop_source stop;
    const auto result = p.run(stop.get_token());  // returns by itself on the failure

    EXPECT_FALSE(result.clean);
    EXPECT_EQ(result.reason, "fenced");
    EXPECT_TRUE(source.committed().empty());
}

}  // namespace
}  // namespace imr::stream
