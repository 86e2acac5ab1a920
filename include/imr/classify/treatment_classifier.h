#pragma once

#include <re2/re2.h>
#include <re2/set.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "imr/classify/vocabulary.h"

namespace imr::classify {

struct treatment_class {
    std::string_view category;
    std::string_view subcategory;
    bool guessed = false;  // no rule or drug matched: reported as other/other with a warning
};

// Maps a service ("Norco 10/325mg #60", "MRI of the lumbar spine") to the DWC treatment
// taxonomy: ordered service rules, then the drug lexicon with the topical rules, then
// fallback rules. Built once from the vocabulary; const and thread-safe afterwards.
class treatment_classifier {
  public:
    explicit treatment_classifier(const vocabulary& words);
    treatment_classifier(const treatment_classifier&) = delete;
    treatment_classifier& operator=(const treatment_classifier&) = delete;

    [[nodiscard]] treatment_class classify(std::string_view service) const;

  private:
    struct rule_set {
        std::unique_ptr<RE2::Set> patterns;
        std::vector<std::pair<std::string, std::string>> classes;  // category, subcategory
    };
    struct name_info {
        std::string subcategory;  // empty when only a topical ingredient
        bool topical_known = false;
        topical_kind topical = topical_kind::approved;
    };

    static rule_set compile_rules(const std::vector<coded_pattern>& rules, std::string_view kind);
    static const std::pair<std::string, std::string>* first_match(const rule_set& rules,
                                                                  std::string_view text);
    [[nodiscard]] std::optional<treatment_class> classify_drug(std::string_view service) const;

    rule_set service_rules_;
    rule_set fallback_rules_;
    std::unordered_map<std::string, name_info> names_;
    std::unique_ptr<RE2> name_pattern_;
    std::unique_ptr<RE2> topical_form_;
};

}  // namespace imr::classify
