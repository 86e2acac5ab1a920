#include "imr/text/letter_text.h"

#include <algorithm>
#include <array>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "imr/text/search.h"

namespace imr::text {
namespace {

bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\v' || c == '\r';
}

// Length of a multi-byte Unicode space or invisible mark at `at`, or 0. NBSP, the
// U+2000 block spaces and zero-width characters come out of PDF extraction often.
size_t unicode_space_length(std::string_view s, size_t at) {
    auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
    if (at + 1 < s.size() && byte(at) == 0xC2 && byte(at + 1) == 0xA0) return 2;
    if (at + 2 < s.size() && byte(at) == 0xE2 && byte(at + 1) == 0x80) {
        const unsigned char third = byte(at + 2);
        if ((third >= 0x80 && third <= 0x8B) || third == 0xAF) return 3;
    }
    if (at + 2 < s.size() && byte(at) == 0xEF && byte(at + 1) == 0xBB && byte(at + 2) == 0xBF) {
        return 3;  // byte-order mark
    }
    return 0;
}

// Lines of the cleaned buffer: trimmed, space-collapsed, '\f' on a line of its own.
struct line_span {
    size_t offset;
    size_t length;
    [[nodiscard]] bool empty() const { return length == 0; }
};

struct cleaned_lines {
    std::string buffer;
    std::vector<line_span> lines;

    [[nodiscard]] bool is_page_break(const line_span& line) const {
        return line.length == 1 && buffer[line.offset] == '\f';
    }
    [[nodiscard]] bool is_text(size_t index) const {
        return !lines[index].empty() && !is_page_break(lines[index]);
    }
};

// Bytes that need a decision in clean(); everything else is copied in runs.
constexpr std::array<bool, 256> make_special_table() {
    std::array<bool, 256> table{};
    for (const char c : std::string_view(" \t\v\r\n\f"))
        table[static_cast<unsigned char>(c)] = true;
    for (size_t c = 0x80; c < 256; ++c) table[c] = true;  // may start a Unicode space
    return table;
}
constexpr std::array<bool, 256> special = make_special_table();

bool is_special(char c) {
    return special[static_cast<unsigned char>(c)];
}

#if defined(__SSE2__)
// A bit per byte of the 16 at `at` that is special (as the table above says).
unsigned special_bits(const char* at) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    const __m128i spaces = _mm_cmpeq_epi8(block, _mm_set1_epi8(' '));
    const __m128i high = _mm_cmplt_epi8(block, _mm_setzero_si128());  // 0x80 and up
    // '\t' to '\r' are 9 to 13: byte - 9 is at most 4.
    const __m128i shifted = _mm_sub_epi8(block, _mm_set1_epi8(9));
    const __m128i controls =
        _mm_cmpeq_epi8(_mm_max_epu8(shifted, _mm_set1_epi8(4)), _mm_set1_epi8(4));
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(spaces, high), controls)));
}
unsigned space_bits(const char* at) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8(' '))));
}
#endif

// End of the run clean() copies as it is, from `end`: plain bytes, and single spaces
// between two plain bytes (runs then span whole lines instead of single words, which
// dominated the profile). 16 bytes at a time where the processor allows: a byte at a
// time, this loop was a tenth of the engine's instructions.
size_t plain_run_end(std::string_view raw, size_t end) {
#if defined(__SSE2__)
    while (end + 17 <= raw.size()) {
        // A byte stops the run when it is special, unless it is a space before a plain byte.
        const unsigned here = special_bits(raw.data() + end);
        const unsigned next = special_bits(raw.data() + end + 1);
        const unsigned stops = here & ~(space_bits(raw.data() + end) & ~next);
        if (stops != 0) return end + static_cast<size_t>(__builtin_ctz(stops));
        end += 16;
    }
#endif
    while (end < raw.size() && (!is_special(raw[end]) || (raw[end] == ' ' && end + 1 < raw.size() &&
                                                          !is_special(raw[end + 1])))) {
        ++end;
    }
    return end;
}

// One pass, one buffer: per-line strings dominated the profile of this function.
cleaned_lines clean(std::string_view raw) {
    cleaned_lines out;
    out.buffer.reserve(raw.size());
    out.lines.reserve(raw.size() / 40);
    size_t line_start = 0;
    bool pending_space = false;
    auto end_line = [&] {
        out.lines.push_back({line_start, out.buffer.size() - line_start});
        line_start = out.buffer.size();
        pending_space = false;
    };
    for (size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (!is_special(c)) {
            const size_t end = plain_run_end(raw, i + 1);
            if (pending_space) out.buffer.push_back(' ');
            pending_space = false;
            out.buffer.append(raw.data() + i, end - i);
            i = end - 1;
            continue;
        }
        if (c == '\n' || (c == '\r' && (i + 1 >= raw.size() || raw[i + 1] != '\n'))) {
            end_line();
        } else if (c == '\f') {
            end_line();
            out.buffer.push_back('\f');
            end_line();
        } else if (is_ascii_space(c)) {
            pending_space = out.buffer.size() > line_start;
        } else if (static_cast<unsigned char>(c) >= 0x80 && unicode_space_length(raw, i) > 0) {
            pending_space = out.buffer.size() > line_start;
            i += unicode_space_length(raw, i) - 1;
        } else {
            if (pending_space) out.buffer.push_back(' ');
            pending_space = false;
            out.buffer.push_back(c);
        }
    }
    if (out.buffer.size() > line_start) end_line();
    return out;
}

// True when the extraction doubled every line break: most text lines are followed by
// exactly one empty line and then more text. In such text a single empty line is a
// wrap, and two or more are a paragraph break.
bool has_doubled_breaks(const cleaned_lines& text) {
    size_t doubled = 0;
    size_t adjacent = 0;
    const auto& lines = text.lines;
    for (size_t i = 0; i + 1 < lines.size(); ++i) {
        if (!text.is_text(i)) continue;
        if (!lines[i + 1].empty()) {
            ++adjacent;
        } else if (i + 2 < lines.size() && !lines[i + 2].empty()) {
            ++doubled;
        }
    }
    return doubled > 2 * adjacent && doubled >= 4;
}

// "Page 2 of 4": a running page marker, which would otherwise land inside a request or
// rationale that spans the page break. A bare "Page 111" may be a wrapped citation: kept.
bool is_page_marker(std::string_view line) {
    if (line.size() < 6 || line.size() > 20 || !starts_with_ci(line, "page ")) return false;
    line.remove_prefix(5);
    size_t digits = 0;
    while (digits < line.size() && is_digit(line[digits])) ++digits;
    if (digits == 0) return false;
    line.remove_prefix(digits);
    if (!starts_with_ci(line, " of ")) return false;
    line.remove_prefix(4);
    return !line.empty() && std::all_of(line.begin(), line.end(), is_digit);
}

}  // namespace

std::string normalize(std::string_view raw) {
    const cleaned_lines text = clean(raw);
    const size_t blanks_per_break = has_doubled_breaks(text) ? 2 : 1;

    std::string out;
    out.reserve(text.buffer.size() + 16);
    size_t blank_run = 0;
    bool paragraph_pending = false;
    for (const line_span& line : text.lines) {
        if (line.empty()) {
            if (++blank_run >= blanks_per_break) paragraph_pending = true;
            continue;
        }
        const std::string_view content(text.buffer.data() + line.offset, line.length);
        if (is_page_marker(content)) continue;
        blank_run = 0;
        const bool page_break = text.is_page_break(line);
        if (out.empty()) {
            if (page_break) continue;
        } else if (paragraph_pending && !page_break && out.back() != '\f') {
            out += "\n\n";
        } else {
            out += '\n';
        }
        paragraph_pending = false;
        out.append(text.buffer, line.offset, line.length);
    }
    return out;
}

std::string flatten(std::string_view normalized) {
    std::string out;
    out.reserve(normalized.size());
    // Copied line by line, the breaks found by find (memchr): a byte at a time, this
    // function stood out in the profile (it runs on every item block and section).
    const auto next_of = [&](char c, size_t from) {
        return std::min(normalized.find(c, from), normalized.size());
    };
    size_t next_newline = next_of('\n', 0);
    size_t next_page = next_of('\f', 0);
    size_t start = 0;
    while (start < normalized.size()) {
        const size_t end = std::min(next_newline, next_page);
        out.append(normalized, start, end - start);
        if (end < normalized.size() && !out.empty() && out.back() != ' ') out.push_back(' ');
        if (end == next_newline) next_newline = next_of('\n', end + 1);
        if (end == next_page) next_page = next_of('\f', end + 1);
        start = end + 1;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

}  // namespace imr::text
