#include "imr/stream/classify_processor.h"

namespace imr::stream {
namespace {

void add_source_headers(const input_record& input, output_record& out) {
    out.headers.push_back({std::string(headers::source_topic), input.where.topic});
    out.headers.push_back(
        {std::string(headers::source_partition), std::to_string(input.where.partition)});
    out.headers.push_back({std::string(headers::source_offset), std::to_string(input.offset)});
    out.headers.push_back({std::string(headers::schema_version), std::string(schema_version)});
}

}  // namespace

classify_processor::classify_processor(const engine& shared_engine, input::decoder_limits limits,
                                       classification_probe& probe)
    : classifier_(shared_engine, limits, probe) {}

output_record classify_processor::process(const input_record& input) {
    output::source_info source;
    source.topic = input.where.topic;
    source.partition = input.where.partition;
    source.offset = input.offset;
    source.timestamp_ms = input.timestamp_ms;

    classified_document result = classifier_.classify(input.value, source);
    if (result.failure) {
        return dead_letter(input, to_string(result.failure->code), result.failure->message);
    }
    output_record out;
    out.kind = output_kind::outcome;
    out.key = result.value->case_number ? result.value->case_number : input.key;
    out.value = std::move(result.json);
    out.source = input.where;
    out.source_offset = input.offset;
    out.source_timestamp_ms = input.timestamp_ms;
    add_source_headers(input, out);
    out.headers.push_back({std::string(headers::content_type), "application/json"});
    return out;
}

output_record classify_processor::dead_letter(const input_record& input, std::string_view code,
                                              std::string_view message) {
    output_record out;
    out.kind = output_kind::dead_letter;
    out.key = input.key;
    out.value = input.value;  // the original bytes, untouched, for replay
    out.headers = input.headers;
    out.source = input.where;
    out.source_offset = input.offset;
    out.source_timestamp_ms = input.timestamp_ms;
    add_source_headers(input, out);
    out.headers.push_back({std::string(headers::error_code), std::string(code)});
    out.headers.push_back({std::string(headers::error_message), std::string(message)});
    return out;
}

}  // namespace imr::stream
