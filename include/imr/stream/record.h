#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

// A record value: immutable bytes shared by an input and the dead letter made of it, so
// a dead letter does not copy a 16 MiB input again. A Kafka value may be null (absent),
// which is not the same as empty; a default-constructed payload is null.
class payload {
  public:
    payload() = default;
    payload(std::string bytes)  // NOLINT(google-explicit-constructor): a value is bytes
        : bytes_(std::make_shared<const std::string>(std::move(bytes))) {}
    payload(const char* bytes) : payload(std::string(bytes)) {}  // NOLINT

    [[nodiscard]] bool is_null() const noexcept { return bytes_ == nullptr; }
    [[nodiscard]] std::string_view view() const noexcept {
        return bytes_ ? std::string_view(*bytes_) : std::string_view();
    }
    operator std::string_view() const noexcept { return view(); }  // NOLINT
    [[nodiscard]] const char* data() const noexcept { return view().data(); }
    [[nodiscard]] size_t size() const noexcept { return view().size(); }
    [[nodiscard]] bool empty() const noexcept { return view().empty(); }
    // How many holders share the bytes (tests check that nothing copied them).
    [[nodiscard]] long holders() const noexcept { return bytes_.use_count(); }

    friend bool operator==(const payload& a, std::string_view b) { return a.view() == b; }

  private:
    std::shared_ptr<const std::string> bytes_;
};

// An input message, copied out of the client library so that workers never hold a
// library handle (and the library's buffers are released at once).
struct input_record {
    topic_partition where;
    int64_t offset = 0;
    // Which assignment of `where` the record was read under, stamped by the source. A
    // record is processed only by the partition session of the same generation, so work
    // read before a revoke can never be taken for work of a later assignment.
    uint64_t generation = 0;
    std::optional<int64_t> timestamp_ms;
    std::optional<std::string> key;
    payload value;
    std::vector<header> headers;
    // When the pipeline took it from the source, for the time it then waits for a worker.
    std::chrono::steady_clock::time_point taken_at{};
};

enum class output_kind { outcome, dead_letter };

// A record to produce. `source`, `source_offset` and `source_generation` say which input
// it completes.
struct output_record {
    output_kind kind = output_kind::outcome;
    std::optional<std::string> key;
    payload value;
    std::vector<header> headers;
    topic_partition source;
    int64_t source_offset = 0;
    uint64_t source_generation = 0;
    std::optional<int64_t> source_timestamp_ms;  // for end-to-end latency
    // When a worker finished it (empty for records made later, e.g. a replacement dead
    // letter), for the time it then waits to be produced.
    std::optional<std::chrono::steady_clock::time_point> ready_at;
};

}  // namespace imr::stream
