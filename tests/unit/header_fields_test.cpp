#include "imr/parse/header_fields.h"

#include <gtest/gtest.h>

#include <string>

#include "imr/text/letter_text.h"
#include "test_support.h"

namespace {

using imr::date;
using imr::priority;
using imr::parse::find_case_number;
using imr::parse::read_header_table;
using imr::parse::read_notice_header;

// The engine hands the parser normalized text; so do the tests.
imr::parse::header_fields read_table(std::string_view raw) {
    return read_header_table(imr::text::normalize(raw));
}

// Every field carries a different value, so a label paired with its neighbour's value shows.
void expect_all_fields(const imr::parse::header_fields& h) {
    EXPECT_EQ(h.case_number, "CM16-0213037");
    EXPECT_EQ(h.dates.assigned, (date{2016, 11, 9}));
    EXPECT_EQ(h.dates.decision, (date{2016, 12, 9}));
    EXPECT_EQ(h.dates.injury, (date{2016, 10, 13}));
    EXPECT_EQ(h.dates.ur_denial, (date{2016, 11, 3}));
    EXPECT_EQ(h.dates.application_received, (date{2016, 11, 4}));
    EXPECT_EQ(h.priority, priority::standard);
}

TEST(ReadHeaderTable, PairsLabelsWithValuesOnTheSameLine) {
    // poppler's physical layout: two label/value columns side by side.
    expect_all_fields(read_table(
        "Case Number:          CM16-0213037\n"
        "Date Assigned:        11/09/2016                      Date of Injury:      10/13/2016\n"
        "Decision Date:        12/09/2016                      UR Denial Date:      11/03/2016\n"
        "Priority:             Standard                        Application          11/04/2016\n"
        "                                                      Received:\n"));
}

TEST(ReadHeaderTable, PairsColumnWiseHeaderLabelsInOrder) {
    // Text extraction that emits a column of labels, then the column of their values.
    expect_all_fields(
        read_table("Case Number:\n"
                   "Date Assigned:\n"
                   "Decision Date:\n"
                   "Priority:\n"
                   "CM16-0213037\n"
                   "11/09/2016\n"
                   "12/09/2016\n"
                   "Standard\n"
                   "Date of Injury:\n"
                   "UR Denial Date:\n"
                   "Application\n"
                   "Received:\n"
                   "10/13/2016\n"
                   "11/03/2016\n"
                   "11/04/2016\n"));
}

TEST(ReadHeaderTable, PairsAllLabelsFirstThenAllValues) {
    expect_all_fields(read_table(
        "Case Number: Date Assigned: Decision Date: Priority: Date of Injury: UR Denial Date:\n"
        "Application Received:\n"
        "CM16-0213037 11/09/2016 12/09/2016 Standard 10/13/2016 11/03/2016 11/04/2016\n"));
}

TEST(ReadHeaderTable, ReadsApplicationLabelSplitFromReceivedOnNextLine) {
    const auto h = read_table(
        "Case Number: CM16-0213037\n"
        "Application\n"
        "Received: 11/04/2016\n");
    EXPECT_EQ(h.dates.application_received, (date{2016, 11, 4}));
}

TEST(ReadHeaderTable, ReadsApplicationReceivedOnOneLine) {
    const auto h = read_table("Application Received: 11/04/2016\nUR Denial Date: 11/03/2016\n");
    EXPECT_EQ(h.dates.application_received, (date{2016, 11, 4}));
    EXPECT_EQ(h.dates.ur_denial, (date{2016, 11, 3}));
}

TEST(ReadHeaderTable, MixesSameLinePairsWithColumnWiseOnes) {
    const auto h = read_table(
        "Case Number: CM16-0213037\n"
        "Date Assigned: Decision Date:\n"
        "11/09/2016 12/09/2016\n"
        "Date of Injury: 10/13/2016\n");
    EXPECT_EQ(h.case_number, "CM16-0213037");
    EXPECT_EQ(h.dates.assigned, (date{2016, 11, 9}));
    EXPECT_EQ(h.dates.decision, (date{2016, 12, 9}));
    EXPECT_EQ(h.dates.injury, (date{2016, 10, 13}));
}

TEST(ReadHeaderTable, ReadsExpeditedPriority) {
    const auto h = read_table(
        "Case Number:          CM17-0001234\n"
        "Priority:             Expedited                       Application          01/02/2017\n"
        "                                                      Received:\n");
    EXPECT_EQ(h.priority, priority::expedited);
    EXPECT_EQ(h.dates.application_received, (date{2017, 1, 2}));
}

TEST(ReadHeaderTable, ReadsTwoDigitYearDates) {
    const auto h = read_table("Date of Injury: 10-13-16\nDecision Date: 12/9/2016\n");
    EXPECT_EQ(h.dates.injury, (date{2016, 10, 13}));
    EXPECT_EQ(h.dates.decision, (date{2016, 12, 9}));
}

TEST(ReadHeaderTable, LeavesMissingFieldsEmpty) {
    const auto h = read_table("Case Number: CM16-0213037\nDecision Date: 12/09/2016\n");
    EXPECT_EQ(h.case_number, "CM16-0213037");
    EXPECT_EQ(h.dates.decision, (date{2016, 12, 9}));
    EXPECT_FALSE(h.dates.assigned.has_value());
    EXPECT_FALSE(h.dates.injury.has_value());
    EXPECT_FALSE(h.dates.ur_denial.has_value());
    EXPECT_FALSE(h.dates.application_received.has_value());
    EXPECT_FALSE(h.priority.has_value());
}

TEST(ReadHeaderTable, FindsUnlabelledCaseNumber) {
    const auto h = read_table("IMR Case CM15-0000042\nDecision Date: 12/09/2016\n");
    EXPECT_EQ(h.case_number, "CM15-0000042");
}

TEST(ReadHeaderTable, ReadsNothingFromEmptyHeader) {
    const auto h = read_table("");
    EXPECT_FALSE(h.case_number.has_value());
    EXPECT_FALSE(h.dates.decision.has_value());
    EXPECT_FALSE(h.priority.has_value());
}

TEST(FindCaseNumber, FindsCaseNumberInText) {
    EXPECT_EQ(find_case_number("IMR Case Number: CM13-0012345, dated"), "CM13-0012345");
    EXPECT_EQ(find_case_number("CM16-0246487"), "CM16-0246487");
}

TEST(FindCaseNumber, RejectsLookAlikes) {
    EXPECT_FALSE(find_case_number("XCM13-0012345").has_value());  // inside a word
    EXPECT_FALSE(find_case_number("CM13-00123456").has_value());  // eight digits
    EXPECT_FALSE(find_case_number("CM13-001234").has_value());    // six digits
    EXPECT_FALSE(find_case_number("CM1-30012345").has_value());   // dash misplaced
    EXPECT_FALSE(find_case_number("cm13-0012345").has_value());   // lower case
}

// The procedural paragraph of the 2013 notice, as MAXIMUS worded it.
std::string notice_header() {
    return imr::text::flatten(imr::text::normalize(
        "Notice of Independent Medical Review Determination\n"
        "Dated: January 15, 2014\n"
        "IMR Case Number: CM13-0045678 Date of Injury: 03/04/2011\n"
        "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE\n"
        "An application for Independent Medical Review was filed on 12/02/2013 disputing the\n"
        "Utilization Review Denial dated 11/20/2013. A Notice of Assignment and Request for\n"
        "Information was provided to the above parties on 12/10/2013.\n"));
}

TEST(ReadNoticeHeader, ReadsCaseNumberAndDatesOfThe2013Notice) {
    const auto h = read_notice_header(notice_header());
    EXPECT_EQ(h.case_number, "CM13-0045678");
    EXPECT_EQ(h.dates.decision, (date{2014, 1, 15}));
    EXPECT_EQ(h.dates.injury, (date{2011, 3, 4}));
    EXPECT_EQ(h.dates.ur_denial, (date{2013, 11, 20}));
    EXPECT_FALSE(h.priority.has_value());
}

// Regression (fixed): the application date is looked for within 40 bytes of "application", but
// "application for Independent Medical Review was filed on " puts it 45 bytes away.
TEST(ReadNoticeHeader, ReadsApplicationDateOfThe2013Notice) {
    const auto h = read_notice_header(notice_header());
    EXPECT_EQ(h.dates.application_received, (date{2013, 12, 2}));
}

TEST(ReadNoticeHeader, ReadsExpeditedReview) {
    const auto h = read_notice_header("Dated: 01/15/2014. This was an expedited review.");
    EXPECT_EQ(h.priority, priority::expedited);
}

}  // namespace
