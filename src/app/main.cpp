#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <span>

#include "classify_command.h"
#include "imr/input/pdf_helper.h"
#include "imr/version.h"
#include "pdf_helper_mode.h"
#include "publish_command.h"
#include "report_command.h"
#include "run_command.h"
#include "run_settings.h"

int main(int argc, char** argv) {
    if (argc >= 2 && argv[1] == imr::app::pdf_helper_mode) {
        return imr::input::run_pdf_helper(std::span<char* const>(argv + 2, argc - 2));
    }
    CLI::App app{
        "imr-stream: classify California IMR determination letters, offline or from Kafka"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string(imr::version));

    imr::app::classify_options classify;
    auto* classify_cmd = app.add_subcommand(
        "classify", "Classify letters (text, PDF or JSON envelope) to JSON lines");
    classify_cmd->add_option("inputs", classify.inputs, "Files, directories, or - for stdin")
        ->required();
    classify_cmd->add_option("-j,--jobs", classify.jobs, "Worker threads (default: one per core)");
    classify_cmd
        ->add_option("--vocabulary", classify.vocabulary_dir,
                     "Directory of vocabulary .tsv files replacing the built-in one")
        ->check(CLI::ExistingDirectory);
    classify_cmd->add_option("--max-bytes", classify.max_input_bytes,
                             "Largest accepted input, in bytes (too_large beyond)");
    classify_cmd
        ->add_option_function<size_t>(
            "--max-cpu-ms", [&](size_t ms) { classify.max_cpu = std::chrono::milliseconds(ms); },
            "CPU time per document for reading a PDF and for the text engine, each "
            "(too_complex beyond; default 2000)")
        ->check(CLI::Range(size_t{1}, imr::app::max_cpu_ms));
    classify_cmd
        ->add_option_function<size_t>(
            "--max-memory-mb", [&](size_t mb) { classify.max_memory_bytes = mb << 20; },
            "Memory per PDF, MiB, in its helper process (too_complex beyond; default 256)")
        ->check(CLI::Range(size_t{1}, imr::app::max_memory_mb));
    classify_cmd->add_flag("!--no-progress", classify.progress, "Never show progress on stderr");
    classify_cmd->add_flag("!--no-summary", classify.summary,
                           "Do not print the counters summary on stderr");

    imr::app::run_settings_parser run_settings;
    auto* run_cmd = app.add_subcommand(
        "run",
        "Consume raw documents from Kafka, classify them, produce outcomes and dead letters");
    run_settings.add_options(*run_cmd);

    imr::app::report_options report;
    auto* report_cmd = app.add_subcommand(
        "report", "The IMR outcome tables (HTML, CSV, JSON) from outcome records or the topic");
    report_cmd->add_option("inputs", report.inputs, "Outcome JSONL files, or - for stdin");
    report_cmd->add_option("--out", report.out_dir, "Directory to write the report to")->required();
    report_cmd->add_option("--brokers", report.brokers,
                           "Read the outcomes topic from these bootstrap servers instead");
    report_cmd->add_option("--topic", report.topic, "Outcomes topic")->capture_default_str();
    report_cmd->add_option("-X,--property", report.kafka_properties,
                           "librdkafka property key=value (security settings, ...)");
    report_cmd
        ->add_option("--timeout", report.timeout,
                     "Longest time to read the topic to its end, in seconds")
        ->capture_default_str();
    imr::app::publish_options publish;
    auto* publish_cmd = app.add_subcommand(
        "publish", "Put documents on the input topic, each in a JSON envelope (idempotent)");
    imr::app::add_publish_options(*publish_cmd, publish);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    try {
        if (*classify_cmd) return imr::app::run_classify(classify);
        if (*run_cmd) return imr::app::run_service(run_settings);
        if (*report_cmd) return imr::app::run_report(report);
        if (*publish_cmd) return imr::app::run_publish(publish);
    } catch (const std::exception& e) {
        std::cerr << "imr-stream: " << e.what() << '\n';
        return 2;
    }
    return 2;
}
