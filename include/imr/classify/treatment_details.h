#pragma once

#include <re2/re2.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "imr/classify/pattern_index.h"
#include "imr/classify/vocabulary.h"
#include "imr/core/outcome.h"

namespace imr::classify {

// The count grammar of request texts. Numbers may be digits or words ("twelve (12)"); a
// range ("6-12", "two to three") counts as its upper bound. Dates are ignored.

// Dispensed count of a drug: "#60", "# 60", "qty: 90", "60 tablets", "10mg (60)",
// "one container"; a count in grams, ounces or millilitres is not one ("#60 grams").
// Nothing is guessed: "Lidoderm 5%, 330" (a PDF typo for "#30") has no quantity.
[[nodiscard]] std::optional<int> read_quantity(std::string_view drug_text);

// "with 2 refills", "x3 refills", "refills: 1", "no refills" (0).
[[nodiscard]] std::optional<int> read_refills(std::string_view drug_text);

// Total visits of a service: "8 sessions", "twelve (12) visits", "2 times a week for 4
// weeks", "2x4", "1 to 2 times per week for 3 weeks", "daily for 4 weeks", "times 12",
// "#8"; counts joined by "and" add up. Null when the text states no count.
[[nodiscard]] std::optional<int> read_sessions(std::string_view service_text);

// "left", "right" or "bilateral" (said so, "both knees", or both sides named); RUE, LLE...
[[nodiscard]] std::optional<std::string> read_laterality(std::string_view text);

// Reads an item's structured treatment details from its request. Built once from the
// vocabulary (drug and topical names, ingredients.tsv, body regions); const and
// thread-safe afterwards.
class treatment_reader {
  public:
    explicit treatment_reader(const vocabulary& words);
    treatment_reader(const treatment_reader&) = delete;
    treatment_reader& operator=(const treatment_reader&) = delete;

    // `request` is the disputed part of the request (see disputed_request) without its
    // qualifiers; `category` the item's DWC category, which decides whether it is a drug
    // (pharmaceuticals) and whether its counts are sessions.
    [[nodiscard]] treatment_details read(std::string_view request, std::string_view category) const;

    // Generic ingredients named in a drug request, sorted; ["unknown"] when none is known.
    [[nodiscard]] std::vector<std::string> ingredients(std::string_view drug_text) const;

  private:
    // The drug text with every drug name blanked, so "Tylenol #3" is no quantity of 3.
    [[nodiscard]] std::string without_names(std::string_view text) const;

    std::unordered_map<std::string, std::vector<std::string>> names_;
    std::unique_ptr<RE2> name_pattern_;
    pattern_index regions_;
};

// The text a partially authorized item's details are read from: the remaining part of
// the request (or the original one when all of it stays IMR eligible).
[[nodiscard]] std::string_view disputed_request(std::string_view request,
                                                const std::optional<modification>& modified);

}  // namespace imr::classify
