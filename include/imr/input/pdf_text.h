#pragma once

#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "imr/core/error.h"

namespace imr::input {

// Bytes a PDF may carry before its "%PDF-" header (mail and HTTP wrappers leave a few).
inline constexpr size_t max_pdf_junk_bytes = 32;

// True when the document starts with a PDF header ("%PDF-"), possibly after a few bytes
// of junk. Not "anywhere in the first kilobyte", as readers tolerate: a text letter that
// quotes "%PDF-" in its first lines is a text letter. Decided by content, never by name.
[[nodiscard]] bool looks_like_pdf(std::string_view bytes) noexcept;

// Text of every page in reading order (poppler's physical layout, which keeps the
// header table's label/value pairs on one line), pages separated by '\f': byte for byte
// what poppler-cpp's page::text(physical_layout) gives (tests/corpus/pdf_text_identity).
//
// Built on poppler's core text device rather than poppler-cpp, which sets up per document
// and per page what a long-lived extractor sets up once: poppler's global parameters (per
// document in poppler-cpp), one text device per document instead of one per page (the
// device holds the cache of ICC colour spaces, which poppler otherwise builds again on
// every page), and a display profile lcms sets up without inverting tone curves (Lab):
// colour transforms are still built, as poppler requires, but colours never reach text.
// docs/benchmarks.md has the profile and the figures.
//
// Stops with too_complex once the text passes `max_text_bytes`. No time or memory limit:
// see pdf_sandbox for those. Calls may run on several threads: each opens its own poppler
// document and text device; they share poppler's global parameters and the display profile
// only for reading (poppler shares its own sRGB profile between threads the same way).
class pdf_text_extractor {
  public:
    pdf_text_extractor();
    ~pdf_text_extractor();
    pdf_text_extractor(const pdf_text_extractor&) = delete;
    pdf_text_extractor& operator=(const pdf_text_extractor&) = delete;

    [[nodiscard]] result<std::string> extract(
        std::string_view bytes, size_t max_text_bytes = std::numeric_limits<size_t>::max()) const;

  private:
    struct library;
    std::unique_ptr<library> library_;
};

// One document with a short-lived extractor: the set-up is paid on every call. Code that
// reads many documents keeps a pdf_text_extractor.
[[nodiscard]] result<std::string> extract_pdf_text(
    std::string_view bytes, size_t max_text_bytes = std::numeric_limits<size_t>::max());

// Silences poppler's own stderr diagnostics, which would otherwise print fragments of
// broken documents. Call once at start-up.
void silence_pdf_library_diagnostics();

}  // namespace imr::input
