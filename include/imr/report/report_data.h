#pragma once

#include <string>

#include "imr/report/report_table.h"

namespace imr::report {

// report.json: rules, totals, skipped counts and every table, its rows as objects keyed by
// column name (numbers as numbers, empty cells as null).
[[nodiscard]] std::string render_json(const outcome_report& report);

// One table as CSV (RFC 4180: a header row, fields quoted when they need it, CRLF line ends).
[[nodiscard]] std::string render_csv(const report_table& table);

// A cell as plain text: counts as integers, real numbers with 6 significant digits (as in
// report.json), empty as "".
[[nodiscard]] std::string cell_text(const cell& value);

}  // namespace imr::report
