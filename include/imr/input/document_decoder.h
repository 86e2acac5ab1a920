#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "imr/core/error.h"
#include "imr/input/pdf_sandbox.h"

namespace imr::input {

// How the bytes arrived; recorded in the outcome and in Kafka headers.
enum class input_format { text, pdf, envelope_text, envelope_pdf };
[[nodiscard]] std::string_view to_string(input_format format) noexcept;

struct decoded_document {
    std::string text;               // extracted text, not yet normalized
    std::optional<std::string> id;  // the envelope's "id", when there is one
    input_format format = input_format::text;
};

// The per-document budget. Defaults keep one worker's document under about 2 s of CPU
// and 256 MiB; a document over a budget fails with too_large or too_complex.
struct decoder_limits {
    // Letters are 6-12 KB of text, a few hundred KB as PDF; 16 MiB leaves room for
    // scanned attachments while refusing what would stall a worker. Also the most text
    // a PDF may yield.
    size_t max_input_bytes = size_t{16} << 20;
    // CPU time for reading a PDF (in its helper) and, separately, for the text engine.
    std::chrono::milliseconds max_cpu{2000};
    // Address space a PDF's helper may take on top of its own size at start.
    size_t max_memory_bytes = size_t{256} << 20;
    // How to start PDF helpers; empty reads PDFs in-process, without CPU or memory limit
    // (unit tests, benchmarks' baseline).
    pdf_helper_command pdf_helper;
};

// Deepest JSON nesting accepted in an envelope, in any field: the envelope itself
// needs 1, the producers' metadata a few.
inline constexpr size_t max_envelope_depth = 32;

// Turns the raw bytes of a message or file into letter text: plain UTF-8 text, a PDF
// (detected by content), or a JSON envelope {"id", "text"} / {"id", "pdf_base64"}.
// Not thread-safe: it owns a simdjson parser and a PDF helper process (pdf_sandbox).
// Use one decoder per worker thread.
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
    result<decoded_document> decode_pdf(std::string_view bytes, input_format format);

    decoder_limits limits_;
    std::unique_ptr<pdf_sandbox> pdf_;
    std::unique_ptr<envelope_parser> json_;
    std::optional<std::string> last_id_;
};

}  // namespace imr::input
