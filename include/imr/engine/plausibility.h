#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "imr/core/outcome.h"

namespace imr {

// Beyond anything the DWC has published: no letter decides more than a few dozen items
// or states a request in more than a few hundred characters.
inline constexpr size_t implausible_item_count = 200;
inline constexpr size_t implausible_request_bytes = 10 * 1024;

// Warnings for a document that does not look like one real letter, so that consumers
// can set it aside: `multiple_letters:count=N` when it holds several letters (two case
// numbers, or a letter's headings twice; the outcome then merges them: it is flagged,
// not split), `implausible_item_count:count=N`, `implausible_request_length:item=N`.
[[nodiscard]] std::vector<std::string> plausibility_warnings(std::string_view normalized_text,
                                                             const std::vector<item>& items);

}  // namespace imr
