#include "imr/stream/offset_tracker.h"

#include <gtest/gtest.h>

namespace imr::stream {
namespace {

TEST(OffsetTracker, CommitsOnlyContiguousOffsets) {
    offset_tracker tracker;
    for (int64_t o = 5; o <= 7; ++o) EXPECT_TRUE(tracker.track(o));
    EXPECT_TRUE(tracker.complete(6));
    EXPECT_TRUE(tracker.complete(7));
    EXPECT_FALSE(tracker.watermark().has_value());
    EXPECT_FALSE(tracker.take_advanced().has_value());

    EXPECT_TRUE(tracker.complete(5));
    ASSERT_EQ(tracker.watermark(), 8);
    EXPECT_EQ(tracker.take_advanced(), 8);
    EXPECT_EQ(tracker.in_flight(), 0u);
}

TEST(OffsetTracker, ReportsEachAdvanceOnce) {
    offset_tracker tracker;
    ASSERT_TRUE(tracker.track(1));
    ASSERT_TRUE(tracker.track(2));
    tracker.complete(1);
    EXPECT_EQ(tracker.take_advanced(), 2);
    EXPECT_FALSE(tracker.take_advanced().has_value());
    tracker.complete(2);
    EXPECT_EQ(tracker.take_advanced(), 3);
}

TEST(OffsetTracker, HandlesGapsInOffsets) {
    offset_tracker tracker;
    ASSERT_TRUE(tracker.track(10));
    ASSERT_TRUE(tracker.track(15));  // compacted topic: 11..14 never arrive
    tracker.complete(15);
    EXPECT_FALSE(tracker.watermark().has_value());
    tracker.complete(10);
    EXPECT_EQ(tracker.watermark(), 16);
}

TEST(OffsetTracker, IgnoresUnknownAndDuplicateCompletions) {
    offset_tracker tracker;
    ASSERT_TRUE(tracker.track(1));
    EXPECT_FALSE(tracker.complete(2));
    EXPECT_TRUE(tracker.complete(1));
    EXPECT_FALSE(tracker.complete(1));
}

// Regression (issue 7, defect 3): an eager re-assign handed the same offsets out again
// and they were tracked twice, leaving the pending list unsorted.
TEST(OffsetTracker, RefusesOffsetsThatDoNotIncrease) {
    offset_tracker tracker;
    ASSERT_TRUE(tracker.track(5));
    ASSERT_TRUE(tracker.track(6));
    EXPECT_FALSE(tracker.track(6));
    EXPECT_FALSE(tracker.track(3));
    EXPECT_EQ(tracker.in_flight(), 2u);
    EXPECT_TRUE(tracker.complete(5));
    EXPECT_TRUE(tracker.complete(6));
    EXPECT_EQ(tracker.watermark(), 7);
    EXPECT_EQ(tracker.in_flight(), 0u);
}

TEST(OffsetTracker, CountsInFlightBytesUntilDone) {
    offset_tracker tracker;
    ASSERT_TRUE(tracker.track(1, 100));
    ASSERT_TRUE(tracker.track(2, 50));
    EXPECT_EQ(tracker.in_flight_bytes(), 150u);
    tracker.complete(2);
    EXPECT_EQ(tracker.in_flight_bytes(), 100u);
    tracker.complete(1);
    EXPECT_EQ(tracker.in_flight_bytes(), 0u);
}

}  // namespace
}  // namespace imr::stream
