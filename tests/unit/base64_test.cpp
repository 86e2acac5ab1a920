#include "imr/input/base64.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>

namespace {

using imr::input::decode_base64;

TEST(DecodeBase64, DecodesPaddedInput) {
    EXPECT_EQ(decode_base64("TWFu"), "Man");
    EXPECT_EQ(decode_base64("TWE="), "Ma");
    EXPECT_EQ(decode_base64("TQ=="), "M");
    EXPECT_EQ(decode_base64("JVBERi0xLjQK"), "%PDF-1.4\n");
}

TEST(DecodeBase64, AcceptsMissingPadding) {
    EXPECT_EQ(decode_base64("TWE"), "Ma");
    EXPECT_EQ(decode_base64("TQ"), "M");
}

TEST(DecodeBase64, IgnoresWhiteSpaceAndLineBreaks) {
    EXPECT_EQ(decode_base64(" TW\r\nFu\tTW\nE=\n"), "ManMa");
}

TEST(DecodeBase64, DecodesEmptyInputToEmptyBytes) {
    const auto decoded = decode_base64("");
    ASSERT_TRUE(decoded.has_value());
    EXPECT_TRUE(decoded->empty());
}

TEST(DecodeBase64, KeepsBinaryBytesIncludingNul) {
    EXPECT_EQ(decode_base64("AAEC/w=="), std::string("\x00\x01\x02\xFF", 4));
    EXPECT_EQ(decode_base64("+/+/"), std::string("\xFB\xFF\xBF", 3));
}

TEST(DecodeBase64, RejectsCharactersOutsideTheStandardAlphabet) {
    EXPECT_FALSE(decode_base64("TW*u").has_value());
    EXPECT_FALSE(decode_base64("TW-u").has_value());  // base64url is not accepted
    EXPECT_FALSE(decode_base64("TW_u").has_value());
    EXPECT_FALSE(decode_base64("not base64!").has_value());
}

TEST(DecodeBase64, RejectsDanglingBitGroup) {
    EXPECT_FALSE(decode_base64("TWFuT").has_value());
    EXPECT_FALSE(decode_base64("T").has_value());
}

TEST(DecodeBase64, RejectsDataAfterPadding) {
    EXPECT_FALSE(decode_base64("TQ==TWFu").has_value());
}

TEST(DecodeBase64, RejectsMoreThanTwoPaddingCharacters) {
    EXPECT_FALSE(decode_base64("TQ===").has_value());
}

TEST(DecodeBase64, RoundTripsEveryByteValue) {
    // Standard encoder written out here so the decoder is checked against an independent one.
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
    bytes += "x";  // length not a multiple of three
    std::string encoded;
    for (size_t i = 0; i < bytes.size(); i += 3) {
        const size_t n = std::min<size_t>(3, bytes.size() - i);
        unsigned value = 0;
        for (size_t k = 0; k < 3; ++k) {
            value = (value << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
        }
        for (size_t k = 0; k < 4; ++k) {
            encoded += k <= n ? alphabet[(value >> (18 - 6 * k)) & 0x3F] : '=';
        }
    }
    EXPECT_EQ(decode_base64(encoded), bytes);
}

}  // namespace
