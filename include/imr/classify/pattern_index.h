#pragma once

#include <re2/re2.h>
#include <re2/set.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "imr/classify/screened_set.h"
#include "imr/classify/vocabulary.h"

namespace imr::classify {

// A list of coded patterns searched together in one pass. Built once; const and
// thread-safe afterwards. Codes may repeat (several patterns for one code).
class pattern_index {
  public:
    explicit pattern_index(const std::vector<coded_pattern>& patterns);

    // Distinct codes of every pattern that matches, in list order.
    [[nodiscard]] std::vector<std::string> matching_codes(std::string_view text) const;

    // Code of the first pattern in list order that matches, or empty.
    [[nodiscard]] std::string_view first_code(std::string_view text) const;

    // Distinct codes in order of their first occurrence in the text.
    [[nodiscard]] std::vector<std::string> codes_by_position(std::string_view text) const;

  private:
    std::vector<std::string> codes_;
    std::unique_ptr<RE2::Set> set_;
    std::unique_ptr<RE2> scanner_;        // (p0)|(p1)|... with inner groups made non-capturing
    std::unique_ptr<RE2::Set> anchored_;  // the same patterns, to tell which one matched
};

// Several pattern lists searched together (one screened_set for all), each list answering
// as its own pattern_index::matching_codes would: the required words of all the lists are
// looked for in one pass. Built once; const and thread-safe afterwards.
class pattern_groups {
  public:
    explicit pattern_groups(const std::vector<std::vector<coded_pattern>>& groups);

    // For each list, in the order given: the distinct codes of its patterns that match,
    // in list order.
    [[nodiscard]] std::vector<std::vector<std::string>> matching_codes(std::string_view text) const;

  private:
    std::vector<std::string> codes_;
    std::vector<size_t> group_of_;  // per pattern of the set, its list
    size_t groups_ = 0;
    screened_set set_;
};

// Rewrites capturing groups as non-capturing ones, so patterns can be combined into
// one alternation whose group number identifies the pattern.
[[nodiscard]] std::string without_captures(std::string_view pattern);

}  // namespace imr::classify
