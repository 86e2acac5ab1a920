#include "imr/classify/screened_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "imr/classify/reason_reader.h"
#include "imr/classify/regex.h"
#include "imr/classify/vocabulary.h"
#include "test_support.h"

namespace {

using imr::classify::screened_set;
using imr::classify::without_upper_bounds;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string upper(std::string text) {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

TEST(WithoutUpperBounds, MakesEveryBoundedRepetitionUnbounded) {
    EXPECT_EQ(without_upper_bounds(R"(\bnot\b[^.;]{0,90}?\bimprove)"),
              R"(\bnot\b[^.;]*?\bimprove)");
    EXPECT_EQ(without_upper_bounds("a{2,5}b{0,3}"), "a{2,}b*");
}

TEST(WithoutUpperBounds, LeavesWhatIsNoBoundedRepetition) {
    EXPECT_EQ(without_upper_bounds("a{3}b{2,}c"), "a{3}b{2,}c");
    EXPECT_EQ(without_upper_bounds(R"(a\{0,3}b)"), R"(a\{0,3}b)");  // an escaped brace
    EXPECT_EQ(without_upper_bounds("[{0,3}]x"), "[{0,3}]x");        // braces in a class
    EXPECT_EQ(without_upper_bounds("[]{0,3}]x"), "[]{0,3}]x");      // ']' first in a class
    EXPECT_EQ(without_upper_bounds("[[:digit:]{0,3}]x"), "[[:digit:]{0,3}]x");  // POSIX class
    EXPECT_EQ(without_upper_bounds("a{,3}{x"), "a{,3}{x");  // no lower bound: literal
}

TEST(TopLevelAlternatives, SplitsOnlyOutsideGroupsClassesAndEscapes) {
    EXPECT_THAT(imr::classify::top_level_alternatives(R"(a|b(c|d)|[|]\||e)"),
                ElementsAre("a", "b(c|d)", R"([|]\|)", "e"));
    EXPECT_THAT(imr::classify::top_level_alternatives("(?i)a|b"), ElementsAre("(?i)a|b"));
    EXPECT_THAT(imr::classify::top_level_alternatives("(?:a|b)"), ElementsAre("(?:a|b)"));
}

TEST(ScreenedSet, ReportsAPatternOnceWhicheverOfItsAlternativesMatch) {
    // One alternative needs no confirmation, the other does; both match here.
    const screened_set set({R"(\bpatient\b|\bnot\b[^.]{0,10}\bhelpful\b)", R"(\bnever\b)"});
    EXPECT_THAT(set.matches("The patient found it not helpful."), ElementsAre(0));
    EXPECT_THAT(set.matches("It was not at all, never, helpful."), ElementsAre(1));
}

TEST(ScreenedSet, ConfirmsTheExactBoundOfAGap) {
    const screened_set set({R"(\bnot\b[^.;]{0,20}\bhelpful\b)"});
    EXPECT_THAT(set.matches("It was not really helpful."), ElementsAre(0));
    // The unbounded screen matches this one; the exact pattern does not.
    EXPECT_THAT(set.matches("It was not, as the records of the last six visits show, helpful."),
                IsEmpty());
}

TEST(ScreenedSet, SearchesPatternsWithoutARequiredWordEverywhere) {
    // "no" is shorter than the words the screen looks for: the pattern is always searched.
    const screened_set set({R"(\bno\b)", R"(\bimprovement\b)"});
    EXPECT_THAT(set.matches("No IMPROVEMENT."), ElementsAre(0, 1));
    EXPECT_THAT(set.matches("Nothing else."), IsEmpty());
}

TEST(ScreenedSet, EmptyListMatchesNothing) {
    EXPECT_THAT(screened_set({}).matches("anything"), IsEmpty());
}

TEST(ScreenedSet, NamesAPatternThatDoesNotCompile) {
    EXPECT_THROW(screened_set({"ok", "(unclosed"}), std::runtime_error);
}

// The answer must be exactly that of one RE2::Set of the exact patterns. Checked with the
// reason patterns themselves, on every written rationale, one by one and run together
// (long gaps across sentences joined with ';'), and on case-folded text.
TEST(ScreenedSet, AnswersAsOneSetOfTheExactReasonPatterns) {
    const auto words = imr::classify::builtin_vocabulary();
    std::vector<std::string> patterns;
    for (const auto* list :
         {&words.reason_scopes, &words.reason_rules, &words.reasons, &words.reason_vetoes}) {
        for (const auto& entry : imr::classify::with_terms(*list, words.reason_terms)) {
            patterns.push_back(entry.pattern);
        }
    }
    RE2::Set reference(imr::classify::case_insensitive_options(), RE2::UNANCHORED);
    for (const auto& pattern : patterns) ASSERT_GE(reference.Add(pattern, nullptr), 0);
    ASSERT_TRUE(reference.Compile());
    const screened_set screened(patterns);

    std::vector<std::string> texts;
    std::istringstream lines(imr::testing::read_fixture("reason_sentences.tsv"));
    std::string previous;
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line[0] == '#') continue;
        const std::string rationale = line.substr(line.rfind('\t') + 1);
        texts.push_back(rationale);
        texts.push_back(upper(rationale));
        if (!previous.empty()) texts.push_back(previous + "; " + rationale);
        previous = rationale;
    }
    ASSERT_GT(texts.size(), 1000u);
    size_t matched = 0;
    for (const auto& text : texts) {
        std::vector<int> expected;
        reference.Match(text, &expected);
        std::sort(expected.begin(), expected.end());
        EXPECT_EQ(screened.matches(text), expected) << text;
        matched += expected.empty() ? 0 : 1;
    }
    EXPECT_GT(matched, texts.size() / 2);  // the check covers matches, not only misses
}

}  // namespace
