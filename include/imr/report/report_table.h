#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace imr::report {

// A table cell: empty, text, a count, or a rate/median (a real number).
using cell = std::variant<std::monostate, std::string, int64_t, double>;

// How a table is drawn as a horizontal bar chart: one row of the chart per table row,
// labelled by the label columns. Stacked value columns are the segments of one bar (upheld,
// overturned); otherwise each value column is a bar of its own (one side, the other side).
struct chart_spec {
    std::vector<size_t> label_columns;
    std::vector<size_t> value_columns;
    bool stacked = true;
};

struct report_table {
    std::string id;     // file name of its CSV, key in report.json
    std::string title;  // heading in the HTML page
    std::string note;   // how it was counted
    std::vector<std::string> columns;
    std::vector<std::vector<cell>> rows;
    std::optional<chart_spec> chart;

    [[nodiscard]] size_t column(std::string_view name) const;
};

// The whole report: totals, what was skipped and why, and the tables.
struct outcome_report {
    std::vector<std::pair<std::string, std::string>> rules;  // name, how it is applied
    std::vector<std::pair<std::string, int64_t>> totals;
    std::vector<std::pair<std::string, int64_t>> skipped;
    std::vector<report_table> tables;
};

}  // namespace imr::report
