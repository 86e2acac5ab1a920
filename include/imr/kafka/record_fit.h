#pragma once

// Making a record fit: what a record costs against the broker's and the producer's size
// limits, and the dead letters that replace records that do not fit. Pure functions.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "imr/stream/record.h"

namespace imr::kafka {

// Headers of a dead letter that replaces one that did not fit.
namespace fit_headers {
inline constexpr std::string_view original_size = "imr.original.size";
inline constexpr std::string_view original_sha256 = "imr.original.sha256";
inline constexpr std::string_view reason = "imr.fit.reason";
}  // namespace fit_headers

// Room kept for what a record batch adds around one record (batch header, varints,
// attributes): a record of size() <= limit - record_overhead fits a limit for sure.
inline constexpr std::size_t record_overhead = 512;

// Key, value and headers: the bytes that count against max.message.bytes and the
// producer's queue (uncompressed, so a check against it never depends on batching).
[[nodiscard]] std::size_t record_size(const stream::output_record& record);

// The hex sha256 of `bytes`.
[[nodiscard]] std::string sha256_hex(std::string_view bytes);

// `record` with its value cut so that record_size() + record_overhead <= limit (or
// dropped when the key and headers leave no room), plus the original value's size and
// sha256 and `reason`. Nothing when even a value-less record does not fit.
[[nodiscard]] std::optional<stream::output_record> fit_dead_letter(
    const stream::output_record& record, std::size_t limit, std::string_view reason);

// `record` without its value, with the original value's size and sha256 and `reason`: for
// a dead letter the broker refused although it looked small enough.
[[nodiscard]] stream::output_record value_less_dead_letter(const stream::output_record& record,
                                                           std::string_view reason);

// The dead letter for an outcome the broker refused after it was queued (the input bytes
// are gone by then): no value, the input's position in imr.source.* headers so it can be
// read again from the input topic, code outcome_rejected, and the outcome's size and
// sha256.
[[nodiscard]] stream::output_record rejected_outcome_letter(const stream::output_record& outcome,
                                                            std::string_view reason);

}  // namespace imr::kafka
