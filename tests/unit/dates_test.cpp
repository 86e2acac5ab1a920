#include "imr/text/dates.h"

#include <gtest/gtest.h>

#include <optional>
#include <string_view>

namespace {

using imr::text::date_at_start;
using imr::text::find_date;

imr::date ymd(int year, int month, int day) {
    return imr::date{year, month, day};
}

TEST(FindDate, ReadsSlashSeparatedDateWithItsOffsets) {
    constexpr std::string_view text = "reported an injury on 02/19/2012, the mechanism";
    const auto found = find_date(text);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->value, ymd(2012, 2, 19));
    EXPECT_EQ(text.substr(found->begin, found->end - found->begin), "02/19/2012");
}

TEST(FindDate, ReadsDashSeparatedTwoDigitYear) {
    const auto found = find_date("industrial injury on 10-13-16. The injured worker");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->value, ymd(2016, 10, 13));
}

TEST(FindDate, ReadsSingleDigitMonthAndDay) {
    const auto found = find_date("On 1-3-15, utilization review");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->value, ymd(2015, 1, 3));
}

TEST(FindDate, PivotsTwoDigitYearsAtFifty) {
    EXPECT_EQ(find_date("01/02/49")->value, ymd(2049, 1, 2));
    EXPECT_EQ(find_date("01/02/50")->value, ymd(1950, 1, 2));
    EXPECT_EQ(find_date("06/30/96")->value, ymd(1996, 6, 30));
}

TEST(FindDate, JoinsDateSplitByLineWrapAfterSeparator) {
    constexpr std::string_view text = "date of injury 09- 01-2015 when";
    const auto found = find_date(text);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->value, ymd(2015, 9, 1));
    EXPECT_EQ(text.substr(found->begin, found->end - found->begin), "09- 01-2015");
}

TEST(FindDate, JoinsDateSplitByNewlineAfterSeparator) {
    const auto found = find_date("injured on 09/\n01/2015 while");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->value, ymd(2015, 9, 1));
}

TEST(FindDate, ReadsSpelledOutMonth) {
    constexpr std::string_view text = "Dated: January 5, 2012 by MAXIMUS";
    const auto found = find_date(text);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->value, ymd(2012, 1, 5));
    EXPECT_EQ(text.substr(found->begin, found->end - found->begin), "January 5, 2012");
}

TEST(FindDate, ReadsAbbreviatedMonthsWithOrWithoutPeriodAndComma) {
    EXPECT_EQ(find_date("on Jan. 5 2012")->value, ymd(2012, 1, 5));
    EXPECT_EQ(find_date("on Sept 30, 2014")->value, ymd(2014, 9, 30));
    EXPECT_EQ(find_date("on December 1st, 2013")->value, ymd(2013, 12, 1));
}

TEST(FindDate, SkipsImpossibleDates) {
    EXPECT_FALSE(find_date("13/45/2012").has_value());
    EXPECT_FALSE(find_date("02/30/2015").has_value());
    EXPECT_FALSE(find_date("04/31/2015").has_value());
    EXPECT_FALSE(find_date("00/10/2015").has_value());
    EXPECT_FALSE(find_date("February 30, 2015").has_value());
}

TEST(FindDate, AcceptsLeapDayOfLeapYear) {
    ASSERT_TRUE(find_date("02/29/2016").has_value());
    EXPECT_EQ(find_date("02/29/2016")->value, ymd(2016, 2, 29));
}

// Regression (fixed): the day-of-month table allows February 29 in every year.
TEST(FindDate, SkipsLeapDayOfCommonYear) {
    EXPECT_FALSE(find_date("02/29/2015").has_value());
}

TEST(FindDate, FindsNextValidDateAfterAnImpossibleOne) {
    const auto found = find_date("seen 13/45/2012 and again on 03/04/2012");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->value, ymd(2012, 3, 4));
}

TEST(FindDate, DoesNotReadDrugStrengthAsDate) {
    EXPECT_FALSE(find_date("Norco 5/325mg #60").has_value());
    EXPECT_FALSE(find_date("Hydrocodone/APAP 10/325 #90").has_value());
    EXPECT_FALSE(find_date("Percocet 7.5/325mg").has_value());
}

TEST(FindDate, DoesNotReadFractionsOrScoresAsDates) {
    EXPECT_FALSE(find_date("pain rated 6/10 and 4+/5 strength").has_value());
}

TEST(FindDate, RejectsMixedSeparators) {
    EXPECT_FALSE(find_date("10/13-2016").has_value());
}

TEST(FindDate, RejectsThreeDigitYear) {
    EXPECT_FALSE(find_date("1/2/201 ").has_value());
}

TEST(FindDate, DoesNotStartInsideLongerNumber) {
    EXPECT_FALSE(find_date("claim 123/12/2012").has_value());
}

TEST(FindDate, StartsSearchAtGivenOffset) {
    constexpr std::string_view text = "from 01/02/2013 to 03/04/2014";
    const auto first = find_date(text);
    ASSERT_TRUE(first.has_value());
    const auto second = find_date(text, first->end);
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->value, ymd(2014, 3, 4));
    EXPECT_FALSE(find_date(text, second->end).has_value());
}

TEST(FindDate, FindsNothingInTextWithoutDates) {
    EXPECT_FALSE(find_date("").has_value());
    EXPECT_FALSE(find_date("May the request be reviewed").has_value());
}

TEST(DateAtStart, ReadsDateAfterLeadingSpaces) {
    const auto found = date_at_start("  11/03/2016 Received:");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->value, ymd(2016, 11, 3));
}

TEST(DateAtStart, ReadsSpelledOutDateAtStart) {
    const auto found = date_at_start("March 3, 2014 letter");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->value, ymd(2014, 3, 3));
}

TEST(DateAtStart, IgnoresDateLaterInText) {
    EXPECT_FALSE(date_at_start("Received: 11/03/2016").has_value());
    EXPECT_FALSE(date_at_start("   ").has_value());
}

}  // namespace
