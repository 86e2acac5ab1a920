#include "imr/input/document_decoder.h"

#include <simdjson.h>

#include <new>
#include <string>

#include "imr/input/base64.h"
#include "imr/input/pdf_text.h"

namespace imr::input {
namespace {

bool is_blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}

std::string_view strip_byte_order_mark(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    return text;
}

bool looks_like_envelope(std::string_view bytes) {
    const size_t first = bytes.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && bytes[first] == '{';
}

result<decoded_document> decode_text(std::string_view bytes, input_format format) {
    bytes = strip_byte_order_mark(bytes);
    if (!simdjson::validate_utf8(bytes.data(), bytes.size())) {
        return {errc::invalid_utf8, "the text is not valid UTF-8"};
    }
    if (is_blank(bytes)) return {errc::empty, "the document has no text"};
    return decoded_document{std::string(bytes), std::nullopt, format};
}

}  // namespace

std::string_view to_string(input_format format) noexcept {
    switch (format) {
        case input_format::text:
            return "text";
        case input_format::pdf:
            return "pdf";
        case input_format::envelope_text:
            return "envelope_text";
        case input_format::envelope_pdf:
            return "envelope_pdf";
    }
    return "unknown";
}

// The DOM parser, not On Demand: it validates the whole document, fields the envelope
// does not use included, bounds their depth, and refuses anything after the object.
struct document_decoder::envelope_parser {
    envelope_parser() {
        constexpr size_t initial_capacity = 64 * 1024;  // grows with the documents
        if (parser.allocate(initial_capacity, max_envelope_depth) != simdjson::SUCCESS) {
            throw std::bad_alloc();
        }
    }
    simdjson::dom::parser parser;
};

document_decoder::document_decoder(decoder_limits limits)
    : limits_(std::move(limits)),
      pdf_(std::make_unique<pdf_sandbox>(
          limits_.pdf_helper,
          pdf_budget{limits_.max_cpu, limits_.max_memory_bytes, limits_.max_input_bytes})),
      json_(std::make_unique<envelope_parser>()) {}
document_decoder::~document_decoder() = default;
document_decoder::document_decoder(document_decoder&&) noexcept = default;
document_decoder& document_decoder::operator=(document_decoder&&) noexcept = default;

result<decoded_document> document_decoder::decode(std::string_view bytes) {
    last_id_.reset();
    if (bytes.size() > limits_.max_input_bytes) {
        // `classify` reads one byte past the limit, not the whole file: the size is unknown.
        return {errc::too_large, "the document is over the size limit (" +
                                     std::to_string(limits_.max_input_bytes) + " bytes)"};
    }
    if (is_blank(bytes)) return {errc::empty, "the document is empty"};
    if (looks_like_pdf(bytes)) return decode_pdf(bytes, input_format::pdf);
    if (looks_like_envelope(bytes)) return decode_envelope(bytes);
    return decode_text(bytes, input_format::text);
}

result<decoded_document> document_decoder::decode_pdf(std::string_view bytes, input_format format) {
    auto text = pdf_->extract(bytes);
    if (!text) return std::move(text).err();
    if (is_blank(*text)) return {errc::empty, "the PDF has no text layer"};
    return decoded_document{std::move(text).value(), std::nullopt, format};
}

result<decoded_document> document_decoder::decode_envelope(std::string_view bytes) {
    // Kafka payloads are not padded, and simdjson reads SIMDJSON_PADDING bytes past the
    // end: copy into a padded buffer.
    const simdjson::padded_string padded(bytes.data(), bytes.size());
    simdjson::dom::element root;
    if (const auto failed = json_->parser.parse(padded).get(root); failed != simdjson::SUCCESS) {
        if (failed == simdjson::DEPTH_ERROR) {
            return {errc::bad_envelope, "the envelope nests deeper than " +
                                            std::to_string(max_envelope_depth) + " levels"};
        }
        return {errc::bad_envelope, "the envelope is not one valid JSON value"};
    }
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
        return {errc::bad_envelope, "the envelope is not a JSON object"};
    }

    std::optional<std::string> id;
    std::optional<std::string> text;
    std::optional<std::string> pdf_base64;
    for (const auto field : object) {
        const std::string_view key = field.key;
        std::string_view string_value;
        if (key == "id") {
            int64_t number = 0;
            if (field.value.get_string().get(string_value) == simdjson::SUCCESS) {
                id = std::string(string_value);
            } else if (field.value.get_int64().get(number) == simdjson::SUCCESS) {
                id = std::to_string(number);
            } else {
                return {errc::bad_envelope, "envelope field \"id\" must be a string or an integer"};
            }
            last_id_ = id;
        } else if (key == "text" || key == "pdf_base64") {
            if (field.value.get_string().get(string_value) != simdjson::SUCCESS) {
                return {errc::bad_envelope,
                        "envelope field \"" + std::string(key) + "\" must be a string"};
            }
            (key == "text" ? text : pdf_base64) = std::string(string_value);
        }
    }
    if (text && pdf_base64) {
        return {errc::bad_envelope, "the envelope has both \"text\" and \"pdf_base64\""};
    }

    result<decoded_document> decoded = [&]() -> result<decoded_document> {
        // Numbers and strings only: an id is matched by consumers, not interpreted.
        if (text) return decode_text(*text, input_format::envelope_text);
        if (!pdf_base64) {
            return {errc::bad_envelope, "the envelope has neither \"text\" nor \"pdf_base64\""};
        }
        auto pdf = decode_base64(*pdf_base64);
        if (!pdf) return {errc::bad_envelope, "\"pdf_base64\" is not valid base64"};
        if (!looks_like_pdf(*pdf)) return {errc::bad_pdf, "\"pdf_base64\" does not hold a PDF"};
        return decode_pdf(*pdf, input_format::envelope_pdf);
    }();
    if (decoded) decoded->id = std::move(id);
    return decoded;
}

}  // namespace imr::input
