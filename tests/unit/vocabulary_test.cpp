#include "imr/classify/vocabulary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "test_support.h"

namespace {

using imr::classify::parse_vocabulary;
using imr::classify::topical_kind;
using imr::classify::vocabulary;
using imr::testing::fixture_path;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The message of the exception `parse` throws, or "" when it throws none.
template <typename F>
std::string error_of(F&& parse) {
    try {
        parse();
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return {};
}

TEST(ParseVocabulary, ReadsEveryKindOfEntry) {
    vocabulary v;
    parse_vocabulary(
        "service\tinjections/injection\t\\binjection\\b\n"
        "fallback\tother/other\t\\bgym\\b\n"
        "drug\topioids\tnorco\n"
        "topical\tcompound_brand\tterocin\n"
        "region\tknee\t\\bknee\\b\n"
        "mechanism\tfall\t\\bfell\\b\n"
        "reason\tno_red_flags\t\\bred flags?\\b\n"
        "state\tWV\tWest Virginia\n",
        "all.tsv", v);
    ASSERT_EQ(v.service_rules.size(), 1u);
    EXPECT_EQ(v.service_rules[0].code, "injections/injection");
    EXPECT_EQ(v.service_rules[0].pattern, "\\binjection\\b");
    ASSERT_EQ(v.fallback_rules.size(), 1u);
    EXPECT_EQ(v.fallback_rules[0].code, "other/other");
    ASSERT_EQ(v.drugs.size(), 1u);
    EXPECT_EQ(v.drugs[0].name, "norco");
    EXPECT_EQ(v.drugs[0].subcategory, "opioids");
    ASSERT_EQ(v.topicals.size(), 1u);
    EXPECT_EQ(v.topicals[0].name, "terocin");
    EXPECT_EQ(v.topicals[0].kind, topical_kind::compound_brand);
    ASSERT_EQ(v.body_regions.size(), 1u);
    EXPECT_EQ(v.body_regions[0].code, "knee");
    ASSERT_EQ(v.mechanisms.size(), 1u);
    EXPECT_EQ(v.mechanisms[0].code, "fall");
    ASSERT_EQ(v.reasons.size(), 1u);
    EXPECT_EQ(v.reasons[0].code, "no_red_flags");
    ASSERT_EQ(v.states.size(), 1u);
    EXPECT_EQ(v.states[0].code, "WV");
    EXPECT_EQ(v.states[0].name, "West Virginia");
}

TEST(ParseVocabulary, ReadsAllTopicalKinds) {
    vocabulary v;
    parse_vocabulary(
        "topical\tapproved\tlidoderm\ntopical\tcompound_only\tketoprofen\n"
        "topical\tcompound_brand\tlidopro\n",
        "topicals.tsv", v);
    ASSERT_EQ(v.topicals.size(), 3u);
    EXPECT_EQ(v.topicals[0].kind, topical_kind::approved);
    EXPECT_EQ(v.topicals[1].kind, topical_kind::compound_only);
    EXPECT_EQ(v.topicals[2].kind, topical_kind::compound_brand);
}

TEST(ParseVocabulary, SkipsCommentsAndBlankLines) {
    vocabulary v;
    parse_vocabulary("# a comment\n\n#\tdrug\topioids\tnot-an-entry\n\ndrug\topioids\tnorco\n",
                     "drugs.tsv", v);
    ASSERT_EQ(v.drugs.size(), 1u);
    EXPECT_EQ(v.drugs[0].name, "norco");
}

TEST(ParseVocabulary, AcceptsCrlfLineEndings) {
    vocabulary v;
    parse_vocabulary("drug\topioids\tnorco\r\nstate\tCA\tCalifornia\r\n", "crlf.tsv", v);
    ASSERT_EQ(v.drugs.size(), 1u);
    EXPECT_EQ(v.drugs[0].name, "norco");
    ASSERT_EQ(v.states.size(), 1u);
    EXPECT_EQ(v.states[0].name, "California");
}

TEST(ParseVocabulary, KeepsEntriesInFileOrderAndAppendsToExistingOnes) {
    vocabulary v;
    parse_vocabulary("service\tb/b\tsecond\n", "one.tsv", v);
    parse_vocabulary("service\ta/a\tthird\nservice\tc/c\tfourth\n", "two.tsv", v);
    ASSERT_EQ(v.service_rules.size(), 3u);
    EXPECT_EQ(v.service_rules[0].code, "b/b");
    EXPECT_EQ(v.service_rules[1].code, "a/a");
    EXPECT_EQ(v.service_rules[2].code, "c/c");
}

TEST(ParseVocabulary, RejectsLineWithTooFewFieldsNamingFileAndLine) {
    vocabulary v;
    const std::string message = error_of(
        [&] { parse_vocabulary("# states\nstate\tCA\tCalifornia\nstate\tNV\n", "states.tsv", v); });
    EXPECT_THAT(message, HasSubstr("states.tsv:3"));
}

TEST(ParseVocabulary, RejectsLineWithTooManyFieldsNamingFileAndLine) {
    vocabulary v;
    const std::string message =
        error_of([&] { parse_vocabulary("drug\topioids\tnorco\textra\n", "drugs.tsv", v); });
    EXPECT_THAT(message, HasSubstr("drugs.tsv:1"));
}

TEST(ParseVocabulary, RejectsEmptyKeyOrValue) {
    vocabulary v;
    EXPECT_THAT(error_of([&] { parse_vocabulary("drug\t\tnorco\n", "drugs.tsv", v); }),
                HasSubstr("drugs.tsv:1"));
    EXPECT_THAT(error_of([&] { parse_vocabulary("\n\ndrug\topioids\t\n", "drugs.tsv", v); }),
                HasSubstr("drugs.tsv:3"));
}

TEST(ParseVocabulary, RejectsUnknownEntryKind) {
    vocabulary v;
    EXPECT_THAT(error_of([&] {
                    parse_vocabulary("drug\topioids\tnorco\nmedicine\topioids\tnorco\n", "x.tsv",
                                     v);
                }),
                HasSubstr("x.tsv:2"));
}

TEST(ParseVocabulary, RejectsUnknownTopicalKind) {
    vocabulary v;
    EXPECT_THAT(
        error_of([&] { parse_vocabulary("topical\tgeneric\tlidocaine\n", "topicals.tsv", v); }),
        HasSubstr("topicals.tsv:1"));
}

TEST(ParseVocabulary, RejectsSpaceSeparatedLine) {
    vocabulary v;
    EXPECT_THAT(error_of([&] { parse_vocabulary("drug opioids norco\n", "drugs.tsv", v); }),
                HasSubstr("drugs.tsv:1"));
}

TEST(BuiltinVocabulary, CarriesEveryKindOfEntry) {
    const vocabulary v = imr::classify::builtin_vocabulary();
    EXPECT_THAT(v.service_rules, ::testing::Not(IsEmpty()));
    EXPECT_THAT(v.fallback_rules, ::testing::Not(IsEmpty()));
    EXPECT_THAT(v.topicals, ::testing::Not(IsEmpty()));
    EXPECT_THAT(v.body_regions, ::testing::Not(IsEmpty()));
    EXPECT_THAT(v.mechanisms, ::testing::Not(IsEmpty()));
    EXPECT_THAT(v.reasons, ::testing::Not(IsEmpty()));
    EXPECT_TRUE(std::any_of(v.drugs.begin(), v.drugs.end(), [](const auto& d) {
        return d.name == "norco" && d.subcategory == "opioids";
    }));
    EXPECT_TRUE(std::any_of(v.states.begin(), v.states.end(), [](const auto& s) {
        return s.code == "CA" && s.name == "California";
    }));
}

TEST(LoadVocabulary, ReadsTsvFilesOfADirectoryInNameOrder) {
    const vocabulary v = imr::classify::load_vocabulary(fixture_path("vocabulary"));
    ASSERT_EQ(v.service_rules.size(), 1u);
    EXPECT_EQ(v.service_rules[0].code, "injections/injection");
    ASSERT_EQ(v.fallback_rules.size(), 1u);
    ASSERT_EQ(v.drugs.size(), 1u);
    EXPECT_EQ(v.drugs[0].name, "norco");
    ASSERT_EQ(v.states.size(), 1u);
    EXPECT_EQ(v.states[0].code, "CA");
}

TEST(LoadVocabulary, NamesFileAndLineOfMalformedEntry) {
    EXPECT_THAT(
        error_of([] { (void)imr::classify::load_vocabulary(fixture_path("vocabulary_bad")); }),
        HasSubstr("states.tsv:2"));
}

TEST(LoadVocabulary, RejectsDirectoryWithoutTsvFiles) {
    EXPECT_THAT(error_of([] { (void)imr::classify::load_vocabulary(fixture_path("letters")); }),
                HasSubstr("no .tsv"));
}

TEST(LoadVocabulary, RejectsMissingDirectory) {
    EXPECT_THROW((void)imr::classify::load_vocabulary(fixture_path("no-such-directory")),
                 std::runtime_error);
}

}  // namespace
