#pragma once

#include <cstddef>
#include <limits>
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
// header table's label/value pairs on one line), pages separated by '\f'.
// Stops with too_complex once the text passes `max_text_bytes`. Thread-safe: each call
// opens its own poppler document. No time or memory limit: see pdf_sandbox for those.
[[nodiscard]] result<std::string> extract_pdf_text(
    std::string_view bytes, size_t max_text_bytes = std::numeric_limits<size_t>::max());

// Silences poppler's own stderr diagnostics, which would otherwise print fragments of
// broken documents. Call once at start-up.
void silence_pdf_library_diagnostics();

}  // namespace imr::input
