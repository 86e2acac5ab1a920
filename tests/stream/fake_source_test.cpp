// The fake source must behave like a Kafka consumer where the pipeline's correctness
// depends on it: generations, mid-batch rebalances and rewinding re-assigns.

#include <gtest/gtest.h>

#include "fakes.h"

namespace imr::stream {
namespace {

using namespace std::chrono_literals;
using testing::fake_source;
using testing::make_input;

const topic_partition p0{"in", 0};

class recording_listener final : public rebalance_listener {
  public:
    void on_assigned(const std::vector<topic_partition>&, uint64_t generation) override {
        generations.push_back(generation);
    }
    void on_revoked(const std::vector<topic_partition>&) override { ++revokes; }
    std::vector<uint64_t> generations;
    int revokes = 0;
};

TEST(FakeSource, RevokeInTheMiddleOfABatchAndReassignRewindsToTheCommittedOffset) {
    fake_source source;
    recording_listener listener;
    source.set_rebalance_listener(&listener);
    for (int64_t o = 0; o < 10; ++o) source.add(make_input("in", 0, o));
    source.assign_at_next_poll({p0});
    source.at_next_poll(
        [](fake_source& s) {
            s.store({{p0, 2}});  // committed by the revoke
            s.revoke({p0});
            s.assign({p0});
        },
        3);
    const auto batch = source.poll(100, 0ms, SIZE_MAX);

    ASSERT_EQ(listener.generations, (std::vector<uint64_t>{1, 2}));
    EXPECT_EQ(listener.revokes, 1);
    ASSERT_EQ(batch.size(), 3u + 8u);  // 0,1,2 of generation 1, then 2..9 of generation 2
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(batch[i].generation, 1u);
        EXPECT_EQ(batch[i].offset, static_cast<int64_t>(i));
    }
    EXPECT_EQ(batch[3].generation, 2u);
    EXPECT_EQ(batch[3].offset, 2) << "the re-assign starts at the committed offset";
    EXPECT_EQ(source.committed().at(p0), 2);
}

TEST(FakeSource, StopsABatchAtItsByteLimit) {
    fake_source source;
    for (int64_t o = 0; o < 10; ++o) source.add(make_input("in", 0, o, std::string(100, 'x')));
    const auto batch = source.poll(100, 0ms, 250);
    EXPECT_EQ(batch.size(), 3u);  // the record that crosses the limit is taken
}

}  // namespace
}  // namespace imr::stream
