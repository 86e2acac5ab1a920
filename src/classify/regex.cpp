#include "imr/classify/regex.h"

#include <algorithm>
#include <stdexcept>

namespace imr::classify {

RE2::Options case_insensitive_options() {
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    options.set_max_mem(int64_t{64} << 20);
    return options;
}

std::unique_ptr<RE2> compile_pattern(std::string_view pattern, const RE2::Options& options) {
    auto compiled =
        std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
    if (!compiled->ok()) {
        throw std::runtime_error("bad pattern \"" + std::string(pattern) +
                                 "\": " + compiled->error());
    }
    return compiled;
}

void check_set_match(bool matched, const RE2::Set::ErrorInfo& info) {
    if (matched || info.kind == RE2::Set::kNoError) return;
    switch (info.kind) {
        case RE2::Set::kOutOfMemory:
            throw match_error("pattern matching ran out of memory (RE2 DFA)");
        case RE2::Set::kNotCompiled:
            throw match_error("pattern set not compiled");
        default:
            throw match_error("pattern matching failed (RE2 error " + std::to_string(info.kind) +
                              ")");
    }
}

bool set_match(const RE2::Set& set, std::string_view text, std::vector<int>* hits) {
    RE2::Set::ErrorInfo info{RE2::Set::kNoError};
    const bool matched = set.Match(text, hits, &info);
    check_set_match(matched, info);
    return matched;
}

size_t end_of_escape_or_class(std::string_view pattern, size_t at) {
    if (pattern[at] == '\\') return std::min(at + 2, pattern.size());
    if (pattern[at] != '[') return at;
    size_t i = at + 1;
    if (i < pattern.size() && pattern[i] == '^') ++i;
    if (i < pattern.size() && pattern[i] == ']') ++i;  // "[]a]": a ']' first is a member
    for (; i < pattern.size(); ++i) {
        if (pattern[i] == '\\') {
            ++i;
        } else if (pattern.substr(i, 2) == "[:") {
            // A POSIX class ("[[:digit:]x]") holds a ']' of its own.
            const size_t close = pattern.find(":]", i + 2);
            if (close != std::string_view::npos) i = close + 1;
        } else if (pattern[i] == ']') {
            return i + 1;
        }
    }
    return pattern.size();
}

std::vector<std::string> top_level_alternatives(std::string_view pattern) {
    std::vector<std::string> alternatives;
    bool sets_flags = false;
    int depth = 0;
    std::string last = rewrite_syntax(pattern, [&](size_t at, std::string& out) -> size_t {
        const char c = pattern[at];
        if (c == '(') {
            ++depth;
            const std::string_view after = pattern.substr(at + 1, 2);
            sets_flags = sets_flags || (after.size() == 2 && after[0] == '?' && after[1] != ':' &&
                                        after[1] != 'P');
        } else if (c == ')') {
            --depth;
        } else if (c == '|' && depth == 0) {
            alternatives.push_back(std::move(out));
            out.clear();
            return 1;
        }
        return 0;
    });
    alternatives.push_back(std::move(last));
    if (sets_flags) return {std::string(pattern)};
    return alternatives;
}

std::string word_alternation(const std::vector<std::string>& words) {
    std::string pattern = R"(\b()";
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0) pattern += '|';
        pattern += RE2::QuoteMeta(words[i]);
    }
    pattern += R"()\b)";
    return pattern;
}

std::unique_ptr<RE2> longest_first_pattern(std::vector<std::string> names) {
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
        return a.size() != b.size() ? a.size() > b.size() : a < b;
    });
    return compile_pattern(word_alternation(names));
}

}  // namespace imr::classify
