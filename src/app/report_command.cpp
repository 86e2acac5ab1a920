#include "report_command.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

#include "imr/kafka/topic_reader.h"
#include "imr/report/letter_record.h"
#include "imr/report/report_builder.h"
#include "imr/report/report_data.h"
#include "imr/report/report_html.h"

namespace imr::app {
namespace {

namespace fs = std::filesystem;

// Reads JSON lines from a stream into the builder; blank lines are ignored.
void read_lines(std::istream& in, report::letter_record_reader& reader,
                report::report_builder& builder) {
    std::string line;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        builder.add(reader.read(line));
    }
}

std::optional<std::string> read_files(const std::vector<std::string>& inputs,
                                      report::letter_record_reader& reader,
                                      report::report_builder& builder) {
    for (const auto& name : inputs) {
        if (name == "-") {
            read_lines(std::cin, reader, builder);
            continue;
        }
        std::ifstream in(name, std::ios::binary);
        if (!in) return "cannot read " + name;
        read_lines(in, reader, builder);
        if (in.bad()) return "cannot read " + name;
    }
    return std::nullopt;
}

std::optional<std::string> read_kafka(const report_options& options,
                                      report::letter_record_reader& reader,
                                      report::report_builder& builder) {
    kafka::topic_read_options read{options.brokers, options.topic, {}, options.timeout};
    for (const auto& spec : options.kafka_properties) {
        const size_t equals = spec.find('=');
        if (equals == std::string::npos) return "-X wants key=value";
        read.extra.emplace_back(spec.substr(0, equals), spec.substr(equals + 1));
    }
    return kafka::read_topic(read, [&](std::string_view value) {
        // A record value may hold one outcome, or lines of them.
        size_t begin = 0;
        while (begin < value.size()) {
            size_t end = value.find('\n', begin);
            if (end == std::string_view::npos) end = value.size();
            const std::string_view line = value.substr(begin, end - begin);
            if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
                builder.add(reader.read(line));
            }
            begin = end + 1;
        }
    });
}

std::optional<std::string> write_file(const fs::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) return "cannot write " + path.string();
    return std::nullopt;
}

std::optional<std::string> write_report(const report::outcome_report& result, const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return "cannot create " + dir.string() + ": " + ec.message();
    if (auto error = write_file(dir / "report.json", report::render_json(result))) return error;
    if (auto error = write_file(dir / "report.html", report::render_html(result))) return error;
    for (const auto& table : result.tables) {
        if (auto error = write_file(dir / (table.id + ".csv"), report::render_csv(table))) {
            return error;
        }
    }
    return std::nullopt;
}

int64_t total(const std::vector<std::pair<std::string, int64_t>>& pairs, std::string_view name) {
    for (const auto& [key, value] : pairs) {
        if (key == name) return value;
    }
    return 0;
}

}  // namespace

int run_report(const report_options& options) {
    if (options.brokers.empty() == options.inputs.empty()) {
        std::cerr << "imr-stream report: give outcome files (or -), or --brokers to read the "
                     "outcomes topic, not both\n";
        return 2;
    }
    report::letter_record_reader reader;
    report::report_builder builder;
    const auto read_error = options.brokers.empty() ? read_files(options.inputs, reader, builder)
                                                    : read_kafka(options, reader, builder);
    if (read_error) {
        std::cerr << "imr-stream report: " << *read_error << '\n';
        return 1;
    }
    const report::outcome_report result = builder.build();
    if (auto error = write_report(result, options.out_dir)) {
        std::cerr << "imr-stream report: " << *error << '\n';
        return 1;
    }
    std::fprintf(stderr,
                 "report: %lld letters, %lld items; skipped %lld error records, %lld duplicates, "
                 "%lld lines that are not records; written to %s\n",
                 static_cast<long long>(total(result.totals, "letters")),
                 static_cast<long long>(total(result.totals, "items")),
                 static_cast<long long>(total(result.skipped, "error_records")),
                 static_cast<long long>(total(result.skipped, "duplicate_source_offsets") +
                                        total(result.skipped, "duplicate_case_numbers")),
                 static_cast<long long>(total(result.skipped, "lines_not_records")),
                 (options.out_dir / "report.html").c_str());
    return 0;
}

}  // namespace imr::app
