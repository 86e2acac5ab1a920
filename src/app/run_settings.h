#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace CLI {
class App;
}

namespace imr::app {

// Upper bounds of the per-document budget: beyond them a budget is no budget (and
// deadlines computed from it would overflow).
inline constexpr size_t max_cpu_ms = 3'600'000;
inline constexpr size_t max_memory_mb = size_t{1} << 20;

using kafka_properties = std::vector<std::pair<std::string, std::string>>;

// Everything `imr-stream run` can be told. Each setting is declared once (see
// run_settings.cpp): its flag, environment variable, config-file key, default and help.
struct run_settings {
    std::string brokers = "127.0.0.1:9092";
    std::string group = "imr-stream";
    std::string input_topic = "imr.determinations.raw";
    std::string outcomes_topic = "imr.determinations.outcomes";
    std::string dlq_topic = "imr.determinations.dlq";
    unsigned workers = 0;  // 0: one per core
    size_t max_in_flight = 1024;
    // Input bytes in flight: with the 32 MiB client prefetch, the producer's copies and
    // the workers' parsing, the service stays within 512 MiB.
    size_t max_in_flight_bytes = size_t{128} << 20;
    size_t poll_batch = 256;
    // The client's prefetch: see kafka::consumer_options for why these sizes.
    size_t queued_max_kbytes = 32768;
    size_t queued_min_messages = 100000;
    size_t max_input_bytes = size_t{16} << 20;
    std::chrono::milliseconds max_cpu{2000};
    size_t max_memory_bytes = size_t{256} << 20;
    std::chrono::milliseconds shutdown_timeout{30000};
    std::chrono::milliseconds statistics_interval{5000};
    std::string metrics_address = "0.0.0.0:9464";
    std::string log_level = "info";
    std::optional<std::filesystem::path> vocabulary_dir;
    // Exactly-once: outputs and input offsets committed together in Kafka transactions.
    bool exactly_once = false;
    std::string transactional_id;  // one per instance; required with exactly_once
    std::chrono::milliseconds transaction_interval{250};
    // Static group membership (group.instance.id): a restarted instance takes its
    // partitions back at once instead of after session.timeout.ms.
    std::optional<std::string> group_instance_id;
    kafka_properties consumer_properties;
    kafka_properties producer_properties;
    // IMR_KAFKA_* variables that name no librdkafka property (a typo, or a variable meant for
    // another program such as scripts/kafka-local): not applied, reported by name at start.
    std::vector<std::string> ignored_environment;
};

// librdkafka properties for the consumer and the producer, with where each came from, so a
// client that needs only one side (publish) can reuse the same rules.
struct client_properties {
    kafka_properties consumer;
    kafka_properties producer;
    std::vector<std::string> ignored_environment;
};

// Client properties from the environment (README, Deploy: secrets):
//   IMR_KAFKA_SASL_PASSWORD=x            sasl.password=x for both clients
//   IMR_KAFKA_CONSUMER_FETCH_MAX_BYTES=n fetch.max.bytes=n for the consumer only (PRODUCER_ too)
//   IMR_KAFKA_SASL_PASSWORD_FILE=/path   sasl.password = the file's content (one final newline
//                                        dropped), for mounted secrets
// Client-wide variables are applied before client-specific ones, so the latter win.
// Throws std::invalid_argument naming the variable (never its value) when a file cannot be read.
[[nodiscard]] client_properties kafka_properties_from_environment(
    const std::map<std::string, std::string>& environment);

// A property value as given: "@file:/path" stands for the content of /path (one final newline
// dropped); anything else is the value itself. `origin` names the setting in errors.
[[nodiscard]] std::string resolve_property_value(const std::string& value,
                                                 const std::string& origin);

// Collects the raw flag values; `resolve` then merges flags, IMR_* environment
// variables and the config file (in that order of precedence) over the defaults.
class run_settings_parser {
  public:
    void add_options(CLI::App& command);
    // Throws std::invalid_argument with a message naming the setting and its source.
    [[nodiscard]] run_settings resolve(const std::map<std::string, std::string>& environment) const;

  private:
    std::map<std::string, std::string> flags_;  // setting name -> value given on the command line
    std::vector<std::string> kafka_flags_;      // -X values
    std::optional<std::string> config_file_;
};

// The current process environment as a map (IMR_* variables only).
[[nodiscard]] std::map<std::string, std::string> imr_environment();

}  // namespace imr::app
