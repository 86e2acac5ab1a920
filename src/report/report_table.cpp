#include "imr/report/report_table.h"

#include <algorithm>
#include <stdexcept>

namespace imr::report {

size_t report_table::column(std::string_view name) const {
    const auto found = std::find(columns.begin(), columns.end(), name);
    if (found == columns.end()) throw std::logic_error("report table without column");
    return static_cast<size_t>(found - columns.begin());
}

}  // namespace imr::report
