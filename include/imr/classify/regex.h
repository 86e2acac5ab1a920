#pragma once

#include <re2/re2.h>
#include <re2/set.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace imr::classify {

// RE2 options used by every vocabulary pattern: case-insensitive, UTF-8, quiet (a bad
// pattern is reported by the caller with its origin), with room for large alternations.
[[nodiscard]] RE2::Options case_insensitive_options();

// Compiles or throws std::runtime_error with RE2's message: patterns are start-up data.
[[nodiscard]] std::unique_ptr<RE2> compile_pattern(
    std::string_view pattern, const RE2::Options& options = case_insensitive_options());

// RE2::Set::Match answers false both for "nothing matched" and for a failure (its DFA
// out of memory on a large text): a failure must never pass for "no pattern applies".
class match_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Throws match_error when `matched` is false because matching failed.
void check_set_match(bool matched, const RE2::Set::ErrorInfo& info);

// RE2::Set::Match that throws match_error instead of reporting a failure as no match.
[[nodiscard]] bool set_match(const RE2::Set& set, std::string_view text, std::vector<int>* hits);

// Where an escape ("\\{") or a character class ("[^.;]", "[]a]", "[[:digit:]x]") that starts at
// pattern[at] ends, or `at` if neither starts there: rewriting a pattern's syntax must copy these
// whole.
[[nodiscard]] size_t end_of_escape_or_class(std::string_view pattern, size_t at);

// A copy of pattern in which `rewrite(at, out)` may replace the syntax at pattern[at]
// (never inside an escape or a character class): it appends to out and returns how many
// characters of the pattern it stands for, or returns 0 to have pattern[at] copied.
template <typename Rewrite>
[[nodiscard]] std::string rewrite_syntax(std::string_view pattern, Rewrite rewrite) {
    std::string out;
    out.reserve(pattern.size() + 16);
    for (size_t i = 0; i < pattern.size();) {
        const size_t literal_end = end_of_escape_or_class(pattern, i);
        if (literal_end > i) {
            out.append(pattern.substr(i, literal_end - i));
            i = literal_end;
        } else if (const size_t consumed = rewrite(i, out); consumed > 0) {
            i += consumed;
        } else {
            out += pattern[i++];
        }
    }
    return out;
}

// The top-level alternatives of pattern ("a|b(c|d)" gives "a" and "b(c|d)"); the pattern
// whole if it sets flags ("(?i)..."), which would then apply to the first one only.
[[nodiscard]] std::vector<std::string> top_level_alternatives(std::string_view pattern);

// `\b(?:a|b|c)\b` over literal words, each escaped; multi-word names keep their spaces.
[[nodiscard]] std::string word_alternation(const std::vector<std::string>& words);

// The word alternation of names, compiled with the longest name first, so that "voltaren
// gel" wins over "voltaren" where both start.
[[nodiscard]] std::unique_ptr<RE2> longest_first_pattern(std::vector<std::string> names);

}  // namespace imr::classify
