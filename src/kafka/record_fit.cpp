#include "imr/kafka/record_fit.h"

#include <openssl/sha.h>

#include <array>

#include "imr/stream/classify_processor.h"

namespace imr::kafka {

namespace {

void add_header(stream::output_record& record, std::string_view name, std::string value) {
    record.headers.push_back({std::string(name), std::move(value)});
}

// A dead letter for the same input as `record`, with no value and no headers yet.
stream::output_record letter_for(const stream::output_record& record) {
    stream::output_record letter;
    letter.kind = stream::output_kind::dead_letter;
    letter.key = record.key;
    letter.source = record.source;
    letter.source_offset = record.source_offset;
    letter.source_timestamp_ms = record.source_timestamp_ms;
    return letter;
}

void add_original(stream::output_record& letter, std::string_view original,
                  std::string_view reason) {
    add_header(letter, fit_headers::original_size, std::to_string(original.size()));
    add_header(letter, fit_headers::original_sha256, sha256_hex(original));
    add_header(letter, fit_headers::reason, std::string(reason));
}

}  // namespace

std::size_t record_size(const stream::output_record& record) {
    std::size_t size = record.value.size() + (record.key ? record.key->size() : 0);
    for (const auto& h : record.headers) size += h.name.size() + h.value.size();
    return size;
}

std::string sha256_hex(std::string_view bytes) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest.data());
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(digest.size() * 2);
    for (const unsigned char byte : digest) {
        out.push_back(hex[byte >> 4]);
        out.push_back(hex[byte & 0x0f]);
    }
    return out;
}

stream::output_record value_less_dead_letter(const stream::output_record& record,
                                             std::string_view reason) {
    stream::output_record fitted = letter_for(record);
    fitted.headers = record.headers;
    add_original(fitted, record.value, reason);
    return fitted;
}

std::optional<stream::output_record> fit_dead_letter(const stream::output_record& record,
                                                     std::size_t limit, std::string_view reason) {
    stream::output_record fitted = value_less_dead_letter(record, reason);
    const std::size_t bare = record_size(fitted) + record_overhead;
    if (bare > limit) return std::nullopt;
    // A prefix still shows what the document was (and a text letter's header); the hash
    // proves which one it was when the input topic has already expired it.
    fitted.value = std::string(record.value.view().substr(0, limit - bare));
    return fitted;
}

stream::output_record rejected_outcome_letter(const stream::output_record& outcome,
                                              std::string_view reason) {
    stream::output_record letter = letter_for(outcome);
    add_header(letter, stream::headers::source_topic, outcome.source.topic);
    add_header(letter, stream::headers::source_partition, std::to_string(outcome.source.partition));
    add_header(letter, stream::headers::source_offset, std::to_string(outcome.source_offset));
    add_header(letter, stream::headers::error_code, "outcome_rejected");
    add_header(letter, stream::headers::error_message,
               "the broker refused the outcome record (" + std::string(reason) +
                   "); the input is at imr.source.* in the input topic");
    add_original(letter, outcome.value, reason);
    return letter;
}

}  // namespace imr::kafka
