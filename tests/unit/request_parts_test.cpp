#include "imr/classify/request_parts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using imr::classify::split_request;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(SplitRequest, LeavesPlainRequestAsTheService) {
    const auto parts = split_request("  MRI of the lumbar spine without contrast ");
    EXPECT_EQ(parts.service, "MRI of the lumbar spine without contrast");
    EXPECT_THAT(parts.qualifiers, IsEmpty());
    EXPECT_FALSE(parts.modified.has_value());
}

TEST(SplitRequest, StripsAssociatedSurgicalServicePrefix) {
    const auto parts = split_request("Associated surgical service: Assistant surgeon");
    EXPECT_THAT(parts.qualifiers, ElementsAre("associated_surgical_service"));
    EXPECT_EQ(parts.service, "Assistant surgeon");
}

TEST(SplitRequest, StripsPluralAssociatedSurgicalServicesPrefix) {
    const auto parts =
        split_request("Associated surgical services: Cold therapy unit rental for 7 days");
    EXPECT_THAT(parts.qualifiers, ElementsAre("associated_surgical_service"));
    EXPECT_EQ(parts.service, "Cold therapy unit rental for 7 days");
}

TEST(SplitRequest, StripsRetrospectiveRequestForPrefix) {
    const auto parts = split_request("Retrospective request for Ketoprofen 20% cream 120gm");
    EXPECT_THAT(parts.qualifiers, ElementsAre("retrospective"));
    EXPECT_EQ(parts.service, "Ketoprofen 20% cream 120gm");
}

TEST(SplitRequest, StripsRetrospectiveWithColon) {
    const auto parts = split_request("Retrospective: Urine drug screen");
    EXPECT_THAT(parts.qualifiers, ElementsAre("retrospective"));
    EXPECT_EQ(parts.service, "Urine drug screen");
}

TEST(SplitRequest, StripsProspectivePrefix) {
    const auto parts = split_request("Prospective request for 12 sessions of aquatic therapy");
    EXPECT_THAT(parts.qualifiers, ElementsAre("prospective"));
    EXPECT_EQ(parts.service, "12 sessions of aquatic therapy");
}

TEST(SplitRequest, StripsPostOpPrefix) {
    const auto parts = split_request("Post-op physical therapy 12 sessions for the right knee");
    EXPECT_THAT(parts.qualifiers, ElementsAre("post_op"));
    EXPECT_EQ(parts.service, "physical therapy 12 sessions for the right knee");
}

TEST(SplitRequest, StripsPreOpPrefix) {
    const auto parts = split_request("Pre-op medical clearance");
    EXPECT_THAT(parts.qualifiers, ElementsAre("pre_op"));
    EXPECT_EQ(parts.service, "medical clearance");
}

TEST(SplitRequest, StripsSpelledOutPreoperativePrefix) {
    const auto parts = split_request("Preoperative EKG");
    EXPECT_THAT(parts.qualifiers, ElementsAre("pre_op"));
    EXPECT_EQ(parts.service, "EKG");
}

TEST(SplitRequest, StripsStackedPrefixesInLetterOrder) {
    const auto parts =
        split_request("Associated surgical service: Post-operative physical therapy 2x6");
    EXPECT_THAT(parts.qualifiers, ElementsAre("associated_surgical_service", "post_op"));
    EXPECT_EQ(parts.service, "physical therapy 2x6");
}

TEST(SplitRequest, MarksDateOfServiceAsRetrospective) {
    const auto parts = split_request("Urine drug screen (DOS: 01/05/2015)");
    EXPECT_THAT(parts.qualifiers, ElementsAre("retrospective"));
    EXPECT_EQ(parts.service, "Urine drug screen (DOS: 01/05/2015)");
}

TEST(SplitRequest, ReportsRetrospectiveOnceWhenPrefixAndDosBothSayIt) {
    const auto parts =
        split_request("Retrospective request for Norco 10/325mg #60 (DOS 06/01/2015)");
    EXPECT_THAT(parts.qualifiers, ElementsAre("retrospective"));
    EXPECT_EQ(parts.service, "Norco 10/325mg #60 (DOS 06/01/2015)");
}

TEST(SplitRequest, DoesNotTakeWordsThatMerelyStartLikeAPrefix) {
    EXPECT_THAT(split_request("Retrolisthesis evaluation").qualifiers, IsEmpty());
    EXPECT_THAT(split_request("Postural therapy").qualifiers, IsEmpty());
    EXPECT_THAT(split_request("Prescription of Norco").qualifiers, IsEmpty());
}

TEST(SplitRequest, ReadsModificationAuthorizedByClaimsAdministrator) {
    const auto parts = split_request(
        "Norco 10/325mg #120 was the original request. Norco 10/325mg #90 was authorized by the "
        "Claims Administrator. The remaining IMR eligible portion of the original request, Norco "
        "10/325mg #30");
    ASSERT_TRUE(parts.modified.has_value());
    EXPECT_EQ(parts.modified->original, "Norco 10/325mg #120");
    EXPECT_EQ(parts.modified->authorized, "Norco 10/325mg #90");
    EXPECT_EQ(parts.modified->remaining, "Norco 10/325mg #30");
    EXPECT_EQ(parts.service, "Norco 10/325mg #120");
}

TEST(SplitRequest, ReadsModificationThatLeavesTheOriginalRequestEligible) {
    const auto parts = split_request(
        "Purchase of a shower chair was the original request. The Claims Administrator authorized "
        "a shower chair rental for 1 month, leaving the original request IMR eligible. The "
        "original request, purchase of a shower chair");
    ASSERT_TRUE(parts.modified.has_value());
    EXPECT_EQ(parts.modified->original, "Purchase of a shower chair");
    EXPECT_FALSE(parts.modified->authorized.has_value());
    EXPECT_EQ(parts.modified->remaining, "purchase of a shower chair");
    EXPECT_EQ(parts.service, "Purchase of a shower chair");
}

TEST(SplitRequest, StripsQualifierFromTheOriginalOfAModification) {
    const auto parts = split_request(
        "Retrospective request for Terocin patches #30 was the original request. Terocin patches "
        "#10 was authorized by the Claims Administrator. The remaining IMR eligible portion of the "
        "original request, Terocin patches #20");
    ASSERT_TRUE(parts.modified.has_value());
    EXPECT_THAT(parts.qualifiers, ElementsAre("retrospective"));
    EXPECT_EQ(parts.service, "Terocin patches #30");
    EXPECT_EQ(parts.modified->remaining, "Terocin patches #20");
}

TEST(SplitRequest, IgnoresOriginalRequestSentenceWithoutTheRemainingPortion) {
    const auto parts = split_request("Physical therapy 12 sessions was the original request.");
    EXPECT_FALSE(parts.modified.has_value());
}

}  // namespace
