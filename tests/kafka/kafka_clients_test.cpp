// Integration tests of kafka_source and kafka_sink against a real broker.
//
// Needs the local broker: `scripts/kafka-local start` (the address comes from
// IMR_TEST_BROKERS, default 127.0.0.1:9092; scripts/kafka-local honours IMR_KAFKA_PORT).
// Every run uses fresh topic and group names, so runs do not disturb each other.
// Record values and keys carry the marker "PHI-": the log of every test is checked for it,
// because letters are medical records and must never reach a log line.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "imr/kafka/client_config.h"
#include "imr/kafka/kafka_sink.h"
#include "imr/kafka/kafka_source.h"
#include "imr/observe/logger.h"

#ifndef IMR_SOURCE_DIR
#error "IMR_SOURCE_DIR must name the repository root (for scripts/kafka-local)"
#endif

namespace {

using namespace std::chrono_literals;
using imr::kafka::kafka_sink;
using imr::kafka::kafka_source;
using imr::kafka::properties;
using imr::stream::delivery_report;
using imr::stream::header;
using imr::stream::input_record;
using imr::stream::output_kind;
using imr::stream::output_record;
using imr::stream::produce_status;
using imr::stream::topic_partition;

constexpr const char* phi_marker = "PHI-";

std::string test_brokers() {
    const char* env = std::getenv("IMR_TEST_BROKERS");
    return env != nullptr && *env != '\0' ? env : "127.0.0.1:9092";
}

std::string unique_name(const std::string& what) {
    static const std::string run =
        std::to_string(::getpid()) + "-" +
        std::to_string(std::chrono::system_clock::now().time_since_epoch() / 1ms % 100000000);
    static int counter = 0;
    return "imr-test-" + run + "-" + what + "-" + std::to_string(++counter);
}

// Through scripts/kafka-local so that test topics get the same max.message.bytes as the
// deployment's.
void create_topic(const std::string& name, int partitions) {
    const std::string command = std::string("'") + IMR_SOURCE_DIR +
                                "/scripts/kafka-local' create-topic " + name + " " +
                                std::to_string(partitions) + " >/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << "failed: " << command;
}

class recording_delivery_listener final : public imr::stream::delivery_listener {
  public:
    void on_delivery(const delivery_report& report) override { reports.push_back(report); }
    std::vector<delivery_report> reports;
};

class recording_rebalance_listener final : public imr::stream::rebalance_listener {
  public:
    void on_assigned(const std::vector<topic_partition>& partitions, uint64_t) override {
        assigned.push_back(partitions);
        owned.insert(partitions.begin(), partitions.end());
    }
    void on_revoked(const std::vector<topic_partition>& partitions) override {
        revoked.push_back(partitions);
        if (before_giving_up) before_giving_up(partitions);
        for (const auto& p : partitions) owned.erase(p);
    }

    std::vector<std::vector<topic_partition>> assigned;
    std::vector<std::vector<topic_partition>> revoked;
    std::set<topic_partition> owned;
    std::function<void(const std::vector<topic_partition>&)> before_giving_up;
};

output_record make_outcome(int i, const std::string& source_topic) {
    output_record r;
    r.kind = output_kind::outcome;
    r.key = std::string(phi_marker) + "key-" + std::to_string(i);
    r.value = std::string(phi_marker) + "value-" + std::to_string(i);
    r.headers = {{"imr-source-topic", source_topic}, {"imr-index", std::to_string(i)}};
    r.source = {source_topic, 3};
    r.source_offset = 100 + i;
    r.source_timestamp_ms = 1'700'000'000'000 + i;
    return r;
}

class KafkaClients : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_NE(log_file_, nullptr); }

    void TearDown() override {
        std::fflush(log_file_);
        std::rewind(log_file_);
        std::string text;
        char buffer[4096];
        for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, log_file_)) > 0;)
            text.append(buffer, n);
        std::fclose(log_file_);
        EXPECT_EQ(text.find(phi_marker), std::string::npos) << "record content reached the log";
        if (HasFailure() || std::getenv("IMR_TEST_SHOW_LOG") != nullptr) {
            std::fprintf(stderr, "----- client log -----\n%s", text.c_str());
        }
    }

    // Faster group protocol than the defaults, so that rebalances fit a test's time box.
    static properties consumer_extras(properties more = {}) {
        properties extras{{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "300"}};
        extras.insert(extras.end(), more.begin(), more.end());
        return extras;
    }

    std::unique_ptr<kafka_source> make_source(const std::string& group,
                                              const std::vector<std::string>& topics,
                                              properties more = {},
                                              imr::kafka::consumer_options options = {}) {
        return std::make_unique<kafka_source>(test_brokers(), group, topics,
                                              consumer_extras(std::move(more)), log_,
                                              std::move(options));
    }

    std::unique_ptr<kafka_sink> make_sink(const std::string& outcomes,
                                          const std::string& dead_letters,
                                          const properties& extras = {},
                                          imr::kafka::statistics_callback on_statistics = {}) {
        return std::make_unique<kafka_sink>(test_brokers(), outcomes, dead_letters, extras, log_,
                                            std::move(on_statistics));
    }

    // Produces everything, retrying on back-pressure as the pipeline does, then flushes.
    static void produce_all(kafka_sink& sink, const std::vector<output_record>& records) {
        for (const auto& record : records) {
            const auto deadline = std::chrono::steady_clock::now() + 10s;
            produce_status status;
            while ((status = sink.produce(record)) == produce_status::queue_full &&
                   std::chrono::steady_clock::now() < deadline) {
                sink.poll(50ms);
            }
            ASSERT_EQ(status, produce_status::queued);
        }
        ASSERT_TRUE(sink.flush(15s));
    }

    static std::vector<input_record> consume(kafka_source& source, std::size_t count,
                                             std::chrono::milliseconds limit = 15s) {
        std::vector<input_record> got;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (got.size() < count && std::chrono::steady_clock::now() < deadline) {
            for (auto& r : source.poll(count - got.size(), 200ms, SIZE_MAX))
                got.push_back(std::move(r));
        }
        return got;
    }

    static bool poll_until(const std::vector<kafka_source*>& sources,
                           const std::function<bool()>& done, std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            for (auto* source : sources) (void)source->poll(100, 100ms, SIZE_MAX);
        }
        return done();
    }

    std::FILE* log_file_ = std::tmpfile();
    imr::observe::logger log_{imr::observe::log_level::debug, log_file_};
};

TEST_F(KafkaClients, ProducedRecordsComeBackWithKeysHeadersAndOffsets) {
    const auto outcomes = unique_name("outcomes");
    const auto dead_letters = unique_name("dead-letters");
    create_topic(outcomes, 1);
    create_topic(dead_letters, 1);

    auto sink = make_sink(outcomes, dead_letters);
    recording_delivery_listener deliveries;
    sink->set_delivery_listener(&deliveries);

    std::vector<output_record> records;
    for (int i = 0; i < 5; ++i) records.push_back(make_outcome(i, "letters-in"));
    output_record dead;
    dead.kind = output_kind::dead_letter;
    dead.value = std::string(phi_marker) + "unreadable";
    dead.source = {"letters-in", 1};
    dead.source_offset = 42;
    records.push_back(dead);
    produce_all(*sink, records);

    ASSERT_EQ(deliveries.reports.size(), 6U);
    std::vector<int64_t> outcome_offsets;
    for (const auto& report : deliveries.reports) {
        EXPECT_TRUE(report.delivered) << report.error;
        EXPECT_TRUE(report.error.empty());
        if (report.kind == output_kind::outcome) {
            EXPECT_EQ(report.source, (topic_partition{"letters-in", 3}));
            outcome_offsets.push_back(report.source_offset);
            EXPECT_EQ(report.source_timestamp_ms, 1'700'000'000'000 - 100 + report.source_offset);
            EXPECT_EQ(report.bytes,
                      records[static_cast<std::size_t>(report.source_offset - 100)].value.size());
        } else {
            EXPECT_EQ(report.source, (topic_partition{"letters-in", 1}));
            EXPECT_EQ(report.source_offset, 42);
            EXPECT_FALSE(report.source_timestamp_ms.has_value());
            EXPECT_EQ(report.bytes, dead.value.size());
        }
    }
    // One partition: reports come in produce order.
    EXPECT_EQ(outcome_offsets, (std::vector<int64_t>{100, 101, 102, 103, 104}));
    EXPECT_FALSE(sink->fatal());

    auto source = make_source(unique_name("group"), {outcomes, dead_letters});
    auto got = consume(*source, 6);
    ASSERT_EQ(got.size(), 6U);
    std::vector<input_record> from_outcomes;
    for (auto& r : got) {
        if (r.where.topic == dead_letters) {
            EXPECT_EQ(r.where.partition, 0);
            EXPECT_EQ(r.offset, 0);
            EXPECT_FALSE(r.key.has_value());
            EXPECT_TRUE(r.headers.empty());
            EXPECT_EQ(r.value, dead.value);
        } else {
            from_outcomes.push_back(std::move(r));
        }
    }
    ASSERT_EQ(from_outcomes.size(), 5U);
    for (std::size_t i = 0; i < from_outcomes.size(); ++i) {
        const auto& r = from_outcomes[i];
        const auto& sent = records[i];
        EXPECT_EQ(r.where, (topic_partition{outcomes, 0}));
        EXPECT_EQ(r.offset, static_cast<int64_t>(i));
        EXPECT_EQ(r.key, sent.key);
        EXPECT_EQ(r.value, sent.value);
        ASSERT_EQ(r.headers.size(), 2U);
        EXPECT_EQ(r.headers[0].name, "imr-source-topic");
        EXPECT_EQ(r.headers[0].value, "letters-in");
        EXPECT_EQ(r.headers[1].name, "imr-index");
        EXPECT_EQ(r.headers[1].value, std::to_string(i));
        ASSERT_TRUE(r.timestamp_ms.has_value());
        EXPECT_GT(*r.timestamp_ms, 0);
    }
    source->close(10s);
    source->close(10s);  // idempotent
    EXPECT_FALSE(source->fatal());
}

TEST_F(KafkaClients, TwentyMegabyteDeadLetterRoundTrips) {
    const auto outcomes = unique_name("outcomes");
    const auto dead_letters = unique_name("dead-letters");
    create_topic(dead_letters, 1);

    auto sink = make_sink(outcomes, dead_letters);
    recording_delivery_listener deliveries;
    sink->set_delivery_listener(&deliveries);

    output_record big;
    big.kind = output_kind::dead_letter;
    std::string big_value;
    big_value.reserve(20'000'000);
    big_value = phi_marker;
    // Not all one byte, so that lz4 cannot shrink it to nothing and the fetch path really
    // carries ~20 MB.
    unsigned state = 12345;
    while (big_value.size() < 20'000'000) {
        state = state * 1103515245U + 12345U;
        big_value.push_back(static_cast<char>('a' + (state >> 16) % 26));
    }
    big.value = std::move(big_value);
    big.source = {"letters-in", 0};
    big.source_offset = 7;
    produce_all(*sink, {big});
    ASSERT_EQ(deliveries.reports.size(), 1U);
    EXPECT_TRUE(deliveries.reports[0].delivered) << deliveries.reports[0].error;

    auto source = make_source(unique_name("group"), {dead_letters});
    const auto got = consume(*source, 1, 20s);
    ASSERT_EQ(got.size(), 1U);
    EXPECT_EQ(got[0].value.size(), big.value.size());
    EXPECT_TRUE(got[0].value == big.value);  // not EXPECT_EQ: a failure would print 20 MB
}

TEST_F(KafkaClients, OversizedRecordFailsAtOnceWithoutReport) {
    // The extra property overrides the sink's 32 MiB default.
    auto sink = make_sink(unique_name("outcomes"), unique_name("dead-letters"),
                          {{"message.max.bytes", "100000"}});
    recording_delivery_listener deliveries;
    sink->set_delivery_listener(&deliveries);

    output_record record;
    record.value = std::string(200'000, 'x');
    record.source = {"letters-in", 2};
    record.source_offset = 9;
    EXPECT_EQ(sink->produce(record), produce_status::failed);
    EXPECT_TRUE(sink->flush(2s));
    EXPECT_TRUE(deliveries.reports.empty());
    EXPECT_FALSE(sink->fatal());
}

TEST_F(KafkaClients, QueueFullIsBackPressureThatClearsAfterPoll) {
    const auto outcomes = unique_name("outcomes");
    create_topic(outcomes, 1);
    auto sink = make_sink(outcomes, unique_name("dead-letters"),
                          {{"queue.buffering.max.messages", "1"}, {"linger.ms", "200"}});
    recording_delivery_listener deliveries;
    sink->set_delivery_listener(&deliveries);

    ASSERT_EQ(sink->produce(make_outcome(0, "letters-in")), produce_status::queued);
    const auto second = make_outcome(1, "letters-in");
    EXPECT_EQ(sink->produce(second), produce_status::queue_full);

    produce_status status = produce_status::queue_full;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (status == produce_status::queue_full && std::chrono::steady_clock::now() < deadline) {
        sink->poll(50ms);
        status = sink->produce(second);
    }
    EXPECT_EQ(status, produce_status::queued);
    ASSERT_TRUE(sink->flush(10s));
    ASSERT_EQ(deliveries.reports.size(), 2U);
    EXPECT_EQ(deliveries.reports[0].source_offset, 100);
    EXPECT_EQ(deliveries.reports[1].source_offset, 101);
}

TEST_F(KafkaClients, StatisticsCallbackReceivesJson) {
    int calls = 0;
    bool looks_like_json = false;
    auto sink = make_sink(unique_name("outcomes"), unique_name("dead-letters"),
                          {{"statistics.interval.ms", "1000"}}, [&](std::string_view json) {
                              ++calls;
                              looks_like_json =
                                  !json.empty() && json.front() == '{' && json.back() == '}';
                          });
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (calls == 0 && std::chrono::steady_clock::now() < deadline) sink->poll(100ms);
    EXPECT_GT(calls, 0);
    EXPECT_TRUE(looks_like_json);
}

TEST_F(KafkaClients, PausedPartitionDeliversNothingUntilResumed) {
    const auto topic = unique_name("input");
    create_topic(topic, 1);
    {
        auto sink = make_sink(topic, topic);
        std::vector<output_record> records;
        for (int i = 0; i < 10; ++i) records.push_back(make_outcome(i, topic));
        produce_all(*sink, records);
    }

    int statistics = 0;
    imr::kafka::consumer_options options;
    options.on_statistics = [&](std::string_view json) { statistics += json.empty() ? 0 : 1; };
    auto source = make_source(unique_name("group"), {topic}, {{"statistics.interval.ms", "1000"}},
                              std::move(options));
    auto first = consume(*source, 1);
    ASSERT_EQ(first.size(), 1U);
    EXPECT_EQ(first[0].offset, 0);

    // The rest is likely prefetched already: pausing must hold that back too.
    source->pause({{topic, 0}});
    const auto quiet_until = std::chrono::steady_clock::now() + 1500ms;
    std::size_t while_paused = 0;
    while (std::chrono::steady_clock::now() < quiet_until)
        while_paused += source->poll(10, 100ms, SIZE_MAX).size();
    EXPECT_EQ(while_paused, 0U);

    source->resume({{topic, 0}});
    const auto rest = consume(*source, 9);
    ASSERT_EQ(rest.size(), 9U);
    for (std::size_t i = 0; i < rest.size(); ++i)
        EXPECT_EQ(rest[i].offset, static_cast<int64_t>(i + 1));
    // Statistics reach the consumer's callback through its poll (the paused wait alone
    // spans more than one 1 s interval).
    EXPECT_GT(statistics, 0);
}

TEST_F(KafkaClients, NextMemberResumesAfterCommittedOffsetNotAfterWhatWasRead) {
    const auto topic = unique_name("input");
    create_topic(topic, 1);
    {
        auto sink = make_sink(topic, topic);
        std::vector<output_record> records;
        for (int i = 0; i < 10; ++i) records.push_back(make_outcome(i, topic));
        produce_all(*sink, records);
    }
    const auto group = unique_name("group");

    {
        auto first = make_source(group, {topic});
        ASSERT_EQ(consume(*first, 10).size(), 10U);
        // Only 0..5 are finished; 6..9 were read but not processed.
        first->store({{{topic, 0}, 6}});
        EXPECT_TRUE(first->commit_now(10s));
        EXPECT_TRUE(first->commit_now(10s));  // nothing new stored: __NO_OFFSET counts as success
        first->close(10s);
        EXPECT_FALSE(first->commit_now(10s));  // closed
    }

    auto second = make_source(group, {topic});
    const auto got = consume(*second, 4);
    ASSERT_EQ(got.size(), 4U);
    for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_EQ(got[i].offset, static_cast<int64_t>(6 + i));
    // Nothing beyond offset 9 exists, so no duplicates either.
    EXPECT_TRUE(second->poll(10, 500ms, SIZE_MAX).empty());
}

TEST_F(KafkaClients, SecondMemberMakesFirstRevokeAllThenShareEager) {
    const auto topic = unique_name("input");
    create_topic(topic, 4);
    const auto group = unique_name("group");

    auto a = make_source(group, {topic});
    recording_rebalance_listener a_events;
    a->set_rebalance_listener(&a_events);
    // While on_revoked runs the partitions are still ours: storing for them must work and
    // be committed before they go.
    a_events.before_giving_up = [&](const std::vector<topic_partition>& partitions) {
        std::vector<imr::stream::committed_offset> offsets;
        for (const auto& p : partitions) offsets.push_back({p, 0});
        a->store(offsets);
    };
    ASSERT_TRUE(poll_until(
        {a.get()}, [&] { return a_events.owned.size() == 4; }, 15s));
    EXPECT_TRUE(a_events.revoked.empty());

    auto b = make_source(group, {topic});
    recording_rebalance_listener b_events;
    b->set_rebalance_listener(&b_events);
    ASSERT_TRUE(poll_until(
        {a.get(), b.get()},
        [&] {
            return !a_events.revoked.empty() && !a_events.owned.empty() && !b_events.owned.empty();
        },
        20s));

    // Eager: everything is revoked, then the partitions are dealt out again.
    EXPECT_EQ(a_events.revoked.front().size(), 4U);
    EXPECT_EQ(a_events.owned.size() + b_events.owned.size(), 4U);
    for (const auto& p : b_events.owned) EXPECT_FALSE(a_events.owned.contains(p));
    EXPECT_GE(a->rebalance_count(), 3U);

    a->set_rebalance_listener(nullptr);
    b->set_rebalance_listener(nullptr);
    a->close(10s);
    b->close(10s);

    std::fflush(log_file_);
    std::rewind(log_file_);
    std::string text;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, log_file_)) > 0;)
        text.append(buffer, n);
    std::fseek(log_file_, 0, SEEK_END);
    EXPECT_EQ(text.find("kafka_offset_store_failed"), std::string::npos);
    EXPECT_NE(text.find("kafka_committed_on_revoke"), std::string::npos);
}

TEST_F(KafkaClients, SecondMemberTakesOnlyMovedPartitionsCooperative) {
    const auto topic = unique_name("input");
    create_topic(topic, 4);
    const auto group = unique_name("group");
    const properties cooperative{{"partition.assignment.strategy", "cooperative-sticky"}};

    auto a = make_source(group, {topic}, cooperative);
    recording_rebalance_listener a_events;
    a->set_rebalance_listener(&a_events);
    ASSERT_TRUE(poll_until(
        {a.get()}, [&] { return a_events.owned.size() == 4; }, 15s));

    auto b = make_source(group, {topic}, cooperative);
    recording_rebalance_listener b_events;
    b->set_rebalance_listener(&b_events);
    ASSERT_TRUE(poll_until(
        {a.get(), b.get()}, [&] { return b_events.owned.size() == 2; }, 25s));

    // Incremental: only the two partitions that moved were revoked; A kept the others.
    ASSERT_EQ(a_events.revoked.size(), 1U);
    EXPECT_EQ(a_events.revoked[0].size(), 2U);
    EXPECT_EQ(a_events.owned.size(), 2U);
    for (const auto& p : a_events.revoked[0]) EXPECT_TRUE(b_events.owned.contains(p));

    a->set_rebalance_listener(nullptr);
    b->set_rebalance_listener(nullptr);
}

TEST_F(KafkaClients, FatalProducerErrorStopsTheSink) {
    auto sink = make_sink(unique_name("outcomes"), unique_name("dead-letters"));
    recording_delivery_listener deliveries;
    sink->set_delivery_listener(&deliveries);
    ASSERT_FALSE(sink->fatal());
    // librdkafka's hook for fabricating the fatal errors an idempotent producer can raise.
    ASSERT_EQ(
        rd_kafka_test_fatal_error(sink->native_handle(),
                                  RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, "fabricated"),
        RD_KAFKA_RESP_ERR_NO_ERROR);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!sink->fatal() && std::chrono::steady_clock::now() < deadline) sink->poll(100ms);
    ASSERT_TRUE(sink->fatal());
    EXPECT_NE(sink->fatal_reason().find("OUT_OF_ORDER_SEQUENCE_NUMBER"), std::string::npos)
        << sink->fatal_reason();
    EXPECT_EQ(sink->produce(make_outcome(0, "letters-in")), produce_status::failed);
    EXPECT_TRUE(deliveries.reports.empty());
}

TEST_F(KafkaClients, FatalConsumerErrorStopsTheSource) {
    const auto topic = unique_name("input");
    create_topic(topic, 1);
    {
        auto sink = make_sink(topic, topic);
        produce_all(*sink, {make_outcome(0, topic)});
    }
    auto source = make_source(unique_name("group"), {topic});
    ASSERT_EQ(consume(*source, 1).size(), 1U);
    ASSERT_EQ(rd_kafka_test_fatal_error(source->native_handle(),
                                        RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID, "fabricated"),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!source->fatal() && std::chrono::steady_clock::now() < deadline)
        (void)source->poll(10, 100ms, SIZE_MAX);
    ASSERT_TRUE(source->fatal());
    EXPECT_NE(source->fatal_reason().find("FENCED_INSTANCE_ID"), std::string::npos)
        << source->fatal_reason();
    EXPECT_TRUE(source->poll(10, 100ms, SIZE_MAX).empty());
}

TEST(KafkaClientConfig, BadPropertyNamesThePropertyButNeverTheValue) {
    try {
        (void)imr::kafka::make_conf({{"queued.min.messages", "PHI-secret-value"}});
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        if (std::getenv("IMR_TEST_SHOW_LOG") != nullptr) std::fprintf(stderr, "%s\n", what.c_str());
        EXPECT_NE(what.find("queued.min.messages"), std::string::npos) << what;
        EXPECT_EQ(what.find("PHI-secret-value"), std::string::npos) << what;
    }
    try {
        (void)imr::kafka::make_conf({{"no.such.property", "PHI-secret-value"}});
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("no.such.property"), std::string::npos) << what;
        EXPECT_EQ(what.find("PHI-secret-value"), std::string::npos) << what;
    }
}

TEST(KafkaClientConfig, ClientsRefuseBadExtraPropertiesAtConstruction) {
    imr::observe::logger log(imr::observe::log_level::error);
    EXPECT_THROW(kafka_source(test_brokers(), "g", {"t"}, {{"no.such.property", "1"}}, log),
                 std::invalid_argument);
    EXPECT_THROW(kafka_sink(test_brokers(), "o", "d", {{"acks", "PHI-many"}}, log),
                 std::invalid_argument);
    // Accepted one by one, refused together by librdkafka when the client is created.
    EXPECT_THROW(kafka_sink(test_brokers(), "o", "d",
                            {{"max.in.flight.requests.per.connection", "50"}}, log),
                 std::runtime_error);
}

}  // namespace
