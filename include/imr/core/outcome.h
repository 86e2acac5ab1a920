#pragma once

// The classification of one letter: the in-memory form of schemas/outcome.schema.json.
// Field names follow the schema so the serializer is a plain walk over this tree.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace imr {

inline constexpr std::string_view schema_version = "1.0.0";

struct date {
    int year = 0;
    int month = 0;
    int day = 0;
    friend bool operator==(const date&, const date&) = default;
};

enum class layout { notice_2013, fdl_2014, fdl_2015, professional_review };
enum class decision { upheld, overturned };
enum class priority { standard, expedited };

// One guideline cited by one side, as precisely as the citation line allows.
struct guideline_citation {
    std::string source;  // MTUS | ODG | ACOEM | other
    std::string title;   // chapter or guideline title, e.g. "Low Back Complaints"
    std::optional<int> year;
    std::vector<std::string> sections;  // "Section(s): ..." entries
    std::vector<std::string> pages;     // "Page(s): ..." entries
    friend bool operator==(const guideline_citation&, const guideline_citation&) = default;
};

// What one side (claims administrator or expert reviewer) based its decision on.
struct guideline_basis {
    std::vector<std::string> sources;  // distinct sources, in the order first cited
    std::vector<guideline_citation> citations;
};

// A partially authorized request: what was asked, what the claims administrator
// allowed (absent when the whole original request stays IMR eligible), what IMR decided.
struct modification {
    std::string original;
    std::optional<std::string> authorized;
    std::string remaining;
};

// A medication request's details: generic active ingredients (sorted; ["unknown"] for a
// product whose ingredients cannot be told), the dispensed count and the refills.
struct drug_details {
    std::vector<std::string> ingredients;
    std::optional<int> quantity;
    std::optional<int> refills;
};

// Structured details read from the request text alone (see the corpus TREATMENT.md).
struct treatment_details {
    std::optional<drug_details> drug;       // only for pharmaceuticals
    std::optional<int> sessions;            // visits, sessions, treatments or an injection series
    std::vector<std::string> body_regions;  // region codes, in order of first mention
    std::optional<std::string> laterality;  // left | right | bilateral
};

struct item {
    std::string request;
    imr::decision decision = decision::upheld;
    std::string category;
    std::string subcategory;
    std::optional<modification> modified;
    std::vector<std::string>
        qualifiers;  // retrospective, associated_surgical_service, pre_op, post_op
    guideline_basis claims_administrator;
    guideline_basis reviewer;
    std::vector<std::string> reasons;  // reason codes, see docs in README
    treatment_details treatment;
};

struct reviewer_credentials {
    std::vector<std::string> licensed_states;  // USPS codes, letter order
    std::vector<std::string> specialties;      // as written
};

struct letter_dates {
    std::optional<date> assigned;
    std::optional<date> decision;
    std::optional<date> injury;
    std::optional<date> ur_denial;
    std::optional<date> application_received;
};

struct patient_summary {
    std::optional<int> age;
    std::optional<std::string> sex;               // male | female
    std::optional<std::string> injury_mechanism;  // controlled vocabulary code
    std::vector<std::string> diagnoses;           // as written in the case summary
    std::vector<std::string> body_regions;        // controlled vocabulary codes
};

struct outcome_summary {
    int items = 0;
    int upheld = 0;
    int overturned = 0;
    std::string outcome;  // upheld | overturned | partially_overturned
};

struct outcome {
    imr::layout layout = layout::fdl_2015;
    std::optional<std::string> case_number;
    letter_dates dates;
    std::optional<imr::priority> priority;
    reviewer_credentials reviewer;
    patient_summary patient;
    std::vector<item> items;
    outcome_summary summary;
    std::vector<std::string> warnings;  // what the parser had to guess; never letter text
};

[[nodiscard]] std::string_view to_string(layout value) noexcept;
[[nodiscard]] std::string_view to_string(decision value) noexcept;
[[nodiscard]] std::string_view to_string(priority value) noexcept;
[[nodiscard]] std::string to_iso(const date& value);

// Recomputes the summary from the items.
[[nodiscard]] outcome_summary summarize(const std::vector<item>& items);

}  // namespace imr
