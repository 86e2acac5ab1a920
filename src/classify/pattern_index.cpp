#include "imr/classify/pattern_index.h"

#include <algorithm>
#include <stdexcept>

#include "imr/classify/regex.h"

namespace imr::classify {

std::string without_captures(std::string_view pattern) {
    return rewrite_syntax(pattern, [&](size_t at, std::string& out) -> size_t {
        if (pattern[at] != '(') return 0;
        if (at + 1 >= pattern.size() || pattern[at + 1] != '?') {
            out += "(?:";
            return 1;
        }
        const size_t close = pattern.find('>', at);
        if (pattern.substr(at, 4) != "(?P<" || close == std::string_view::npos) return 0;
        out += "(?:";  // drop the name: a named group captures too
        return close + 1 - at;
    });
}

namespace {

void add_pattern(RE2::Set& set, const coded_pattern& entry) {
    std::string error;
    if (set.Add(entry.pattern, &error) < 0) {
        throw std::runtime_error("pattern for " + entry.code + ": " + error);
    }
}

// Lists a code once: several patterns may share it.
void add_distinct(std::vector<std::string>& out, const std::string& code) {
    if (std::find(out.begin(), out.end(), code) == out.end()) out.push_back(code);
}

// Every list's patterns, list after list.
std::vector<std::string> patterns_of(const std::vector<std::vector<coded_pattern>>& groups) {
    std::vector<std::string> patterns;
    for (const auto& group : groups) {
        for (const auto& entry : group) patterns.push_back(entry.pattern);
    }
    return patterns;
}

}  // namespace

pattern_index::pattern_index(const std::vector<coded_pattern>& patterns)
    : set_(std::make_unique<RE2::Set>(case_insensitive_options(), RE2::UNANCHORED)) {
    std::string combined;
    for (const auto& entry : patterns) {
        add_pattern(*set_, entry);
        codes_.push_back(entry.code);
        if (!combined.empty()) combined += '|';
        combined += '(' + without_captures(entry.pattern) + ')';
    }
    if (!set_->Compile()) throw std::runtime_error("pattern set too large");
    scanner_ = compile_pattern(combined.empty() ? std::string("(\\b\\B)") : combined);
    anchored_ = std::make_unique<RE2::Set>(case_insensitive_options(), RE2::ANCHOR_BOTH);
    for (const auto& entry : patterns) {
        std::string error;
        anchored_->Add(entry.pattern, &error);
    }
    if (!anchored_->Compile()) throw std::runtime_error("pattern set too large");
}

std::vector<std::string> pattern_index::matching_codes(std::string_view text) const {
    std::vector<int> hits;
    std::vector<std::string> codes;
    if (codes_.empty() || !set_match(*set_, text, &hits)) return codes;
    std::sort(hits.begin(), hits.end());
    for (const int hit : hits) add_distinct(codes, codes_[static_cast<size_t>(hit)]);
    return codes;
}

std::string_view pattern_index::first_code(std::string_view text) const {
    std::vector<int> hits;
    if (codes_.empty() || !set_match(*set_, text, &hits) || hits.empty()) return {};
    return codes_[static_cast<size_t>(*std::min_element(hits.begin(), hits.end()))];
}

std::vector<std::string> pattern_index::codes_by_position(std::string_view text) const {
    std::vector<std::string> codes;
    if (codes_.empty()) return codes;
    // Asking for the whole match only lets RE2 stay on its DFAs; which pattern matched is
    // then decided on the matched text alone, anchored at both ends.
    re2::StringPiece match;
    std::vector<int> hits;
    size_t position = 0;
    while (position < text.size() &&
           scanner_->Match(text, position, text.size(), RE2::UNANCHORED, &match, 1)) {
        hits.clear();
        if (set_match(*anchored_, std::string_view(match.data(), match.size()), &hits) &&
            !hits.empty()) {
            add_distinct(codes,
                         codes_[static_cast<size_t>(*std::min_element(hits.begin(), hits.end()))]);
        }
        const size_t end = static_cast<size_t>(match.data() - text.data()) + match.size();
        position = std::max(end, position + 1);
    }
    return codes;
}

pattern_groups::pattern_groups(const std::vector<std::vector<coded_pattern>>& groups)
    : groups_(groups.size()), set_(patterns_of(groups)) {
    for (size_t group = 0; group < groups.size(); ++group) {
        for (const auto& entry : groups[group]) {
            codes_.push_back(entry.code);
            group_of_.push_back(group);
        }
    }
}

std::vector<std::vector<std::string>> pattern_groups::matching_codes(std::string_view text) const {
    std::vector<std::vector<std::string>> codes(groups_);
    // Patterns are numbered list after list, so ascending hits keep each list's order.
    for (const int hit : set_.matches(text)) {
        const auto pattern = static_cast<size_t>(hit);
        add_distinct(codes[group_of_[pattern]], codes_[pattern]);
    }
    return codes;
}

}  // namespace imr::classify
