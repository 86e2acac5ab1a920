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
    std::string claims_administrator_citation;
    std::string reviewer_citation;
    std::string rationale;
};

struct split_items {
    std::vector<raw_item> items;
    std::vector<std::string> warnings;
};

// Finds the items of a letter's decisions section. For the final determination letters
// an item is "<request>: Upheld|Overturned" followed by the citation and rationale
// blocks; the request is recovered by walking back from the decision over wrapped
// lines and page breaks, stopping at the previous sentence end or paragraph break
// (and keeping the sentences of a partially authorized request together).
// Built once; const and thread-safe afterwards.
class item_splitter {
  public:
    item_splitter();

    [[nodiscard]] split_items split_fdl(std::string_view decisions) const;
    [[nodiscard]] split_items split_notice(std::string_view flat_letter) const;

  private:
    std::unique_ptr<RE2> decision_anchor_;
    std::unique_ptr<RE2> notice_item_;
};

}  // namespace imr::parse
