#include "run_settings.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "imr/kafka/client_config.h"

extern char** environ;  // POSIX

namespace imr::app {
namespace {

struct setting {
    std::string_view name;         // flag --name and config-file key
    std::string_view environment;  // IMR_...
    std::string_view help;
    std::function<void(run_settings&, const std::string&)> apply;  // parses and validates
    bool is_switch = false;  // a flag without a value (`--name`); true/false elsewhere
};

bool parse_switch(const std::string& value) {
    if (value == "true" || value == "1" || value == "yes") return true;
    if (value == "false" || value == "0" || value == "no") return false;
    throw std::invalid_argument("\"" + value + "\" is not true or false");
}

size_t parse_count(const std::string& value, size_t minimum,
                   size_t maximum = std::numeric_limits<size_t>::max()) {
    size_t parsed = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (ec != std::errc() || end != value.data() + value.size()) {
        throw std::invalid_argument("\"" + value + "\" is not a whole number");
    }
    if (parsed < minimum)
        throw std::invalid_argument("must be at least " + std::to_string(minimum));
    if (parsed > maximum) throw std::invalid_argument("must be at most " + std::to_string(maximum));
    return parsed;
}

std::string non_empty(const std::string& value) {
    if (value.empty()) throw std::invalid_argument("must not be empty");
    return value;
}

const std::vector<setting>& settings_table() {
    static const std::vector<setting> table = {
        {"brokers", "IMR_BROKERS", "Kafka bootstrap servers (host:port,...)",
         [](run_settings& s, const std::string& v) { s.brokers = non_empty(v); }},
        {"group", "IMR_GROUP", "Consumer group id; instances sharing it split the partitions",
         [](run_settings& s, const std::string& v) { s.group = non_empty(v); }},
        {"input-topic", "IMR_INPUT_TOPIC", "Topic of raw determination documents",
         [](run_settings& s, const std::string& v) { s.input_topic = non_empty(v); }},
        {"outcomes-topic", "IMR_OUTCOMES_TOPIC",
         "Topic of outcome records (schemas/outcome.schema.json)",
         [](run_settings& s, const std::string& v) { s.outcomes_topic = non_empty(v); }},
        {"dlq-topic", "IMR_DLQ_TOPIC", "Dead-letter topic: original bytes plus imr.error.* headers",
         [](run_settings& s, const std::string& v) { s.dlq_topic = non_empty(v); }},
        {"workers", "IMR_WORKERS", "Classification threads (0: one per core)",
         [](run_settings& s, const std::string& v) {
             s.workers = static_cast<unsigned>(parse_count(v, 0));
         }},
        {"max-in-flight", "IMR_MAX_IN_FLIGHT",
         "Documents taken but not yet delivered before partitions pause",
         [](run_settings& s, const std::string& v) { s.max_in_flight = parse_count(v, 1); }},
        {"max-in-flight-bytes", "IMR_MAX_IN_FLIGHT_BYTES",
         "Input bytes taken but not yet delivered before partitions pause (memory bound)",
         [](run_settings& s, const std::string& v) { s.max_in_flight_bytes = parse_count(v, 1); }},
        {"poll-batch", "IMR_POLL_BATCH", "Most records taken per poll",
         [](run_settings& s, const std::string& v) { s.poll_batch = parse_count(v, 1); }},
        {"queued-max-kbytes", "IMR_QUEUED_MAX_KBYTES", "librdkafka prefetch cap per consumer, KiB",
         [](run_settings& s, const std::string& v) { s.queued_max_kbytes = parse_count(v, 1); }},
        {"queued-min-messages", "IMR_QUEUED_MIN_MESSAGES",
         "librdkafka prefetch target per consumer, messages",
         [](run_settings& s, const std::string& v) { s.queued_min_messages = parse_count(v, 1); }},
        {"max-bytes", "IMR_MAX_BYTES",
         "Largest document accepted; larger ones are dead-lettered as too_large",
         [](run_settings& s, const std::string& v) { s.max_input_bytes = parse_count(v, 1); }},
        {"max-cpu-ms", "IMR_MAX_CPU_MS",
         "CPU time per document for reading a PDF and for the text engine, each; over it a "
         "document is dead-lettered as too_complex",
         [](run_settings& s, const std::string& v) {
             s.max_cpu = std::chrono::milliseconds(parse_count(v, 1, max_cpu_ms));
         }},
        {"max-memory-mb", "IMR_MAX_MEMORY_MB",
         "Memory per PDF, MiB, in its helper process; over it a document is dead-lettered as "
         "too_complex",
         [](run_settings& s, const std::string& v) {
             s.max_memory_bytes = parse_count(v, 1, max_memory_mb) << 20;
         }},
        {"shutdown-timeout-ms", "IMR_SHUTDOWN_TIMEOUT_MS",
         "The whole graceful stop after SIGTERM (finish, flush, commit, leave the group)",
         [](run_settings& s, const std::string& v) {
             s.shutdown_timeout = std::chrono::milliseconds(parse_count(v, 0));
         }},
        {"statistics-interval-ms", "IMR_STATISTICS_INTERVAL_MS",
         "librdkafka statistics period (lag metrics)",
         [](run_settings& s, const std::string& v) {
             s.statistics_interval = std::chrono::milliseconds(parse_count(v, 100));
         }},
        {"metrics-address", "IMR_METRICS_ADDRESS", "host:port serving /metrics, /healthz, /readyz",
         [](run_settings& s, const std::string& v) {
             if (v.find(':') == std::string::npos)
                 throw std::invalid_argument("expected host:port");
             s.metrics_address = v;
         }},
        {"log-level", "IMR_LOG_LEVEL", "debug, info, warn or error",
         [](run_settings& s, const std::string& v) {
             if (v != "debug" && v != "info" && v != "warn" && v != "error") {
                 throw std::invalid_argument("expected debug, info, warn or error");
             }
             s.log_level = v;
         }},
        {"vocabulary", "IMR_VOCABULARY",
         "Directory of vocabulary .tsv files replacing the built-in one",
         [](run_settings& s, const std::string& v) {
             if (!std::filesystem::is_directory(v)) throw std::invalid_argument("not a directory");
             s.vocabulary_dir = v;
         }},
        {"exactly-once", "IMR_EXACTLY_ONCE",
         "Commit outputs and input offsets together in Kafka transactions (needs "
         "--transactional-id)",
         [](run_settings& s, const std::string& v) { s.exactly_once = parse_switch(v); }, true},
        {"transactional-id", "IMR_TRANSACTIONAL_ID",
         "transactional.id of this instance, unique and stable across its restarts (e.g. the "
         "StatefulSet pod name)",
         [](run_settings& s, const std::string& v) { s.transactional_id = non_empty(v); }},
        {"transaction-interval-ms", "IMR_TRANSACTION_INTERVAL_MS",
         "Exactly-once: how long a transaction stays open (0: one per poll batch)",
         [](run_settings& s, const std::string& v) {
             s.transaction_interval = std::chrono::milliseconds(parse_count(v, 0));
         }},
        {"group-instance-id", "IMR_GROUP_INSTANCE_ID",
         "Static group membership: a restarted instance with the same id rejoins at once",
         [](run_settings& s, const std::string& v) { s.group_instance_id = non_empty(v); }},
    };
    return table;
}

std::string trim(const std::string& s) {
    const size_t begin = s.find_first_not_of(" \t\r");
    if (begin == std::string::npos) return {};
    return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

// "consumer:key=value", "producer:key=value" or "key=value" (both clients).
void add_kafka_property(run_settings& s, const std::string& spec, const std::string& origin) {
    std::string body = spec;
    bool consumer = true;
    bool producer = true;
    for (const auto& [prefix, is_consumer] :
         {std::pair{std::string("consumer:"), true}, std::pair{std::string("producer:"), false}}) {
        if (body.rfind(prefix, 0) == 0) {
            body = body.substr(prefix.size());
            consumer = is_consumer;
            producer = !is_consumer;
        }
    }
    const size_t equals = body.find('=');
    if (equals == std::string::npos || equals == 0) {
        throw std::invalid_argument(origin + ": expected [consumer:|producer:]key=value");
    }
    const std::string key = trim(body.substr(0, equals));
    const std::string value = resolve_property_value(trim(body.substr(equals + 1)), origin);
    if (consumer) s.consumer_properties.emplace_back(key, value);
    if (producer) s.producer_properties.emplace_back(key, value);
}

// `name = value` lines; `#` comments; `X = [consumer:|producer:]key=value` for client properties.
std::map<std::string, std::string> read_config_file(const std::string& path, run_settings& s) {
    std::ifstream in(path);
    if (!in) throw std::invalid_argument("config file " + path + ": cannot be read");
    std::map<std::string, std::string> values;
    std::string line;
    for (size_t number = 1; std::getline(in, line); ++number) {
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        const size_t equals = line.find('=');
        const std::string where = "config file " + path + ":" + std::to_string(number);
        if (equals == std::string::npos)
            throw std::invalid_argument(where + ": expected name = value");
        const std::string name = trim(line.substr(0, equals));
        const std::string value = trim(line.substr(equals + 1));
        if (name == "X") {
            add_kafka_property(s, value, where);
            continue;
        }
        bool known = false;
        for (const auto& entry : settings_table()) known = known || entry.name == name;
        if (!known) throw std::invalid_argument(where + ": unknown setting \"" + name + "\"");
        values[name] = value;
    }
    return values;
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

// SASL_PASSWORD -> sasl.password
std::string property_name(std::string_view variable_part) {
    std::string name(variable_part);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
        return c == '_' ? '.' : static_cast<char>(std::tolower(c));
    });
    return name;
}

bool has_property(const kafka_properties& properties, std::string_view key) {
    return std::any_of(properties.begin(), properties.end(),
                       [&](const auto& p) { return p.first == key; });
}

// The settings that only make sense together, checked once every source is merged.
void check_delivery_mode(const run_settings& s) {
    if (has_property(s.producer_properties, "transactional.id")) {
        throw std::invalid_argument(
            "-X transactional.id: use --exactly-once with --transactional-id instead");
    }
    if (!s.exactly_once) {
        if (!s.transactional_id.empty())
            throw std::invalid_argument("--transactional-id needs --exactly-once");
        return;
    }
    if (s.transactional_id.empty()) {
        throw std::invalid_argument(
            "--exactly-once needs --transactional-id (IMR_TRANSACTIONAL_ID): one per instance, "
            "stable across its restarts, e.g. the StatefulSet pod name");
    }
    // librdkafka 2.0.2's cooperative-sticky assignor has known defects around revocation
    // that transactions cannot survive; exactly-once supports the eager strategies only.
    for (const auto& [key, value] : s.consumer_properties) {
        if (key == "partition.assignment.strategy" &&
            value.find("cooperative-sticky") != std::string::npos) {
            throw std::invalid_argument(
                "-X partition.assignment.strategy=" + value +
                ": --exactly-once supports the eager strategies only (range, roundrobin)");
        }
    }
}

}  // namespace

std::string resolve_property_value(const std::string& value, const std::string& origin) {
    constexpr std::string_view file_prefix = "@file:";
    if (!starts_with(value, file_prefix)) return value;
    const std::string path = value.substr(file_prefix.size());
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    if (!in || !(content << in.rdbuf())) {
        // The path is not a secret; the content is, and is never quoted.
        throw std::invalid_argument(origin + ": cannot read the file " + path);
    }
    std::string text = content.str();
    if (text.ends_with('\n')) text.pop_back();
    if (text.ends_with('\r')) text.pop_back();
    return text;
}

client_properties kafka_properties_from_environment(
    const std::map<std::string, std::string>& environment) {
    constexpr std::string_view prefix = "IMR_KAFKA_";
    client_properties out;
    kafka_properties consumer_only;
    kafka_properties producer_only;
    for (const auto& [variable, raw] : environment) {
        if (!starts_with(variable, prefix)) continue;
        std::string_view rest = std::string_view(variable).substr(prefix.size());
        kafka_properties* target = nullptr;  // nullptr: both clients
        if (starts_with(rest, "CONSUMER_")) {
            target = &consumer_only;
            rest.remove_prefix(9);
        } else if (starts_with(rest, "PRODUCER_")) {
            target = &producer_only;
            rest.remove_prefix(9);
        }
        const bool from_file = rest.ends_with("_FILE");
        if (from_file) rest.remove_suffix(5);
        const std::string name = property_name(rest);
        if (name.empty() || !kafka::is_known_property(name)) {
            out.ignored_environment.push_back(variable);
            continue;
        }
        const std::string value =
            from_file ? resolve_property_value("@file:" + raw, variable) : raw;
        if (target != nullptr) {
            target->emplace_back(name, value);
        } else {
            out.consumer.emplace_back(name, value);
            out.producer.emplace_back(name, value);
        }
    }
    out.consumer.insert(out.consumer.end(), consumer_only.begin(), consumer_only.end());
    out.producer.insert(out.producer.end(), producer_only.begin(), producer_only.end());
    return out;
}

void run_settings_parser::add_options(CLI::App& command) {
    const run_settings defaults;
    for (const auto& entry : settings_table()) {
        if (entry.is_switch) {
            command.add_flag_function(
                "--" + std::string(entry.name),
                [this, name = std::string(entry.name)](std::int64_t) { flags_[name] = "true"; },
                std::string(entry.help) + " [env " + std::string(entry.environment) + "]");
            continue;
        }
        auto* option = command.add_option_function<std::string>(
            "--" + std::string(entry.name),
            [this, name = std::string(entry.name)](const std::string& v) { flags_[name] = v; },
            std::string(entry.help) + " [env " + std::string(entry.environment) + "]");
        option->type_name("VALUE");
    }
    command.add_option(
        "-X,--property", kafka_flags_,
        "librdkafka property: [consumer:|producer:]key=value, value @file:PATH reads PATH "
        "(repeatable; applied last) [env IMR_KAFKA_KEY_NAME, IMR_KAFKA_KEY_NAME_FILE]");
    command.add_option_function<std::string>(
        "-c,--config", [this](const std::string& v) { config_file_ = v; },
        "Config file of `name = value` lines (flags and IMR_* variables take precedence) [env "
        "IMR_CONFIG]");
}

run_settings run_settings_parser::resolve(
    const std::map<std::string, std::string>& environment) const {
    run_settings s;
    std::optional<std::string> config_file = config_file_;
    if (!config_file) {
        if (auto it = environment.find("IMR_CONFIG"); it != environment.end())
            config_file = it->second;
    }
    const auto file_values =
        config_file ? read_config_file(*config_file, s) : std::map<std::string, std::string>{};

    for (const auto& entry : settings_table()) {
        const std::string name(entry.name);
        std::optional<std::pair<std::string, std::string>> chosen;  // value, origin
        if (auto it = flags_.find(name); it != flags_.end()) {
            chosen = {{it->second, "--" + name}};
        } else if (auto env = environment.find(std::string(entry.environment));
                   env != environment.end()) {
            chosen = {{env->second, std::string(entry.environment)}};
        } else if (auto file = file_values.find(name); file != file_values.end()) {
            chosen = {{file->second, "config file setting " + name}};
        }
        if (!chosen) continue;
        try {
            entry.apply(s, chosen->first);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(chosen->second + ": " + e.what());
        }
    }
    auto from_environment = kafka_properties_from_environment(environment);
    s.consumer_properties.insert(s.consumer_properties.end(), from_environment.consumer.begin(),
                                 from_environment.consumer.end());
    s.producer_properties.insert(s.producer_properties.end(), from_environment.producer.begin(),
                                 from_environment.producer.end());
    s.ignored_environment = std::move(from_environment.ignored_environment);
    for (const auto& spec : kafka_flags_)
        add_kafka_property(s, spec, "-X " + spec.substr(0, spec.find('=')));
    check_delivery_mode(s);
    return s;
}

std::map<std::string, std::string> imr_environment() {
    std::map<std::string, std::string> out;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        const size_t equals = text.find('=');
        if (equals == std::string_view::npos || text.substr(0, 4) != "IMR_") continue;
        out.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
    }
    return out;
}

}  // namespace imr::app
