#include "imr/text/search.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using imr::text::find_ci;
using imr::text::npos;
using imr::text::starts_with_ci;

TEST(FindCi, FindsNeedleInAnyCase) {
    EXPECT_EQ(find_ci("see the State(s) of Licensure", "state(S) OF licensure"), 8U);
    EXPECT_EQ(find_ci("MRI OF THE KNEE", "of the"), 4U);
}

TEST(FindCi, ReturnsTheFirstOfOverlappingMatches) {
    // The rarest byte of the needle ("x") is not its first: candidates are found from it.
    EXPECT_EQ(find_ci("aaxaxax", "axax"), 1U);
    EXPECT_EQ(find_ci("Xx xX", "x"), 0U);
}

TEST(FindCi, MatchesAtBothEndsOfTheHaystack) {
    EXPECT_EQ(find_ci("Zebra crossing", "zEBRA"), 0U);
    EXPECT_EQ(find_ci("a crossing for the ZEBRA", "zebra"), 19U);
}

TEST(FindCi, StartsAtFrom) {
    EXPECT_EQ(find_ci("Page 1, page 2", "page", 1), 8U);
    EXPECT_EQ(find_ci("Page 1, page 2", "page 2", 9), npos);
}

TEST(FindCi, ReportsAbsentNeedles) {
    EXPECT_EQ(find_ci("IMR ISSUES AND DECISIONS", "IMR ISSUES, DECISIONS"), npos);
    EXPECT_EQ(find_ci("short", "longer needle"), npos);
    EXPECT_EQ(find_ci("", "x"), npos);
}

TEST(FindCi, FindsEmptyNeedleAtFrom) {
    EXPECT_EQ(find_ci("abc", "", 2), 2U);
    EXPECT_EQ(find_ci("abc", "", 4), npos);
}

TEST(StartsWithCi, ComparesOnlyThePrefix) {
    EXPECT_TRUE(starts_with_ci("And the knee", "and "));
    EXPECT_FALSE(starts_with_ci("the knee and", "and "));
    EXPECT_FALSE(starts_with_ci("an", "and"));
}

}  // namespace
