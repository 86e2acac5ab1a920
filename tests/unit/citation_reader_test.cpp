#include "imr/classify/citation_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using imr::classify::read_citations;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ReadCitations, ReadsMtusChapterWithYearAndSections) {
    const auto basis = read_citations(
        "Decision based on MTUS Shoulder Complaints 2004, Section(s): Special Studies.");
    EXPECT_THAT(basis.sources, ElementsAre("MTUS"));
    ASSERT_EQ(basis.citations.size(), 1u);
    const auto& c = basis.citations[0];
    EXPECT_EQ(c.source, "MTUS");
    EXPECT_EQ(c.title, "Shoulder Complaints");
    EXPECT_EQ(c.year, 2004);
    EXPECT_THAT(c.sections, ElementsAre("Special Studies"));
    EXPECT_THAT(c.pages, IsEmpty());
}

TEST(ReadCitations, ReadsSeveralSectionsAndPages) {
    const auto basis = read_citations(
        "Decision based on MTUS Chronic Pain Medical Treatment Guidelines, Section(s): Opioids; "
        "Weaning of Medications, Page(s): 78, 124.");
    ASSERT_EQ(basis.citations.size(), 1u);
    const auto& c = basis.citations[0];
    EXPECT_EQ(c.title, "Chronic Pain Medical Treatment Guidelines");
    EXPECT_FALSE(c.year.has_value());
    EXPECT_THAT(c.sections, ElementsAre("Opioids", "Weaning of Medications"));
    EXPECT_THAT(c.pages, ElementsAre("78", "124"));
}

TEST(ReadCitations, ReadsPageRangeWithoutSections) {
    const auto basis = read_citations(
        "Decision based on MTUS Chronic Pain Treatment Guidelines Topical analgesics Page(s): "
        "111-113.");
    ASSERT_EQ(basis.citations.size(), 1u);
    EXPECT_THAT(basis.citations[0].pages, ElementsAre("111-113"));
    EXPECT_THAT(basis.citations[0].sections, IsEmpty());
}

TEST(ReadCitations, CountsMtusChapterAdoptedFromAcoemAsMtus) {
    const auto basis = read_citations("Decision based on MTUS/ACOEM Low Back Complaints 2004.");
    EXPECT_THAT(basis.sources, ElementsAre("MTUS"));
    EXPECT_EQ(basis.citations.at(0).title, "Low Back Complaints");
}

TEST(ReadCitations, ReadsNonMtusOfficialDisabilityGuidelines) {
    const auto basis = read_citations(
        "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Knee & Leg "
        "(Acute & Chronic), Arthroscopic surgery for osteoarthritis.");
    EXPECT_THAT(basis.sources, ElementsAre("ODG"));
    ASSERT_EQ(basis.citations.size(), 1u);
    EXPECT_EQ(basis.citations[0].source, "ODG");
}

TEST(ReadCitations, ReadsNonMtusOdgTitleWithoutLeadingPunctuation) {
    const auto basis = read_citations(
        "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Knee & Leg "
        "(Acute & Chronic), Arthroscopic surgery for osteoarthritis.");
    ASSERT_EQ(basis.citations.size(), 1u);
    EXPECT_EQ(basis.citations[0].title,
              "Knee & Leg (Acute & Chronic), Arthroscopic surgery for osteoarthritis");
}

TEST(ReadCitations, ReadsMtusAndNonMtusClausesOfOneLine) {
    const auto basis = read_citations(
        "Decision based on MTUS Chronic Pain Medical Treatment Guidelines, Section(s): Opioids, "
        "Page(s): 78-80. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), "
        "Pain Chapter, Tramadol.");
    EXPECT_THAT(basis.sources, ElementsAre("MTUS", "ODG"));
    ASSERT_EQ(basis.citations.size(), 2u);
    EXPECT_EQ(basis.citations[0].source, "MTUS");
    EXPECT_THAT(basis.citations[0].sections, ElementsAre("Opioids"));
    EXPECT_THAT(basis.citations[0].pages, ElementsAre("78-80"));
    EXPECT_EQ(basis.citations[1].source, "ODG");
}

TEST(ReadCitations, ReadsAcoemAndOdgNamedInOneNonMtusClause) {
    const auto basis = read_citations(
        "Decision based on Non-MTUS Citation ACOEM guidelines and the Official Disability "
        "Guidelines.");
    EXPECT_THAT(basis.sources, ElementsAre("ACOEM", "ODG"));
    EXPECT_EQ(basis.citations.size(), 2u);
}

TEST(ReadCitations, ListsSourcesInOrderFirstCited) {
    const auto basis = read_citations(
        "Decision based on Non-MTUS Citation Official Disability Guidelines and the American "
        "College of Occupational and Environmental Medicine guidelines.");
    EXPECT_THAT(basis.sources, ElementsAre("ODG", "ACOEM"));
}

TEST(ReadCitations, ReadsWebAddressAsOtherSource) {
    const auto basis =
        read_citations("Decision based on Non-MTUS Citation http://www.drugs.com/pro/norco.html");
    EXPECT_THAT(basis.sources, ElementsAre("other"));
}

TEST(ReadCitations, ReadsJournalArticleAsOtherSource) {
    const auto basis = read_citations(
        "Decision based on Non-MTUS Citation Smith J, et al. Spine Journal 2012;12(3):200-210.");
    EXPECT_THAT(basis.sources, ElementsAre("other"));
}

TEST(ReadCitations, ReadsNoSourceWhenNoMedicalEvidenceWasCited) {
    const auto basis = read_citations(
        "The Claims Administrator did not cite any medical evidence for its decision.");
    EXPECT_THAT(basis.sources, IsEmpty());
    EXPECT_THAT(basis.citations, IsEmpty());
}

TEST(ReadCitations, ReadsOnlyOdgWhenReviewerDidNotBaseDecisionOnMtus) {
    const auto basis = read_citations(
        "The Expert Reviewer did not base their decision on the MTUS. Decision based on Non-MTUS "
        "Citation ODG Low Back Chapter, Lumbar supports.");
    EXPECT_THAT(basis.sources, ElementsAre("ODG"));
    ASSERT_EQ(basis.citations.size(), 1u);
    EXPECT_EQ(basis.citations[0].source, "ODG");
}

TEST(ReadCitations, ReadsGuidelinesNamedInSentencesWithoutDecisionBasedOn) {
    // 2013 notices and some later letters name the guideline in plain sentences.
    const auto basis = read_citations(
        "The Expert Reviewer did not base their decision on the MTUS. The Expert Reviewer based "
        "their decision on the Official Disability Guidelines (ODG), Low Back Chapter.");
    EXPECT_THAT(basis.sources, ElementsAre("ODG"));
}

TEST(ReadCitations, ReadsMtusNamedInAPlainSentence) {
    const auto basis =
        read_citations("MTUS Chronic Pain Medical Treatment Guidelines (2009), Opioids, page 78");
    EXPECT_THAT(basis.sources, ElementsAre("MTUS"));
    EXPECT_EQ(basis.citations.at(0).year, 2009);
}

TEST(ReadCitations, ReadsNothingFromEmptyLine) {
    const auto basis = read_citations("");
    EXPECT_THAT(basis.sources, IsEmpty());
    EXPECT_THAT(basis.citations, IsEmpty());
}

}  // namespace
