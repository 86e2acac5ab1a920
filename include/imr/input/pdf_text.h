#pragma once

#include <string>
#include <string_view>

#include "imr/core/error.h"

namespace imr::input {

// True when the bytes carry a PDF header ("%PDF-") within the first kilobyte, where
// the PDF specification lets readers look for it. Decided by content, never by name.
[[nodiscard]] bool looks_like_pdf(std::string_view bytes) noexcept;

// Text of every page in reading order (poppler's physical layout, which keeps the
// header table's label/value pairs on one line), pages separated by '\f'.
// Thread-safe: each call opens its own poppler document.
[[nodiscard]] result<std::string> extract_pdf_text(std::string_view bytes);

// Silences poppler's own stderr diagnostics, which would otherwise print fragments of
// broken documents. Call once at start-up.
void silence_pdf_library_diagnostics();

}  // namespace imr::input
