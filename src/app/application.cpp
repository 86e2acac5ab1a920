#include "application.h"

#include <librdkafka/rdkafka.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <thread>

#include "imr/classify/vocabulary.h"
#include "imr/engine/engine.h"
#include "imr/input/pdf_text.h"
#include "imr/kafka/kafka_sink.h"
#include "imr/kafka/kafka_source.h"
#include "imr/observe/classification_metrics.h"
#include "imr/observe/health.h"
#include "imr/observe/http_endpoint.h"
#include "imr/observe/kafka_statistics.h"
#include "imr/observe/pipeline_metrics.h"
#include "imr/observe/sink_metrics.h"
#include "imr/stream/classify_processor.h"
#include "imr/stream/pipeline.h"
#include "imr/version.h"
#include "pdf_helper_mode.h"

namespace imr::app {
namespace {

kafka::properties with_statistics(const kafka_properties& extra,
                                  std::chrono::milliseconds interval) {
    kafka::properties properties{{"statistics.interval.ms", std::to_string(interval.count())}};
    properties.insert(properties.end(), extra.begin(), extra.end());  // users' values win
    return properties;
}

void register_build_info(prometheus::Registry& registry) {
    prometheus::BuildGauge()
        .Name("imr_build_info")
        .Help("What is running")
        .Register(registry)
        .Add({{"version", std::string(version)}, {"librdkafka_version", rd_kafka_version_str()}})
        .Set(1);
}

}  // namespace

int run_application(const run_settings& settings, observe::logger& log, std::stop_token stop) {
    input::silence_pdf_library_diagnostics();

    prometheus::Registry registry;
    register_build_info(registry);
    observe::health_state health;
    observe::classification_metrics classification_probe(registry);
    observe::pipeline_metrics pipeline_probe(registry, health);
    observe::sink_metrics sink_probe(registry, health);
    observe::kafka_statistics statistics(registry, health);
    observe::http_endpoint endpoint(settings.metrics_address, registry, health);

    const classify::vocabulary words = settings.vocabulary_dir
                                           ? classify::load_vocabulary(*settings.vocabulary_dir)
                                           : classify::builtin_vocabulary();
    const engine shared_engine(words);
    input::decoder_limits limits;
    limits.max_input_bytes = settings.max_input_bytes;
    limits.max_cpu = settings.max_cpu;
    limits.max_memory_bytes = settings.max_memory_bytes;
    limits.pdf_helper = pdf_helper_of_this_program();

    kafka::kafka_sink sink(
        settings.brokers, settings.outcomes_topic, settings.dlq_topic,
        with_statistics(settings.producer_properties, settings.statistics_interval), log,
        [&](std::string_view json) { statistics.on_producer_statistics(json); },
        kafka::sink_options{.probe = &sink_probe});
    kafka::consumer_options consumer;
    consumer.queued_max_messages_kbytes = static_cast<int>(settings.queued_max_kbytes);
    consumer.queued_min_messages = static_cast<int>(settings.queued_min_messages);
    consumer.on_statistics = [&](std::string_view json) {
        statistics.on_consumer_statistics(json);
    };
    kafka::kafka_source source(
        settings.brokers, settings.group, {settings.input_topic},
        with_statistics(settings.consumer_properties, settings.statistics_interval), log, consumer);

    stream::pipeline_config config;
    config.workers = settings.workers == 0 ? std::max(1u, std::thread::hardware_concurrency())
                                           : settings.workers;
    config.max_in_flight = settings.max_in_flight;
    config.max_in_flight_bytes = settings.max_in_flight_bytes;
    config.poll_batch = settings.poll_batch;
    config.drain_timeout = settings.shutdown_timeout;
    config.shutdown_timeout = settings.shutdown_timeout;
    const stream::processor_factory make_processor = [&] {
        return std::make_unique<stream::classify_processor>(shared_engine, limits,
                                                            classification_probe);
    };

    log.info("service_started", {{"version", std::string(version)},
                                 {"input_topic", settings.input_topic},
                                 {"outcomes_topic", settings.outcomes_topic},
                                 {"dlq_topic", settings.dlq_topic},
                                 {"group", settings.group},
                                 {"workers", static_cast<int64_t>(config.workers)},
                                 {"metrics_address", endpoint.address()}});
    stream::pipeline pipeline(source, sink, make_processor, config, pipeline_probe, log);
    std::stop_callback mark_stopping(stop, [&] { health.set_stopping(true); });
    const stream::pipeline_result result = pipeline.run(stop);
    if (result.failed) {
        const std::string detail = source.fatal() ? source.fatal_reason()
                                   : sink.fatal() ? sink.fatal_reason()
                                                  : result.reason;
        log.error("service_failed", {{"reason", detail}});
        return exit_failed;
    }
    if (!result.clean) {
        // Nothing is lost (the offsets of abandoned work were not committed), but the stop
        // was not the graceful one asked for: say so to whoever watches exit codes.
        log.warn("service_stopped",
                 {{"clean", false},
                  {"abandoned_in_flight", static_cast<int64_t>(result.abandoned)},
                  {"reason", result.reason}});
        return exit_abandoned;
    }
    log.info("service_stopped", {{"clean", true}});
    return 0;
}

}  // namespace imr::app
