#include "imr/classify/reason_reader.h"

#include <algorithm>
#include <array>

#include "imr/classify/regex.h"
#include "imr/text/search.h"

namespace imr::classify {
namespace {

constexpr std::string_view dependent_code = "depends_on_denied_service";

bool contains(const std::vector<std::string>& codes, std::string_view code) {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
}

bool is_quote(std::string_view text, size_t at, size_t& width) {
    width = 1;
    if (text[at] == '"') return true;
    // U+201C and U+201D
    if (text.substr(at, 2) == "\xE2\x80" && at + 2 < text.size() &&
        (text[at + 2] == '\x9C' || text[at + 2] == '\x9D')) {
        width = 3;
        return true;
    }
    return false;
}

// "Dr. Smith", "e.g. NSAIDs", "vs. placebo", "No. 2": a period that ends no sentence.
bool ends_abbreviation(std::string_view before) {
    static constexpr std::array<std::string_view, 9> abbreviations = {
        "dr", "mr", "mrs", "ms", "vs", "e.g", "i.e", "no", "approx"};
    size_t start = before.size();
    while (start > 0 && (text::is_alpha(before[start - 1]) || before[start - 1] == '.')) --start;
    const std::string word = text::to_lower(before.substr(start));
    return std::find(abbreviations.begin(), abbreviations.end(), word) != abbreviations.end();
}

bool starts_sentence(char c) {
    return text::is_upper(c) || text::is_digit(c) || c == '"' || c == '(' || c == '\xE2';
}

// Where to cut a run longer than max_sentence_bytes: at its last space within the limit,
// else at the limit, moved back to the start of a UTF-8 character.
size_t sentence_cut(std::string_view run) {
    const size_t space = run.rfind(' ', max_sentence_bytes);
    if (space != std::string_view::npos && space > 0) return space;
    size_t cut = max_sentence_bytes;
    while (cut > 1 && (static_cast<unsigned char>(run[cut]) & 0xC0) == 0x80) --cut;
    return cut;
}

void add_sentence(std::vector<sentence>& out, std::string_view piece, bool quoted) {
    piece = text::trim(piece);
    while (piece.size() > max_sentence_bytes) {
        const size_t cut = sentence_cut(piece);
        out.push_back({text::trim(piece.substr(0, cut)), quoted});
        piece = text::trim(piece.substr(cut));
    }
    if (!piece.empty()) out.push_back({piece, quoted});
}

}  // namespace

std::vector<coded_pattern> with_terms(std::vector<coded_pattern> patterns,
                                      const std::vector<coded_pattern>& terms) {
    for (auto& entry : patterns) {
        for (const auto& term : terms) {
            const std::string name = "{" + term.code + "}";
            for (size_t at = entry.pattern.find(name); at != std::string::npos;
                 at = entry.pattern.find(name, at + term.pattern.size())) {
                entry.pattern.replace(at, name.size(), term.pattern);
            }
        }
    }
    return patterns;
}

std::vector<sentence> split_sentences(std::string_view text) {
    std::vector<sentence> out;
    bool in_quote = false;
    bool start_quoted = false;
    size_t start = 0;
    const auto emit = [&](size_t end) {
        add_sentence(out, text.substr(start, end - start), start_quoted);
        start = end;
        start_quoted = in_quote;
    };
    // Sentence ends and quotation marks (ASCII, and the lead byte of U+201C and U+201D):
    // the bytes between them are skipped 16 at a time, as they made half of the reason
    // reader's cost.
    constexpr std::string_view stops = ".?!\"\xE2";
    for (size_t i = text::find_any_of(text, stops); i < text.size();
         i = text::find_any_of(text, stops, i + 1)) {
        size_t width = 1;
        if (is_quote(text, i, width)) {
            in_quote = !in_quote;
            i += width - 1;
            continue;
        }
        const char c = text[i];
        if (c != '.' && c != '?' && c != '!') continue;
        if (c == '.' && ends_abbreviation(text.substr(0, i))) continue;
        size_t end = i + 1;
        while (end < text.size()) {
            if (is_quote(text, end, width)) {
                in_quote = !in_quote;
                end += width;
            } else if (text[end] == ')') {
                ++end;
            } else {
                break;
            }
        }
        size_t next = end;
        while (next < text.size() && text[next] == ' ') ++next;
        if (next >= text.size()) break;
        // "page 111.The reviewer": a lost space still ends the sentence after a word.
        const bool spaced = next > end;
        if (!starts_sentence(text[next]) || (!spaced && !text::is_upper(text[next]))) {
            i = end - 1;
            continue;
        }
        emit(end);
        i = end - 1;
    }
    emit(text.size());
    return out;
}

reason_reader::reason_reader(const vocabulary& words)
    : sentence_codes_({with_terms(words.reason_scopes, words.reason_terms),
                       with_terms(words.reason_rules, words.reason_terms),
                       with_terms(words.reasons, words.reason_terms),
                       with_terms(words.reason_vetoes, words.reason_terms)}),
      generic_(words.generic_reasons),
      overrides_(words.reason_overrides),
      order_(words.reason_codes) {
    for (const auto& entry : words.reason_treatments) {
        treatments_.emplace_back(entry.code, compile_pattern(entry.pattern));
    }
    for (const auto& entry : words.reason_accompanying) {
        accompanying_.emplace_back(entry.code, compile_pattern(entry.pattern));
    }
}

reason_reader::sentence_codes reason_reader::read_sentence(std::string_view text) const {
    auto groups = sentence_codes_.matching_codes(text);
    return {std::move(groups[0]), std::move(groups[1]), std::move(groups[2]), std::move(groups[3])};
}

bool reason_reader::generic(const std::string& code) const {
    return contains(generic_, code);
}

std::vector<std::string> reason_reader::read(std::string_view rationale, std::string_view treatment,
                                             std::string_view request) const {
    return *read(rationale, treatment, request, cpu_deadline::unlimited());
}

std::optional<std::vector<std::string>> reason_reader::read(std::string_view rationale,
                                                            std::string_view treatment,
                                                            std::string_view request,
                                                            const cpu_deadline& deadline) const {
    std::vector<std::string> codes;
    size_t unchecked = deadline_check_bytes;  // look before the first sentence
    for (const sentence& s : split_sentences(rationale)) {
        if (unchecked >= deadline_check_bytes) {
            if (deadline.passed()) return std::nullopt;
            unchecked = 0;
        }
        unchecked += s.text.size();
        // Named references, not a structured binding: lambdas below capture them (C++20 as
        // clang 14 implements it cannot capture structured bindings).
        sentence_codes parts = read_sentence(s.text);
        const auto& scopes = parts.scopes;
        auto& found = parts.rules;
        const auto& vetoed = parts.vetoes;
        if (contains(scopes, "aside")) continue;
        const bool guideline =
            s.quoted || (contains(scopes, "guideline") && !contains(scopes, "case"));
        if (!guideline) {
            for (auto& code : parts.cases) {
                if (!contains(found, code)) found.push_back(std::move(code));
            }
        }
        found.erase(std::remove_if(found.begin(), found.end(),
                                   [&](const std::string& c) { return contains(vetoed, c); }),
                    found.end());
        const bool specific = std::any_of(found.begin(), found.end(),
                                          [&](const std::string& c) { return !generic(c); });
        for (auto& code : found) {
            if (generic(code) && (specific || (guideline && contains(scopes, "condition"))))
                continue;
            if (!contains(codes, code)) codes.push_back(std::move(code));
        }
    }
    // A code that judges the main service, read on an item that only accompanies it.
    for (const auto& [code, dependent] : accompanying_) {
        if (!contains(codes, code) || !RE2::PartialMatch(request, *dependent)) continue;
        codes.erase(std::remove(codes.begin(), codes.end(), code), codes.end());
        if (!contains(codes, dependent_code)) codes.emplace_back(dependent_code);
    }
    for (const auto& rule : overrides_) {
        if (!contains(codes, rule.code)) continue;
        codes.erase(std::remove(codes.begin(), codes.end(), rule.pattern), codes.end());
    }
    for (const auto& [code, allowed] : treatments_) {
        if (contains(codes, code) && !RE2::PartialMatch(treatment, *allowed)) {
            codes.erase(std::remove(codes.begin(), codes.end(), code), codes.end());
        }
    }
    const auto rank = [&](const std::string& code) {
        return std::find(order_.begin(), order_.end(), code) - order_.begin();
    };
    std::stable_sort(codes.begin(), codes.end(),
                     [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
    return codes;
}

}  // namespace imr::classify
