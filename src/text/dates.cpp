#include "imr/text/dates.h"

#include <array>
#include <cctype>

#include "imr/text/search.h"

namespace imr::text {
namespace {

bool leap(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

bool valid(const imr::date& d) {
    static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d.year < 1900 || d.year > 2100 || d.month < 1 || d.month > 12 || d.day < 1) return false;
    const int last =
        days[static_cast<size_t>(d.month - 1)] + (d.month == 2 && leap(d.year) ? 1 : 0);
    return d.day <= last;
}

int full_year(int value, size_t digits) {
    if (digits == 2) return value < 50 ? 2000 + value : 1900 + value;
    return value;
}

// Reads 1..max_digits digits at `pos`; returns the count read.
size_t read_number(std::string_view s, size_t pos, size_t max_digits, int& value) {
    size_t n = 0;
    value = 0;
    while (pos + n < s.size() && n < max_digits && is_digit(s[pos + n])) {
        value = value * 10 + (s[pos + n] - '0');
        ++n;
    }
    if (pos + n < s.size() && is_digit(s[pos + n])) return 0;  // longer number: not a date part
    return n;
}

void skip_spaces(std::string_view s, size_t& pos, size_t limit) {
    for (size_t n = 0; pos < s.size() && n < limit && (s[pos] == ' ' || s[pos] == '\n'); ++n) ++pos;
}

// "mm/dd/yyyy", "mm-dd-yy", with at most one space (a line wrap) around separators.
std::optional<found_date> numeric_date_at(std::string_view s, size_t start) {
    if (start > 0 && (is_digit(s[start - 1]) || s[start - 1] == '/' || s[start - 1] == '.')) {
        return std::nullopt;
    }
    imr::date d;
    size_t pos = start;
    size_t n = read_number(s, pos, 2, d.month);
    if (n == 0) return std::nullopt;
    pos += n;
    char separator = 0;
    for (int part = 0; part < 2; ++part) {
        skip_spaces(s, pos, 1);
        if (pos >= s.size() || (s[pos] != '/' && s[pos] != '-')) return std::nullopt;
        if (separator != 0 && s[pos] != separator) return std::nullopt;
        separator = s[pos++];
        skip_spaces(s, pos, 1);
        int value = 0;
        n = read_number(s, pos, part == 0 ? 2 : 4, value);
        if (n == 0 || (part == 1 && n != 2 && n != 4)) return std::nullopt;
        pos += n;
        if (part == 0) {
            d.day = value;
        } else {
            d.year = full_year(value, n);
        }
    }
    if (!valid(d)) return std::nullopt;
    return found_date{d, start, pos};
}

int month_from_name(std::string_view word) {
    static constexpr std::array<std::string_view, 12> names = {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    if (word.size() < 3) return 0;
    for (size_t i = 0; i < names.size(); ++i) {
        bool same = true;
        for (size_t k = 0; k < 3; ++k) {
            same = same && text::ascii_lower(word[k]) == names[i][k];
        }
        if (same) return static_cast<int>(i) + 1;
    }
    return 0;
}

// "January 5, 2012", "Jan. 5 2012", "Sept 30, 2014".
std::optional<found_date> named_date_at(std::string_view s, size_t start) {
    if (start > 0 && is_alpha(s[start - 1])) return std::nullopt;
    size_t pos = start;
    while (pos < s.size() && is_alpha(s[pos])) ++pos;
    const size_t word_length = pos - start;
    if (word_length < 3 || word_length > 9) return std::nullopt;
    imr::date d;
    d.month = month_from_name(s.substr(start, word_length));
    if (d.month == 0) return std::nullopt;
    if (pos < s.size() && s[pos] == '.') ++pos;
    skip_spaces(s, pos, 2);
    size_t n = read_number(s, pos, 2, d.day);
    if (n == 0) return std::nullopt;
    pos += n;
    if (pos + 1 < s.size() && (s.substr(pos, 2) == "st" || s.substr(pos, 2) == "nd" ||
                               s.substr(pos, 2) == "rd" || s.substr(pos, 2) == "th")) {
        pos += 2;
    }
    if (pos < s.size() && s[pos] == ',') ++pos;
    skip_spaces(s, pos, 2);
    n = read_number(s, pos, 4, d.year);
    if (n != 4 || !valid(d)) return std::nullopt;
    return found_date{d, start, pos + n};
}

}  // namespace

std::optional<found_date> find_date(std::string_view text, size_t from) {
    for (size_t i = from; i < text.size(); ++i) {
        const char c = text[i];
        if (is_digit(c)) {
            if (auto found = numeric_date_at(text, i)) return found;
            while (i + 1 < text.size() && is_digit(text[i + 1])) ++i;
        } else if (is_alpha(c) && (i == 0 || !is_alpha(text[i - 1]))) {
            if (auto found = named_date_at(text, i)) return found;
        }
    }
    return std::nullopt;
}

std::optional<found_date> date_at_start(std::string_view text) {
    size_t pos = 0;
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n')) ++pos;
    if (pos >= text.size()) return std::nullopt;
    if (is_digit(text[pos])) return numeric_date_at(text, pos);
    return named_date_at(text, pos);
}

}  // namespace imr::text
