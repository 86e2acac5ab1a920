#include "imr/text/search.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace imr::text {
namespace {

// ASCII case folding without the locale machinery of std::tolower, which dominated
// profiles: letters' markers and labels are ASCII.
constexpr std::array<char, 256> make_fold_table() {
    std::array<char, 256> table{};
    for (int c = 0; c < 256; ++c) {
        table[static_cast<size_t>(c)] =
            static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    return table;
}
constexpr std::array<char, 256> fold_table = make_fold_table();

char lower(char c) {
    return fold_table[static_cast<unsigned char>(c)];
}
char upper(char c) {
    return is_lower(c) ? static_cast<char>(c - ('a' - 'A')) : c;
}

// Next position in [from, end) holding `c`, or `end`.
size_t next_of(std::string_view s, char c, size_t from, size_t end) {
    if (from >= end) return end;
    const void* hit = std::memchr(s.data() + from, c, end - from);
    return hit == nullptr ? end : static_cast<size_t>(static_cast<const char*>(hit) - s.data());
}

}  // namespace

size_t find_ci(std::string_view haystack, std::string_view needle, size_t from) {
    if (needle.empty()) return from <= haystack.size() ? from : npos;
    if (from >= haystack.size() || needle.size() > haystack.size() - from) return npos;
    const size_t end = haystack.size() - needle.size() + 1;  // last start + 1
    const char first_lower = lower(needle.front());
    const char first_upper = upper(first_lower);
    // Candidates come from memchr for each case of the first byte; each cached position
    // is refreshed only once the scan passes it, so the search stays linear.
    size_t next_lower = next_of(haystack, first_lower, from, end);
    size_t next_upper =
        first_upper == first_lower ? end : next_of(haystack, first_upper, from, end);
    while (true) {
        const size_t at = std::min(next_lower, next_upper);
        if (at >= end) return npos;
        size_t k = 1;
        while (k < needle.size() && lower(haystack[at + k]) == lower(needle[k])) ++k;
        if (k == needle.size()) return at;
        if (at == next_lower) next_lower = next_of(haystack, first_lower, at + 1, end);
        if (at == next_upper) next_upper = next_of(haystack, first_upper, at + 1, end);
    }
}

size_t find_label(std::string_view haystack, std::string_view needle, size_t from) {
    const size_t exact = haystack.find(needle, from);
    return exact != npos ? exact : find_ci(haystack, needle, from);
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && find_ci(text.substr(0, prefix.size()), prefix) == 0;
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
    return find_ci(haystack, needle) != npos;
}

std::string_view trim(std::string_view text) {
    constexpr std::string_view blanks = " \t\r\n\f";
    const size_t begin = text.find_first_not_of(blanks);
    if (begin == npos) return {};
    const size_t end = text.find_last_not_of(blanks);
    return text.substr(begin, end - begin + 1);
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

std::vector<std::string_view> split_trimmed(std::string_view text, char separator) {
    std::vector<std::string_view> pieces;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(separator, start);
        if (end == npos) end = text.size();
        if (auto piece = trim(text.substr(start, end - start)); !piece.empty()) {
            pieces.push_back(piece);
        }
        start = end + 1;
    }
    return pieces;
}

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

}  // namespace imr::text
