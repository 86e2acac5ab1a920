#include "imr/stream/partition_session.h"

#include <gtest/gtest.h>

#include "fakes.h"

namespace imr::stream {
namespace {

using testing::make_input;

const topic_partition p0{"in", 0};

input_record input(int64_t offset, uint64_t generation) {
    input_record r = make_input("in", 0, offset);
    r.generation = generation;
    return r;
}

output_record outcome(int64_t offset) {
    output_record out;
    out.source = p0;
    out.source_offset = offset;
    return out;
}

TEST(PartitionSession, TakesOnlyRecordsOfItsOwnGeneration) {
    partition_session session(p0, 2);
    EXPECT_FALSE(session.take(input(0, 1)));  // read before the revoke of generation 1
    EXPECT_TRUE(session.take(input(0, 2)));
    input_record elsewhere = input(1, 2);
    elsewhere.where.partition = 1;
    EXPECT_FALSE(session.take(elsewhere));
    EXPECT_EQ(session.in_flight(), 1u);
}

TEST(PartitionSession, RefusesAnOffsetTakenAgain) {
    partition_session session(p0, 1);
    ASSERT_TRUE(session.take(input(4, 1)));
    EXPECT_FALSE(session.take(input(4, 1)));
    EXPECT_FALSE(session.take(input(3, 1)));
    EXPECT_EQ(session.in_flight(), 1u);
}

TEST(PartitionSession, ReleasesOutputsInOffsetOrderAndStampsItsGeneration) {
    partition_session session(p0, 7);
    ASSERT_TRUE(session.take(input(0, 7)));
    ASSERT_TRUE(session.take(input(1, 7)));
    ASSERT_TRUE(session.finish(input(1, 7), outcome(1)));
    EXPECT_EQ(session.ready_head(), nullptr);               // offset 0 is not done yet
    EXPECT_FALSE(session.finish(input(0, 6), outcome(0)));  // another generation's result
    ASSERT_TRUE(session.finish(input(0, 7), outcome(0)));
    ASSERT_NE(session.ready_head(), nullptr);
    EXPECT_EQ(session.ready_head()->source_offset, 0);
    EXPECT_EQ(session.ready_head()->source_generation, 7u);
    session.produced_head();
    EXPECT_EQ(session.ready_head()->source_offset, 1);
    session.produced_head();
    EXPECT_TRUE(session.delivered(1));
    EXPECT_FALSE(session.watermark().has_value());
    EXPECT_TRUE(session.delivered(0));
    EXPECT_EQ(session.take_advanced(), 2);
}

TEST(PartitionSession, CancelledInputsAreNotWaitedForAndNeverCommitted) {
    partition_session session(p0, 1);
    ASSERT_TRUE(session.take(input(0, 1)));
    ASSERT_TRUE(session.take(input(1, 1)));
    session.cancelled(input(1, 1));
    EXPECT_EQ(session.active(), 1u);
    ASSERT_TRUE(session.finish(input(0, 1), outcome(0)));
    session.produced_head();
    EXPECT_TRUE(session.delivered(0));
    EXPECT_EQ(session.active(), 0u);
    EXPECT_EQ(session.watermark(), 1);  // not past the cancelled offset 1
}

}  // namespace
}  // namespace imr::stream
