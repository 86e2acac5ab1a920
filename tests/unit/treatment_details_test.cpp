#include "imr/classify/treatment_details.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "imr/classify/vocabulary.h"

// Requests written for these tests (not taken from the corpus), worded as letters word them.
namespace {

using imr::classify::read_laterality;
using imr::classify::read_quantity;
using imr::classify::read_refills;
using imr::classify::read_sessions;
using imr::classify::treatment_reader;
using strings = std::vector<std::string>;

const treatment_reader& builtin_reader() {
    static const imr::classify::vocabulary words = imr::classify::builtin_vocabulary();
    static const treatment_reader reader(words);
    return reader;
}

struct counted {
    const char* text;
    std::optional<int> count;
};

void PrintTo(const counted& c, std::ostream* out) {
    *out << '"' << c.text << '"';
}

class ReadsQuantity : public ::testing::TestWithParam<counted> {};
TEST_P(ReadsQuantity, AsTheGoldCountsIt) {
    EXPECT_EQ(read_quantity(GetParam().text), GetParam().count) << GetParam().text;
}
INSTANTIATE_TEST_SUITE_P(
    DispensedCounts, ReadsQuantity,
    ::testing::Values(
        counted{"Tramadol ER 150mg #60", 60}, counted{"Naproxen 550mg # 60", 60},
        counted{"Omeprazole 20mg QTY: 90", 90}, counted{"Gabapentin 300mg quantity 120", 120},
        counted{"Meloxicam 15mg 30 tablets", 30}, counted{"Zolpidem 10mg (30)", 30},
        counted{"Lidoderm patches #30", 30}, counted{"Ketoprofen cream 120gm", std::nullopt},
        counted{"Compound cream #60 grams", std::nullopt}, counted{"Menthoderm gel 4 oz #1", 1},
        counted{"One container of flurbiprofen 20% cream", 1},
        counted{"Lidoderm patch 5%, 330", std::nullopt},
        counted{"Norco 5/325mg, one tablet twice daily 14 days #40", 40},
        counted{"Celebrex 200mg x 30", 30}, counted{"Celebrex 200mg x3 refills", std::nullopt},
        counted{"One month supply of Norco", std::nullopt},
        counted{"Retrospective Famotidine 20mg #60, per 12/07/2016 order", 60},
        counted{"Prilosec 20mg", std::nullopt}, counted{"Naproxen 550mg 60tabs", 60}));

class ReadsRefills : public ::testing::TestWithParam<counted> {};
TEST_P(ReadsRefills, AsWritten) {
    EXPECT_EQ(read_refills(GetParam().text), GetParam().count) << GetParam().text;
}
INSTANTIATE_TEST_SUITE_P(RefillCounts, ReadsRefills,
                         ::testing::Values(counted{"Norco #60 with 2 refills", 2},
                                           counted{"Norco #60 x2 refills", 2},
                                           counted{"Naproxen #60 x 3 refills", 3},
                                           counted{"Pantoprazole #60 with one refill", 1},
                                           counted{"Soma #30, no refills", 0},
                                           counted{"Soma #30, refills: 1", 1},
                                           counted{"Soma 350mg #30", std::nullopt}));

class ReadsSessions : public ::testing::TestWithParam<counted> {};
TEST_P(ReadsSessions, AsTotalVisits) {
    EXPECT_EQ(read_sessions(GetParam().text), GetParam().count) << GetParam().text;
}
INSTANTIATE_TEST_SUITE_P(
    VisitCounts, ReadsSessions,
    ::testing::Values(
        counted{"Physical therapy 8 sessions", 8}, counted{"Chiropractic 2x4", 8},
        counted{"Chiropractic 2 x 4 for the low back", 8}, counted{"Acupuncture 12 visits", 12},
        counted{"Psychotherapy twelve (12) visits", 12},
        counted{"Physical therapy 12 (twelve) sessions", 12}, counted{"PT 2x/wk x 6wks", 12},
        counted{"Home health 8 hours/day, 7 days/week for 4 weeks", 28},
        counted{"Psychiatric follow-up 1x/month for 6 months", 6},
        counted{"Follow-up visit in 4-6 weeks", std::nullopt},
        counted{"Physical therapy 2 times a week for 4 weeks", 8},
        counted{"Physical therapy 3 times a week for 4 weeks", 12},
        counted{"Aquatic therapy 2-3 times per week for 6 weeks", 18},
        counted{"Acupuncture 1 to 2 times per week for 4 weeks", 8},
        counted{"Chiropractic care twice weekly x 6 weeks", 12},
        counted{"Physical therapy 2x/week x 3 weeks", 6},
        counted{"Occupational therapy 6-12 sessions", 12}, counted{"Physical therapy x12", 12},
        counted{"Post-op physical therapy, times 12", 12}, counted{"1 follow-up visit", 1},
        counted{"Follow-up visit", std::nullopt}, counted{"Home health aide daily for 4 weeks", 28},
        counted{"Physical therapy 7-10 days", std::nullopt},
        counted{"Lumbar epidural steroid injection x2", 2},
        counted{"Cognitive behavioral therapy 6 visits per week for 2 weeks", 12},
        counted{"Two sessions of therapy for the knee and eight sessions for the wrist", 10},
        counted{"Twelve acupuncture visits (15 mins), 2 times weekly for 6 weeks", 12},
        counted{"Chiropractic sessions for the neck, #6", 6},
        counted{"Physical therapy (DOS 12/29/16)", std::nullopt},
        counted{"Right L4-5 transforaminal epidural injection", std::nullopt},
        counted{"Cervical ESI C6-7 x 2", 2}));

struct sided {
    const char* text;
    std::optional<std::string> side;
};
void PrintTo(const sided& c, std::ostream* out) {
    *out << '"' << c.text << '"';
}

class ReadsLaterality : public ::testing::TestWithParam<sided> {};
TEST_P(ReadsLaterality, FromSideWords) {
    EXPECT_EQ(read_laterality(GetParam().text), GetParam().side) << GetParam().text;
}
INSTANTIATE_TEST_SUITE_P(
    SideWords, ReadsLaterality,
    ::testing::Values(sided{"MRI of the left knee", "left"}, sided{"X-ray right shoulder", "right"},
                      sided{"EMG/NCV bilateral upper extremities", "bilateral"},
                      sided{"Knee braces for both knees", "bilateral"},
                      sided{"PT left hand, right lower leg", "bilateral"},
                      sided{"EMG of the RUE", "right"}, sided{"NCV LLE", "left"},
                      sided{"Lt shoulder arthroscopy", "left"},
                      sided{"Cortisone injection (R) knee", "right"},
                      sided{"MRI of the lumbar spine", std::nullopt},
                      sided{"MRI of both the cervical and lumbar spine", std::nullopt}));

TEST(TreatmentReader, ResolvesBrandsToSortedGenerics) {
    const auto& reader = builtin_reader();
    EXPECT_EQ(reader.ingredients("Norco 10/325mg #60"), (strings{"acetaminophen", "hydrocodone"}));
    EXPECT_EQ(reader.ingredients("Ultracet 37.5/325"), (strings{"acetaminophen", "tramadol"}));
    EXPECT_EQ(reader.ingredients("Fexmid 7.5mg"), (strings{"cyclobenzaprine"}));
    EXPECT_EQ(reader.ingredients("Terocin lotion 120ml"),
              (strings{"capsaicin", "lidocaine", "menthol", "methyl salicylate"}));
    EXPECT_EQ(reader.ingredients("Terocin patches #20"), (strings{"lidocaine", "menthol"}));
    EXPECT_EQ(reader.ingredients("Fioricet #30"),
              (strings{"acetaminophen", "butalbital", "caffeine"}));
    EXPECT_EQ(reader.ingredients("Tramadol hydrochloride 50mg"), (strings{"tramadol"}));
    EXPECT_EQ(reader.ingredients("Diclofenac sodium 1.5% solution"), (strings{"diclofenac"}));
    EXPECT_EQ(reader.ingredients("Zofran ODT 8mg"), (strings{"ondansetron"}));
    EXPECT_EQ(reader.ingredients("APAP/codeine #3"), (strings{"acetaminophen", "codeine"}));
}

TEST(TreatmentReader, CompoundListsItsIngredientsWithoutTheBase) {
    EXPECT_EQ(builtin_reader().ingredients(
                  "Compounded cream: ketoprofen 10%, gabapentin 6%, lidocaine 2% in Lipoderm base"),
              (strings{"gabapentin", "ketoprofen", "lidocaine"}));
}

TEST(TreatmentReader, UnknownProductIsUnknown) {
    EXPECT_EQ(builtin_reader().ingredients("Zorbex 10mg #30"), (strings{"unknown"}));
    EXPECT_EQ(builtin_reader().ingredients("Theramine #90"), (strings{"unknown"}));
}

TEST(TreatmentReader, DrugOnlyForPharmaceuticals) {
    const auto& reader = builtin_reader();
    const auto drug = reader.read("Tylenol #3, #60 with 1 refill", "pharmaceuticals");
    ASSERT_TRUE(drug.drug.has_value());
    EXPECT_EQ(drug.drug->ingredients, (strings{"acetaminophen", "codeine"}));
    EXPECT_EQ(drug.drug->quantity, 60);  // "#3" belongs to the brand name
    EXPECT_EQ(drug.drug->refills, 1);
    const auto codeine = reader.read("Tylenol with Codeine #3, #90", "pharmaceuticals");
    ASSERT_TRUE(codeine.drug.has_value());
    EXPECT_EQ(codeine.drug->quantity, 90);
    EXPECT_FALSE(drug.sessions.has_value());

    const auto injection = reader.read("Trigger point injection with lidocaine x3", "injections");
    EXPECT_FALSE(injection.drug.has_value());
    EXPECT_EQ(injection.sessions, 3);
}

TEST(TreatmentReader, DeviceAndTestCountsAreNotSessions) {
    const auto& reader = builtin_reader();
    EXPECT_FALSE(reader.read("TENS unit, 30 day rental", "dmepos").sessions.has_value());
    EXPECT_FALSE(reader.read("EMG x2", "diagnostic_testing").sessions.has_value());
    EXPECT_FALSE(reader.read("Wrist braces #2", "dmepos").sessions.has_value());
}

TEST(TreatmentReader, RegionsInOrderOfFirstMention) {
    const auto& reader = builtin_reader();
    EXPECT_EQ(reader.read("PT for the neck, low back and left knee", "rehabilitation").body_regions,
              (strings{"cervical_spine", "lumbar_spine", "knee"}));
    EXPECT_EQ(reader.read("Right L5 transforaminal epidural injection", "injections").body_regions,
              (strings{"lumbar_spine"}));
    EXPECT_EQ(
        reader.read("EMG of the bilateral upper extremities", "diagnostic_testing").body_regions,
        (strings{"upper_extremity"}));
    EXPECT_EQ(reader.read("NCV of the RLE", "diagnostic_testing").body_regions,
              (strings{"lower_extremity"}));
    EXPECT_EQ(reader.read("X-rays of the C-spine and L-spine", "diagnostic_testing").body_regions,
              (strings{"cervical_spine", "lumbar_spine"}));
    EXPECT_EQ(reader.read("Chiropractic for the back", "rehabilitation").body_regions, strings{});
    EXPECT_EQ(reader.read("Psych evaluation for depression", "psych_services").body_regions,
              strings{});
}

TEST(TreatmentReader, DisputedPartOfAPartialAuthorization) {
    imr::modification m{"Norco #60", "Norco #25", "Norco #35"};
    EXPECT_EQ(imr::classify::disputed_request("whole", m), "Norco #35");
    m.remaining.clear();
    EXPECT_EQ(imr::classify::disputed_request("whole", m), "Norco #60");
    EXPECT_EQ(imr::classify::disputed_request("whole", std::nullopt), "whole");
}

}  // namespace
