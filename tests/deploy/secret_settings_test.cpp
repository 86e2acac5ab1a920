// Kafka client properties, secrets included, reach the clients from the environment and from
// mounted files, and their values never appear in errors.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

#include "imr/kafka/client_config.h"
#include "run_settings.h"

namespace imr::app {
namespace {

using environment = std::map<std::string, std::string>;

std::string value_of(const kafka_properties& properties, const std::string& name) {
    std::string last;  // later entries override earlier ones, as in make_conf
    for (const auto& [key, value] : properties)
        if (key == name) last = value;
    return last;
}

class secret_file {
  public:
    explicit secret_file(const std::string& content)
        : path_(std::filesystem::temp_directory_path() /
                ("imr-secret-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {
        std::ofstream(path_, std::ios::binary) << content;
    }
    ~secret_file() { std::filesystem::remove(path_); }
    secret_file(const secret_file&) = delete;
    secret_file& operator=(const secret_file&) = delete;
    [[nodiscard]] std::string path() const { return path_.string(); }

  private:
    static inline int counter_ = 0;
    std::filesystem::path path_;
};

run_settings resolve(const std::vector<std::string>& arguments, const environment& env) {
    CLI::App app;
    run_settings_parser parser;
    parser.add_options(app);
    std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());  // CLI11 wants it so
    app.parse(reversed);
    return parser.resolve(env);
}

TEST(SecretSettings, VariableNamesAPropertyOfBothClients) {
    const auto s = resolve(
        {}, {{"IMR_KAFKA_SASL_PASSWORD", "hunter2"}, {"IMR_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"}});
    EXPECT_EQ(value_of(s.consumer_properties, "sasl.password"), "hunter2");
    EXPECT_EQ(value_of(s.producer_properties, "sasl.password"), "hunter2");
    EXPECT_EQ(value_of(s.producer_properties, "security.protocol"), "SASL_SSL");
}

TEST(SecretSettings, ClientSpecificVariableOverridesTheSharedOne) {
    const auto s = resolve({}, {{"IMR_KAFKA_CLIENT_ID", "shared"},
                                {"IMR_KAFKA_CONSUMER_CLIENT_ID", "reader"},
                                {"IMR_KAFKA_PRODUCER_LINGER_MS", "20"}});
    EXPECT_EQ(value_of(s.consumer_properties, "client.id"), "reader");
    EXPECT_EQ(value_of(s.producer_properties, "client.id"), "shared");
    EXPECT_EQ(value_of(s.producer_properties, "linger.ms"), "20");
    EXPECT_EQ(value_of(s.consumer_properties, "linger.ms"), "");
}

TEST(SecretSettings, FileVariableReadsAMountedSecret) {
    const secret_file file("s3cret-from-file\n");
    const auto s = resolve({}, {{"IMR_KAFKA_SASL_PASSWORD_FILE", file.path()}});
    EXPECT_EQ(value_of(s.consumer_properties, "sasl.password"), "s3cret-from-file");
    EXPECT_EQ(value_of(s.producer_properties, "sasl.password"), "s3cret-from-file");
}

TEST(SecretSettings, PropertyFlagReadsAFileValue) {
    const secret_file file("flag-secret\r\n");
    const auto s = resolve({"-X", "producer:sasl.password=@file:" + file.path()}, {});
    EXPECT_EQ(value_of(s.producer_properties, "sasl.password"), "flag-secret");
    EXPECT_EQ(value_of(s.consumer_properties, "sasl.password"), "");
}

TEST(SecretSettings, PropertyFlagOverridesTheEnvironment) {
    const auto s = resolve({"-X", "client.id=flag"}, {{"IMR_KAFKA_CLIENT_ID", "env"}});
    EXPECT_EQ(value_of(s.consumer_properties, "client.id"), "flag");
}

TEST(SecretSettings, VariablesOfOtherProgramsAreIgnoredAndReported) {
    const auto s = resolve({}, {{"IMR_KAFKA_PORT", "46092"}, {"IMR_KAFKA_HEAP_OPTS", "-Xmx1g"}});
    EXPECT_TRUE(s.consumer_properties.empty());
    EXPECT_TRUE(s.producer_properties.empty());
    EXPECT_EQ(s.ignored_environment,
              (std::vector<std::string>{"IMR_KAFKA_HEAP_OPTS", "IMR_KAFKA_PORT"}));
}

TEST(SecretSettings, UnreadableSecretFileErrorNamesTheVariableOnly) {
    try {
        (void)resolve({}, {{"IMR_KAFKA_SASL_PASSWORD_FILE", "/nonexistent/imr-secret"}});
        FAIL() << "an unreadable secret file must stop the start";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("IMR_KAFKA_SASL_PASSWORD_FILE"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("/nonexistent/imr-secret"), std::string::npos);
    }
}

TEST(SecretSettings, RejectedValueIsRedactedInTheError) {
    const std::string secret = "not-a-protocol-topsecret";
    const auto s = resolve({}, {{"IMR_KAFKA_SECURITY_PROTOCOL", secret}});
    try {
        (void)kafka::make_conf(s.consumer_properties);
        FAIL() << "librdkafka must reject the value";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("security.protocol"), std::string::npos);
        EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos) << e.what();
    }
}

TEST(SecretSettings, KnownPropertiesIncludeTopicLevelOnes) {
    EXPECT_TRUE(kafka::is_known_property("sasl.password"));
    EXPECT_TRUE(kafka::is_known_property("acks"));
    EXPECT_FALSE(kafka::is_known_property("heap.opts"));
}

}  // namespace
}  // namespace imr::app
