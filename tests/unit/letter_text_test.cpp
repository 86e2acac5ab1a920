#include "imr/text/letter_text.h"

#include <gtest/gtest.h>

#include <string>

#include "test_support.h"

namespace {

using imr::text::flatten;
using imr::text::normalize;

TEST(Normalize, ConvertsCrlfLineEndingsToNewlines) {
    EXPECT_EQ(normalize("Case Number: CM15-0123456\r\nPriority: Standard\r\n"),
              "Case Number: CM15-0123456\nPriority: Standard");
}

TEST(Normalize, ConvertsLoneCarriageReturnsToNewlines) {
    EXPECT_EQ(normalize("line one\rline two\rline three"), "line one\nline two\nline three");
}

TEST(Normalize, KeepsParagraphBreakWrittenWithCrlf) {
    EXPECT_EQ(normalize("first paragraph\r\n\r\nsecond paragraph"),
              "first paragraph\n\nsecond paragraph");
}

TEST(Normalize, TrimsLinesAndCollapsesInnerBlanks) {
    EXPECT_EQ(normalize("   MRI of the    lumbar spine:   Upheld   \n"),
              "MRI of the lumbar spine: Upheld");
}

TEST(Normalize, CleansIrregularLinesBetweenPlainOnes) {
    EXPECT_EQ(normalize("plain line one\n  padded  line \nplain two\ndouble  space\n"
                        "ends with space \n\ttabbed\nlast line"),
              "plain line one\npadded line\nplain two\ndouble space\nends with space\n"
              "tabbed\nlast line");
}

TEST(Normalize, TurnsTabsIntoSingleSpaces) {
    EXPECT_EQ(normalize("Case Number:\t\tCM16-0213037\tDate Assigned:\t11/09/2016"),
              "Case Number: CM16-0213037 Date Assigned: 11/09/2016");
}

TEST(Normalize, TurnsNoBreakSpacesIntoSpaces) {
    EXPECT_EQ(normalize("Norco\xC2\xA0"
                        "10/325mg\xC2\xA0\xC2\xA0#60"),
              "Norco 10/325mg #60");
}

TEST(Normalize, TurnsUnicodeBlockSpacesIntoSpaces) {
    // U+2009 THIN SPACE and U+2003 EM SPACE.
    EXPECT_EQ(normalize("Decision\xE2\x80\x89"
                        "Date:\xE2\x80\x83"
                        "12/09/2016"),
              "Decision Date: 12/09/2016");
}

TEST(Normalize, TreatsLineOfNoBreakSpacesAsBlank) {
    EXPECT_EQ(normalize("first paragraph\n\xC2\xA0\xC2\xA0\nsecond paragraph"),
              "first paragraph\n\nsecond paragraph");
}

TEST(Normalize, DropsLeadingByteOrderMark) {
    EXPECT_EQ(normalize("\xEF\xBB\xBFHOW THE IMR FINAL DETERMINATION WAS MADE"),
              "HOW THE IMR FINAL DETERMINATION WAS MADE");
}

TEST(Normalize, CollapsesSeveralBlankLinesIntoOneParagraphBreak) {
    EXPECT_EQ(normalize("paragraph one\n\n\n\n\nparagraph two"), "paragraph one\n\nparagraph two");
}

TEST(Normalize, TreatsWhitespaceOnlyLineAsParagraphBreak) {
    EXPECT_EQ(normalize("paragraph one\n \t  \nparagraph two"), "paragraph one\n\nparagraph two");
}

TEST(Normalize, DropsLeadingAndTrailingBlankLines) {
    EXPECT_EQ(normalize("\n\n  \nonly line\n\n \n"), "only line");
}

TEST(Normalize, ReturnsEmptyTextForBlankInput) {
    EXPECT_EQ(normalize(""), "");
    EXPECT_EQ(normalize(" \r\n\t\n\xC2\xA0\n"), "");
}

TEST(Normalize, PutsFormFeedOnALineOfItsOwn) {
    EXPECT_EQ(normalize("end of page one\fstart of page two"),
              "end of page one\n\f\nstart of page two");
}

TEST(Normalize, KeepsOnePageBreakLineBetweenNewlines) {
    EXPECT_EQ(normalize("end of page one\n\f\nstart of page two"),
              "end of page one\n\f\nstart of page two");
}

TEST(Normalize, DropsPageBreakBeforeAnyText) {
    EXPECT_EQ(normalize("\f\nCase Number: CM15-0123456"), "Case Number: CM15-0123456");
}

TEST(Normalize, LeavesSingleSpacedTextWithParagraphsAlone) {
    const std::string text =
        "The injured worker is a 52 year old male.\n"
        "He reported low back pain.\n"
        "\n"
        "IMR ISSUES, DECISIONS AND RATIONALES\n"
        "MRI of the lumbar spine: Upheld\n"
        "\n"
        "Decision rationale: Not supported.\n"
        "The request is not medically necessary.";
    EXPECT_EQ(normalize(text), text);
}

// PDF extraction of 2014-2015 letters: every line followed by an empty one (and trailing
// blanks); a paragraph is a whitespace-only line between such doubled breaks.
constexpr const char* doubled_letter =
    " HOW THE IMR FINAL DETERMINATION WAS MADE \n"
    "\n"
    "MAXIMUS Federal Services sent the complete case file to an \n"
    "\n"
    "expert reviewer. He/she has no affiliation with the employer. \n"
    "\n"
    "The expert reviewer is Board Certified in Internal Medicine. \n"
    "\n"
    " \n"
    "\n"
    "CLINICAL CASE SUMMARY \n"
    "\n"
    "The expert reviewer developed the following clinical case \n"
    "\n"
    "summary based on a review of the case file: \n"
    "\n"
    " \n"
    "\n"
    "The injured worker is a 52-year-old male. \n"
    "\n";

TEST(Normalize, ReflowsDoubledLineBreaks) {
    EXPECT_EQ(normalize(doubled_letter),
              "HOW THE IMR FINAL DETERMINATION WAS MADE\n"
              "MAXIMUS Federal Services sent the complete case file to an\n"
              "expert reviewer. He/she has no affiliation with the employer.\n"
              "The expert reviewer is Board Certified in Internal Medicine.\n"
              "\n"
              "CLINICAL CASE SUMMARY\n"
              "The expert reviewer developed the following clinical case\n"
              "summary based on a review of the case file:\n"
              "\n"
              "The injured worker is a 52-year-old male.");
}

TEST(Normalize, ReflowsDoubledLineBreaksWrittenWithCrlf) {
    EXPECT_EQ(normalize(imr::testing::to_crlf(doubled_letter)), normalize(doubled_letter));
}

TEST(Normalize, ReadsSeveralEmptyLinesAsParagraphInDoubledText) {
    EXPECT_EQ(normalize("one\n\ntwo\n\nthree\n\nfour\n\n\n\nfive\n\nsix\n\nseven"),
              "one\ntwo\nthree\nfour\n\nfive\nsix\nseven");
}

TEST(Normalize, KeepsPageBreakInsideDoubledParagraph) {
    EXPECT_EQ(normalize("line one\n\nline two\n\nline three\n\n\fline four\n\nline five\n\nline "
                        "six\n\nline seven"),
              "line one\nline two\nline three\n\f\nline four\nline five\nline six\nline seven");
}

TEST(Normalize, NormalizingTwiceChangesNothing) {
    const std::string once = normalize(doubled_letter);
    EXPECT_EQ(normalize(once), once);
}

// Runs of plain bytes are found 16 bytes at a time: every kind of blank is put at every
// offset of a block, with a plain byte, a space or the end of the text after it.
TEST(Normalize, CollapsesBlanksAtEveryOffsetOfALongLine) {
    for (const std::string blank : {" ", "  ", "\t", "\v", " \xC2\xA0", "\xE2\x80\x8B"}) {
        for (size_t offset = 0; offset < 40; ++offset) {
            const std::string head(offset + 1, 'a');
            const std::string tail = "b\x01c\xC3\xA9 d e";  // a control and a UTF-8 letter
            EXPECT_EQ(normalize(head + blank + tail + blank + "\n" + tail + " " + blank),
                      head + " " + tail + "\n" + tail)
                << "offset " << offset << ", blank of " << blank.size() << " bytes";
        }
    }
}

TEST(Flatten, FoldsLinesIntoSingleSpaces) {
    EXPECT_EQ(flatten("MRI of the\nlumbar spine\n\nis not medically necessary."),
              "MRI of the lumbar spine is not medically necessary.");
}

TEST(Flatten, DropsPageBreakMarkers) {
    EXPECT_EQ(flatten("Physical therapy for the\n\f\nright shoulder"),
              "Physical therapy for the right shoulder");
}

TEST(Flatten, TrimsTrailingBreaks) {
    EXPECT_EQ(flatten("last line\n\f"), "last line");
    EXPECT_EQ(flatten(""), "");
}

TEST(Normalize, DropsRunningPageMarkersButKeepsCitationPages) {
    const std::string text = normalize(
        "Physical therapy for the\nPage 2 of 4\n\flumbar spine: Upheld\nTopical analgesics\nPage "
        "111\n");
    EXPECT_EQ(text.find("Page 2 of 4"), std::string::npos);
    EXPECT_NE(text.find("Page 111"), std::string::npos);
    EXPECT_NE(text.find("Physical therapy for the\n\f\nlumbar spine: Upheld"), std::string::npos);
}

}  // namespace
