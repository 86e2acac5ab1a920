#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "imr/report/letter_record.h"
#include "imr/report/report_table.h"

namespace imr::report {

// Groups with fewer items than this are marked (small_group) rather than hidden.
constexpr int64_t small_group_items = 10;

// Collects outcome records, drops what must not be counted (error records, duplicates, lines
// that are not records) and builds the report's tables from the letters kept.
//
// Duplicates: a record whose (source.topic, source.partition, source.offset) was already
// seen, or whose case number was already seen, is skipped; the first one read is counted.
class report_builder {
  public:
    void add(parsed_line line);

    [[nodiscard]] outcome_report build() const;

  private:
    std::vector<letter_record> letters_;
    std::set<source_position> seen_sources_;
    std::set<std::string> seen_cases_;
    std::map<std::string, int64_t> error_records_;  // by error code
    int64_t duplicate_sources_ = 0;
    int64_t duplicate_cases_ = 0;
    int64_t invalid_lines_ = 0;
};

}  // namespace imr::report
