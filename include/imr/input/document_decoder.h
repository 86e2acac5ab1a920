#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "imr/core/error.h"

namespace imr::input {

// How the bytes arrived; recorded in the outcome and in Kafka headers.
enum class input_format { text, pdf, envelope_text, envelope_pdf };
[[nodiscard]] std::string_view to_string(input_format format) noexcept;

struct decoded_document {
    std::string text;               // extracted text, not yet normalized
    std::optional<std::string> id;  // the envelope's "id", when there is one
    input_format format = input_format::text;
};

struct decoder_limits {
    // Letters are 6-12 KB of text, a few hundred KB as PDF; 16 MiB leaves room for
    // scanned attachments while refusing what would stall a worker.
    size_t max_input_bytes = size_t{16} << 20;
};

// Turns the raw bytes of a message or file into letter text: plain UTF-8 text, a PDF
// (detected by content), or a JSON envelope {"id", "text"} / {"id", "pdf_base64"}.
// Not thread-safe: it owns a simdjson parser. Use one decoder per worker thread.
class document_decoder {
  public:
    explicit document_decoder(decoder_limits limits = {});
    ~document_decoder();
    document_decoder(document_decoder&&) noexcept;
    document_decoder& operator=(document_decoder&&) noexcept;
    document_decoder(const document_decoder&) = delete;
    document_decoder& operator=(const document_decoder&) = delete;

    [[nodiscard]] result<decoded_document> decode(std::string_view bytes);

    // The "id" of the last envelope decoded, also when decoding it failed, so that an
    // error record can still be matched to its document. Empty for non-envelopes.
    [[nodiscard]] const std::optional<std::string>& last_document_id() const noexcept {
        return last_id_;
    }

  private:
    struct envelope_parser;
    result<decoded_document> decode_envelope(std::string_view bytes);

    decoder_limits limits_;
    std::unique_ptr<envelope_parser> json_;
    std::optional<std::string> last_id_;
};

}  // namespace imr::input
