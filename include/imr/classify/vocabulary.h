#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "imr/core/error.h"

namespace imr::classify {

// A pattern that maps to a code, e.g. a treatment rule or a reason.
struct coded_pattern {
    std::string code;     // "rehabilitation/acupuncture", "no_red_flags", "lumbar_spine", ...
    std::string pattern;  // RE2 syntax, matched case-insensitively
};

enum class topical_kind { approved, compound_only, compound_brand };

struct drug_entry {
    std::string name;         // lower case, as it appears in requests
    std::string subcategory;  // pharmaceuticals subcategory
};

struct topical_entry {
    std::string name;
    topical_kind kind;
};

// A drug name ("norco", "terocin patch", "diclofenac sodium") and the generic active
// ingredients it stands for (["acetaminophen", "hydrocodone"]), or ["unknown"].
struct ingredient_entry {
    std::string name;
    std::vector<std::string> ingredients;
};

struct state_entry {
    std::string code;  // USPS
    std::string name;
};

// Everything the engine knows about words, loaded once at start from tab-separated
// files (data/vocabulary/*.tsv). Lines are `kind<TAB>key<TAB>value`; `#` starts a
// comment. Order is meaningful where first-match-wins applies.
struct vocabulary {
    std::vector<coded_pattern> service_rules;   // tried before the drug lexicon
    std::vector<coded_pattern> fallback_rules;  // tried after it
    std::vector<drug_entry> drugs;
    std::vector<topical_entry> topicals;
    std::vector<ingredient_entry> ingredients;
    std::vector<coded_pattern> body_regions;
    std::vector<coded_pattern> mechanisms;
    std::vector<coded_pattern> reasons;            // stated about the case (`reason`)
    std::vector<coded_pattern> reason_rules;       // also when a guideline says it (`reason_rule`)
    std::vector<coded_pattern> reason_scopes;      // guideline, case, aside, condition
    std::vector<std::string> generic_reasons;      // lose to a specific code of the same sentence
    std::vector<coded_pattern> reason_overrides;   // code -> the code it removes from the item
    std::vector<coded_pattern> reason_terms;       // {NAME} in reason patterns -> this pattern
    std::vector<coded_pattern> reason_treatments;  // code -> the treatments it can apply to
    std::vector<coded_pattern> reason_vetoes;      // code -> sentences that never give it
    std::vector<coded_pattern> reason_accompanying;  // code -> requests of a dependent item
    std::vector<std::string> reason_codes;           // every reason code, in reporting order
    std::vector<state_entry> states;
};

// Adds the entries of one TSV text to `into`. `origin` names the text in errors.
// Throws std::runtime_error naming the file and line of a malformed entry: a bad
// vocabulary is a start-up failure, never a per-document one.
void parse_vocabulary(std::string_view tsv, std::string_view origin, vocabulary& into);

// The vocabulary compiled into the binary from data/vocabulary/.
[[nodiscard]] vocabulary builtin_vocabulary();

// Every *.tsv file of a directory, in name order (to replace the built-in one).
[[nodiscard]] vocabulary load_vocabulary(const std::filesystem::path& directory);

}  // namespace imr::classify
