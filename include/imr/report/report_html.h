#pragma once

#include <string>

#include "imr/report/report_table.h"

namespace imr::report {

// report.html: one self-contained page (inline CSS and SVG charts, no script, nothing fetched)
// with the totals, what was skipped, and every table with its chart.
[[nodiscard]] std::string render_html(const outcome_report& report);

}  // namespace imr::report
