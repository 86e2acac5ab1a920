#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace imr::stream {

struct header {
    std::string name;
    std::string value;
};

struct topic_partition {
    std::string topic;
    int32_t partition = 0;
    friend bool operator==(const topic_partition&, const topic_partition&) = default;
    friend auto operator<=>(const topic_partition&, const topic_partition&) = default;
};

// An input message, copied out of the client library so that workers never hold a
// library handle (and the library's buffers are released at once).
struct input_record {
    topic_partition where;
    int64_t offset = 0;
    std::optional<int64_t> timestamp_ms;
    std::optional<std::string> key;
    std::string value;
    std::vector<header> headers;
};

enum class output_kind { outcome, dead_letter };

// A record to produce. `source` and `source_offset` say which input it completes.
struct output_record {
    output_kind kind = output_kind::outcome;
    std::optional<std::string> key;
    std::string value;
    std::vector<header> headers;
    topic_partition source;
    int64_t source_offset = 0;
    std::optional<int64_t> source_timestamp_ms;  // for end-to-end latency
};

}  // namespace imr::stream
