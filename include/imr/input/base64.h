#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imr::input {

// Standard (RFC 4648) base64, padding optional, white space ignored. nullopt on any
// other character or a dangling bit group.
[[nodiscard]] std::optional<std::string> decode_base64(std::string_view encoded);

}  // namespace imr::input
