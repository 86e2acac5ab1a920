#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "imr/core/outcome.h"

namespace imr::parse {

struct header_fields {
    std::optional<std::string> case_number;
    letter_dates dates;
    std::optional<imr::priority> priority;
};

// Reads the published letters' header table (Case Number, Date Assigned, Decision Date,
// Priority, Date of Injury, UR Denial Date, Application Received) whatever way text
// extraction laid it out: label and value on one line, or all labels first and all
// values after them, or a mix. Labels pair with the next value of their type on the
// same line; the rest pair in order of appearance.
[[nodiscard]] header_fields read_header_table(std::string_view header);

// The 2013 notice: "Dated:" date, the procedural paragraph's application and UR denial
// dates, the case number and the date of injury wherever they are labelled.
[[nodiscard]] header_fields read_notice_header(std::string_view flat_letter);

// A case number (CM13-0012345) anywhere in the text.
[[nodiscard]] std::optional<std::string> find_case_number(std::string_view text);

}  // namespace imr::parse
