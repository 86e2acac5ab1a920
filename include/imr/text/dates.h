#pragma once

#include <optional>
#include <string_view>

#include "imr/core/outcome.h"

namespace imr::text {

struct found_date {
    imr::date value;
    size_t begin = 0;  // byte offsets into the searched text
    size_t end = 0;
};

// Finds the first calendar date at or after `from`: "02/19/2012", "10-13-16",
// "09- 01-2015" (split by a line wrap), "January 5, 2012", "Jan. 5 2012".
// Two-digit years pivot at 50 (16 -> 2016, 96 -> 1996). Impossible dates are skipped.
[[nodiscard]] std::optional<found_date> find_date(std::string_view text, size_t from = 0);

// The date that starts exactly at the beginning of `text` (after spaces), if any.
[[nodiscard]] std::optional<found_date> date_at_start(std::string_view text);

}  // namespace imr::text
