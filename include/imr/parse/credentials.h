#pragma once

#include <string_view>
#include <vector>

#include "imr/classify/vocabulary.h"
#include "imr/core/outcome.h"

namespace imr::parse {

// Reads the reviewer's licensure and specialties, either from the labelled lines of
// 2015+ letters ("State(s) of Licensure:", "Certification(s)/Specialty:") or from the
// prose of older ones ("Board Certified in X, has a subspecialty in Y and is licensed to
// practice in Texas and Oklahoma"). States come back as USPS codes, in letter order.
class credentials_reader {
  public:
    explicit credentials_reader(const std::vector<classify::state_entry>& states);

    [[nodiscard]] reviewer_credentials read(std::string_view credentials_section) const;

  private:
    [[nodiscard]] std::vector<std::string> state_codes(std::string_view list) const;

    std::vector<classify::state_entry> states_;
};

}  // namespace imr::parse
