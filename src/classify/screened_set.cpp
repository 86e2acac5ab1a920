#include "imr/classify/screened_set.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "imr/classify/regex.h"

namespace imr::classify {

namespace {

// Length of a repetition "{m,n}" starting at pattern[at] ('{'), or 0 if there is none
// there ("{" alone, "{n}", "{m,}" are left as they are). Sets lower to "m".
size_t bounded_repetition(std::string_view pattern, size_t at, std::string_view* lower) {
    size_t i = at + 1;
    const auto digits = [&] {
        const size_t start = i;
        while (i < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[i]))) ++i;
        return pattern.substr(start, i - start);
    };
    *lower = digits();
    if (lower->empty() || i >= pattern.size() || pattern[i] != ',') return 0;
    ++i;
    if (digits().empty() || i >= pattern.size() || pattern[i] != '}') return 0;
    return i + 1 - at;
}

// Words shorter than this ("no", "of") occur in nearly every sentence and would screen
// nothing out; a pattern left without a longer required word is always searched.
constexpr int min_word_length = 3;

// Each pattern keeps its own DFA, grown from the text it meets and never shrunk (it is
// reset when full): this budget per pattern bounds the whole set. 4 MiB holds the largest
// reason pattern's program and searches within 15% of 64 MiB's speed on unseen sentences;
// 2 MiB takes twice as long; 1 MiB cannot compile the largest.
constexpr int64_t pattern_memory = int64_t{4} << 20;

RE2::Options pattern_options() {
    RE2::Options options = case_insensitive_options();
    options.set_max_mem(pattern_memory);
    return options;
}

// The required words as case-insensitive literals, searched in one pass: a set of literals
// has about as many DFA states as letters in its words, so it stays small and warm.
std::unique_ptr<RE2::Set> literal_set(const std::vector<std::string>& words) {
    if (words.empty()) return nullptr;
    auto set = std::make_unique<RE2::Set>(case_insensitive_options(), RE2::UNANCHORED);
    for (const auto& word : words) {
        std::string error;
        if (set->Add(RE2::QuoteMeta(word), &error) < 0) {
            throw std::runtime_error("required word: " + error);
        }
    }
    if (!set->Compile()) throw std::runtime_error("required-word set too large");
    return set;
}

// A pattern as at most two: its top-level alternatives without bounded repetitions, which
// need no confirmation, and those with them, confirmed with a smaller exact pattern.
std::vector<std::string> split_by_bounds(const std::string& pattern) {
    std::string unbounded;
    std::string bounded;
    for (const auto& alternative : top_level_alternatives(pattern)) {
        std::string& part = without_upper_bounds(alternative) == alternative ? unbounded : bounded;
        if (!part.empty()) part += '|';
        part += alternative;
    }
    std::vector<std::string> parts;
    for (auto* part : {&unbounded, &bounded}) {
        if (!part->empty()) parts.push_back(std::move(*part));
    }
    if (parts.empty()) parts.push_back(pattern);  // "" matches everywhere: keep it whole
    return parts;
}

}  // namespace

std::string without_upper_bounds(std::string_view pattern) {
    return rewrite_syntax(pattern, [&](size_t at, std::string& out) -> size_t {
        std::string_view lower;
        const size_t length = pattern[at] == '{' ? bounded_repetition(pattern, at, &lower) : 0;
        if (length > 0) out += lower == "0" ? std::string("*") : "{" + std::string(lower) + ",}";
        return length;
    });
}

screened_set::screened_set(const std::vector<std::string>& patterns)
    : filter_(std::make_unique<re2::FilteredRE2>(min_word_length)) {
    for (size_t index = 0; index < patterns.size(); ++index) {
        for (auto& part : split_by_bounds(patterns[index])) {
            add_entry(patterns[index], index, std::move(part));
        }
    }
    std::vector<std::string> words;
    if (!owner_.empty()) filter_->Compile(&words);
    words_ = literal_set(words);
}

void screened_set::add_entry(const std::string& pattern, size_t owner, std::string part) {
    const std::string screen = without_upper_bounds(part);
    int id = 0;
    if (filter_->Add(screen, pattern_options(), &id) != RE2::NoError) {
        (void)compile_pattern(pattern);  // throws with RE2's reason
        throw std::runtime_error("bad pattern \"" + pattern + "\" (too large?)");
    }
    exact_.push_back(screen == part ? nullptr : compile_pattern(part, pattern_options()));
    owner_.push_back(owner);
}

screened_set::~screened_set() = default;
screened_set::screened_set(screened_set&&) noexcept = default;
screened_set& screened_set::operator=(screened_set&&) noexcept = default;

std::vector<int> screened_set::matches(std::string_view text) const {
    std::vector<int> found;
    if (owner_.empty()) return found;
    std::vector<int> words;
    if (words_) (void)set_match(*words_, text, &words);
    const re2::StringPiece piece(text.data(), text.size());
    std::vector<int> entries;
    filter_->AllMatches(piece, words, &entries);
    for (const int entry : entries) {
        const auto& exact = exact_[static_cast<size_t>(entry)];
        if (exact && !RE2::PartialMatch(piece, *exact)) continue;
        found.push_back(static_cast<int>(owner_[static_cast<size_t>(entry)]));
    }
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    return found;
}

}  // namespace imr::classify
