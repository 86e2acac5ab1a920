#pragma once

#include <optional>
#include <string_view>

#include "imr/core/outcome.h"

namespace imr::parse {

// The regions of a normalized letter (views into it). Empty where the letter has none.
struct letter_sections {
    imr::layout layout = layout::fdl_2015;
    std::string_view header;        // before the first heading: table, notice header
    std::string_view credentials;   // how the determination was made, reviewer credentials
    std::string_view case_summary;  // clinical case summary
    std::string_view decisions;     // items, citations and rationales
    // professional-review only: the issue(s) at dispute (the requests) and the guidelines
    // the reviewer relied upon; `decisions` is then the rationale, shared by the items.
    std::string_view issues;
    std::string_view guidelines;
};

// Detects the layout from content and cuts the letter into sections; nullopt when the
// text carries none of the markers of an IMR determination.
[[nodiscard]] std::optional<letter_sections> find_sections(std::string_view normalized);

}  // namespace imr::parse
