#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "classify_command.h"
#include "imr/version.h"
#include "publish_command.h"
#include "run_command.h"
#include "run_settings.h"

int main(int argc, char** argv) {
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
                             "Largest accepted input, in bytes");
    classify_cmd->add_flag("!--no-progress", classify.progress, "Never show progress on stderr");
    classify_cmd->add_flag("!--no-summary", classify.summary,
                           "Do not print the counters summary on stderr");

    imr::app::run_settings_parser run_settings;
    auto* run_cmd = app.add_subcommand(
        "run",
        "Consume raw documents from Kafka, classify them, produce outcomes and dead letters");
    run_settings.add_options(*run_cmd);

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
        if (*publish_cmd) return imr::app::run_publish(publish);
    } catch (const std::exception& e) {
        std::cerr << "imr-stream: " << e.what() << '\n';
        return 2;
    }
    return 2;
}
