#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "imr/core/error.h"
#include "imr/core/outcome.h"

namespace imr::output {

// Where a document came from: a file for `classify`, a topic/partition/offset for `run`.
struct source_info {
    std::optional<std::string> file;
    std::optional<std::string> topic;
    std::optional<int32_t> partition;
    std::optional<int64_t> offset;
    std::optional<int64_t> timestamp_ms;     // the input message's timestamp
    std::optional<std::string> document_id;  // the envelope's "id"
    std::string_view format;                 // input_format, empty when not decoded
    size_t bytes = 0;
};

// One outcome as a single line of JSON following schemas/outcome.schema.json.
[[nodiscard]] std::string outcome_to_json(const outcome& value, const source_info& source);

// One failure as a single line of JSON following schemas/error.schema.json.
[[nodiscard]] std::string error_to_json(const error& failure, const source_info& source);

}  // namespace imr::output
