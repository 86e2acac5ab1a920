#include "imr/engine/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "imr/classify/vocabulary.h"
#include "imr/engine/classification_probe.h"
#include "imr/engine/document_classifier.h"
#include "imr/engine/plausibility.h"
#include "imr/input/pdf_text.h"
#include "imr/output/json_writer.h"
#include "test_support.h"

namespace {

using imr::date;
using imr::decision;
using imr::errc;
using imr::layout;
using imr::testing::read_fixture;
using imr::testing::to_crlf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// One engine for the whole binary: construction compiles every pattern of the vocabulary.
const imr::engine& shared_engine() {
    static const imr::engine engine(imr::classify::builtin_vocabulary());
    return engine;
}

imr::result<imr::outcome> classify_letter(std::string_view name) {
    return shared_engine().classify_text(read_fixture(std::string("letters/") + std::string(name)));
}

std::string category_of(const imr::item& item) {
    return item.category + "/" + item.subcategory;
}

TEST(Engine, ClassifiesFdl2015LetterWithHeaderTableInPhysicalLayout) {
    const auto result = classify_letter("fdl2015_physical_header.txt");
    ASSERT_TRUE(result.has_value()) << result.err().message;
    const imr::outcome& o = *result;

    EXPECT_EQ(o.layout, layout::fdl_2015);
    EXPECT_EQ(o.case_number, "CM15-0123456");
    EXPECT_EQ(o.dates.assigned, (date{2015, 7, 14}));
    EXPECT_EQ(o.dates.decision, (date{2015, 8, 21}));
    EXPECT_EQ(o.dates.injury, (date{2013, 3, 2}));
    EXPECT_EQ(o.dates.ur_denial, (date{2015, 6, 30}));
    EXPECT_EQ(o.dates.application_received, (date{2015, 7, 6}));
    EXPECT_EQ(o.priority, imr::priority::standard);
    EXPECT_THAT(o.reviewer.licensed_states, ElementsAre("TX", "NY", "CA"));
    EXPECT_THAT(o.reviewer.specialties, ElementsAre("Physical Medicine & Rehabilitation"));
    EXPECT_EQ(o.patient.age, 45);
    EXPECT_EQ(o.patient.sex, "female");
    EXPECT_EQ(o.patient.injury_mechanism, "lifting");

    ASSERT_EQ(o.items.size(), 3u);
    const imr::item& acupuncture = o.items[0];
    EXPECT_EQ(
        acupuncture.request,
        "Acupuncture 2 times a week for 6 weeks for the lumbar spine was the original request. "
        "Acupuncture 2 times a week for 3 weeks was authorized by the Claims Administrator. The "
        "remaining IMR eligible portion of the original request, Acupuncture 2 times a week for 3 "
        "weeks for the lumbar spine");
    EXPECT_EQ(acupuncture.decision, decision::upheld);
    EXPECT_EQ(category_of(acupuncture), "rehabilitation/acupuncture");
    ASSERT_TRUE(acupuncture.modified.has_value());
    EXPECT_EQ(acupuncture.modified->original,
              "Acupuncture 2 times a week for 6 weeks for the lumbar spine");
    EXPECT_EQ(acupuncture.modified->authorized, "Acupuncture 2 times a week for 3 weeks");
    EXPECT_EQ(acupuncture.modified->remaining,
              "Acupuncture 2 times a week for 3 weeks for the lumbar spine");
    EXPECT_THAT(acupuncture.claims_administrator.sources, ElementsAre("MTUS"));
    EXPECT_THAT(acupuncture.reviewer.sources, ElementsAre("MTUS"));

    const imr::item& therapy = o.items[1];
    EXPECT_EQ(therapy.request,
              "Associated surgical service: Post-operative physical therapy 12 sessions for the "
              "left knee");
    EXPECT_EQ(therapy.decision, decision::overturned);
    EXPECT_EQ(category_of(therapy), "rehabilitation/physical_occupational_therapy");
    EXPECT_THAT(therapy.qualifiers, ElementsAre("associated_surgical_service", "post_op"));
    EXPECT_FALSE(therapy.modified.has_value());
    EXPECT_THAT(therapy.reasons, ElementsAre("medically_necessary"));

    const imr::item& tramadol = o.items[2];
    EXPECT_EQ(tramadol.request, "Tramadol ER 150mg #30");
    EXPECT_EQ(tramadol.decision, decision::upheld);
    EXPECT_EQ(category_of(tramadol), "pharmaceuticals/opioids");
    EXPECT_THAT(tramadol.claims_administrator.sources, IsEmpty());
    EXPECT_THAT(tramadol.reviewer.sources, ElementsAre("MTUS", "ODG"));
    EXPECT_THAT(tramadol.reasons, Contains("no_functional_improvement"));
    EXPECT_THAT(tramadol.reasons, Contains("opioid_monitoring_missing"));

    EXPECT_EQ(o.summary.items, 3);
    EXPECT_EQ(o.summary.upheld, 2);
    EXPECT_EQ(o.summary.overturned, 1);
    EXPECT_EQ(o.summary.outcome, "partially_overturned");
    EXPECT_THAT(o.warnings, IsEmpty());
}

TEST(Engine, ClassifiesFdl2015LetterWithColumnWiseHeaderAndPageBreaksInsideItems) {
    const auto result = classify_letter("fdl2015_column_header_page_breaks.txt");
    ASSERT_TRUE(result.has_value()) << result.err().message;
    const imr::outcome& o = *result;

    EXPECT_EQ(o.layout, layout::fdl_2015);
    EXPECT_EQ(o.case_number, "CM15-0987654");
    EXPECT_EQ(o.dates.assigned, (date{2015, 4, 20}));
    EXPECT_EQ(o.dates.decision, (date{2015, 5, 5}));
    EXPECT_EQ(o.dates.injury, (date{2011, 11, 30}));
    EXPECT_EQ(o.dates.ur_denial, (date{2015, 4, 9}));
    EXPECT_EQ(o.dates.application_received, (date{2015, 4, 14}));
    EXPECT_EQ(o.priority, imr::priority::expedited);
    EXPECT_THAT(o.reviewer.licensed_states, ElementsAre("WV", "VA"));
    EXPECT_THAT(o.reviewer.specialties, ElementsAre("Anesthesiology", "Pain Medicine"));
    EXPECT_EQ(o.patient.age, 58);
    EXPECT_EQ(o.patient.sex, "male");

    ASSERT_EQ(o.items.size(), 3u);
    EXPECT_EQ(o.items[0].request,
              "Lumbar epidural steroid injection at L4-5 and L5-S1 under fluoroscopic guidance");
    EXPECT_EQ(o.items[0].decision, decision::overturned);
    EXPECT_EQ(category_of(o.items[0]), "injections/injection");
    EXPECT_EQ(o.items[1].request, "MRI of the cervical spine without contrast");
    EXPECT_EQ(o.items[1].decision, decision::upheld);
    EXPECT_EQ(category_of(o.items[1]), "diagnostic_testing/imaging");
    EXPECT_EQ(o.items[2].request,
              "Retrospective request for Ketoprofen 20% cream 120gm (DOS 04/02/2015)");
    EXPECT_EQ(o.items[2].decision, decision::upheld);
    EXPECT_EQ(category_of(o.items[2]), "pharmaceuticals/topical_compounds");
    EXPECT_THAT(o.items[2].qualifiers, ElementsAre("retrospective"));
    EXPECT_THAT(o.items[2].reasons, Contains("compound_contains_unrecommended"));

    EXPECT_EQ(o.summary.outcome, "partially_overturned");
    EXPECT_THAT(o.warnings, IsEmpty());
}

TEST(Engine, ClassifiesFdl2014LetterWithProseCredentialsAndDoubledLineBreaks) {
    const auto result = classify_letter("fdl2014_prose_doubled.txt");
    ASSERT_TRUE(result.has_value()) << result.err().message;
    const imr::outcome& o = *result;

    EXPECT_EQ(o.layout, layout::fdl_2014);
    EXPECT_FALSE(o.case_number.has_value());
    EXPECT_FALSE(o.dates.decision.has_value());
    EXPECT_FALSE(o.priority.has_value());
    EXPECT_EQ(o.dates.injury, (date{2012, 2, 19}));  // from the case summary: no header table
    EXPECT_THAT(o.reviewer.licensed_states, ElementsAre("TX", "OK"));
    EXPECT_THAT(o.reviewer.specialties,
                ElementsAre("Physical Medicine and Rehabilitation", "Pain Management"));
    EXPECT_EQ(o.patient.age, 52);
    EXPECT_EQ(o.patient.sex, "male");
    EXPECT_THAT(o.patient.diagnoses,
                ElementsAre("lumbar spinal stenosis", "lumbar radiculopathy", "depression"));

    ASSERT_EQ(o.items.size(), 3u);
    EXPECT_EQ(o.items[0].request, "Menthoderm gel 240gm");
    EXPECT_EQ(o.items[0].decision, decision::upheld);
    EXPECT_EQ(category_of(o.items[0]), "pharmaceuticals/topical_compounds");
    EXPECT_EQ(o.items[1].request,
              "Retrospective request for urine drug screen performed on 01/15/2014");
    EXPECT_EQ(o.items[1].decision, decision::overturned);
    EXPECT_EQ(category_of(o.items[1]), "diagnostic_testing/lab_pathology");
    EXPECT_THAT(o.items[1].qualifiers, ElementsAre("retrospective"));
    EXPECT_THAT(o.items[1].claims_administrator.sources, IsEmpty());
    EXPECT_EQ(o.items[2].request,
              "Physical therapy 2 times a week for 4 weeks for the lumbar spine");
    EXPECT_EQ(category_of(o.items[2]), "rehabilitation/physical_occupational_therapy");
    EXPECT_THAT(o.items[2].reviewer.sources, ElementsAre("MTUS"));

    EXPECT_EQ(o.summary.upheld, 2);
    EXPECT_EQ(o.summary.overturned, 1);
    EXPECT_THAT(o.warnings, IsEmpty());
}

void expect_same_classification(const imr::outcome& a, const imr::outcome& b) {
    EXPECT_EQ(a.layout, b.layout);
    EXPECT_EQ(a.case_number, b.case_number);
    EXPECT_EQ(a.dates.decision, b.dates.decision);
    EXPECT_EQ(a.dates.injury, b.dates.injury);
    EXPECT_EQ(a.reviewer.licensed_states, b.reviewer.licensed_states);
    EXPECT_EQ(a.reviewer.specialties, b.reviewer.specialties);
    EXPECT_EQ(a.patient.age, b.patient.age);
    ASSERT_EQ(a.items.size(), b.items.size());
    for (size_t i = 0; i < a.items.size(); ++i) {
        EXPECT_EQ(a.items[i].request, b.items[i].request);
        EXPECT_EQ(a.items[i].decision, b.items[i].decision);
        EXPECT_EQ(category_of(a.items[i]), category_of(b.items[i]));
        EXPECT_EQ(a.items[i].reviewer.sources, b.items[i].reviewer.sources);
        EXPECT_EQ(a.items[i].reasons, b.items[i].reasons);
    }
    EXPECT_EQ(a.warnings, b.warnings);
}

TEST(Engine, FindsItemsWhenTheDecisionsHeadingWasLostInExtraction) {
    std::string letter = read_fixture("letters/fdl2015_physical_header.txt");
    const size_t heading = letter.find("IMR ISSUES, DECISIONS AND RATIONALES");
    ASSERT_NE(heading, std::string::npos);
    const auto original = shared_engine().classify_text(letter);
    letter.erase(heading, std::string_view("IMR ISSUES, DECISIONS AND RATIONALES").size());
    const auto without = shared_engine().classify_text(letter);
    ASSERT_TRUE(original.has_value());
    ASSERT_TRUE(without.has_value()) << without.err().message;
    ASSERT_EQ(without->items.size(), original->items.size());
    for (size_t i = 0; i < original->items.size(); ++i) {
        EXPECT_EQ(without->items[i].request, original->items[i].request);
        EXPECT_EQ(without->items[i].decision, original->items[i].decision);
    }
}

TEST(Engine, ClassifiesCrlfLetterLikeItsLfOriginal) {
    for (const char* name : {"fdl2015_physical_header.txt", "fdl2014_prose_doubled.txt"}) {
        SCOPED_TRACE(name);
        const std::string text = read_fixture(std::string("letters/") + name);
        const auto lf = shared_engine().classify_text(text);
        const auto crlf = shared_engine().classify_text(to_crlf(text));
        ASSERT_TRUE(lf.has_value()) << lf.err().message;
        ASSERT_TRUE(crlf.has_value()) << crlf.err().message;
        expect_same_classification(*lf, *crlf);
    }
}

TEST(Engine, ClassifiesLetterWithOldMacLineEndingsLikeItsLfOriginal) {
    std::string text = read_fixture("letters/fdl2015_physical_header.txt");
    const auto lf = shared_engine().classify_text(text);
    for (char& c : text) {
        if (c == '\n') c = '\r';
    }
    const auto cr = shared_engine().classify_text(text);
    ASSERT_TRUE(lf.has_value()) << lf.err().message;
    ASSERT_TRUE(cr.has_value()) << cr.err().message;
    expect_same_classification(*lf, *cr);
}

TEST(Engine, ClassifiesNotice2013Letter) {
    const auto result = classify_letter("notice2013.txt");
    ASSERT_TRUE(result.has_value()) << result.err().message;
    const imr::outcome& o = *result;

    EXPECT_EQ(o.layout, layout::notice_2013);
    EXPECT_EQ(o.case_number, "CM13-0034567");
    EXPECT_EQ(o.dates.decision, (date{2013, 12, 20}));
    EXPECT_EQ(o.dates.injury, (date{2010, 6, 15}));
    EXPECT_EQ(o.dates.ur_denial, (date{2013, 10, 28}));
    EXPECT_EQ(o.dates.application_received, (date{2013, 11, 5}));
    EXPECT_THAT(o.reviewer.licensed_states, ElementsAre("CA", "NV"));
    EXPECT_THAT(o.reviewer.specialties, ElementsAre("Orthopedic Surgery"));
    EXPECT_EQ(o.patient.age, 47);
    EXPECT_EQ(o.patient.sex, "male");

    ASSERT_EQ(o.items.size(), 2u);
    EXPECT_EQ(o.items[0].request, "lumbar MRI");
    EXPECT_EQ(o.items[0].decision, decision::upheld);
    EXPECT_EQ(category_of(o.items[0]), "diagnostic_testing/imaging");
    EXPECT_THAT(o.items[0].reviewer.sources, ElementsAre("ODG"));
    EXPECT_THAT(o.items[0].reasons, Contains("no_red_flags"));
    EXPECT_EQ(o.items[1].request, "12 sessions of physical therapy for the lumbar spine");
    EXPECT_EQ(o.items[1].decision, decision::overturned);
    EXPECT_EQ(category_of(o.items[1]), "rehabilitation/physical_occupational_therapy");
    EXPECT_THAT(o.items[1].claims_administrator.sources, ElementsAre("MTUS"));
    EXPECT_THAT(o.items[1].reviewer.sources, ElementsAre("MTUS"));

    EXPECT_EQ(o.summary.outcome, "partially_overturned");
    EXPECT_THAT(o.warnings, IsEmpty());
}

TEST(Engine, RejectsTextThatIsNotADetermination) {
    const auto result = classify_letter("not_a_determination.txt");
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.err().code, errc::not_a_determination);
}

TEST(Engine, RejectsEmptyTextAsNotADetermination) {
    const auto result = shared_engine().classify_text("");
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.err().code, errc::not_a_determination);
}

TEST(Engine, RejectsLetterWithoutAnyDecision) {
    const auto result = classify_letter("no_decisions.txt");
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.err().code, errc::no_decisions_found);
}

// A bare fdl letter around the given items.
std::string minimal_letter(std::string_view items) {
    return "HOW THE IMR FINAL DETERMINATION WAS MADE\n"
           "MAXIMUS Federal Services sent the complete case file to an expert reviewer.\n"
           "\n"
           "IMR ISSUES, DECISIONS AND RATIONALES\n"
           "The Final Determination was based on decisions for the disputed items/services set "
           "forth below:\n"
           "\n" +
           std::string(items);
}

TEST(Engine, WarnsAboutEverythingItHadToGuess) {
    const auto result = shared_engine().classify_text(minimal_letter(
        "Zorblax quux: Upheld\n\nDecision rationale: Not supported by the guidelines.\n"));
    ASSERT_TRUE(result.has_value()) << result.err().message;
    EXPECT_EQ(category_of(result->items.at(0)), "other/other");
    EXPECT_THAT(result->warnings,
                ElementsAre("category_guessed:item=1", "patient_age_not_found",
                            "patient_sex_not_found", "injury_date_not_found",
                            "reviewer_states_not_found", "reviewer_specialties_not_found"));
}

TEST(Engine, WarningsNeverQuoteLetterText) {
    const auto result = shared_engine().classify_text(
        minimal_letter("Zorblax quux: Upheld\n\nClaims Administrator guideline: none.\n"));
    ASSERT_TRUE(result.has_value()) << result.err().message;
    EXPECT_THAT(result->warnings, Contains("item_rationale_not_found"));
    for (const auto& warning : result->warnings)
        EXPECT_THAT(warning, ::testing::Not(HasSubstr("Zorblax")));
}

TEST(Engine, SummarizesLetterWhoseItemsWereAllOverturned) {
    const auto result = shared_engine().classify_text(
        minimal_letter("Knee brace: Overturned\n\nDecision rationale: Medically necessary.\n\n"
                       "Cane: Overturned\n\nDecision rationale: Medically necessary.\n"));
    ASSERT_TRUE(result.has_value()) << result.err().message;
    EXPECT_EQ(result->summary.items, 2);
    EXPECT_EQ(result->summary.overturned, 2);
    EXPECT_EQ(result->summary.outcome, "overturned");
}

TEST(Engine, SummarizesLetterWhoseItemsWereAllUpheld) {
    const auto result = shared_engine().classify_text(
        minimal_letter("Knee brace: Upheld\n\nDecision rationale: Not medically necessary.\n"));
    ASSERT_TRUE(result.has_value()) << result.err().message;
    EXPECT_EQ(result->summary.upheld, 1);
    EXPECT_EQ(result->summary.outcome, "upheld");
    EXPECT_EQ(category_of(result->items.at(0)), "dmepos/prosthetics_orthotics");
}

// Regression: a typo in a decision word ("Overtruned") or a stray character before
// "Upheld" made the item disappear, turning "2 items, partially overturned" into "1 item".
TEST(Engine, KeepsItemWhoseDecisionWordIsUnreadableAndTakesTheRationalesConclusion) {
    const auto result = shared_engine().classify_text(minimal_letter(
        "Knee brace: Overtruned\n\nClaims Administrator guideline: none.\n\nDecision rationale: "
        "The request for a knee brace is medically necessary.\n\n"
        "Cane: xUpheld\n\nClaims Administrator guideline: none.\n\nDecision rationale: There "
        "are no objective findings. The request is not medically necessary.\n"));
    ASSERT_TRUE(result.has_value()) << result.err().message;
    ASSERT_EQ(result->items.size(), 2u);
    EXPECT_EQ(result->items[0].request, "Knee brace");
    EXPECT_EQ(result->items[0].decision, decision::overturned);
    EXPECT_EQ(result->items[1].request, "Cane");
    EXPECT_EQ(result->items[1].decision, decision::upheld);
    EXPECT_EQ(result->summary.outcome, "partially_overturned");
    EXPECT_THAT(result->warnings, Contains("decision_from_rationale:item=1"));
    EXPECT_THAT(result->warnings, Contains("decision_from_rationale:item=2"));
}

TEST(Engine, RejectsLetterWhoseUnreadableDecisionNoRationaleConcludes) {
    const auto result = shared_engine().classify_text(minimal_letter(
        "Knee brace: Upheld\n\nClaims Administrator guideline: none.\n\nDecision rationale: "
        "The request is not medically necessary.\n\n"
        "Cane: Uphled\n\nClaims Administrator guideline: none.\n\nDecision rationale: Canes "
        "are devices.\n"));
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.err().code, errc::decision_unreadable);
}

TEST(Engine, WarnsWhenADecisionContradictsItsRationale) {
    const auto result = shared_engine().classify_text(minimal_letter(
        "Knee brace: Upheld\n\nClaims Administrator guideline: none.\n\nDecision rationale: "
        "The request for a knee brace is medically necessary.\n"));
    ASSERT_TRUE(result.has_value()) << result.err().message;
    EXPECT_EQ(result->items.at(0).decision, decision::upheld);
    EXPECT_THAT(result->warnings, Contains("decision_conflicts_rationale:item=1"));
}

TEST(Engine, WarnsAboutAnUpheldItemWithoutReasons) {
    const auto result = shared_engine().classify_text(minimal_letter(
        "Knee brace: Upheld\n\nDecision rationale: The request is not medically necessary.\n"));
    ASSERT_TRUE(result.has_value()) << result.err().message;
    EXPECT_THAT(result->items.at(0).reasons, IsEmpty());
    EXPECT_THAT(result->warnings, Contains("reasons_unread:item=1"));
}

TEST(Engine, ClassifiesMaximusVariantWithDocumentsReviewedAsFdl2014) {
    const auto result = classify_letter("maximus_documents_reviewed.txt");
    ASSERT_TRUE(result.has_value()) << result.err().message;
    EXPECT_EQ(result->layout, layout::fdl_2014);
    EXPECT_THAT(result->reviewer.licensed_states, ElementsAre("CA", "AZ"));
    EXPECT_THAT(result->reviewer.specialties, ElementsAre("Orthopaedic Surgery"));
    EXPECT_EQ(result->patient.age, 47);
    ASSERT_EQ(result->items.size(), 2u);
    EXPECT_EQ(result->items[0].request, "MRI of the right shoulder");
    EXPECT_EQ(result->items[0].decision, decision::upheld);
    EXPECT_THAT(result->items[0].reasons, ElementsAre("no_objective_findings", "no_red_flags"));
    EXPECT_EQ(result->items[1].decision, decision::overturned);
}

TEST(Engine, ClassifiesProfessionalReviewFromItsIssuesAndConclusions) {
    const auto result = classify_letter("professional_review.txt");
    ASSERT_TRUE(result.has_value()) << result.err().message;
    EXPECT_EQ(result->layout, layout::professional_review);
    EXPECT_THAT(result->reviewer.licensed_states, ElementsAre("CA", "OR"));
    EXPECT_EQ(result->patient.age, 38);
    ASSERT_EQ(result->items.size(), 2u);
    EXPECT_EQ(result->items[0].request, "Lumbar epidural steroid injection at L4-5");
    EXPECT_EQ(result->items[0].decision, decision::overturned);
    EXPECT_EQ(result->items[1].request, "Physical therapy, twelve sessions for the lumbar spine");
    EXPECT_EQ(result->items[1].decision, decision::upheld);
    EXPECT_THAT(result->items[1].reasons,
                ElementsAre("no_functional_improvement", "exceeds_duration_or_quantity"));
    EXPECT_EQ(result->summary.outcome, "partially_overturned");
}

TEST(Engine, GivesTheSameResultFromManyThreads) {
    const std::string text = read_fixture("letters/fdl2015_physical_header.txt");
    const auto expected = shared_engine().classify_text(text);
    ASSERT_TRUE(expected.has_value());
    std::vector<std::vector<std::string>> requests(4);
    std::vector<std::thread> threads;
    for (auto& seen : requests) {
        threads.emplace_back([&text, &seen] {
            for (int round = 0; round < 20; ++round) {
                const auto result = shared_engine().classify_text(text);
                seen.push_back(result ? result->items.at(2).request + "|" +
                                            result->items.at(2).category
                                      : "error");
            }
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& seen : requests) {
        ASSERT_EQ(seen.size(), 20u);
        for (const auto& r : seen) EXPECT_EQ(r, "Tramadol ER 150mg #30|pharmaceuticals");
    }
}

// The notice's own wording: one "Relied Upon by the Expert Reviewer" block holding a sentence
// for each side, "Rationale Used by the Expert Reviewer", requests with their article.
TEST(Engine, ReadsBothSidesOfNotice2013RelianceSentences) {
    const auto result = classify_letter("notice2013_relied_upon.txt");
    ASSERT_TRUE(result.has_value()) << result.err().message;
    const imr::outcome& o = *result;

    EXPECT_EQ(o.layout, layout::notice_2013);
    EXPECT_EQ(o.dates.assigned, (date{2013, 10, 30}));
    ASSERT_EQ(o.items.size(), 3u);
    EXPECT_EQ(o.items[0].request, "lumbar epidural steroid injection at L4-L5");
    EXPECT_EQ(o.items[1].request, "electromyography of the bilateral lower extremities");
    EXPECT_EQ(o.items[2].request, "Norco 10/325mg #90");

    EXPECT_THAT(o.items[0].claims_administrator.sources, ElementsAre("MTUS"));
    EXPECT_THAT(o.items[0].reviewer.sources, ElementsAre("ODG"));
    ASSERT_EQ(o.items[0].claims_administrator.citations.size(), 1u);
    EXPECT_THAT(o.items[0].claims_administrator.citations[0].pages, ElementsAre("46"));
    // The reviewer adopts the claims administrator's guideline.
    EXPECT_THAT(o.items[1].claims_administrator.sources, ElementsAre("MTUS"));
    EXPECT_THAT(o.items[1].reviewer.sources, ElementsAre("MTUS"));
    // "did not cite any evidence-based guidelines" is no source at all.
    EXPECT_THAT(o.items[2].claims_administrator.sources, IsEmpty());
    EXPECT_THAT(o.items[2].reviewer.sources, ElementsAre("MTUS"));
    EXPECT_THAT(o.warnings, IsEmpty());  // every rationale was found
    EXPECT_EQ(o.summary.outcome, "partially_overturned");
}

TEST(Engine, NeverThrowsOnLettersCutAnywhere) {
    // Messages arrive truncated or mangled; every prefix must give an outcome or an error value.
    for (const char* name :
         {"fdl2015_physical_header.txt", "fdl2015_column_header_page_breaks.txt",
          "fdl2014_prose_doubled.txt", "notice2013.txt", "notice2013_relied_upon.txt"}) {
        const std::string text = read_fixture(std::string("letters/") + name);
        for (size_t length = 0; length <= text.size(); length += 7) {
            EXPECT_NO_THROW(
                (void)shared_engine().classify_text(std::string_view(text).substr(0, length)))
                << name << " cut at " << length;
        }
    }
}

TEST(Engine, NeverThrowsOnLettersWithoutLineBreaksOrWithStrayControlCharacters) {
    for (const char* name : {"fdl2015_physical_header.txt", "notice2013.txt"}) {
        const std::string text = read_fixture(std::string("letters/") + name);
        std::string one_line = text;
        for (char& c : one_line) {
            if (c == '\n') c = ' ';
        }
        std::string with_controls;
        for (const char c : text) {
            with_controls += c;
            if (c == ':') with_controls += std::string("\0\x01\f", 3);
        }
        EXPECT_NO_THROW((void)shared_engine().classify_text(one_line)) << name;
        EXPECT_NO_THROW((void)shared_engine().classify_text(with_controls)) << name;
    }
}

TEST(Engine, RejectsVocabularyWithBadPatternAtConstruction) {
    imr::classify::vocabulary words = imr::classify::builtin_vocabulary();
    words.reasons.push_back({"broken_reason", "(unbalanced"});
    EXPECT_THROW(imr::engine{words}, std::runtime_error);
}

// Remembers what the classifier reported, in order.
class recording_probe final : public imr::classification_probe {
  public:
    void classified(const imr::outcome& value, std::chrono::nanoseconds took) override {
        events.push_back("classified:" + std::to_string(value.items.size()) + " items");
        EXPECT_GE(took.count(), 0);
    }
    void failed(errc code, std::chrono::nanoseconds took) override {
        events.push_back("failed:" + std::string(imr::to_string(code)));
        EXPECT_GE(took.count(), 0);
    }

    std::vector<std::string> events;
};

class DocumentClassifier : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { imr::input::silence_pdf_library_diagnostics(); }

    imr::classified_document classify(std::string_view bytes,
                                      imr::output::source_info source = {}) {
        return classifier.classify(bytes, std::move(source));
    }

    recording_probe probe;
    imr::document_classifier classifier{shared_engine(), imr::input::decoder_limits{}, probe};
};

TEST_F(DocumentClassifier, ClassifiesPdfLetterEndToEnd) {
    const std::string pdf = read_fixture("letter.pdf");
    const auto doc = classify(pdf);
    ASSERT_TRUE(doc.value.has_value()) << doc.failure->message;
    EXPECT_FALSE(doc.failure.has_value());
    EXPECT_EQ(doc.format, imr::input::input_format::pdf);
    const imr::outcome& o = *doc.value;
    EXPECT_EQ(o.layout, layout::fdl_2015);
    EXPECT_EQ(o.case_number, "CM15-0654321");
    EXPECT_EQ(o.dates.assigned, (date{2015, 5, 11}));
    EXPECT_EQ(o.dates.decision, (date{2015, 6, 2}));
    EXPECT_EQ(o.dates.injury, (date{2012, 9, 23}));
    EXPECT_EQ(o.dates.ur_denial, (date{2015, 4, 17}));
    EXPECT_EQ(o.dates.application_received, (date{2015, 4, 28}));
    EXPECT_EQ(o.priority, imr::priority::expedited);
    EXPECT_THAT(o.reviewer.licensed_states, ElementsAre("OR", "WA"));
    EXPECT_THAT(o.reviewer.specialties, ElementsAre("Orthopaedic Surgery"));
    EXPECT_EQ(o.patient.age, 39);
    EXPECT_EQ(o.patient.sex, "male");
    ASSERT_EQ(o.items.size(), 2u);
    EXPECT_EQ(o.items[0].request, "MRI of the right shoulder without contrast");
    EXPECT_EQ(o.items[0].decision, decision::overturned);
    EXPECT_EQ(category_of(o.items[0]), "diagnostic_testing/imaging");
    // The second request wraps across the page break.
    EXPECT_EQ(o.items[1].request,
              "Physical therapy 2 times a week for 4 weeks for the right shoulder");
    EXPECT_EQ(o.items[1].decision, decision::upheld);
    EXPECT_EQ(category_of(o.items[1]), "rehabilitation/physical_occupational_therapy");
    EXPECT_EQ(o.summary.outcome, "partially_overturned");

    EXPECT_THAT(doc.json, HasSubstr(R"("kind":"outcome")"));
    EXPECT_THAT(doc.json, HasSubstr(R"("format":"pdf")"));
    EXPECT_THAT(doc.json, HasSubstr(R"("bytes":)" + std::to_string(pdf.size())));
    EXPECT_THAT(doc.json, HasSubstr(R"("case_number":"CM15-0654321")"));
    EXPECT_EQ(doc.json.find('\n'), std::string::npos) << "a record is one line";
}

TEST_F(DocumentClassifier, KeepsTheIdOfAPdfEnvelope) {
    const auto doc = classify(read_fixture("envelope_pdf.json"));
    ASSERT_TRUE(doc.value.has_value()) << doc.failure->message;
    EXPECT_EQ(doc.format, imr::input::input_format::envelope_pdf);
    EXPECT_EQ(doc.value->case_number, "CM15-0654321");
    EXPECT_THAT(doc.json, HasSubstr(R"("document_id":"env-0042")"));
    EXPECT_THAT(doc.json, HasSubstr(R"("format":"envelope_pdf")"));
}

TEST_F(DocumentClassifier, ClassifiesTextEnvelope) {
    std::string envelope = R"({"id":"letter-7","text":)";
    imr::output::append_escaped(envelope, read_fixture("letters/notice2013.txt"));
    envelope += "}";
    const auto doc = classify(envelope);
    ASSERT_TRUE(doc.value.has_value()) << doc.failure->message;
    EXPECT_EQ(doc.format, imr::input::input_format::envelope_text);
    EXPECT_EQ(doc.value->layout, layout::notice_2013);
    EXPECT_THAT(doc.json, HasSubstr(R"("document_id":"letter-7")"));
}

TEST_F(DocumentClassifier, RecordsWhereTheDocumentCameFrom) {
    imr::output::source_info source;
    source.file = "letters/fdl2015_physical_header.txt";
    const auto doc = classify(read_fixture("letters/fdl2015_physical_header.txt"), source);
    ASSERT_TRUE(doc.value.has_value()) << doc.failure->message;
    EXPECT_THAT(doc.json, HasSubstr(R"("file":"letters/fdl2015_physical_header.txt")"));
    EXPECT_THAT(doc.json, HasSubstr(R"("format":"text")"));
}

TEST_F(DocumentClassifier, TurnsTruncatedPdfIntoBadPdfErrorRecord) {
    const std::string pdf = read_fixture("letter.pdf");
    const auto doc = classify(std::string_view(pdf).substr(0, 2048));
    ASSERT_TRUE(doc.failure.has_value());
    EXPECT_FALSE(doc.value.has_value());
    EXPECT_EQ(doc.failure->code, errc::bad_pdf);
    EXPECT_THAT(doc.json, HasSubstr(R"("kind":"error")"));
    EXPECT_THAT(doc.json, HasSubstr(R"("code":"bad_pdf")"));
    EXPECT_THAT(doc.json, HasSubstr(R"("bytes":2048)"));
}

TEST_F(DocumentClassifier, TurnsTextThatIsNotALetterIntoErrorRecord) {
    const auto doc = classify(read_fixture("letters/not_a_determination.txt"));
    ASSERT_TRUE(doc.failure.has_value());
    EXPECT_EQ(doc.failure->code, errc::not_a_determination);
    EXPECT_THAT(doc.json, HasSubstr(R"("code":"not_a_determination")"));
    EXPECT_THAT(doc.json, ::testing::Not(HasSubstr("PROGRESS REPORT")))
        << "error records never quote the letter";
}

TEST_F(DocumentClassifier, TurnsBinaryGarbageIntoInvalidUtf8ErrorRecord) {
    const std::string garbage("x\x00\xff\xfe\x80\x81garbage\xc3", 14);
    const auto doc = classify(garbage);
    ASSERT_TRUE(doc.failure.has_value());
    EXPECT_EQ(doc.failure->code, errc::invalid_utf8);
    EXPECT_THAT(doc.json, HasSubstr(R"("code":"invalid_utf8")"));
}

TEST_F(DocumentClassifier, TellsTheProbeAboutEveryDocument) {
    (void)classify(read_fixture("letters/notice2013.txt"));
    (void)classify("");
    (void)classify(read_fixture("letters/no_decisions.txt"));
    EXPECT_THAT(probe.events,
                ElementsAre("classified:2 items", "failed:empty", "failed:no_decisions_found"));
}

TEST_F(DocumentClassifier, KeepsEnvelopeIdInErrorRecord) {
    const auto doc = classify(R"({"id":"broken-9","pdf_base64":"not base64!"})");
    ASSERT_TRUE(doc.failure.has_value());
    EXPECT_EQ(doc.failure->code, errc::bad_envelope);
    EXPECT_THAT(doc.json, HasSubstr(R"("document_id":"broken-9")"));
}

TEST_F(DocumentClassifier, TurnsMalformedEnvelopeIntoBadEnvelopeErrorRecord) {
    const auto doc = classify(R"({"id":"x","text":)");
    ASSERT_TRUE(doc.failure.has_value());
    EXPECT_EQ(doc.failure->code, errc::bad_envelope);
    EXPECT_THAT(doc.json, HasSubstr(R"("code":"bad_envelope")"));
}

// Regression (issue 8, defect 5): a letter repeated made one outcome of thousands of items
// and no warning.
TEST(EngineHostileInput, FlagsADocumentHoldingTwoLetters) {
    const std::string letter = read_fixture("letters/fdl2015_physical_header.txt");
    const auto result = shared_engine().classify_text(letter + "\n\n" + letter);
    ASSERT_TRUE(result.has_value()) << result.err().message;
    EXPECT_THAT(result->warnings, Contains("multiple_letters:count=2"));
}

TEST(EngineHostileInput, FlagsTwoCaseNumbersAsTwoLetters) {
    std::string letter = read_fixture("letters/fdl2015_physical_header.txt");
    letter += "\nSee also CM15-0999999.\n";
    const auto result = shared_engine().classify_text(letter);
    ASSERT_TRUE(result.has_value()) << result.err().message;
    EXPECT_THAT(result->warnings, Contains("multiple_letters:count=2"));
}

TEST(EngineHostileInput, DoesNotFlagOneLetter) {
    for (const char* name : {"fdl2015_physical_header.txt", "fdl2014_prose_doubled.txt",
                             "notice2013.txt", "fdl2015_column_header_page_breaks.txt"}) {
        const auto result = classify_letter(name);
        ASSERT_TRUE(result.has_value()) << name;
        for (const auto& warning : result->warnings) {
            EXPECT_THAT(warning, ::testing::Not(::testing::StartsWith("multiple_letters"))) << name;
            EXPECT_THAT(warning, ::testing::Not(::testing::StartsWith("implausible"))) << name;
        }
    }
}

TEST(EngineHostileInput, FlagsItemCountsAndRequestsBeyondAnyRealLetter) {
    std::vector<imr::item> items(imr::implausible_item_count + 1);
    items[2].request = std::string(imr::implausible_request_bytes + 1, 'x');
    const auto warnings = imr::plausibility_warnings("", items);
    EXPECT_THAT(warnings, Contains("implausible_item_count:count=201"));
    EXPECT_THAT(warnings, Contains("implausible_request_length:item=3"));
    items.resize(imr::implausible_item_count);
    EXPECT_THAT(imr::plausibility_warnings("", items),
                ::testing::Not(Contains("implausible_item_count:count=200")));
}

TEST(EngineHostileInput, StopsATextOverItsCpuBudget) {
    const std::string letter = read_fixture("letters/fdl2015_physical_header.txt");
    const auto result =
        shared_engine().classify_text(letter, imr::cpu_deadline(std::chrono::milliseconds(0)));
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.err().code, errc::too_complex);
    EXPECT_THAT(result.err().message, HasSubstr("CPU time limit (0 ms)"));
    EXPECT_TRUE(shared_engine()
                    .classify_text(letter, imr::cpu_deadline(std::chrono::seconds(5)))
                    .has_value());
}

// A rationale of `bytes` made of the words of the written rationales
// (tests/data/unit/reason_sentences.tsv) in random sentences: most sentences hold the required
// words of several reason patterns, so the reason reader is at its slowest per byte.
std::string dense_rationale(size_t bytes) {
    std::vector<std::string> words;
    std::istringstream rows(read_fixture("reason_sentences.tsv"));
    for (std::string row; std::getline(rows, row);) {
        if (row.empty() || row.front() == '#') continue;
        std::istringstream text(row.substr(row.rfind('\t') + 1));
        for (std::string word; text >> word;) {
            if (word.find_first_of(".?!") == std::string::npos) words.push_back(word);
        }
    }
    std::mt19937 random(7);
    std::string out;
    while (out.size() < bytes) {
        out += "The";
        for (int n = 8 + static_cast<int>(random() % 13); n > 0; --n) {
            out += ' ' + words[random() % words.size()];
        }
        out += ". ";
    }
    return out;
}

TEST(EngineHostileInput, StopsWithinARationaleOverItsBudget) {
    // Megabytes of rationale on the last item: before the reason reader looked at the
    // deadline, the item was read whole (seconds) and the letter returned as if in budget.
    std::string letter = read_fixture("letters/fdl2014_prose_doubled.txt");
    const std::string marker = "Decision rationale:";
    const size_t last = letter.rfind(marker);
    ASSERT_NE(last, std::string::npos);
    letter.insert(last + marker.size(), ' ' + dense_rationale(size_t{4} << 20));

    const imr::engine& engine = shared_engine();  // built before the clock starts
    const imr::cpu_deadline generous(std::chrono::seconds(1));
    const auto result =
        engine.classify_text(letter, imr::cpu_deadline(std::chrono::milliseconds(100)));
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.err().code, errc::too_complex);
    // Stopped soon after the budget, not after reading the rationale through (CPU time of
    // this thread, so a loaded machine does not fail it).
    EXPECT_FALSE(generous.passed()) << "the engine ran on past its budget";
}

}  // namespace
