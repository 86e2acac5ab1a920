#include "imr/stream/offset_tracker.h"

#include <gtest/gtest.h>

namespace imr::stream {
namespace {

const topic_partition p0{"in", 0};
const topic_partition p1{"in", 1};

TEST(OffsetTracker, CommitsOnlyContiguousOffsets) {
    offset_tracker tracker;
    for (int64_t o = 5; o <= 7; ++o) tracker.track(p0, o);
    EXPECT_TRUE(tracker.complete(p0, 6));
    EXPECT_TRUE(tracker.complete(p0, 7));
    EXPECT_FALSE(tracker.watermark(p0).has_value());
    EXPECT_TRUE(tracker.take_advanced().empty());

    EXPECT_TRUE(tracker.complete(p0, 5));
    ASSERT_EQ(tracker.watermark(p0), 8);
    const auto advanced = tracker.take_advanced();
    ASSERT_EQ(advanced.size(), 1u);
    EXPECT_EQ(advanced[0].next_offset, 8);
    EXPECT_EQ(tracker.in_flight(), 0u);
}

TEST(OffsetTracker, ReportsEachAdvanceOnce) {
    offset_tracker tracker;
    tracker.track(p0, 1);
    tracker.track(p0, 2);
    tracker.complete(p0, 1);
    EXPECT_EQ(tracker.take_advanced().size(), 1u);
    EXPECT_TRUE(tracker.take_advanced().empty());
    tracker.complete(p0, 2);
    const auto advanced = tracker.take_advanced();
    ASSERT_EQ(advanced.size(), 1u);
    EXPECT_EQ(advanced[0].next_offset, 3);
}

TEST(OffsetTracker, HandlesGapsInOffsets) {
    offset_tracker tracker;
    tracker.track(p0, 10);
    tracker.track(p0, 15);  // compacted topic: 11..14 never arrive
    tracker.complete(p0, 15);
    EXPECT_FALSE(tracker.watermark(p0).has_value());
    tracker.complete(p0, 10);
    EXPECT_EQ(tracker.watermark(p0), 16);
}

TEST(OffsetTracker, KeepsPartitionsIndependent) {
    offset_tracker tracker;
    tracker.track(p0, 1);
    tracker.track(p1, 1);
    tracker.complete(p1, 1);
    EXPECT_FALSE(tracker.watermark(p0).has_value());
    EXPECT_EQ(tracker.watermark(p1), 2);
    EXPECT_EQ(tracker.in_flight(), 1u);
    EXPECT_EQ(tracker.in_flight(p0), 1u);
    EXPECT_EQ(tracker.in_flight(p1), 0u);
}

TEST(OffsetTracker, IgnoresUnknownDuplicateAndForgottenOffsets) {
    offset_tracker tracker;
    tracker.track(p0, 1);
    EXPECT_FALSE(tracker.complete(p0, 2));
    EXPECT_TRUE(tracker.complete(p0, 1));
    EXPECT_FALSE(tracker.complete(p0, 1));
    tracker.track(p1, 4);
    tracker.forget(p1);
    EXPECT_EQ(tracker.in_flight(), 0u);
    EXPECT_FALSE(tracker.complete(p1, 4));
    EXPECT_FALSE(tracker.watermark(p1).has_value());
}

}  // namespace
}  // namespace imr::stream
