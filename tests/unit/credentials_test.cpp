#include "imr/parse/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "imr/classify/vocabulary.h"
#include "imr/text/letter_text.h"

namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class Credentials : public ::testing::Test {
  protected:
    // The engine passes the normalized credentials section; so do the tests.
    imr::reviewer_credentials read(std::string_view raw) const {
        return reader.read(imr::text::normalize(raw));
    }

    imr::parse::credentials_reader reader{imr::classify::builtin_vocabulary().states};
};

constexpr const char* fdl2015_preamble =
    "HOW THE IMR FINAL DETERMINATION WAS MADE\n"
    "MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no\n"
    "affiliation with the employer, employee, providers or the claims administrator.\n"
    "\n"
    "The Expert Reviewer has the following credentials:\n";

TEST_F(Credentials, ReadsLabelledStatesWithoutSpacesAfterCommas) {
    const auto c = read(std::string(fdl2015_preamble) +
                        "State(s) of Licensure: Texas,New York,California\n"
                        "Certification(s)/Specialty: Internal Medicine\n");
    EXPECT_THAT(c.licensed_states, ElementsAre("TX", "NY", "CA"));
    EXPECT_THAT(c.specialties, ElementsAre("Internal Medicine"));
}

TEST_F(Credentials, JoinsSpecialtyWrappedOverTwoLines) {
    const auto c = read(std::string(fdl2015_preamble) +
                        "State(s) of Licensure: California\n"
                        "Certification(s)/Specialty: Physical Medicine &\n"
                        "Rehabilitation\n");
    EXPECT_THAT(c.licensed_states, ElementsAre("CA"));
    EXPECT_THAT(c.specialties, ElementsAre("Physical Medicine & Rehabilitation"));
}

TEST_F(Credentials, SplitsSeveralLabelledSpecialties) {
    const auto c = read(std::string(fdl2015_preamble) +
                        "State(s) of Licensure: Arizona, Nevada\n"
                        "Certification(s)/Specialty: Anesthesiology, Pain Management\n");
    EXPECT_THAT(c.licensed_states, ElementsAre("AZ", "NV"));
    EXPECT_THAT(c.specialties, ElementsAre("Anesthesiology", "Pain Management"));
}

TEST_F(Credentials, StopsSpecialtiesAtCaseSummaryHeading) {
    const auto c = read(std::string(fdl2015_preamble) +
                        "State(s) of Licensure: Ohio\n"
                        "Certification(s)/Specialty: Family Practice\n"
                        "\n"
                        "CLINICAL CASE SUMMARY\n"
                        "The injured worker is a 48 year old male.\n");
    EXPECT_THAT(c.specialties, ElementsAre("Family Practice"));
}

TEST_F(Credentials, ReadsStatesInLetterOrder) {
    const auto c = read(
        "State(s) of Licensure: Washington, California, Arizona\n"
        "Certification(s)/Specialty: Orthopedic Surgery\n");
    EXPECT_THAT(c.licensed_states, ElementsAre("WA", "CA", "AZ"));
}

TEST_F(Credentials, TellsWestVirginiaFromVirginia) {
    EXPECT_THAT(read("State(s) of Licensure: West Virginia\n").licensed_states, ElementsAre("WV"));
    EXPECT_THAT(read("State(s) of Licensure: Virginia,West Virginia\n").licensed_states,
                ElementsAre("VA", "WV"));
}

TEST_F(Credentials, DoesNotReadKansasInsideArkansas) {
    EXPECT_THAT(read("State(s) of Licensure: Arkansas\n").licensed_states, ElementsAre("AR"));
}

TEST_F(Credentials, ReportsRepeatedStateOnce) {
    EXPECT_THAT(read("State(s) of Licensure: California, Oregon, California\n").licensed_states,
                ElementsAre("CA", "OR"));
}

constexpr const char* fdl2014_prose =
    "HOW THE IMR FINAL DETERMINATION WAS MADE\n"
    "MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no\n"
    "affiliation with the employer, employee, providers or the claims administrator. The expert\n"
    "reviewer is Board Certified in Physical Medicine and Rehabilitation, has a subspecialty in "
    "Pain\n"
    "Management and is licensed to practice in Texas and Oklahoma. He/she has been in active\n"
    "clinical practice for more than five years and is currently working at least 24 hours a week "
    "in\n"
    "active practice.\n";

TEST_F(Credentials, ReadsStatesFromProse) {
    EXPECT_THAT(read(fdl2014_prose).licensed_states, ElementsAre("TX", "OK"));
}

TEST_F(Credentials, ReadsSpecialtyAndSubspecialtyFromProse) {
    EXPECT_THAT(read(fdl2014_prose).specialties,
                ElementsAre("Physical Medicine and Rehabilitation", "Pain Management"));
}

TEST_F(Credentials, ReadsProseWithoutSubspecialty) {
    const auto c = read(
        "The expert reviewer is Board Certified in Orthopedic Surgery and is licensed to\n"
        "practice in California. He/she has been in active clinical practice.\n");
    EXPECT_THAT(c.licensed_states, ElementsAre("CA"));
    EXPECT_THAT(c.specialties, ElementsAre("Orthopedic Surgery"));
}

TEST_F(Credentials, TellsWestVirginiaFromVirginiaInProse) {
    const auto c = read(
        "The physician reviewer is Board Certified in Neurology and is licensed to practice in\n"
        "West Virginia and Virginia. He/she has been in active clinical practice.\n");
    EXPECT_THAT(c.licensed_states, ElementsAre("WV", "VA"));
    EXPECT_THAT(c.specialties, ElementsAre("Neurology"));
}

TEST_F(Credentials, ReadsProseWithDoubledLineBreaks) {
    const auto c = read(
        "The expert \n\nreviewer is Board Certified in Family Practice and is licensed to practice "
        "in New \n\n"
        "York and New Jersey. He/she has been \n\nin active clinical practice for more than five "
        "years. \n\n"
        "The expert reviewer was selected \n\nbased on his/her clinical experience. \n\n");
    EXPECT_THAT(c.licensed_states, ElementsAre("NY", "NJ"));
    EXPECT_THAT(c.specialties, ElementsAre("Family Practice"));
}

TEST_F(Credentials, ReturnsNothingWhenTheLetterDoesNotSay) {
    const auto c =
        read("MAXIMUS Federal Services sent the complete case file to an expert reviewer.\n");
    EXPECT_THAT(c.licensed_states, IsEmpty());
    EXPECT_THAT(c.specialties, IsEmpty());
}

}  // namespace
