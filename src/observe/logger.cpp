#include "imr/observe/logger.h"

#include <chrono>
#include <ctime>
#include <stdexcept>

#include "imr/output/json_writer.h"

namespace imr::observe {

std::string_view to_string(log_level level) noexcept {
    switch (level) {
        case log_level::debug:
            return "debug";
        case log_level::info:
            return "info";
        case log_level::warn:
            return "warn";
        case log_level::error:
            return "error";
    }
    return "info";
}

log_level parse_log_level(std::string_view name) {
    for (const auto level :
         {log_level::debug, log_level::info, log_level::warn, log_level::error}) {
        if (name == to_string(level)) return level;
    }
    throw std::invalid_argument("unknown log level \"" + std::string(name) +
                                "\" (debug, info, warn, error)");
}

logger::logger(log_level minimum, std::FILE* out) : minimum_(minimum), out_(out) {}

void logger::log(log_level level, std::string_view event, std::initializer_list<log_field> fields) {
    if (!enabled(level)) return;
    const auto now = std::chrono::system_clock::now();
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(millis % 1000));

    output::json_writer w;
    w.begin_object();
    w.key("ts").value(std::string_view(stamp));
    w.key("level").value(to_string(level));
    w.key("event").value(event);
    for (const auto& field : fields) {
        w.key(field.key);
        std::visit([&](const auto& v) { w.value(v); }, field.value);
    }
    w.end_object();
    std::string line = std::move(w).str();
    line.push_back('\n');
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fflush(out_);
}

}  // namespace imr::observe
