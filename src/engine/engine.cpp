#include "imr/engine/engine.h"

#include <string>

#include "imr/classify/citation_reader.h"
#include "imr/classify/conclusion_reader.h"
#include "imr/classify/pattern_index.h"
#include "imr/classify/reason_reader.h"
#include "imr/classify/request_parts.h"
#include "imr/classify/treatment_classifier.h"
#include "imr/classify/treatment_details.h"
#include "imr/engine/plausibility.h"
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
          details(words),
          reasons(words) {}

    parse::credentials_reader credentials;
    parse::case_summary_reader case_summary;
    parse::item_splitter splitter;
    classify::treatment_classifier treatments;
    classify::treatment_reader details;
    classify::reason_reader reasons;
    classify::conclusion_reader conclusions;
};

engine::engine(const classify::vocabulary& words)
    : stages_(std::make_unique<const stages>(words)) {}
engine::~engine() = default;

namespace {

error over_budget(const cpu_deadline& deadline) {
    return {errc::too_complex, "the text went over the CPU time limit (" +
                                   std::to_string(deadline.budget().count()) + " ms)"};
}

}  // namespace

result<outcome> engine::classify_text(std::string_view raw) const {
    return classify_text(raw, cpu_deadline::unlimited());
}

result<outcome> engine::classify_text(std::string_view raw, const cpu_deadline& deadline) const {
    const std::string normalized = text::normalize(raw);
    if (deadline.passed()) return over_budget(deadline);
    const auto sections = parse::find_sections(normalized);
    if (!sections) {
        return {errc::not_a_determination, "no IMR determination markers found in the text"};
    }
    const bool notice = sections->layout == layout::notice_2013;
    const std::string flat_letter = notice ? text::flatten(normalized) : std::string();

    parse::split_items split = split_items(*sections, flat_letter);
    if (split.items.empty()) {
        return {errc::no_decisions_found, "the letter names no disputed item with a decision"};
    }
    if (deadline.passed()) return over_budget(deadline);

    outcome out;
    out.layout = sections->layout;
    parse::header_fields header = notice ? parse::read_notice_header(flat_letter)
                                         : parse::read_header_table(sections->header);
    out.case_number = std::move(header.case_number);
    out.dates = header.dates;
    out.priority = header.priority;
    out.reviewer = stages_->credentials.read(sections->credentials);
    out.warnings = std::move(split.warnings);
    read_case_summary(sections->case_summary, split.items, out);

    if (!settle_decisions(split.items, out.warnings)) {
        return {errc::decision_unreadable,
                "an item's decision word is unreadable and its rationale does not conclude"};
    }

    out.items.reserve(split.items.size());
    for (size_t i = 0; i < split.items.size(); ++i) {
        if (deadline.passed()) return over_budget(deadline);
        bool guessed = false;
        auto classified = classify_item(std::move(split.items[i]), guessed, deadline);
        if (!classified) return over_budget(deadline);
        out.items.push_back(std::move(*classified));
        const std::string number = std::to_string(i + 1);
        if (guessed) out.warnings.push_back("category_guessed:item=" + number);
        // An upheld item always has a reason; none read means the rationale's wording
        // escaped the vocabulary.
        if (out.items.back().reasons.empty())
            out.warnings.push_back("reasons_unread:item=" + number);
    }
    if (deadline.passed()) return over_budget(deadline);
    out.summary = summarize(out.items);
    add_missing_field_warnings(out);
    for (auto& warning : plausibility_warnings(normalized, out.items)) {
        out.warnings.push_back(std::move(warning));
    }
    return out;
}

void engine::read_case_summary(std::string_view section, const std::vector<parse::raw_item>& items,
                               outcome& out) const {
    // The requests name body regions too ("MRI of the left knee").
    std::string requests;
    for (const auto& item : items) requests += item.request + ". ";
    auto summary = stages_->case_summary.read(text::flatten(section), requests);
    out.patient = std::move(summary.patient);
    // The header table's date of injury wins; letters without one state it in the summary.
    if (!out.dates.injury) out.dates.injury = summary.injury_date;
}

std::optional<item> engine::classify_item(parse::raw_item&& raw, bool& guessed,
                                          const cpu_deadline& deadline) const {
    const classify::request_parts parts = classify::split_request(raw.request);
    const classify::treatment_class treatment = stages_->treatments.classify(parts.service);
    guessed = treatment.guessed;

    item value;
    // The details describe the disputed part of the request, without its qualifiers.
    const std::string disputed =
        classify::split_request(classify::disputed_request(raw.request, parts.modified)).service;
    value.treatment = stages_->details.read(disputed, treatment.category);
    value.request = std::move(raw.request);
    value.decision = raw.decision;
    value.category = std::string(treatment.category);
    value.subcategory = std::string(treatment.subcategory);
    value.modified = parts.modified;
    value.qualifiers = parts.qualifiers;
    value.claims_administrator = classify::read_citations(raw.claims_administrator_citation);
    value.reviewer =
        classify::read_reviewer_citations(raw.reviewer_citation, value.claims_administrator);
    // Rationales of overturned items quote what guidelines do not recommend before
    // concluding the opposite: their reason is the decision itself.
    if (value.decision == decision::overturned) {
        value.reasons = {"medically_necessary"};
        return value;
    }
    auto reasons = stages_->reasons.read(raw.rationale, value.category + '/' + value.subcategory,
                                         value.request, deadline);
    if (!reasons) return std::nullopt;
    value.reasons = std::move(*reasons);
    return value;
}

parse::split_items engine::split_items(const parse::letter_sections& sections,
                                       std::string_view flat_letter) const {
    if (sections.layout == layout::notice_2013) return stages_->splitter.split_notice(flat_letter);
    if (sections.layout != layout::professional_review)
        return stages_->splitter.split_fdl(sections.decisions);
    parse::split_items split = stages_->splitter.split_professional(
        sections.issues, sections.decisions, sections.guidelines);
    if (split.items.size() > 1) {
        auto parts = stages_->conclusions.split(split.items.front().rationale, split.items.size());
        for (size_t i = 0; i < parts.size(); ++i) split.items[i].rationale = std::move(parts[i]);
    }
    return split;
}

bool engine::settle_decisions(std::vector<parse::raw_item>& items,
                              std::vector<std::string>& warnings) const {
    for (size_t i = 0; i < items.size(); ++i) {
        const std::string number = std::to_string(i + 1);
        const auto concluded = stages_->conclusions.read(items[i].rationale);
        if (!items[i].decision_read) {
            if (!concluded) return false;
            items[i].decision = *concluded;
            warnings.push_back("decision_from_rationale:item=" + number);
        } else if (concluded && *concluded != items[i].decision) {
            warnings.push_back("decision_conflicts_rationale:item=" + number);
        }
    }
    return true;
}

void engine::add_missing_field_warnings(outcome& out) {
    if (!out.patient.age) out.warnings.emplace_back("patient_age_not_found");
    if (!out.patient.sex) out.warnings.emplace_back("patient_sex_not_found");
    if (!out.dates.injury) out.warnings.emplace_back("injury_date_not_found");
    if (out.reviewer.licensed_states.empty())
        out.warnings.emplace_back("reviewer_states_not_found");
    if (out.reviewer.specialties.empty())
        out.warnings.emplace_back("reviewer_specialties_not_found");
}

}  // namespace imr
