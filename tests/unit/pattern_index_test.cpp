#include "imr/classify/pattern_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "imr/classify/regex.h"

namespace {

using imr::classify::coded_pattern;
using imr::classify::pattern_index;
using imr::classify::without_captures;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Listed knee first, neck second: list order and text order differ in the tests below.
const std::vector<coded_pattern> regions = {
    {"knee", R"(\bknees?\b|\bmenisc)"},
    {"cervical_spine", R"(\bneck\b|\bcervical\b)"},
    {"shoulder", R"(\b(left|right) shoulder\b|\brotator cuff\b)"},
    {"knee", R"(\bpatell)"},
};

TEST(PatternIndex, ListsCodesByPositionInTheText) {
    const pattern_index index(regions);
    EXPECT_THAT(index.codes_by_position("Neck pain, then right shoulder pain, then the knee."),
                ElementsAre("cervical_spine", "shoulder", "knee"));
}

TEST(PatternIndex, ListsMatchingCodesInListOrder) {
    const pattern_index index(regions);
    EXPECT_THAT(index.matching_codes("Neck pain, then right shoulder pain, then the knee."),
                ElementsAre("knee", "cervical_spine", "shoulder"));
}

TEST(PatternIndex, ReportsCodeOfSeveralPatternsOnce) {
    const pattern_index index(regions);
    EXPECT_THAT(index.codes_by_position("patellar tendinitis and a torn meniscus of the knee"),
                ElementsAre("knee"));
    EXPECT_THAT(index.matching_codes("patellar tendinitis and a torn meniscus of the knee"),
                ElementsAre("knee"));
}

TEST(PatternIndex, IdentifiesPatternsThatHaveTheirOwnCaptureGroups) {
    // The shoulder pattern captures (left|right): the combined scanner must still map its
    // match to "shoulder", not to the pattern after it.
    const pattern_index index(regions);
    EXPECT_THAT(index.codes_by_position("left shoulder and patella"),
                ElementsAre("shoulder", "knee"));
}

TEST(PatternIndex, ReturnsFirstCodeInListOrder) {
    const pattern_index index(regions);
    EXPECT_EQ(index.first_code("neck and knee"), "knee");
    EXPECT_EQ(index.first_code("cervical strain"), "cervical_spine");
    EXPECT_EQ(index.first_code("elbow"), "");
}

TEST(PatternIndex, MatchesCaseInsensitively) {
    const pattern_index index(regions);
    EXPECT_THAT(index.codes_by_position("RIGHT SHOULDER"), ElementsAre("shoulder"));
}

TEST(PatternIndex, FindsNothingInUnrelatedOrEmptyText) {
    const pattern_index index(regions);
    EXPECT_THAT(index.codes_by_position("elbow"), IsEmpty());
    EXPECT_THAT(index.codes_by_position(""), IsEmpty());
    EXPECT_THAT(index.matching_codes(""), IsEmpty());
}

TEST(PatternIndex, WorksWithoutAnyPattern) {
    const pattern_index index(std::vector<coded_pattern>{});
    EXPECT_THAT(index.codes_by_position("knee"), IsEmpty());
    EXPECT_THAT(index.matching_codes("knee"), IsEmpty());
    EXPECT_EQ(index.first_code("knee"), "");
}

TEST(PatternIndex, RejectsInvalidPatternNamingItsCode) {
    try {
        const pattern_index index(std::vector<coded_pattern>{{"broken_region", R"(\bknee(\b)"}});
        FAIL() << "an unbalanced pattern was accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("broken_region"));
    }
}

// Several lists read in one pass answer as each list's own index would: same codes, same
// order, a code shared by two lists reported in both.
TEST(PatternGroups, EachListAnswersAsItsOwnIndex) {
    const std::vector<coded_pattern> sides = {{"right", R"(\bright\b)"}, {"left", R"(\bleft\b)"}};
    const std::vector<coded_pattern> both = {{"knee", R"(\bknee)"}, {"left", R"(\bleft\b)"}};
    const imr::classify::pattern_groups groups({regions, sides, {}, both});
    for (const std::string_view text :
         {"Neck pain, then right shoulder pain, then the left knee.", "patella", "elbow", ""}) {
        const auto codes = groups.matching_codes(text);
        ASSERT_EQ(codes.size(), 4u);
        EXPECT_EQ(codes[0], pattern_index(regions).matching_codes(text)) << text;
        EXPECT_EQ(codes[1], pattern_index(sides).matching_codes(text)) << text;
        EXPECT_THAT(codes[2], IsEmpty());
        EXPECT_EQ(codes[3], pattern_index(both).matching_codes(text)) << text;
    }
    EXPECT_THAT(groups.matching_codes("left knee")[1], ElementsAre("left"));
    EXPECT_THAT(groups.matching_codes("left knee")[3], ElementsAre("knee", "left"));
}

TEST(PatternGroups, RejectsInvalidPatternNamingItsCode) {
    EXPECT_THROW(imr::classify::pattern_groups({{}, {{"broken_scope", R"(a(b)"}}}),
                 std::runtime_error);
}

TEST(WithoutCaptures, TurnsCapturingGroupsIntoNonCapturingOnes) {
    EXPECT_EQ(without_captures(R"((left|right) (knee|hip))"), R"((?:left|right) (?:knee|hip))");
}

TEST(WithoutCaptures, KeepsNonCapturingGroupsAndFlags) {
    EXPECT_EQ(without_captures(R"((?:a|b)(?i)c)"), R"((?:a|b)(?i)c)");
}

TEST(WithoutCaptures, KeepsEscapedParentheses) {
    EXPECT_EQ(without_captures(R"(\(DOS\))"), R"(\(DOS\))");
}

TEST(WithoutCaptures, KeepsParenthesesInsideCharacterClasses) {
    EXPECT_EQ(without_captures(R"([(\]]x(y))"), R"([(\]]x(?:y))");
}

// Regression (fixed): a named group "(?P<name>...)" starts with "(?" and is left capturing, which
// would shift the group numbers pattern_index relies on.
TEST(WithoutCaptures, TurnsNamedGroupsIntoNonCapturingOnes) {
    EXPECT_EQ(without_captures(R"((?P<side>left|right) knee)"), R"((?:left|right) knee)");
}

}  // namespace

namespace {

// Regression (issue 7, defect 7): a failed RE2::Set::Match (its DFA out of memory) read
// as "no pattern matched", so a letter was classified as if its text said nothing.
TEST(SetMatch, AFailedMatchIsAnErrorNotANoMatch) {
    using imr::classify::check_set_match;
    using imr::classify::match_error;
    EXPECT_NO_THROW(check_set_match(false, RE2::Set::ErrorInfo{RE2::Set::kNoError}));
    EXPECT_NO_THROW(check_set_match(true, RE2::Set::ErrorInfo{RE2::Set::kNoError}));
    EXPECT_THROW(check_set_match(false, RE2::Set::ErrorInfo{RE2::Set::kOutOfMemory}), match_error);
    EXPECT_THROW(check_set_match(false, RE2::Set::ErrorInfo{RE2::Set::kNotCompiled}), match_error);
}

TEST(SetMatch, MatchesAndNoMatchesAreAnsweredAsBefore) {
    const pattern_index index(std::vector<coded_pattern>{{"knee", R"(\bknee\b)"}});
    EXPECT_THAT(index.matching_codes("left knee pain"), ElementsAre("knee"));
    EXPECT_THAT(index.matching_codes("shoulder"), IsEmpty());
}

}  // namespace
