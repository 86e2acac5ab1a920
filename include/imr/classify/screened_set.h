#pragma once

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace imr::classify {

// Many case-insensitive patterns, each asked whether it matches a short text (a sentence).
//
// One RE2::Set of them all answers in one pass, but its DFA's states are combinations of
// every pattern's partial matches, and bounded gaps ("[^.;]{0,90}" between a negation and
// what it negates) add a state per distance since each open gap. Nearly every byte of a
// sentence the set has not read before reaches a state never built, so a service that reads
// each letter once builds DFA states all the time (27 times slower than on letters read
// before, bench BM_ClassifyUnseenText) and even on familiar letters misses the cache.
//
// So, in three steps, each with few states:
//   1. the words each pattern requires (RE2's prefilter atoms, lower-cased literals) are
//      searched in one pass of a literal set;
//   2. only patterns whose required words occur are searched, one by one, with their
//      bounded repetitions made unbounded ("[^.;]*": one state whatever the distance),
//      which matches whatever the exact pattern matches;
//   3. those that match are confirmed with the exact pattern.
// The answer is the exact patterns' answer: a pattern whose words are absent cannot match.
//
// Built once; const and thread-safe afterwards.
class screened_set {
  public:
    // Throws std::runtime_error naming the pattern that does not compile.
    explicit screened_set(const std::vector<std::string>& patterns);
    ~screened_set();
    screened_set(screened_set&&) noexcept;
    screened_set& operator=(screened_set&&) noexcept;

    // Indices of the patterns that match somewhere in text, ascending.
    [[nodiscard]] std::vector<int> matches(std::string_view text) const;

  private:
    // A pattern enters as up to two entries: its alternatives without bounded repetitions,
    // and the others, so that only the latter need confirming.
    void add_entry(const std::string& pattern, size_t owner, std::string part);

    std::unique_ptr<re2::FilteredRE2> filter_;  // the entries without upper bounds
    std::unique_ptr<RE2::Set> words_;           // their required words; null if none
    std::vector<std::unique_ptr<RE2>> exact_;   // per entry; null when unbounded is exact
    std::vector<size_t> owner_;                 // per entry, its pattern
};

// The pattern with every bounded repetition "{m,n}" made unbounded ("{m,}", "*" for m = 0):
// it matches whatever the pattern matches.
[[nodiscard]] std::string without_upper_bounds(std::string_view pattern);

}  // namespace imr::classify
