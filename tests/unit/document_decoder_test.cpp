#include "imr/input/document_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "imr/input/pdf_text.h"
#include "test_support.h"

namespace {

using imr::errc;
using imr::input::decoder_limits;
using imr::input::document_decoder;
using imr::input::input_format;
using imr::testing::read_fixture;
using ::testing::HasSubstr;
using ::testing::Not;

decoder_limits limited_to(size_t max_input_bytes) {
    decoder_limits limits;
    limits.max_input_bytes = max_input_bytes;
    return limits;
}

class DocumentDecoder : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { imr::input::silence_pdf_library_diagnostics(); }

    document_decoder decoder;
};

// Words of the two pages of tests/data/unit/letter.pdf (see make_pdf_fixtures.py).
constexpr std::string_view first_page_words = "Physical therapy 2 times a week for 4 weeks for the";
constexpr std::string_view second_page_words = "right shoulder: Upheld";

TEST_F(DocumentDecoder, PassesPlainTextThrough) {
    const auto decoded = decoder.decode("MRI of the lumbar spine: Upheld\n");
    ASSERT_TRUE(decoded.has_value()) << decoded.err().message;
    EXPECT_EQ(decoded->text, "MRI of the lumbar spine: Upheld\n");
    EXPECT_EQ(decoded->format, input_format::text);
    EXPECT_FALSE(decoded->id.has_value());
}

TEST_F(DocumentDecoder, KeepsCrlfLineEndingsForTheNormalizer) {
    const auto decoded = decoder.decode("line one\r\nline two\r\n");
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->text, "line one\r\nline two\r\n");
}

TEST_F(DocumentDecoder, StripsUtf8ByteOrderMark) {
    const auto decoded = decoder.decode("\xEF\xBB\xBFHOW THE IMR FINAL DETERMINATION WAS MADE");
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->text, "HOW THE IMR FINAL DETERMINATION WAS MADE");
}

TEST_F(DocumentDecoder, AcceptsMultiByteUtf8Text) {
    const auto decoded = decoder.decode("Caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D");
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->text, "Caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D");
}

TEST_F(DocumentDecoder, RejectsEmptyInputAsEmpty) {
    const auto decoded = decoder.decode("");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::empty);
}

TEST_F(DocumentDecoder, RejectsWhitespaceOnlyInputAsEmpty) {
    const auto decoded = decoder.decode(" \r\n\t\f\v\n  ");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::empty);
}

TEST_F(DocumentDecoder, RejectsByteOrderMarkAloneAsEmpty) {
    const auto decoded = decoder.decode("\xEF\xBB\xBF  \n");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::empty);
}

TEST_F(DocumentDecoder, RejectsBinaryGarbageAsInvalidUtf8) {
    std::mt19937 random(20240601);
    std::string garbage(4096, '\0');
    for (char& c : garbage) c = static_cast<char>(random() & 0xFF);
    garbage[0] = 'x';  // neither '{' (envelope) nor white space
    garbage[10] = '\0';
    garbage[11] = '\xFF';
    const auto decoded = decoder.decode(garbage);
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::invalid_utf8);
}

TEST_F(DocumentDecoder, RejectsInvalidUtf8Sequences) {
    for (const std::string_view bad : {
             std::string_view("truncated \xC3"),               // lead byte without continuation
             std::string_view("lone \x80 continuation"),       // continuation without lead
             std::string_view("overlong \xC0\xAF slash"),      // overlong encoding
             std::string_view("surrogate \xED\xA0\x80 half"),  // UTF-16 surrogate
             std::string_view("latin-1 caf\xE9 au lait"),      // ISO-8859-1, not UTF-8
         }) {
        const auto decoded = decoder.decode(bad);
        ASSERT_FALSE(decoded.has_value()) << bad;
        EXPECT_EQ(decoded.err().code, errc::invalid_utf8) << bad;
    }
}

TEST_F(DocumentDecoder, RejectsInputOverDefaultLimitAsTooLarge) {
    const std::string huge(size_t{50} << 20, 'a');
    const auto decoded = decoder.decode(huge);
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::too_large);
}

TEST(DocumentDecoderLimits, AcceptsInputExactlyAtTheLimit) {
    document_decoder small(limited_to(10));
    EXPECT_TRUE(small.decode("0123456789").has_value());
    const auto decoded = small.decode("0123456789A");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::too_large);
}

TEST(DocumentDecoderLimits, AppliesLimitToEnvelopesBeforeParsingThem) {
    document_decoder small(limited_to(16));
    const auto decoded = small.decode(R"({"id":"x","text":"a long enough letter"})");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::too_large);
}

TEST_F(DocumentDecoder, ExtractsTextOfEveryPdfPageSeparatedByFormFeed) {
    const std::string pdf = read_fixture("letter.pdf");
    const auto decoded = decoder.decode(pdf);
    ASSERT_TRUE(decoded.has_value()) << decoded.err().message;
    EXPECT_EQ(decoded->format, input_format::pdf);
    EXPECT_THAT(decoded->text, HasSubstr("HOW THE IMR FINAL DETERMINATION WAS MADE"));
    const size_t first = decoded->text.find(first_page_words);
    const size_t page_break = decoded->text.find('\f');
    const size_t second = decoded->text.find(second_page_words);
    ASSERT_NE(first, std::string::npos);
    ASSERT_NE(page_break, std::string::npos);
    ASSERT_NE(second, std::string::npos);
    EXPECT_LT(first, page_break);
    EXPECT_LT(page_break, second);
}

TEST_F(DocumentDecoder, KeepsHeaderTableLabelAndValueOnOneLine) {
    const auto decoded = decoder.decode(read_fixture("letter.pdf"));
    ASSERT_TRUE(decoded.has_value()) << decoded.err().message;
    // Physical layout: the two columns of the table stay side by side.
    EXPECT_THAT(decoded->text, ::testing::ContainsRegex(
                                   "Date Assigned: +05/11/2015 +Date of Injury: +09/23/2012"));
}

TEST_F(DocumentDecoder, RejectsTruncatedPdfAsBadPdf) {
    const std::string pdf = read_fixture("letter.pdf");
    ASSERT_GT(pdf.size(), 2048u);
    const auto decoded = decoder.decode(std::string_view(pdf).substr(0, 2048));
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::bad_pdf);
}

TEST_F(DocumentDecoder, RejectsPdfHeaderFollowedByGarbageAsBadPdf) {
    const auto decoded = decoder.decode("%PDF-1.7\nthis is not a PDF body at all\n%%EOF\n");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::bad_pdf);
}

TEST_F(DocumentDecoder, ReadsTextEnvelopeWithId) {
    const auto decoded = decoder.decode(R"({"id":"x","text":"MRI of the knee: Upheld"})");
    ASSERT_TRUE(decoded.has_value()) << decoded.err().message;
    EXPECT_EQ(decoded->text, "MRI of the knee: Upheld");
    EXPECT_EQ(decoded->id, "x");
    EXPECT_EQ(decoded->format, input_format::envelope_text);
}

TEST_F(DocumentDecoder, UnescapesJsonStringsOfTextEnvelope) {
    const auto decoded =
        decoder.decode(R"(  {"text":"line one\r\nline \"two\"\t\u00e9\\","id":"a\/b"})");
    ASSERT_TRUE(decoded.has_value()) << decoded.err().message;
    EXPECT_EQ(decoded->text, "line one\r\nline \"two\"\t\xC3\xA9\\");
    EXPECT_EQ(decoded->id, "a/b");
}

TEST_F(DocumentDecoder, KeepsNumericIdAsWritten) {
    const auto decoded = decoder.decode(R"({"id": 1234567890123, "text": "letter"})");
    ASSERT_TRUE(decoded.has_value()) << decoded.err().message;
    EXPECT_EQ(decoded->id, "1234567890123");
}

TEST_F(DocumentDecoder, KeepsNegativeNumericId) {
    const auto decoded = decoder.decode(R"({"id": -7, "text": "letter"})");
    ASSERT_TRUE(decoded.has_value()) << decoded.err().message;
    EXPECT_EQ(decoded->id, "-7");
}

TEST_F(DocumentDecoder, RejectsEnvelopeWhoseIdIsNeitherStringNorInteger) {
    for (const std::string_view envelope :
         {std::string_view(R"({"id": {"n": 1}, "text": "letter"})"),
          std::string_view(R"({"id": [1], "text": "letter"})"),
          std::string_view(R"({"id": 1.5, "text": "letter"})")}) {
        const auto decoded = decoder.decode(envelope);
        ASSERT_FALSE(decoded.has_value()) << envelope;
        EXPECT_EQ(decoded.err().code, errc::bad_envelope) << envelope;
    }
}

TEST_F(DocumentDecoder, RemembersIdOfEnvelopeThatFailedToDecode) {
    const auto decoded = decoder.decode(R"({"id":"doc-1","pdf_base64":"not base64!"})");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoder.last_document_id(), "doc-1");
}

TEST_F(DocumentDecoder, ForgetsIdOfThePreviousEnvelope) {
    (void)decoder.decode(R"({"id":"doc-1","text":"letter"})");
    EXPECT_EQ(decoder.last_document_id(), "doc-1");
    (void)decoder.decode("plain text letter");
    EXPECT_FALSE(decoder.last_document_id().has_value());
}

TEST_F(DocumentDecoder, RejectsEnvelopeWithTrailingGarbage) {
    const auto decoded = decoder.decode(R"({"text": "letter"} trailing)");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::bad_envelope);
}

TEST_F(DocumentDecoder, IgnoresUnknownEnvelopeFields) {
    const auto decoded =
        decoder.decode(R"({"source":{"system":"dwc"},"text":"letter","tags":[1,2]})");
    ASSERT_TRUE(decoded.has_value()) << decoded.err().message;
    EXPECT_EQ(decoded->text, "letter");
    EXPECT_FALSE(decoded->id.has_value());
}

TEST_F(DocumentDecoder, ReadsPdfEnvelopeWithId) {
    const auto decoded = decoder.decode(read_fixture("envelope_pdf.json"));
    ASSERT_TRUE(decoded.has_value()) << decoded.err().message;
    EXPECT_EQ(decoded->format, input_format::envelope_pdf);
    EXPECT_EQ(decoded->id, "env-0042");
    EXPECT_THAT(decoded->text, HasSubstr(second_page_words));
}

TEST_F(DocumentDecoder, RejectsMalformedJsonEnvelope) {
    const auto decoded = decoder.decode(R"({"id": "x", "text": "unterminated)");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::bad_envelope);
}

TEST_F(DocumentDecoder, RejectsEnvelopeWithNeitherTextNorPdf) {
    const auto decoded = decoder.decode(R"({"id":"x","body":"letter"})");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::bad_envelope);
}

TEST_F(DocumentDecoder, RejectsEnvelopeWithBothTextAndPdf) {
    const auto decoded = decoder.decode(R"({"text":"letter","pdf_base64":"JVBERi0="})");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::bad_envelope);
}

TEST_F(DocumentDecoder, RejectsEnvelopeWithNonStringText) {
    const auto decoded = decoder.decode(R"({"id":"x","text":42})");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::bad_envelope);
}

TEST_F(DocumentDecoder, RejectsEnvelopeWithBadBase64) {
    const auto decoded = decoder.decode(R"({"id":"x","pdf_base64":"JVBE*Ri0x!!"})");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::bad_envelope);
}

TEST_F(DocumentDecoder, RejectsBase64ThatIsNotAPdfAsBadPdf) {
    const auto decoded = decoder.decode(R"({"id":"x","pdf_base64":"aGVsbG8gd29ybGQ="})");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::bad_pdf);
}

TEST_F(DocumentDecoder, RejectsEnvelopeWithEmptyTextAsEmpty) {
    const auto decoded = decoder.decode(R"({"id":"x","text":"  \n "})");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::empty);
}

TEST_F(DocumentDecoder, ErrorMessagesDoNotQuoteTheDocument) {
    const auto decoded = decoder.decode(R"({"id":"x","text":"secret patient name)");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_THAT(decoded.err().message, Not(HasSubstr("secret patient name")));
}

TEST_F(DocumentDecoder, DecodesManyDocumentsWithOneDecoder) {
    for (int i = 0; i < 3; ++i) {
        const std::string id = std::to_string(i);
        const auto decoded =
            decoder.decode(R"({"id":")" + id + R"(","text":"letter )" + id + R"("})");
        ASSERT_TRUE(decoded.has_value()) << decoded.err().message;
        EXPECT_EQ(decoded->id, id);
        EXPECT_EQ(decoded->text, "letter " + id);
        EXPECT_FALSE(decoder.decode("{broken").has_value());
    }
}

TEST(DocumentDecoderMove, MovedDecoderStillDecodesEnvelopes) {
    document_decoder original;
    document_decoder moved(std::move(original));
    const auto decoded = moved.decode(R"({"text":"letter"})");
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->text, "letter");
}

TEST(LooksLikePdf, FindsHeaderAtTheStartOrAfterAFewBytesOfJunk) {
    EXPECT_TRUE(imr::input::looks_like_pdf("%PDF-1.4\n"));
    EXPECT_TRUE(imr::input::looks_like_pdf("\r\njunk\r\n%PDF-1.4\n"));
    EXPECT_FALSE(imr::input::looks_like_pdf(std::string(1100, ' ') + "%PDF-1.4\n"));
    EXPECT_FALSE(imr::input::looks_like_pdf("letter.pdf"));
}

// Regression (issue 8): "%PDF-" anywhere in the first kilobyte made a text letter a bad_pdf.
TEST_F(DocumentDecoder, ReadsTextQuotingAPdfHeaderAsText) {
    const std::string letter =
        "Dear Applicant,\nAttached: scan.pdf, which begins %PDF-1.4 as all do.\n";
    EXPECT_FALSE(imr::input::looks_like_pdf(std::string(500, ' ') + "%PDF-1.4\n"));
    const auto decoded = decoder.decode(letter);
    ASSERT_TRUE(decoded.has_value()) << decoded.err().message;
    EXPECT_EQ(decoded->format, input_format::text);
}

// Regression (issue 8): a second JSON object after the envelope was accepted.
TEST_F(DocumentDecoder, RejectsEnvelopeFollowedByASecondObject) {
    const auto decoded = decoder.decode(R"({"id":"a","text":"letter"} {"id":"b","text":"other"})");
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::bad_envelope);
}

// Regression (issue 8): nesting in fields the envelope does not use was not bounded.
TEST_F(DocumentDecoder, RejectsEnvelopeNestedTooDeeplyInAnUnusedField) {
    const size_t depth = imr::input::max_envelope_depth + 1;
    const std::string envelope =
        R"({"text":"letter","meta":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
    const auto decoded = decoder.decode(envelope);
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.err().code, errc::bad_envelope);
    EXPECT_THAT(decoded.err().message, HasSubstr("deeper"));
}

TEST_F(DocumentDecoder, AcceptsEnvelopeNestedWithinTheBound) {
    const size_t depth = imr::input::max_envelope_depth - 2;
    const std::string envelope =
        R"({"text":"letter","meta":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
    EXPECT_TRUE(decoder.decode(envelope).has_value());
}

TEST(PdfText, StopsOnceTheTextPassesItsLimit) {
    const auto text = imr::input::extract_pdf_text(read_fixture("letter.pdf"), 100);
    ASSERT_FALSE(text.has_value());
    EXPECT_EQ(text.err().code, errc::too_complex);
    EXPECT_THAT(text.err().message, HasSubstr("text limit"));
}

}  // namespace
