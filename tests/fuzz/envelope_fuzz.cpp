// libFuzzer target: message bytes -> document decoder (detection, JSON envelope, base64,
// UTF-8 checks). Seeds are envelopes, so most inputs exercise the envelope parser.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "imr/input/document_decoder.h"
#include "imr/input/pdf_text.h"
#include "imr/output/outcome_json.h"

namespace {

bool is_valid_utf8(std::string_view text) {
    return simdjson::validate_utf8(text.data(), text.size());
}

void check_decoded(const imr::input::decoded_document& decoded) {
    using imr::input::input_format;
    imr::fuzz::require(is_valid_utf8(decoded.text) || decoded.format == input_format::pdf ||
                           decoded.format == input_format::envelope_pdf,
                       "decoded text is UTF-8");
    imr::fuzz::require(decoded.text.find_first_not_of(" \t\r\n\f\v") != std::string::npos,
                       "decoded text is not blank");
    const bool from_envelope = decoded.format == input_format::envelope_text ||
                               decoded.format == input_format::envelope_pdf;
    imr::fuzz::require(from_envelope || !decoded.id, "only envelopes carry an id");
    imr::fuzz::require(!decoded.id || is_valid_utf8(*decoded.id), "an id is UTF-8");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // One decoder for the whole run, as each worker thread keeps one: state left behind by
    // one document (the parser's buffers, the last id) must not leak into the next.
    static imr::input::document_decoder decoder = [] {
        // A pdf_base64 envelope reaches poppler, which would print fragments of broken PDFs.
        imr::input::silence_pdf_library_diagnostics();
        return imr::input::document_decoder();
    }();
    const auto decoded = decoder.decode(imr::fuzz::as_text(data, size));
    if (decoded) {
        check_decoded(*decoded);
        return 0;
    }
    const imr::output::source_info source{
        .file = "fuzz.json", .document_id = decoder.last_document_id(), .bytes = size};
    imr::fuzz::require_valid_record(imr::output::error_to_json(decoded.err(), source));
    return 0;
}
