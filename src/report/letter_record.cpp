#include "imr/report/letter_record.h"

#include <simdjson.h>

namespace imr::report {
namespace {

using simdjson::dom::element;

std::optional<std::string> string_at(element parent, std::string_view key) {
    std::string_view value;
    if (parent[key].get(value) != simdjson::SUCCESS) return std::nullopt;
    return std::string(value);
}

std::vector<std::string> strings_at(element parent, std::string_view key) {
    std::vector<std::string> out;
    simdjson::dom::array list;
    if (parent[key].get(list) != simdjson::SUCCESS) return out;
    for (const element entry : list) {
        std::string_view value;
        if (entry.get(value) == simdjson::SUCCESS) out.emplace_back(value);
    }
    return out;
}

std::optional<int64_t> integer_at(element parent, std::string_view key) {
    int64_t value = 0;
    if (parent[key].get(value) != simdjson::SUCCESS) return std::nullopt;
    return value;
}

item_record read_item(element item) {
    item_record out;
    out.category = string_at(item, "category").value_or("other");
    out.subcategory = string_at(item, "subcategory").value_or("other");
    out.overturned = string_at(item, "decision") == "overturned";
    element modification;
    out.partially_authorized =
        item["modification"].get(modification) == simdjson::SUCCESS && modification.is_object();
    element sources;
    if (item["guideline_sources"].get(sources) == simdjson::SUCCESS) {
        out.claims_administrator_sources = strings_at(sources, "claims_administrator");
        out.reviewer_sources = strings_at(sources, "reviewer");
    }
    out.reasons = strings_at(item, "reasons");
    element treatment;
    if (item["treatment"].get(treatment) == simdjson::SUCCESS && treatment.is_object()) {
        out.sessions = integer_at(treatment, "sessions");
        element drug;
        if (treatment["drug"].get(drug) == simdjson::SUCCESS && drug.is_object()) {
            out.ingredients = strings_at(drug, "ingredients");
        }
    }
    return out;
}

std::optional<source_position> read_source(element record) {
    element source;
    if (record["source"].get(source) != simdjson::SUCCESS) return std::nullopt;
    auto topic = string_at(source, "topic");
    auto partition = integer_at(source, "partition");
    auto offset = integer_at(source, "offset");
    if (!topic || !partition || !offset) return std::nullopt;
    return source_position{std::move(*topic), *partition, *offset};
}

letter_record read_letter(element record) {
    letter_record out;
    out.case_number = string_at(record, "case_number");
    out.source = read_source(record);
    element dates;
    if (record["dates"].get(dates) == simdjson::SUCCESS) {
        out.decision_date = string_at(dates, "decision");
        out.assigned_date = string_at(dates, "assigned");
    }
    element reviewer;
    if (record["reviewer"].get(reviewer) == simdjson::SUCCESS) {
        out.specialties = strings_at(reviewer, "specialties");
    }
    for (auto& warning : strings_at(record, "warnings")) {
        out.warning_codes.push_back(warning.substr(0, warning.find(':')));
    }
    simdjson::dom::array items;
    if (record["items"].get(items) == simdjson::SUCCESS) {
        for (const element item : items) out.items.push_back(read_item(item));
    }
    return out;
}

}  // namespace

struct letter_record_reader::parser_state {
    simdjson::dom::parser parser;
};

letter_record_reader::letter_record_reader() : state_(std::make_unique<parser_state>()) {}
letter_record_reader::~letter_record_reader() = default;

parsed_line letter_record_reader::read(std::string_view line) {
    parsed_line out;
    element record;
    if (state_->parser.parse(line.data(), line.size()).get(record) != simdjson::SUCCESS ||
        !record.is_object()) {
        out.error_code = "not_json";
        return out;
    }
    const auto kind = string_at(record, "kind");
    if (kind == "error") {
        out.what = parsed_line::kind::error_record;
        element error;
        if (record["error"].get(error) == simdjson::SUCCESS) {
            out.error_code = string_at(error, "code").value_or("unknown");
        } else {
            out.error_code = "unknown";
        }
        return out;
    }
    if (kind != "outcome") {
        out.error_code = "not_a_record";
        return out;
    }
    out.what = parsed_line::kind::outcome;
    out.letter = read_letter(record);
    return out;
}

}  // namespace imr::report
