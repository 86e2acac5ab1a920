#include "imr/parse/item_splitter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "imr/text/letter_text.h"

namespace {

using imr::decision;
using imr::parse::split_items;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr std::string_view heading =
    "IMR ISSUES, DECISIONS AND RATIONALES\n"
    "The Final Determination was based on decisions for the disputed items/services set forth "
    "below:\n"
    "\n";

// A complete item body, so that only the request line(s) vary between tests.
std::string body(std::string_view rationale = "The request is not medically necessary.") {
    return "\n"
           "Claims Administrator guideline: Decision based on MTUS Low Back Complaints 2004.\n"
           "\n"
           "MAXIMUS guideline: Decision based on MTUS Low Back Complaints 2004, Section(s):\n"
           "Special Studies.\n"
           "\n"
           "Decision rationale: " +
           std::string(rationale) +
           "\n"
           "\n";
}

class SplitFdl : public ::testing::Test {
  protected:
    // The engine gives the splitter the normalized decisions section.
    split_items split(std::string_view items) const {
        return splitter.split_fdl(imr::text::normalize(std::string(heading) + std::string(items)));
    }

    imr::parse::item_splitter splitter;
};

// The decision lines are searched only near their words ("upheld", a citation label):
// the widest gaps the patterns allow, on raw (not normalized) text, must still be read.
TEST_F(SplitFdl, ReadsDecisionAfterLongBlankRuns) {
    const auto out =
        splitter.split_fdl(std::string(heading) + "Lumbar MRI:" + std::string(40, ' ') +
                           "\n \n\f\n   Upheld   \n" + body());
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(out.items[0].request, "Lumbar MRI");
    EXPECT_TRUE(out.items[0].decision_read);
}

TEST_F(SplitFdl, ReadsDamagedDecisionOfTwentyFourWideCharacters) {
    std::string word;
    for (int i = 0; i < 24; ++i) word += "\xE2\x82\xAC";  // 72 bytes
    const auto out = splitter.split_fdl(std::string(heading) + "Cane:  \n \n" + word + "   \n\n " +
                                        body().substr(1));
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(out.items[0].request, "Cane");
    EXPECT_FALSE(out.items[0].decision_read);
}

// RE2 reads a long s (U+017F) as "s": "Claim\u017F" ends a decision line as "Claims" does.
TEST_F(SplitFdl, ReadsDecisionBeforeALabelWrittenWithLongS) {
    const auto out = splitter.split_fdl(
        std::string(heading) +
        "Lumbar MRI: Upheld Claim\xC5\xBF Admini\xC5\xBFtrator guideline: Decision based on "
        "MTUS.\n\nDecision rationale: The request is not medically necessary.\n");
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(out.items[0].request, "Lumbar MRI");
    EXPECT_TRUE(out.items[0].decision_read);
}

TEST_F(SplitFdl, EndsTheRequestAtARationaleThatLostItsFinalPeriod) {
    // No blank line and no final period between the rationale and the next request.
    const auto out = split(
        "Soma 350mg #30: Upheld\n"
        "Claims Administrator guideline: Decision based on MTUS.\n"
        "MAXIMUS guideline: Decision based on MTUS.\n"
        "Decision rationale: Muscle relaxants are for short-term use. The request is not\n"
        "medically necessary\n"
        "Norco 10/325mg #60: Upheld\n" +
        body());
    ASSERT_EQ(out.items.size(), 2u);
    EXPECT_EQ(out.items[1].request, "Norco 10/325mg #60");
}

TEST_F(SplitFdl, AcceptsADecisionWithoutItsColonWhenTheCitationsFollow) {
    const auto out = split("Lumbar support is Upheld" + body());
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(out.items[0].request, "Lumbar support");
    EXPECT_EQ(out.items[0].decision, decision::upheld);
}

TEST_F(SplitFdl, IgnoresARationaleLineEndingInIsUpheld) {
    const auto out =
        split("Lumbar support: Upheld" +
              body("Guidelines do not support it.\nThe prior decision is upheld\nas above."));
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_THAT(out.items[0].rationale, HasSubstr("The prior decision is upheld as above."));
}

TEST_F(SplitFdl, SplitsItemsWithTheirCitationsAndRationales) {
    const auto out = split(
        "MRI of the right shoulder without contrast: Upheld\n"
        "\n"
        "Claims Administrator guideline: Decision based on MTUS Shoulder Complaints 2004.\n"
        "\n"
        "MAXIMUS guideline: Decision based on MTUS Shoulder Complaints 2004, Section(s):\n"
        "Special Studies.\n"
        "\n"
        "Decision rationale: There is no evidence of red flags. The request is not medically\n"
        "necessary.\n"
        "\n"
        "Naproxen 550mg #60: Overturned\n"
        "\n"
        "Claims Administrator guideline: The Claims Administrator did not cite any medical "
        "evidence\n"
        "for its decision.\n"
        "\n"
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines,\n"
        "Section(s): NSAIDs.\n"
        "\n"
        "Decision rationale: NSAIDs are recommended at the lowest dose. The request is medically\n"
        "necessary.\n");
    ASSERT_EQ(out.items.size(), 2u);
    EXPECT_THAT(out.warnings, IsEmpty());

    const auto& mri = out.items[0];
    EXPECT_EQ(mri.request, "MRI of the right shoulder without contrast");
    EXPECT_EQ(mri.decision, decision::upheld);
    EXPECT_EQ(mri.claims_administrator_citation,
              "Decision based on MTUS Shoulder Complaints 2004.");
    EXPECT_EQ(mri.reviewer_citation,
              "Decision based on MTUS Shoulder Complaints 2004, Section(s): Special Studies.");
    EXPECT_EQ(mri.rationale,
              "There is no evidence of red flags. The request is not medically necessary.");

    const auto& naproxen = out.items[1];
    EXPECT_EQ(naproxen.request, "Naproxen 550mg #60");
    EXPECT_EQ(naproxen.decision, decision::overturned);
    EXPECT_EQ(naproxen.claims_administrator_citation,
              "The Claims Administrator did not cite any medical evidence for its decision.");
    EXPECT_EQ(
        naproxen.reviewer_citation,
        "Decision based on MTUS Chronic Pain Medical Treatment Guidelines, Section(s): NSAIDs.");
    EXPECT_EQ(naproxen.rationale,
              "NSAIDs are recommended at the lowest dose. The request is medically necessary.");
}

TEST_F(SplitFdl, JoinsRequestWrappedOverSeveralLines) {
    const auto out = split(
        "Retrospective request for compound cream: flurbiprofen 20%, lidocaine 5%,\n"
        "menthol 5%, camphor 1% 180gm applied twice daily for the\n"
        "lumbar spine (DOS 06/01/2015): Upheld\n" +
        body());
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(
        out.items[0].request,
        "Retrospective request for compound cream: flurbiprofen 20%, lidocaine 5%, menthol 5%, "
        "camphor 1% 180gm applied twice daily for the lumbar spine (DOS 06/01/2015)");
}

TEST_F(SplitFdl, ReadsDecisionAloneOnTheNextLine) {
    const auto out = split(
        "Chiropractic treatment 2 times a week for 4 weeks for the lumbar spine:\n"
        "Upheld\n" +
        body() +
        "Lumbar epidural steroid injection at L4-5:\n"
        "Overturned\n" +
        body("The request is medically necessary."));
    ASSERT_EQ(out.items.size(), 2u);
    EXPECT_EQ(out.items[0].request,
              "Chiropractic treatment 2 times a week for 4 weeks for the lumbar spine");
    EXPECT_EQ(out.items[0].decision, decision::upheld);
    EXPECT_EQ(out.items[1].request, "Lumbar epidural steroid injection at L4-5");
    EXPECT_EQ(out.items[1].decision, decision::overturned);
}

TEST_F(SplitFdl, ReadsDecisionAfterABlankLine) {
    const auto out =
        split("Home health aide 4 hours a day:\n\nOverturned\n" + body("Medically necessary."));
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(out.items[0].request, "Home health aide 4 hours a day");
    EXPECT_EQ(out.items[0].decision, decision::overturned);
}

TEST_F(SplitFdl, ReadsDecisionWithTrailingPeriod) {
    const auto out = split("TENS unit rental for 30 days: Upheld.\n" + body());
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(out.items[0].request, "TENS unit rental for 30 days");
}

TEST_F(SplitFdl, JoinsRequestSplitByAPageBreak) {
    const auto out = split(
        "Physical therapy 2 times a week for\n"
        "\f\n"
        "6 weeks for the cervical spine: Upheld\n" +
        body());
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(out.items[0].request,
              "Physical therapy 2 times a week for 6 weeks for the cervical spine");
}

TEST_F(SplitFdl, ReadsDecisionSeparatedFromItsRequestByAPageBreak) {
    const auto out = split(
        "Acupuncture 6 sessions for the neck:\n"
        "\f\n"
        "Overturned\n" +
        body("The request is medically necessary."));
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(out.items[0].request, "Acupuncture 6 sessions for the neck");
    EXPECT_EQ(out.items[0].decision, decision::overturned);
    EXPECT_EQ(out.items[0].rationale, "The request is medically necessary.");
}

TEST_F(SplitFdl, StartsRequestAfterPreviousRationaleEndingBeforeAPageBreak) {
    const auto out =
        split("Norco 10/325mg #60: Upheld\n" +
              body("Opioids are not indicated.\nThe request is not medically necessary.") +
              "\f\n"
              "Interferential unit rental: Upheld\n" +
              body());
    ASSERT_EQ(out.items.size(), 2u);
    EXPECT_EQ(out.items[0].rationale,
              "Opioids are not indicated. The request is not medically necessary.");
    EXPECT_EQ(out.items[1].request, "Interferential unit rental");
}

TEST_F(SplitFdl, KeepsRationaleThatContinuesOnTheNextPage) {
    const auto out = split(
        "Gym membership for 6 months: Upheld\n" +
        body(
            "Gym memberships are not recommended as a medical prescription unless a home exercise\n"
            "\f\n"
            "program has failed. The request is not medically necessary."));
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(out.items[0].rationale,
              "Gym memberships are not recommended as a medical prescription unless a home "
              "exercise program has failed. The request is not medically necessary.");
}

TEST_F(SplitFdl, ReadsDecisionFollowedByClaimsAdministratorOnTheSameLine) {
    const auto out = split(
        "Lidoderm 5% patch #30: Upheld Claims Administrator guideline: Decision based on MTUS "
        "Chronic Pain\n"
        "Medical Treatment Guidelines.\n"
        "\n"
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines, "
        "Page(s): 56-57.\n"
        "\n"
        "Decision rationale: Lidoderm is recommended for localized neuropathic pain only.\n");
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(out.items[0].request, "Lidoderm 5% patch #30");
    EXPECT_EQ(out.items[0].claims_administrator_citation,
              "Decision based on MTUS Chronic Pain Medical Treatment Guidelines.");
    EXPECT_EQ(out.items[0].rationale,
              "Lidoderm is recommended for localized neuropathic pain only.");
}

TEST_F(SplitFdl, KeepsPartiallyAuthorizedRequestTogether) {
    const auto out = split(
        "Norco 10/325mg #120 was the original request.\n"
        "Norco 10/325mg #90 was authorized by the Claims Administrator. The remaining IMR "
        "eligible\n"
        "portion of the original request, Norco 10/325mg #30 is: Upheld\n" +
        body());
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(out.items[0].request,
              "Norco 10/325mg #120 was the original request. Norco 10/325mg #90 was authorized by "
              "the Claims Administrator. The remaining IMR eligible portion of the original "
              "request, Norco 10/325mg #30");
    EXPECT_EQ(out.items[0].decision, decision::upheld);
}

TEST_F(SplitFdl, KeepsPartiallyAuthorizedRequestWithOneSentencePerLine) {
    const auto out = split(
        "Norco 10/325mg #120 was the original request.\n"
        "Norco 10/325mg #90 was authorized by the Claims Administrator.\n"
        "The remaining IMR eligible portion of the original request, Norco 10/325mg #30 is: "
        "Overturned\n" +
        body("The request is medically necessary."));
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(out.items[0].request,
              "Norco 10/325mg #120 was the original request. Norco 10/325mg #90 was authorized by "
              "the Claims Administrator. The remaining IMR eligible portion of the original "
              "request, Norco 10/325mg #30");
    EXPECT_EQ(out.items[0].decision, decision::overturned);
}

TEST_F(SplitFdl, KeepsRequestLeftEligibleByTheClaimsAdministratorTogether) {
    const auto out = split(
        "Purchase of a shower chair was the original request. The Claims Administrator\n"
        "authorized a shower chair rental for 1 month, leaving the original request IMR\n"
        "eligible. The original request, purchase of a shower chair is: Overturned\n" +
        body("The request is medically necessary."));
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(
        out.items[0].request,
        "Purchase of a shower chair was the original request. The Claims Administrator authorized "
        "a shower chair rental for 1 month, leaving the original request IMR eligible. The "
        "original request, purchase of a shower chair");
    EXPECT_EQ(out.items[0].decision, decision::overturned);
}

TEST_F(SplitFdl, KeepsEligibleRequestWrappedRightAfterTheOriginalRequestSentence) {
    const auto out = split(
        "Purchase of a shower chair was the original request.\n"
        "The Claims Administrator authorized a shower chair rental for 1 month, leaving the\n"
        "original request IMR eligible. The original request, purchase of a shower chair is: "
        "Upheld\n" +
        body());
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(
        out.items[0].request,
        "Purchase of a shower chair was the original request. The Claims Administrator authorized "
        "a shower chair rental for 1 month, leaving the original request IMR eligible. The "
        "original request, purchase of a shower chair");
}

// Regression (fixed): walking back over the partial-authorization sentences stops at the first line
// that contains "was the original request", so an original request that itself wraps loses its
// first line(s).
TEST_F(SplitFdl, KeepsOriginalRequestThatWrapsBeforeWasTheOriginalRequest) {
    const auto out = split(
        "Physical therapy 3 times a week for 4 weeks for the\n"
        "lumbar spine was the original request.\n"
        "Physical therapy 6 sessions was authorized by the Claims Administrator.\n"
        "The remaining IMR eligible portion of the original request, Physical therapy 6 sessions "
        "is: Upheld\n" +
        body());
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(
        out.items[0].request,
        "Physical therapy 3 times a week for 4 weeks for the lumbar spine was the original "
        "request. Physical therapy 6 sessions was authorized by the Claims Administrator. The "
        "remaining IMR eligible portion of the original request, Physical therapy 6 sessions");
}

TEST_F(SplitFdl, StartsRequestAfterThePreviousItemsLastSentence) {
    // No blank line between the previous rationale and the next request (lost in extraction).
    const auto out = split(
        "Soma 350mg #30: Upheld\n"
        "\n"
        "Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment "
        "Guidelines.\n"
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines.\n"
        "Decision rationale: Carisoprodol is not recommended.\n"
        "Urine drug screen: Overturned\n" +
        body("Screening is recommended."));
    ASSERT_EQ(out.items.size(), 2u);
    EXPECT_EQ(out.items[1].request, "Urine drug screen");
    EXPECT_EQ(out.items[0].rationale, "Carisoprodol is not recommended.");
}

TEST_F(SplitFdl, IgnoresUpheldInsideRationaleSentences) {
    const auto out = split("Psychotherapy 6 sessions: Upheld\n" +
                           body("The prior denial: upheld by the first reviewer for lack of "
                                "records. The request is not\n"
                                "medically necessary."));
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_EQ(out.items[0].request, "Psychotherapy 6 sessions");
}

TEST_F(SplitFdl, WarnsWhenAnItemHasNoRationale) {
    const auto out =
        split("Knee brace: Upheld\n\nClaims Administrator guideline: Decision based on ODG.\n");
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_THAT(out.warnings, ElementsAre("item_rationale_not_found"));
}

TEST_F(SplitFdl, FindsNoItemsWithoutDecisions) {
    const auto out = split("The reviewer could not reach a decision on the disputed items.\n");
    EXPECT_THAT(out.items, IsEmpty());
}

class SplitNotice : public ::testing::Test {
  protected:
    split_items split(std::string_view letter) const {
        return splitter.split_notice(imr::text::flatten(imr::text::normalize(letter)));
    }

    imr::parse::item_splitter splitter;
};

constexpr std::string_view notice_decisions =
    "1) MAXIMUS Federal Services, Inc. has determined the request for a lumbar MRI is not\n"
    "medically necessary and appropriate.\n"
    "2) MAXIMUS Federal Services, Inc. has determined the request for 12 sessions of physical\n"
    "therapy for the lumbar spine is medically necessary and appropriate.\n";

constexpr std::string_view notice_rationales =
    "1) Regarding the request for a lumbar MRI:\n"
    "Medical Treatment Guideline(s) Used by the Claims Administrator (Utilization Review Agent):\n"
    "ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 12, pages 303-304.\n"
    "Medical Treatment Guideline(s) Used by the Expert Reviewer:\n"
    "The Expert Reviewer relied on the Official Disability Guidelines (ODG), Low Back Chapter.\n"
    "Rationale for the Decision:\n"
    "There are no red flags and no progressive neurologic deficit.\n"
    "2) Regarding the request for 12 sessions of physical therapy for the lumbar spine:\n"
    "Medical Treatment Guideline(s) Used by the Claims Administrator (Utilization Review Agent):\n"
    "MTUS Chronic Pain Medical Treatment Guidelines, Physical Medicine, pages 98-99.\n"
    "Medical Treatment Guideline(s) Used by the Expert Reviewer:\n"
    "MTUS Chronic Pain Medical Treatment Guidelines, Physical Medicine, pages 98-99.\n"
    "Rationale for the Decision:\n"
    "The worker has not had therapy for this flare. The request is medically necessary.\n";

std::string notice_letter(std::string_view decisions = notice_decisions) {
    return "Notice of Independent Medical Review Determination\n"
           "Dated: 01/15/2014\n" +
           std::string(decisions) +
           "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE\n"
           "An application for Independent Medical Review was filed on 12/02/2013 disputing the\n"
           "Utilization Review Denial dated 11/20/2013.\n"
           "Medical Qualifications of the Expert Reviewer:\n"
           "The physician reviewer is Board Certified in Occupational Medicine and is licensed to "
           "practice\n"
           "in California.\n"
           "Expert Reviewer Case Summary:\n"
           "The patient is a 44 year-old female with a date of injury of 8/28/2001.\n" +
           std::string(notice_rationales);
}

TEST_F(SplitNotice, ReadsNumberedDeterminations) {
    const auto out = split(notice_letter());
    ASSERT_EQ(out.items.size(), 2u);
    EXPECT_EQ(out.items[0].request, "lumbar MRI");  // without its article
    EXPECT_EQ(out.items[0].decision, decision::upheld);
    EXPECT_EQ(out.items[1].request, "12 sessions of physical therapy for the lumbar spine");
    EXPECT_EQ(out.items[1].decision, decision::overturned);
    EXPECT_THAT(out.warnings, IsEmpty());
}

TEST_F(SplitNotice, ReadsRationaleBlocksOfEachItem) {
    const auto out = split(notice_letter());
    ASSERT_EQ(out.items.size(), 2u);
    EXPECT_THAT(out.items[0].claims_administrator_citation, HasSubstr("ACOEM Practice Guidelines"));
    EXPECT_EQ(out.items[0].reviewer_citation,
              "The Expert Reviewer relied on the Official Disability Guidelines (ODG), Low Back "
              "Chapter.");
    EXPECT_EQ(out.items[0].rationale,
              "There are no red flags and no progressive neurologic deficit.");
    EXPECT_EQ(out.items[1].rationale,
              "The worker has not had therapy for this flare. The request is medically necessary.");
}

// Regression (fixed): the block label is matched without its "(Utilization Review Agent):" tail,
// which stays at the front of the citation text.
TEST_F(SplitNotice, ReadsClaimsAdministratorCitationAfterTheWholeLabel) {
    const auto out = split(notice_letter());
    ASSERT_EQ(out.items.size(), 2u);
    EXPECT_EQ(out.items[0].claims_administrator_citation,
              "ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 12, pages 303-304.");
}

// Notices that cite both sides in one "Relied Upon by the Expert Reviewer" block, in either order.
TEST_F(SplitNotice, SplitsTheRelianceBlockIntoEachSidesSentences) {
    const std::string letter =
        "1) MAXIMUS Federal Services, Inc. has determined the request for an x-ray is not "
        "medically necessary and appropriate.\n"
        "2) MAXIMUS Federal Services, Inc. has determined the request for a cane is not "
        "medically necessary and appropriate.\n"
        "1) Regarding the request for an x-ray:\n"
        "Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer:\n"
        "The Claims Administrator based its decision on the ACOEM Practice Guidelines, Chapter "
        "12, page 303, which is part of the MTUS. The Expert Reviewer based his/her decision on "
        "the Official Disability Guidelines (ODG), Low Back Chapter.\n"
        "Rationale Used by the Expert Reviewer:\nNo red flags. Not medically necessary.\n"
        "2) Regarding the request for a cane:\n"
        "Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer:\n"
        "The Expert Reviewer relied on the ODG, Knee Chapter, Walking aids. The Claims "
        "Administrator did not cite any evidence-based guidelines.\n"
        "Rationale Used by the Expert Reviewer:\nNo gait disorder. Not medically necessary.\n";
    const auto out = split(letter);
    ASSERT_EQ(out.items.size(), 2u);
    EXPECT_EQ(out.items[0].request, "x-ray");
    EXPECT_THAT(out.items[0].claims_administrator_citation, HasSubstr("ACOEM Practice Guidelines"));
    EXPECT_THAT(out.items[0].claims_administrator_citation, Not(HasSubstr("Expert Reviewer")));
    EXPECT_THAT(out.items[0].reviewer_citation, HasSubstr("Official Disability Guidelines"));
    EXPECT_EQ(out.items[0].rationale, "No red flags. Not medically necessary.");
    EXPECT_THAT(out.items[1].reviewer_citation, HasSubstr("Knee Chapter"));
    EXPECT_THAT(out.items[1].claims_administrator_citation, HasSubstr("did not cite"));
    EXPECT_THAT(out.items[1].reviewer_citation, Not(HasSubstr("did not cite")));
}

// Regression (fixed): notices repeat the numbered determinations after "A decision has been made
// for each of the treatment and/or services that were in dispute:"; each is read as a new item.
TEST_F(SplitNotice, ReadsDeterminationsListedTwiceOnce) {
    const auto out = split(notice_letter(std::string(notice_decisions) +
                                         "A decision has been made for each of the treatment "
                                         "and/or services that were in dispute:\n" +
                                         std::string(notice_decisions)));
    EXPECT_EQ(out.items.size(), 2u);
    EXPECT_THAT(out.warnings, IsEmpty());
}

// Regression (fixed): text extraction of some notices glues the bold "not" to "medically"
// ("is notmedically necessary"); the item pattern then misses the determination.
TEST_F(SplitNotice, ReadsNotGluedToMedically) {
    const auto out = split(notice_letter(
        "1) MAXIMUS Federal Services, Inc. has determined the request for a lumbar MRI is "
        "notmedically\n"
        "necessary and appropriate.\n"
        "2) MAXIMUS Federal Services, Inc. has determined the request for 12 sessions of physical\n"
        "therapy for the lumbar spine is medically necessary and appropriate.\n"));
    ASSERT_EQ(out.items.size(), 2u);
    EXPECT_EQ(out.items[0].request, "lumbar MRI");  // without its article
    EXPECT_EQ(out.items[0].decision, decision::upheld);
}

TEST_F(SplitNotice, WarnsWhenAnItemHasNoRationale) {
    const auto out = splitter.split_notice(
        "1) MAXIMUS Federal Services, Inc. has determined the request for a knee brace is not "
        "medically necessary and appropriate.");
    ASSERT_EQ(out.items.size(), 1u);
    EXPECT_THAT(out.warnings, ElementsAre("item_rationale_not_found"));
}

}  // namespace
