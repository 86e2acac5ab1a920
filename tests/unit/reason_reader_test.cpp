#include "imr/classify/reason_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

using imr::classify::reason_reader;
using imr::classify::split_sentences;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const reason_reader& reader() {
    static const reason_reader instance(imr::classify::builtin_vocabulary());
    return instance;
}

TEST(SplitSentences, KeepsAbbreviationsAndMarksQuotedGuidelineLines) {
    const auto sentences = split_sentences(
        "Per MTUS, e.g. NSAIDs are first line. The guideline states \"Topical agents are "
        "experimental. Any compound is not recommended.\" In this case, no MRI.");
    ASSERT_EQ(sentences.size(), 4u);
    EXPECT_EQ(sentences[0].text, "Per MTUS, e.g. NSAIDs are first line.");
    EXPECT_FALSE(sentences[1].quoted);
    EXPECT_TRUE(sentences[2].quoted);
    EXPECT_FALSE(sentences[3].quoted);
}

TEST(SplitSentences, CutsARunWithoutSentenceEndsAtItsLastSpaceBeforeTheLimit) {
    std::string run;
    while (run.size() < 3 * imr::classify::max_sentence_bytes) run += "lack of documentation ";
    const auto sentences = split_sentences(run);
    ASSERT_GE(sentences.size(), 3u);
    std::string joined;
    for (const auto& s : sentences) {
        EXPECT_LE(s.text.size(), imr::classify::max_sentence_bytes);
        EXPECT_TRUE(s.text.ends_with("documentation") || s.text.ends_with("of") ||
                    s.text.ends_with("lack"))
            << "cut inside a word: ..." << s.text.substr(s.text.size() - 20);
        joined += std::string(s.text) + ' ';
    }
    EXPECT_EQ(joined, run);  // nothing lost, nothing doubled
}

TEST(SplitSentences, CutsARunWithoutSpacesBetweenUtf8Characters) {
    std::string run;
    while (run.size() < 2 * imr::classify::max_sentence_bytes) run += "\xC3\xA9";  // é
    run += 'x';                                                                    // an odd length
    size_t total = 0;
    for (const auto& s : split_sentences(run)) {
        EXPECT_LE(s.text.size(), imr::classify::max_sentence_bytes);
        EXPECT_NE(static_cast<unsigned char>(s.text.front()) & 0xC0, 0x80)
            << "a sentence starts inside a character";
        total += s.text.size();
    }
    EXPECT_EQ(total, run.size());
}

TEST(ReasonReader, GivesNoAnswerOnceItsDeadlineHasPassed) {
    const std::string rationale =
        "There is no documentation of objective, functional improvement with the prior "
        "sessions. Guidelines recommend a trial of six visits. Therefore the request is not "
        "medically necessary.";
    const auto unlimited = reader().read(rationale);
    ASSERT_THAT(unlimited, ::testing::Contains("no_functional_improvement"));
    EXPECT_EQ(reader().read(rationale, {}, {}, imr::cpu_deadline(std::chrono::seconds(60))),
              unlimited);
    // Passed before the first sentence: no partial answer.
    EXPECT_EQ(reader().read(rationale, {}, {}, imr::cpu_deadline(std::chrono::milliseconds(0))),
              std::nullopt);
}

TEST(ReasonReader, ReadsParaphrasesOfSpecificReasons) {
    EXPECT_THAT(reader().read("There is no documentation of objective, functional improvement "
                              "with the prior sessions."),
                ElementsAre("no_functional_improvement"));
    EXPECT_THAT(reader().read("The patient has not trialed and failed conservative care."),
                ElementsAre("first_line_not_tried"));
    EXPECT_THAT(reader().read("The records do not document significant objective deficits."),
                ElementsAre("no_objective_findings"));
    EXPECT_THAT(reader().read("Long-term use of this medication is not recommended."),
                ElementsAre("exceeds_duration_or_quantity"));
}

TEST(ReasonReader, GuidelineCriteriaAreNoFindingOfTheCase) {
    // The criteria a guideline lists are no lack in this case.
    EXPECT_THAT(reader().read("The MTUS guidelines state that criteria for imaging include the "
                              "emergence of a red flag or failure of conservative care."),
                IsEmpty());
    EXPECT_THAT(reader().read("The MTUS guidelines state that imaging requires red flags. In this "
                              "case, there are no red flag conditions noted."),
                ElementsAre("no_red_flags"));
}

TEST(ReasonReader, DiagnosisNamesAreNoMissingDetail) {
    EXPECT_THAT(reader().read("Diagnoses include sprain of ligaments of lumbar spine, unspecified, "
                              "and myalgia, unspecified."),
                IsEmpty());
    EXPECT_THAT(reader().read("The request failed to specify the frequency and duration."),
                ElementsAre("request_lacks_detail"));
}

TEST(ReasonReader, ASpecificCodeWinsOverAGenericOneOfTheSameSentence) {
    EXPECT_THAT(reader().read("There is a lack of documentation of functional improvement."),
                ElementsAre("no_functional_improvement"));
    EXPECT_THAT(reader().read("There is a lack of documentation of when the exam was performed."),
                ElementsAre("insufficient_documentation"));
}

TEST(ReasonReader, ServicesOfADeniedSurgeryDependOnIt) {
    EXPECT_THAT(reader().read("As the requested surgical intervention is not medically necessary, "
                              "the requested ancillary service is not medically necessary. There "
                              "was no discussion of a surgical plan."),
                ElementsAre("depends_on_denied_service"));
}

TEST(ReasonReader, ASurgicalReasonOnAnAccompanyingServiceIsItsDependence) {
    const char* rationale =
        "The patient has not failed conservative care, and there is no surgical lesion on the MRI.";
    EXPECT_THAT(reader().read(rationale, "surgery/arthroscopic", "Right shoulder arthroscopy"),
                ElementsAre("first_line_not_tried", "no_surgical_indication"));
    EXPECT_THAT(reader().read(rationale, "diagnostic_testing/lab_pathology",
                              "Associated surgical service: Labs - CBC"),
                ElementsAre("depends_on_denied_service"));
    EXPECT_THAT(reader().read(rationale, "surgery/adjunct_surgical_services", "Assistant surgeon"),
                ElementsAre("depends_on_denied_service"));
}

TEST(ReasonReader, CompoundCodeOnlyForCompounds) {
    const char* rationale =
        "Any compounded product that contains at least one drug that is not recommended is not "
        "recommended.";
    EXPECT_THAT(reader().read(rationale, "pharmaceuticals/topical_compounds"),
                ElementsAre("compound_contains_unrecommended"));
    EXPECT_THAT(reader().read(rationale, "pharmaceuticals/topical_analgesics"), IsEmpty());
}

TEST(ReasonReader, GuidelineVerdictOnAnotherConditionIsNoMissingIndication) {
    EXPECT_THAT(reader().read("MTUS does not recommend botox for migraine headaches, as requested "
                              "in this case."),
                ElementsAre("not_recommended_by_guideline"));
}

// tests/data/unit/reason_sentences.tsv: rationales written from REASONS.md and general
// knowledge of utilization-review wording, never from a letter; each reads exactly its codes.
TEST(ReasonSentences, EveryWrittenRationaleReadsExactlyItsCodes) {
    std::istringstream lines(imr::testing::read_fixture("reason_sentences.tsv"));
    std::string line;
    int rationales = 0;
    while (std::getline(lines, line)) {
        if (line.empty() || line.front() == '#') continue;
        std::istringstream fields(line);
        std::string treatment, codes, rationale;
        ASSERT_TRUE(std::getline(fields, treatment, '\t') && std::getline(fields, codes, '\t') &&
                    std::getline(fields, rationale))
            << line;
        std::vector<std::string> expected;
        std::istringstream names(codes == "-" ? "" : codes);
        for (std::string code; std::getline(names, code, ',');) expected.push_back(code);
        std::vector<std::string> got = reader().read(rationale, treatment == "-" ? "" : treatment);
        std::sort(expected.begin(), expected.end());
        std::sort(got.begin(), got.end());
        EXPECT_EQ(got, expected) << "rationale: " << rationale;
        ++rationales;
    }
    EXPECT_GE(rationales, 400);
}

}  // namespace
