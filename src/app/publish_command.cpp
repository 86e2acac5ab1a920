#include "publish_command.h"

#include <openssl/evp.h>
#include <simdjson.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>

#include "imr/kafka/client_config.h"
#include "imr/output/json_writer.h"
#include "input_files.h"
#include "run_settings.h"

namespace imr::app {
namespace {

namespace fs = std::filesystem;

std::string sha256_hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xF];
    }
    return out;
}

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                        reinterpret_cast<const unsigned char*>(bytes.data()),
                                        static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(written));
    return out;
}

struct document {
    std::string key;       // SHA-256 of the file's bytes
    std::string envelope;  // the message value
};

// The envelope, or why the file is skipped (a reason code, never content).
struct prepared {
    std::optional<document> doc;
    std::string skip_reason;
};

prepared prepare(const std::string& path, size_t max_bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {std::nullopt, "unreadable"};
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return {std::nullopt, "unreadable"};
    if (bytes.find_first_not_of(" \t\r\n\f\v") == std::string::npos) return {std::nullopt, "empty"};
    const bool pdf = bytes.substr(0, 1024).find("%PDF-") != std::string::npos;
    if (!pdf && !simdjson::validate_utf8(bytes.data(), bytes.size()))
        return {std::nullopt, "not_utf8_text"};
    if (fs::path(path).extension() == ".json") return {std::nullopt, "json"};
    std::string envelope = "{\"id\":";
    output::append_escaped(envelope, fs::path(path).filename().string());
    envelope += pdf ? ",\"pdf_base64\":" : ",\"text\":";
    output::append_escaped(envelope, pdf ? base64(bytes) : bytes);
    envelope += '}';
    if (envelope.size() > max_bytes) return {std::nullopt, "too_large"};
    return {document{sha256_hex(bytes), std::move(envelope)}, {}};
}

// Delivery reports arrive on the thread that polls, so plain counters suffice.
struct delivery_counts {
    size_t acknowledged = 0;
    size_t failed = 0;
    std::map<std::string, size_t> errors;  // librdkafka error name -> count
};

void on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
    auto& counts = *static_cast<delivery_counts*>(opaque);
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++counts.acknowledged;
    } else {
        ++counts.failed;
        ++counts.errors[rd_kafka_err2name(message->err)];
    }
}

kafka::properties producer_properties(const publish_options& options) {
    // Idempotence implies acks=all and retries without duplicates or reordering.
    kafka::properties props = {{"bootstrap.servers", options.brokers},
                               {"enable.idempotence", "true"},
                               {"acks", "all"},
                               {"message.max.bytes", std::to_string(options.max_bytes + 4096)},
                               {"linger.ms", "20"}};
    const auto from_environment = kafka_properties_from_environment(imr_environment());
    props.insert(props.end(), from_environment.producer.begin(), from_environment.producer.end());
    for (const auto& spec : options.properties) {
        std::string body = spec;
        if (body.rfind("producer:", 0) == 0) body = body.substr(9);
        if (body.rfind("consumer:", 0) == 0) continue;
        const size_t equals = body.find('=');
        if (equals == std::string::npos || equals == 0)
            throw std::invalid_argument("-X: expected [producer:]key=value");
        const std::string key = body.substr(0, equals);
        props.emplace_back(key, resolve_property_value(body.substr(equals + 1), "-X " + key));
    }
    return props;
}

class progress_line {
  public:
    progress_line(bool enabled, size_t total) : enabled_(enabled), total_(total) {}
    void show(size_t done, size_t skipped, const delivery_counts& counts, bool final = false) {
        if (!enabled_) return;
        const auto now = std::chrono::steady_clock::now();
        if (!final && now - last_ < std::chrono::milliseconds(200)) return;
        last_ = now;
        std::fprintf(stderr, "\r%zu/%zu files, %zu acknowledged, %zu skipped, %zu failed", done,
                     total_, counts.acknowledged, skipped, counts.failed);
        if (final) std::fputc('\n', stderr);
    }

  private:
    bool enabled_;
    size_t total_;
    std::chrono::steady_clock::time_point last_{};
};

}  // namespace

void add_publish_options(CLI::App& command, publish_options& options) {
    command.add_option("inputs", options.inputs, "Files or directories (.txt, .pdf) to publish")
        ->required();
    command.add_option("--brokers", options.brokers,
                       "Kafka bootstrap servers [env IMR_BROKERS, default 127.0.0.1:9092]");
    command.add_option("--topic", options.topic,
                       "Input topic [env IMR_INPUT_TOPIC, default imr.determinations.raw]");
    command.add_option("-X,--property", options.properties,
                       "librdkafka producer property key=value, value @file:PATH reads PATH "
                       "(repeatable) [env IMR_KAFKA_KEY_NAME, IMR_KAFKA_KEY_NAME_FILE]");
    command.add_option("--max-bytes", options.max_bytes,
                       "Largest envelope produced; larger documents are skipped");
    command.add_option("--timeout", options.timeout_seconds,
                       "Seconds to wait for the last acknowledgements");
    command.add_flag("!--no-progress", options.progress, "Never show progress on stderr");
}

int run_publish(const publish_options& given) {
    publish_options options = given;
    const auto environment = imr_environment();
    const auto env_or = [&](const char* name, const char* fallback) {
        const auto it = environment.find(name);
        return it != environment.end() ? it->second : std::string(fallback);
    };
    if (options.brokers.empty()) options.brokers = env_or("IMR_BROKERS", "127.0.0.1:9092");
    if (options.topic.empty()) options.topic = env_or("IMR_INPUT_TOPIC", "imr.determinations.raw");

    delivery_counts counts;
    kafka::client_ptr producer;
    try {
        auto conf = kafka::make_conf(producer_properties(options));
        rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);
        rd_kafka_conf_set_opaque(conf.get(), &counts);
        producer = kafka::make_client(RD_KAFKA_PRODUCER, std::move(conf));
    } catch (const std::exception& e) {
        std::cerr << "imr-stream publish: " << e.what() << '\n';
        return 2;
    }

    const auto files = expand_inputs(options.inputs);
    const bool terminal = options.progress && isatty(STDERR_FILENO) == 1;
    progress_line progress(terminal, files.size());
    std::map<std::string, size_t> skipped;
    size_t skipped_total = 0;
    for (size_t index = 0; index < files.size(); ++index) {
        prepared p = prepare(files[index], options.max_bytes);
        if (!p.doc) {
            ++skipped[p.skip_reason];
            ++skipped_total;
            if (!terminal) std::cerr << "skipped " << files[index] << ": " << p.skip_reason << '\n';
            continue;
        }
        while (true) {
            const rd_kafka_resp_err_t err =
                rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(options.topic.c_str()),
                                  RD_KAFKA_V_KEY(p.doc->key.data(), p.doc->key.size()),
                                  RD_KAFKA_V_VALUE(p.doc->envelope.data(), p.doc->envelope.size()),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
            if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                ++counts.failed;
                ++counts.errors[rd_kafka_err2name(err)];
                break;
            }
            rd_kafka_poll(producer.get(), 100);  // room is made by delivery reports
        }
        rd_kafka_poll(producer.get(), 0);
        progress.show(index + 1, skipped_total, counts);
    }
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_seconds);
    while (rd_kafka_outq_len(producer.get()) > 0 && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_poll(producer.get(), 100);
        progress.show(files.size(), skipped_total, counts);
    }
    // What is still queued is given up: purging turns it into failed delivery reports, so the
    // count below is complete and nothing is left for the destructor to wait on.
    rd_kafka_purge(producer.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(producer.get(), 100);
    progress.show(files.size(), skipped_total, counts, true);
    std::cerr << "published " << counts.acknowledged << ", skipped " << skipped_total;
    for (const auto& [reason, n] : skipped) std::cerr << " " << reason << "=" << n;
    std::cerr << ", not acknowledged " << (files.size() - skipped_total - counts.acknowledged);
    for (const auto& [error, n] : counts.errors) std::cerr << " " << error << "=" << n;
    std::cerr << " (topic " << options.topic << ")\n";
    return counts.acknowledged + skipped_total == files.size() ? 0 : 1;
}

}  // namespace imr::app
