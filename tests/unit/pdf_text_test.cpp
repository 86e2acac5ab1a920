#include "imr/input/pdf_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "imr/input/pdf_text_reference.h"
#include "test_support.h"

namespace {

using imr::input::extract_pdf_text_with_poppler_cpp;
using imr::input::pdf_text_extractor;
using imr::testing::pdf_with_pages;
using imr::testing::read_fixture;
using ::testing::HasSubstr;
using ::testing::Not;

std::string text_line(std::string_view words, int y = 700) {
    return "BT /F1 12 Tf 72 " + std::to_string(y) + " Td (" + std::string(words) + ") Tj ET\n";
}

// The extractor's answer and poppler-cpp's are the same: the same text, or the same error.
void expect_as_poppler_cpp(const pdf_text_extractor& extractor, const std::string& pdf,
                           size_t max_text_bytes = std::numeric_limits<size_t>::max()) {
    const auto expected = extract_pdf_text_with_poppler_cpp(pdf, max_text_bytes);
    const auto actual = extractor.extract(pdf, max_text_bytes);
    ASSERT_EQ(actual.has_value(), expected.has_value())
        << (actual ? expected.err().message : actual.err().message);
    if (expected) {
        EXPECT_EQ(*actual, *expected);
    } else {
        EXPECT_EQ(actual.err().code, expected.err().code);
        EXPECT_EQ(actual.err().message, expected.err().message);
    }
}

class PdfText : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { imr::input::silence_pdf_library_diagnostics(); }
    const pdf_text_extractor extractor;
};

TEST_F(PdfText, ReadsEveryPageInLayoutAsPopplerCpp) {
    const std::string pdf =
        pdf_with_pages({text_line("First page") + text_line("Priority:        Standard", 680),
                        text_line("Second page"), text_line("Third page")});
    const auto text = extractor.extract(pdf);
    ASSERT_TRUE(text.has_value()) << text.err().message;
    EXPECT_THAT(*text, HasSubstr("First page"));
    EXPECT_THAT(*text, HasSubstr("Second page\n\f"));
    EXPECT_THAT(*text, HasSubstr("Third page"));
    expect_as_poppler_cpp(extractor, pdf);
}

// The text device is kept from page to page; a page that opens an ActualText span and never
// closes it must not hide the next page's text (poppler-cpp's device per page forgets it).
TEST_F(PdfText, UnclosedActualTextSpanDoesNotSwallowTheNextPage) {
    const std::string pdf =
        pdf_with_pages({"/Span << /ActualText (Replaced) >> BDC\n" + text_line("Spanned words"),
                        text_line("Second page words"), text_line("Third page words")});
    const auto text = extractor.extract(pdf);
    ASSERT_TRUE(text.has_value()) << text.err().message;
    EXPECT_THAT(*text, HasSubstr("Second page words"));
    EXPECT_THAT(*text, HasSubstr("Third page words"));
    expect_as_poppler_cpp(extractor, pdf);
}

TEST_F(PdfText, ClosedActualTextSpansReadAsPopplerCpp) {
    const std::string span =
        "/Span << /ActualText (Replaced) >> BDC\n" + text_line("Spanned words") + "EMC\n";
    const std::string pdf = pdf_with_pages({span + text_line("After", 650), span});
    const auto text = extractor.extract(pdf);
    ASSERT_TRUE(text.has_value()) << text.err().message;
    EXPECT_THAT(*text, HasSubstr("Replaced"));
    EXPECT_THAT(*text, Not(HasSubstr("Spanned")));
    expect_as_poppler_cpp(extractor, pdf);
}

TEST_F(PdfText, FailsAsPopplerCppDoes) {
    for (const std::string& pdf :
         {std::string("%PDF-1.4\nnot a PDF at all"), std::string(), pdf_with_pages({}),
          pdf_with_pages({text_line("words")}).substr(0, 300)}) {
        SCOPED_TRACE(pdf.substr(0, 40));
        expect_as_poppler_cpp(extractor, pdf);
    }
    EXPECT_EQ(extractor.extract(pdf_with_pages({})).err().code, imr::errc::bad_pdf);
}

TEST_F(PdfText, StopsAtTheTextLimitAsPopplerCpp) {
    const std::string pdf = pdf_with_pages({text_line("First page"), text_line("Second page")});
    const auto text = extractor.extract(pdf, 20);
    ASSERT_FALSE(text.has_value());
    EXPECT_EQ(text.err().code, imr::errc::too_complex);
    expect_as_poppler_cpp(extractor, pdf, 20);
}

// Broken and crafted PDFs (the fuzz target's regressions) and the fixture letter, one
// extractor for all of them: nothing of a document stays for the next.
TEST_F(PdfText, OddDocumentsReadAsPopplerCppInAnyOrder) {
    std::vector<std::string> documents = {read_fixture("letter.pdf")};
    const auto regressions = std::filesystem::path(IMR_FUZZ_REGRESSIONS_DIR);
    for (const auto& entry : std::filesystem::directory_iterator(regressions)) {
        documents.push_back(read_fixture(entry.path().string()));
    }
    documents.push_back(read_fixture("letter.pdf"));
    ASSERT_GT(documents.size(), 3U);
    for (const auto& pdf : documents) expect_as_poppler_cpp(extractor, pdf);
}

TEST_F(PdfText, OneOffExtractionGivesTheSameText) {
    const std::string letter = read_fixture("letter.pdf");
    const auto once = imr::input::extract_pdf_text(letter);
    ASSERT_TRUE(once.has_value()) << once.err().message;
    EXPECT_EQ(*once, *extractor.extract(letter));
}

}  // namespace
