#include "imr/text/search.h"

#include <gtest/gtest.h>

#include <algorithm>
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

// Reference for the block search: every start compared byte by byte.
size_t naive_find(std::string_view haystack, std::string_view needle, size_t from, bool fold) {
    const auto same = [fold](char a, char b) {
        return fold ? imr::text::ascii_lower(a) == imr::text::ascii_lower(b) : a == b;
    };
    for (size_t at = from; at + needle.size() <= haystack.size(); ++at) {
        if (std::equal(needle.begin(), needle.end(), haystack.begin() + at, same)) return at;
    }
    return npos;
}

// Haystacks longer than a block of 16, needles of every length found across block
// boundaries, at the very end, in either case, or absent; punctuation folds to itself.
TEST(FindCi, AgreesWithAByteByByteSearchOnLongText) {
    std::string haystack;
    for (int i = 0; i < 300; ++i) haystack += "aB(@`"[i % 5] + std::string(i % 7 == 0 ? "x" : "");
    haystack += "State(s) of LICENSURE";
    for (const std::string_view needle :
         {"a", "x", "X", "@", "`", "b(@", "B(@`A", "xab", "state(s) of licensure", "licensure", "E",
          "ENSURE", "absent needle", "[", "aB(@`xaB(@`aB(@`aB(@`aB(@`aB(@`aB(@`"}) {
        for (size_t from = 0; from < haystack.size(); from += 7) {
            EXPECT_EQ(find_ci(haystack, needle, from), naive_find(haystack, needle, from, true))
                << needle << " from " << from;
            EXPECT_EQ(imr::text::find_label(haystack, needle, from),
                      naive_find(haystack, needle, from, false) != npos
                          ? naive_find(haystack, needle, from, false)
                          : naive_find(haystack, needle, from, true))
                << needle << " from " << from;
        }
    }
}

TEST(FindAnyOf, FindsTheFirstOfSeveralBytesAtEveryOffset) {
    using imr::text::find_any_of;
    for (size_t offset = 0; offset < 40; ++offset) {
        for (const char c : {'.', '?', '\xE2'}) {
            const std::string text = std::string(offset, 'a') + c + "bb!";
            EXPECT_EQ(find_any_of(text, ".?!\xE2"), offset) << offset;
            EXPECT_EQ(find_any_of(text, ".?!\xE2", offset + 1), offset + 3) << offset;
            EXPECT_EQ(find_any_of(text, ".?!\xE2", offset + 4), npos) << offset;
        }
    }
    EXPECT_EQ(find_any_of("abc", ""), npos);
    EXPECT_EQ(find_any_of("", "."), npos);
    EXPECT_EQ(find_any_of(std::string(50, 'x') + "9", "0123456789"), 50U);  // beyond 8 bytes
}

TEST(FindLabel, PrefersTheLabelAsWrittenToAnEarlierOneInAnotherCase) {
    using imr::text::find_label;
    EXPECT_EQ(find_label("LABEL x label y Label", "Label"), 16U);
    EXPECT_EQ(find_label("LABEL x label y Label", "LABEL"), 0U);
    EXPECT_EQ(find_label("LABEL x label", "LaBeL"), 0U);  // none as written: any case
    EXPECT_EQ(find_label("LABEL x label", "Label", 1), 8U);
    EXPECT_EQ(find_label("LABEL x label", "absent"), npos);
    EXPECT_EQ(find_label("abc", "", 1), 1U);
}

TEST(StartsWithCi, ComparesOnlyThePrefix) {
    EXPECT_TRUE(starts_with_ci("And the knee", "and "));
    EXPECT_FALSE(starts_with_ci("the knee and", "and "));
    EXPECT_FALSE(starts_with_ci("an", "and"));
}

}  // namespace
