#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "imr/classify/pattern_index.h"
#include "imr/classify/vocabulary.h"
#include "imr/core/cpu_deadline.h"

namespace imr::classify {

// One sentence of a rationale; `quoted` when it starts inside quotation marks (a
// guideline passage the reviewer quotes).
struct sentence {
    std::string_view text;
    bool quoted = false;
};

// The longest sentence: a longer run without a sentence end (a table, a list, text without
// full stops) is cut at its last space before this length, then again. A sentence is read by
// every pattern whose words it holds, so one of megabytes would hold a worker for seconds in
// one search, past any CPU budget; no prose sentence comes near it.
inline constexpr size_t max_sentence_bytes = 4096;

// Sentences of flattened text: ends at '.', '?' or '!' (after closing quotes or
// parentheses) before a capital, a quote or a digit, except after abbreviations; none longer
// than max_sentence_bytes.
[[nodiscard]] std::vector<sentence> split_sentences(std::string_view text);

// Splices the named terms into every pattern: "{NEG}" reads as the negation term.
[[nodiscard]] std::vector<coded_pattern> with_terms(std::vector<coded_pattern> patterns,
                                                    const std::vector<coded_pattern>& terms);

// Reads the reason codes a decision rationale gives, sentence by sentence
// (data/vocabulary/reasons.tsv):
//   - `reason_scope aside` sentences give nothing (citation lines, conclusions, asides
//     about other treatments);
//   - a guideline statement (quoted, or `reason_scope guideline` without `case`) gives
//     only the `reason_rule` codes: a guideline line counts when it rules the treatment
//     out itself, never for the findings it lists as criteria;
//   - a statement about the case gives `reason` and `reason_rule` codes;
//   - a generic code (`reason_generic`) counts only from a sentence that gives no
//     specific one and is not a `condition` ("not recommended unless ...");
//   - `reason_not CODE PATTERN`: a sentence that matches never gives CODE (a guideline's
//     "does not recommend X for migraine" is no missing migraine);
//   - `reason_accompanying CODE PATTERN`: on an item whose request matches (an associated
//     surgical service, an assistant surgeon, post-operative care), CODE judges the main
//     service, so it reads as `depends_on_denied_service`;
//   - `reason_override A B`: an item with A loses B;
//   - codes come out in the order of the `reason_code` lines;
//   - `reason_only CODE PATTERN`: CODE only for a treatment ("category/subcategory") that
//     matches (a compound's ingredients are a reason for compounds only).
// Built once; const and thread-safe afterwards.
class reason_reader {
  public:
    explicit reason_reader(const vocabulary& words);

    // `treatment` is the item's "category/subcategory", `request` its request as written.
    [[nodiscard]] std::vector<std::string> read(std::string_view rationale,
                                                std::string_view treatment = {},
                                                std::string_view request = {}) const;

    // As above, but nullopt, never a partial answer, once `deadline` has passed: it is looked
    // at before the first sentence and after every deadline_check_bytes of sentences read.
    [[nodiscard]] std::optional<std::vector<std::string>> read(std::string_view rationale,
                                                               std::string_view treatment,
                                                               std::string_view request,
                                                               const cpu_deadline& deadline) const;

    // Text read between two looks at the deadline: a few sentences, a few milliseconds at
    // the reader's slowest (sentences dense with reason words), while a look costs a
    // system call.
    static constexpr size_t deadline_check_bytes = 4096;

  private:
    struct sentence_codes {
        std::vector<std::string> scopes;
        std::vector<std::string> rules;
        std::vector<std::string> cases;
        std::vector<std::string> vetoes;
    };
    [[nodiscard]] sentence_codes read_sentence(std::string_view text) const;
    [[nodiscard]] bool generic(const std::string& code) const;

    // Scopes, rule codes, case codes and vetoes, read in one pass over each sentence.
    pattern_groups sentence_codes_;
    std::vector<std::string> generic_;
    std::vector<coded_pattern> overrides_;
    std::vector<std::string> order_;
    std::vector<std::pair<std::string, std::unique_ptr<RE2>>> treatments_;
    std::vector<std::pair<std::string, std::unique_ptr<RE2>>> accompanying_;
};

}  // namespace imr::classify
