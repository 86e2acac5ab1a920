#include "imr/text/search.h"

#include <algorithm>
#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// How common a byte is in letter text, lower is rarer: letters by their English
// frequency (either case), spaces the most common, digits and punctuation rarer than any
// letter.
constexpr std::array<unsigned char, 256> make_commonness_table() {
    std::array<unsigned char, 256> table{};
    constexpr std::string_view by_frequency = "zqxjkvbpygfwmucldrhsnioate";
    for (size_t rank = 0; rank < by_frequency.size(); ++rank) {
        const auto letter = static_cast<unsigned char>(by_frequency[rank]);
        table[letter] = static_cast<unsigned char>(rank + 1);
        table[letter - ('a' - 'A')] = static_cast<unsigned char>(rank + 1);
    }
    table[' '] = 100;
    return table;
}
constexpr std::array<unsigned char, 256> commonness = make_commonness_table();

size_t rarest_byte(std::string_view needle) {
    size_t rarest = 0;
    for (size_t i = 1; i < needle.size(); ++i) {
        if (commonness[static_cast<unsigned char>(needle[i])] <
            commonness[static_cast<unsigned char>(needle[rarest])]) {
            rarest = i;
        }
    }
    return rarest;
}

bool matches_at(std::string_view haystack, std::string_view needle, size_t at) {
    for (size_t k = 0; k < needle.size(); ++k) {
        if (lower(haystack[at + k]) != lower(needle[k])) return false;
    }
    return true;
}

}  // namespace

size_t find_ci(std::string_view haystack, std::string_view needle, size_t from) {
    if (needle.empty()) return from <= haystack.size() ? from : npos;
    if (from >= haystack.size() || needle.size() > haystack.size() - from) return npos;
    const size_t end = haystack.size() - needle.size() + 1;  // last start + 1
    // Candidates come from memchr on the needle's rarest byte, in both cases: memchr on a
    // common first letter ("s", "c") returned every few bytes and led the profile.
    const size_t anchor = rarest_byte(needle);
    const char anchor_lower = lower(needle[anchor]);
    const char anchor_upper = upper(anchor_lower);
    const size_t scan_end = end + anchor;
    size_t next_lower = next_of(haystack, anchor_lower, from + anchor, scan_end);
    size_t next_upper = anchor_upper == anchor_lower
                            ? scan_end
                            : next_of(haystack, anchor_upper, from + anchor, scan_end);
    while (true) {
        const size_t hit = std::min(next_lower, next_upper);
        if (hit >= scan_end) return npos;
        // Each cached position is refreshed only once the scan passes it: linear time.
        if (const size_t at = hit - anchor; matches_at(haystack, needle, at)) return at;
        if (hit == next_lower) next_lower = next_of(haystack, anchor_lower, hit + 1, scan_end);
        if (hit == next_upper) next_upper = next_of(haystack, anchor_upper, hit + 1, scan_end);
    }
}

size_t find_label(std::string_view haystack, std::string_view needle, size_t from) {
    const size_t exact = haystack.find(needle, from);
    return exact != npos ? exact : find_ci(haystack, needle, from);
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && matches_at(text, prefix, 0);
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
    return find_ci(haystack, needle) != npos;
}

size_t find_any_of(std::string_view text, std::string_view bytes, size_t from) {
    size_t at = from;
#if defined(__SSE2__)
    constexpr size_t most = 8;
    if (bytes.size() <= most) {
        struct lane {
            __m128i byte;  // in a struct: std::array<__m128i> drops the type's attributes
        };
        std::array<lane, most> wanted{};
        for (size_t k = 0; k < bytes.size(); ++k) wanted[k].byte = _mm_set1_epi8(bytes[k]);
        for (; at + 16 <= text.size(); at += 16) {
            const __m128i block =
                _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at));
            __m128i hits = _mm_setzero_si128();
            for (size_t k = 0; k < bytes.size(); ++k) {
                hits = _mm_or_si128(hits, _mm_cmpeq_epi8(block, wanted[k].byte));
            }
            if (const int mask = _mm_movemask_epi8(hits); mask != 0) {
                return at + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
            }
        }
    }
#endif
    for (; at < text.size(); ++at) {
        if (bytes.find(text[at]) != npos) return at;
    }
    return npos;
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
