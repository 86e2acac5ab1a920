#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace imr::report {

// The fields of one outcome record (schemas/outcome.schema.json) that the report reads.
struct item_record {
    std::string category;
    std::string subcategory;
    bool overturned = false;
    bool partially_authorized = false;  // the item carries a modification
    std::vector<std::string> claims_administrator_sources;
    std::vector<std::string> reviewer_sources;
    std::vector<std::string> reasons;
    std::vector<std::string> ingredients;  // item.treatment.drug.ingredients, when present
    std::optional<int64_t> sessions;       // item.treatment.sessions, when present
};

// Where a record came from on Kafka: the idempotency key of an outcome.
struct source_position {
    std::string topic;
    int64_t partition = 0;
    int64_t offset = 0;
    friend bool operator<(const source_position& a, const source_position& b) {
        return std::tie(a.topic, a.partition, a.offset) < std::tie(b.topic, b.partition, b.offset);
    }
};

struct letter_record {
    std::optional<std::string> case_number;
    std::optional<source_position> source;
    std::optional<std::string> decision_date;  // ISO yyyy-mm-dd
    std::optional<std::string> assigned_date;
    std::vector<std::string> specialties;
    std::vector<std::string> warning_codes;  // each warning up to its first ':'
    std::vector<item_record> items;
};

// One line of outcome JSON: an outcome, an error record (with its code), or not a record.
struct parsed_line {
    enum class kind { outcome, error_record, invalid };
    kind what = kind::invalid;
    letter_record letter;    // for outcomes
    std::string error_code;  // for error records; for invalid lines, why
};

// Reads records one line at a time; keeps one JSON parser, so one reader per thread.
class letter_record_reader {
  public:
    letter_record_reader();
    ~letter_record_reader();
    letter_record_reader(const letter_record_reader&) = delete;
    letter_record_reader& operator=(const letter_record_reader&) = delete;

    [[nodiscard]] parsed_line read(std::string_view line);

  private:
    struct parser_state;
    std::unique_ptr<parser_state> state_;
};

}  // namespace imr::report
