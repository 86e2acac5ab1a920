#pragma once

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>

namespace imr::observe {

enum class log_level { debug, info, warn, error };

[[nodiscard]] std::string_view to_string(log_level level) noexcept;
// "debug" | "info" | "warn" | "error"; throws std::invalid_argument otherwise.
[[nodiscard]] log_level parse_log_level(std::string_view name);

// One field of a structured log line. Values are counts, codes, topic names and
// offsets: never letter text or identifiers taken from a letter.
struct log_field {
    std::string_view key;
    std::variant<std::string_view, int64_t, double, bool> value;

    log_field(std::string_view k, std::string_view v) : key(k), value(v) {}
    log_field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
    log_field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
    log_field(std::string_view k, int64_t v) : key(k), value(v) {}
    log_field(std::string_view k, int v) : key(k), value(static_cast<int64_t>(v)) {}
    log_field(std::string_view k, uint64_t v) : key(k), value(static_cast<int64_t>(v)) {}
    log_field(std::string_view k, double v) : key(k), value(v) {}
    log_field(std::string_view k, bool v) : key(k), value(v) {}
};

// Writes one JSON object per line: {"ts":..., "level":..., "event":..., fields...}.
// Thread-safe. Passed by reference to the components that log; there is no global one.
class logger {
  public:
    explicit logger(log_level minimum = log_level::info, std::FILE* out = stderr);

    void log(log_level level, std::string_view event, std::initializer_list<log_field> fields = {});
    void debug(std::string_view event, std::initializer_list<log_field> fields = {}) {
        log(log_level::debug, event, fields);
    }
    void info(std::string_view event, std::initializer_list<log_field> fields = {}) {
        log(log_level::info, event, fields);
    }
    void warn(std::string_view event, std::initializer_list<log_field> fields = {}) {
        log(log_level::warn, event, fields);
    }
    void error(std::string_view event, std::initializer_list<log_field> fields = {}) {
        log(log_level::error, event, fields);
    }

    [[nodiscard]] bool enabled(log_level level) const noexcept { return level >= minimum_; }

  private:
    log_level minimum_;
    std::FILE* out_;
    std::mutex mutex_;
};

}  // namespace imr::observe
