#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

#include "imr/core/error.h"

namespace imr::input {

// The text of a PDF as poppler-cpp gives it: a poppler::document, then page::text() in
// physical layout for each page, pages separated by '\f', with the same errors as
// pdf_text_extractor. pdf_text_extractor must give the same bytes faster; this is what
// it is checked (tests/corpus) and measured (bench/classify) against. Not in the program.
[[nodiscard]] result<std::string> extract_pdf_text_with_poppler_cpp(
    std::string_view bytes, size_t max_text_bytes = std::numeric_limits<size_t>::max());

}  // namespace imr::input
