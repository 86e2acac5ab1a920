#include "imr/kafka/record_fit.h"

#include <gtest/gtest.h>

#include <string>

namespace imr::kafka {
namespace {

std::string header(const stream::output_record& r, std::string_view name) {
    for (const auto& h : r.headers)
        if (h.name == name) return h.value;
    return "<none>";
}

stream::output_record dead_letter(std::size_t value_bytes) {
    stream::output_record r;
    r.kind = stream::output_kind::dead_letter;
    r.key = "k";
    r.value = std::string(value_bytes, 'v');
    r.headers = {{"imr.error.code", "not_a_determination"}};
    r.source = {"in", 2};
    r.source_offset = 7;
    return r;
}

TEST(RecordFit, CutsTheValueSoTheRecordFitsTheLimit) {
    const auto big = dead_letter(2'000'000);
    const auto fitted = fit_dead_letter(big, 1'048'588, "too_large_for_topic");
    ASSERT_TRUE(fitted);
    EXPECT_LE(record_size(*fitted) + record_overhead, 1'048'588u);
    EXPECT_GT(fitted->value.size(), 1'000'000u);  // as much of the value as fits is kept
    EXPECT_EQ(big.value.view().substr(0, fitted->value.size()), fitted->value.view());
    EXPECT_EQ(header(*fitted, fit_headers::original_size), "2000000");
    EXPECT_EQ(header(*fitted, fit_headers::original_sha256), sha256_hex(big.value));
    EXPECT_EQ(header(*fitted, fit_headers::reason), "too_large_for_topic");
    EXPECT_EQ(header(*fitted, "imr.error.code"), "not_a_determination");
    EXPECT_EQ(fitted->source_offset, 7);
}

TEST(RecordFit, NothingFitsWhenTheHeadersAloneAreTooLarge) {
    EXPECT_FALSE(fit_dead_letter(dead_letter(10), 600, "too_large_for_topic"));
}

TEST(RecordFit, RejectedOutcomeLetterPointsAtTheInputWithoutAValue) {
    stream::output_record outcome;
    outcome.key = "CM16-1";
    outcome.value = std::string(3'000'000, 'o');
    outcome.source = {"raw", 4};
    outcome.source_offset = 99;
    const auto letter = rejected_outcome_letter(outcome, "MSG_SIZE_TOO_LARGE");
    EXPECT_EQ(letter.kind, stream::output_kind::dead_letter);
    EXPECT_TRUE(letter.value.empty());
    EXPECT_EQ(header(letter, "imr.error.code"), "outcome_rejected");
    EXPECT_EQ(header(letter, "imr.source.topic"), "raw");
    EXPECT_EQ(header(letter, "imr.source.partition"), "4");
    EXPECT_EQ(header(letter, "imr.source.offset"), "99");
    EXPECT_EQ(header(letter, fit_headers::original_size), "3000000");
}

TEST(RecordFit, Sha256IsTheStandardDigest) {
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace imr::kafka
