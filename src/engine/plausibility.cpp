#include "imr/engine/plausibility.h"

#include <algorithm>
#include <set>

#include "imr/parse/header_fields.h"
#include "imr/text/search.h"

namespace imr {
namespace {

// Headings every letter of a layout prints exactly once.
constexpr std::string_view once_per_letter[] = {
    "HOW THE IMR FINAL DETERMINATION WAS MADE",
    "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE",
};

size_t occurrences(std::string_view text, std::string_view heading) {
    size_t count = 0;
    for (size_t at = text::find_ci(text, heading); at != text::npos;
         at = text::find_ci(text, heading, at + heading.size())) {
        ++count;
    }
    return count;
}

size_t distinct_case_numbers(std::string_view text) {
    std::set<std::string> seen;
    size_t at = 0;
    while (auto number = parse::find_case_number(text.substr(at))) {
        seen.insert(*number);
        at = text.find(*number, at) + number->size();
    }
    return seen.size();
}

}  // namespace

std::vector<std::string> plausibility_warnings(std::string_view normalized_text,
                                               const std::vector<item>& items) {
    std::vector<std::string> warnings;
    size_t letters = distinct_case_numbers(normalized_text);
    for (const auto heading : once_per_letter) {
        letters = std::max(letters, occurrences(normalized_text, heading));
    }
    if (letters > 1) warnings.push_back("multiple_letters:count=" + std::to_string(letters));
    if (items.size() > implausible_item_count) {
        warnings.push_back("implausible_item_count:count=" + std::to_string(items.size()));
    }
    for (size_t i = 0; i < items.size(); ++i) {
        if (items[i].request.size() > implausible_request_bytes) {
            warnings.push_back("implausible_request_length:item=" + std::to_string(i + 1));
        }
    }
    return warnings;
}

}  // namespace imr
