#pragma once

#include <re2/re2.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "imr/core/outcome.h"

namespace imr::parse {

// One disputed item as the letter lays it out, before classification. Texts are
// flattened (line structure folded into spaces).
struct raw_item {
    std::string request;
    imr::decision decision = decision::upheld;
    // False when the decision word is unreadable ("Overtruned", "xUpheld"): the item is
    // kept, and its decision must come from the rationale's conclusion.
    bool decision_read = true;
    std::string claims_administrator_citation;
    std::string reviewer_citation;
    std::string rationale;
};

struct split_items {
    std::vector<raw_item> items;
    std::vector<std::string> warnings;
};

// Where a decision line is in a decisions section.
struct decision_anchor {
    size_t colon;  // the ':' (or "is") before the decision word
    size_t end;    // end of the decision line
    imr::decision value;
    bool read;  // false when the word was unreadable
};

// Finds the items of a letter's decisions section. For the final determination letters
// an item is "<request>: Upheld|Overturned" followed by the citation and rationale
// blocks; the request is recovered by walking back from the decision over wrapped
// lines and page breaks, stopping at the previous sentence end or paragraph break
// (and keeping the sentences of a partially authorized request together). A decision
// word that cannot be read still marks an item when the item's citation block follows
// it, so a typo never makes an item disappear.
// Built once; const and thread-safe afterwards.
class item_splitter {
  public:
    item_splitter();

    [[nodiscard]] split_items split_fdl(std::string_view decisions) const;
    [[nodiscard]] split_items split_notice(std::string_view flat_letter) const;
    // professional-review letters: one item per issue at dispute, each with the whole
    // rationale and the reviewer's guidelines; decisions are left unread (the rationale
    // concludes on each).
    [[nodiscard]] split_items split_professional(std::string_view issues,
                                                 std::string_view rationale,
                                                 std::string_view guidelines) const;

  private:
    void add_damaged_anchors(std::string_view decisions, size_t from,
                             std::vector<decision_anchor>& anchors) const;

    std::unique_ptr<RE2> decision_anchor_;
    std::unique_ptr<RE2> damaged_anchor_;  // a decision line whose word is unreadable
    std::unique_ptr<RE2> notice_item_;
};

}  // namespace imr::parse
