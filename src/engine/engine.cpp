#include "imr/engine/engine.h"

#include <string>

#include "imr/classify/citation_reader.h"
#include "imr/classify/pattern_index.h"
#include "imr/classify/request_parts.h"
#include "imr/classify/treatment_classifier.h"
#include "imr/parse/case_summary.h"
#include "imr/parse/credentials.h"
#include "imr/parse/header_fields.h"
#include "imr/parse/item_splitter.h"
#include "imr/parse/letter_sections.h"
#include "imr/text/letter_text.h"

namespace imr {

struct engine::stages {
    explicit stages(const classify::vocabulary& words)
        : credentials(words.states),
          case_summary(words),
          treatments(words),
          reasons(words.reasons) {}

    parse::credentials_reader credentials;
    parse::case_summary_reader case_summary;
    parse::item_splitter splitter;
    classify::treatment_classifier treatments;
    classify::pattern_index reasons;
};

engine::engine(const classify::vocabulary& words)
    : stages_(std::make_unique<const stages>(words)) {}
engine::~engine() = default;

result<outcome> engine::classify_text(std::string_view raw) const {
    const std::string normalized = text::normalize(raw);
    const auto sections = parse::find_sections(normalized);
    if (!sections) {
        return {errc::not_a_determination, "no IMR determination markers found in the text"};
    }

    outcome out;
    out.layout = sections->layout;
    const bool notice = sections->layout == layout::notice_2013;
    const std::string flat_letter = notice ? text::flatten(normalized) : std::string();

    parse::header_fields header = notice ? parse::read_notice_header(flat_letter)
                                         : parse::read_header_table(sections->header);
    out.case_number = std::move(header.case_number);
    out.dates = header.dates;
    out.priority = header.priority;
    out.reviewer = stages_->credentials.read(sections->credentials);

    parse::split_items split = notice ? stages_->splitter.split_notice(flat_letter)
                                      : stages_->splitter.split_fdl(sections->decisions);
    if (split.items.empty()) {
        return {errc::no_decisions_found, "the letter names no disputed item with a decision"};
    }
    out.warnings = std::move(split.warnings);

    std::string requests;
    for (const auto& item : split.items) requests += item.request + ". ";
    auto summary = stages_->case_summary.read(text::flatten(sections->case_summary), requests);
    out.patient = std::move(summary.patient);
    if (!out.dates.injury) out.dates.injury = summary.injury_date;

    out.items.reserve(split.items.size());
    for (size_t i = 0; i < split.items.size(); ++i) {
        parse::raw_item& raw_item = split.items[i];
        const classify::request_parts parts = classify::split_request(raw_item.request);
        const classify::treatment_class treatment = stages_->treatments.classify(parts.service);

        item value;
        value.request = std::move(raw_item.request);
        value.decision = raw_item.decision;
        value.category = std::string(treatment.category);
        value.subcategory = std::string(treatment.subcategory);
        value.modified = parts.modified;
        value.qualifiers = parts.qualifiers;
        value.claims_administrator =
            classify::read_citations(raw_item.claims_administrator_citation);
        value.reviewer = classify::read_reviewer_citations(raw_item.reviewer_citation,
                                                           value.claims_administrator);
        if (value.decision == decision::overturned) {
            value.reasons = {"medically_necessary"};
        } else {
            value.reasons = stages_->reasons.matching_codes(raw_item.rationale);
        }
        if (treatment.guessed)
            out.warnings.push_back("category_guessed:item=" + std::to_string(i + 1));
        out.items.push_back(std::move(value));
    }

    out.summary = summarize(out.items);
    if (!out.patient.age) out.warnings.emplace_back("patient_age_not_found");
    if (!out.patient.sex) out.warnings.emplace_back("patient_sex_not_found");
    if (!out.dates.injury) out.warnings.emplace_back("injury_date_not_found");
    if (out.reviewer.licensed_states.empty())
        out.warnings.emplace_back("reviewer_states_not_found");
    if (out.reviewer.specialties.empty())
        out.warnings.emplace_back("reviewer_specialties_not_found");
    return out;
}

}  // namespace imr
