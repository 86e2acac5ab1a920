#include "imr/output/outcome_json.h"

#include "imr/output/json_writer.h"

namespace imr::output {
namespace {

void write_date(json_writer& w, std::string_view name, const std::optional<date>& value) {
    w.key(name);
    if (value) {
        w.value(to_iso(*value));
    } else {
        w.null();
    }
}

void write_source(json_writer& w, const source_info& source) {
    w.key("source").begin_object();
    if (source.file) w.key("file").value(*source.file);
    if (source.topic) w.key("topic").value(*source.topic);
    if (source.partition) w.key("partition").value(static_cast<int64_t>(*source.partition));
    if (source.offset) w.key("offset").value(*source.offset);
    if (source.timestamp_ms) w.key("timestamp_ms").value(*source.timestamp_ms);
    if (!source.format.empty()) w.key("format").value(source.format);
    w.key("bytes").value(static_cast<int64_t>(source.bytes));
    w.end_object();
    if (source.document_id) w.key("document_id").value(*source.document_id);
}

void write_basis(json_writer& w, const guideline_basis& basis) {
    w.begin_array();
    for (const auto& c : basis.citations) {
        w.begin_object();
        w.key("source").value(c.source);
        w.key("title").value(c.title);
        w.key("year").optional(c.year);
        w.key("sections").strings(c.sections);
        w.key("pages").strings(c.pages);
        w.end_object();
    }
    w.end_array();
}

void write_treatment(json_writer& w, const treatment_details& t) {
    w.key("treatment").begin_object();
    w.key("drug");
    if (t.drug) {
        w.begin_object();
        w.key("ingredients").strings(t.drug->ingredients);
        w.key("quantity").optional(t.drug->quantity);
        w.key("refills").optional(t.drug->refills);
        w.end_object();
    } else {
        w.null();
    }
    w.key("sessions").optional(t.sessions);
    w.key("body_regions").strings(t.body_regions);
    w.key("laterality").optional(t.laterality);
    w.end_object();
}

void write_item(json_writer& w, const item& i) {
    w.begin_object();
    w.key("request").value(i.request);
    w.key("decision").value(to_string(i.decision));
    w.key("medically_necessary").value(i.decision == decision::overturned);
    w.key("category").value(i.category);
    w.key("subcategory").value(i.subcategory);
    w.key("modification");
    if (i.modified) {
        w.begin_object();
        w.key("original").value(i.modified->original);
        w.key("authorized").optional(i.modified->authorized);
        w.key("remaining").value(i.modified->remaining);
        w.end_object();
    } else {
        w.null();
    }
    w.key("qualifiers").strings(i.qualifiers);
    w.key("guideline_sources").begin_object();
    w.key("claims_administrator").strings(i.claims_administrator.sources);
    w.key("reviewer").strings(i.reviewer.sources);
    w.end_object();
    w.key("guidelines").begin_object();
    w.key("claims_administrator");
    write_basis(w, i.claims_administrator);
    w.key("reviewer");
    write_basis(w, i.reviewer);
    w.end_object();
    w.key("reasons").strings(i.reasons);
    write_treatment(w, i.treatment);
    w.end_object();
}

// The envelope every record starts with: schema version, kind and source.
json_writer begin_record(std::string_view kind, const source_info& source) {
    json_writer w;
    w.begin_object();
    w.key("schema_version").value(schema_version);
    w.key("kind").value(kind);
    write_source(w, source);
    return w;
}

}  // namespace

std::string outcome_to_json(const outcome& value, const source_info& source) {
    json_writer w = begin_record("outcome", source);
    w.key("layout").value(to_string(value.layout));
    w.key("case_number").optional(value.case_number);
    w.key("dates").begin_object();
    write_date(w, "assigned", value.dates.assigned);
    write_date(w, "decision", value.dates.decision);
    write_date(w, "injury", value.dates.injury);
    write_date(w, "ur_denial", value.dates.ur_denial);
    write_date(w, "application_received", value.dates.application_received);
    w.end_object();
    w.key("priority");
    if (value.priority) {
        w.value(to_string(*value.priority));
    } else {
        w.null();
    }
    w.key("reviewer").begin_object();
    w.key("licensed_states").strings(value.reviewer.licensed_states);
    w.key("specialties").strings(value.reviewer.specialties);
    w.end_object();
    w.key("patient").begin_object();
    w.key("age").optional(value.patient.age);
    w.key("sex").optional(value.patient.sex);
    w.key("injury_mechanism").optional(value.patient.injury_mechanism);
    w.key("diagnoses").strings(value.patient.diagnoses);
    w.key("body_regions").strings(value.patient.body_regions);
    w.end_object();
    w.key("items").begin_array();
    for (const auto& i : value.items) write_item(w, i);
    w.end_array();
    w.key("summary").begin_object();
    w.key("items").value(value.summary.items);
    w.key("upheld").value(value.summary.upheld);
    w.key("overturned").value(value.summary.overturned);
    w.key("outcome").value(value.summary.outcome);
    w.end_object();
    w.key("warnings").strings(value.warnings);
    w.end_object();
    return std::move(w).str();
}

std::string error_to_json(const error& failure, const source_info& source) {
    json_writer w = begin_record("error", source);
    w.key("error").begin_object();
    w.key("code").value(to_string(failure.code));
    w.key("message").value(failure.message);
    w.end_object();
    w.end_object();
    return std::move(w).str();
}

}  // namespace imr::output
