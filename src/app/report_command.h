#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace imr::app {

struct report_options {
    std::vector<std::string> inputs;  // outcome JSONL files, or "-" for stdin
    std::string brokers;              // when set: read `topic` instead of files
    std::string topic = "imr.determinations.outcomes";
    std::vector<std::string> kafka_properties;  // key=value, applied last
    std::chrono::seconds timeout{120};
    std::filesystem::path out_dir;
};

// `imr-stream report`: the outcome tables (report.html, report.json, one CSV per table)
// from outcome records. Returns the exit code: 0 written, 1 input could not be read,
// 2 usage error.
int run_report(const report_options& options);

}  // namespace imr::app
