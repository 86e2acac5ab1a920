#pragma once

#include <re2/re2.h>

#include <memory>
#include <optional>
#include <string_view>

#include "imr/classify/pattern_index.h"
#include "imr/classify/vocabulary.h"
#include "imr/core/outcome.h"

namespace imr::parse {

struct case_summary_fields {
    patient_summary patient;
    std::optional<date> injury_date;
};

// Reads the clinical case summary: age and sex ("a 52-year-old male"), the date and
// mechanism of injury, the diagnoses as written, and the body regions mentioned.
// Built once; const and thread-safe afterwards.
class case_summary_reader {
  public:
    explicit case_summary_reader(const classify::vocabulary& words);

    // `flat_summary` is the flattened case summary; `requests` adds the items' own
    // words to the body-region search.
    [[nodiscard]] case_summary_fields read(std::string_view flat_summary,
                                           std::string_view requests) const;

  private:
    [[nodiscard]] std::optional<date> injury_date(std::string_view flat) const;
    [[nodiscard]] std::optional<std::string> mechanism(std::string_view flat) const;
    [[nodiscard]] std::vector<std::string> diagnoses(std::string_view flat) const;

    std::unique_ptr<RE2> age_sex_;
    std::unique_ptr<RE2> sex_only_;
    std::unique_ptr<RE2> injury_marker_;
    std::unique_ptr<RE2> diagnoses_;
    std::unique_ptr<RE2> mechanism_unknown_;
    classify::pattern_index regions_;
    classify::pattern_index mechanisms_;
};

}  // namespace imr::parse
