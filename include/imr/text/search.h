#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace imr::text {

inline constexpr size_t npos = std::string_view::npos;

// ASCII character classes: the <cctype> functions consult the locale on every call,
// which showed up at the top of profiles.
constexpr bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
constexpr bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}
constexpr bool is_lower(char c) {
    return c >= 'a' && c <= 'z';
}
constexpr bool is_alpha(char c) {
    return is_upper(c) || is_lower(c);
}
constexpr bool is_alnum(char c) {
    return is_alpha(c) || is_digit(c);
}
constexpr char ascii_lower(char c) {
    return is_upper(c) ? static_cast<char>(c + ('a' - 'A')) : c;
}

// ASCII case-insensitive search; letters are English and ASCII where it matters.
[[nodiscard]] size_t find_ci(std::string_view haystack, std::string_view needle, size_t from = 0);
// Exact search first (headings and labels are usually printed as written, and an exact
// search runs at memchr speed), then the case-insensitive one.
[[nodiscard]] size_t find_label(std::string_view haystack, std::string_view needle,
                                size_t from = 0);
[[nodiscard]] bool starts_with_ci(std::string_view text, std::string_view prefix);
[[nodiscard]] bool contains_ci(std::string_view haystack, std::string_view needle);

// The first position at or after `from` holding one of `bytes` (a handful), or npos;
// 16 bytes at a time where the processor allows.
[[nodiscard]] size_t find_any_of(std::string_view text, std::string_view bytes, size_t from = 0);

[[nodiscard]] std::string_view trim(std::string_view text);
[[nodiscard]] std::string to_lower(std::string_view text);

// Splits on `separator`, trimming each piece and dropping empty ones.
[[nodiscard]] std::vector<std::string_view> split_trimmed(std::string_view text, char separator);

// Lines of normalized text (see letter_text.h), empty lines and "\f" lines included.
[[nodiscard]] std::vector<std::string_view> lines_of(std::string_view text);

}  // namespace imr::text
