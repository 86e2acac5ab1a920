#include "imr/report/report_builder.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>

namespace imr::report {
namespace {

constexpr std::string_view not_stated = "(not stated)";
constexpr std::string_view unknown_month = "unknown";

// Items and their decisions in one group (a month, a category, a drug, ...).
struct decision_counts {
    int64_t items = 0;
    int64_t upheld = 0;
    int64_t overturned = 0;
    int64_t partial = 0;

    void add(const item_record& item) {
        ++items;
        ++(item.overturned ? overturned : upheld);
        partial += item.partially_authorized ? 1 : 0;
    }
};

cell rate(int64_t part, int64_t whole) {
    if (whole == 0) return std::monostate{};
    return static_cast<double>(part) / static_cast<double>(whole);
}

// The columns every decision table ends with; the rate's denominator is `items`.
const std::vector<std::string> decision_columns = {"items", "upheld", "overturned", "overturn_rate",
                                                   "small_group"};

void append_decisions(std::vector<cell>& row, const decision_counts& counts) {
    row.emplace_back(counts.items);
    row.emplace_back(counts.upheld);
    row.emplace_back(counts.overturned);
    row.push_back(rate(counts.overturned, counts.items));
    row.emplace_back(std::string(counts.items < small_group_items ? "yes" : "no"));
}

std::vector<std::string> with_decision_columns(std::vector<std::string> leading) {
    leading.insert(leading.end(), decision_columns.begin(), decision_columns.end());
    return leading;
}

// Bars stacked from the upheld and overturned columns, labelled by the leading columns.
chart_spec decision_chart(const report_table& table, std::vector<size_t> labels) {
    return {std::move(labels), {table.column("upheld"), table.column("overturned")}};
}

// Groups ordered by most items first, then by name, so the tables read as rankings.
template <typename Key>
std::vector<std::pair<Key, decision_counts>> ranked(const std::map<Key, decision_counts>& groups) {
    std::vector<std::pair<Key, decision_counts>> out(groups.begin(), groups.end());
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.second.items > b.second.items; });
    return out;
}

std::string month_of(const std::optional<std::string>& iso_date) {
    if (!iso_date || iso_date->size() < 7) return std::string(unknown_month);
    return iso_date->substr(0, 7);
}

std::optional<std::chrono::sys_days> day_of(const std::optional<std::string>& iso_date) {
    if (!iso_date || iso_date->size() != 10) return std::nullopt;
    int year = 0;
    unsigned month = 0;
    unsigned day = 0;
    if (std::sscanf(iso_date->c_str(), "%4d-%2u-%2u", &year, &month, &day) != 3) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                                           std::chrono::day{day}};
    if (!date.ok()) return std::nullopt;
    return std::chrono::sys_days{date};
}

// Median of the values (the mean of the two middle ones for an even count).
double median(std::vector<int64_t> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    if (n % 2 == 1) return static_cast<double>(values[n / 2]);
    return (static_cast<double>(values[n / 2 - 1]) + static_cast<double>(values[n / 2])) / 2.0;
}

// The nearest-rank percentile: the smallest value with at least p% of the values at or below.
int64_t percentile(std::vector<int64_t> values, int p) {
    std::sort(values.begin(), values.end());
    const size_t rank = static_cast<size_t>(
        std::ceil(static_cast<double>(p) / 100.0 * static_cast<double>(values.size())));
    return values[std::max<size_t>(rank, 1) - 1];
}

void for_each_item(const std::vector<letter_record>& letters,
                   const std::function<void(const letter_record&, const item_record&)>& visit) {
    for (const auto& letter : letters) {
        for (const auto& item : letter.items) visit(letter, item);
    }
}

report_table decisions_by_month(const std::vector<letter_record>& letters) {
    std::map<std::string, decision_counts> items;
    std::map<std::string, int64_t> letter_counts;
    for (const auto& letter : letters) {
        const std::string month = month_of(letter.decision_date);
        ++letter_counts[month];
        auto& counts = items[month];
        for (const auto& item : letter.items) counts.add(item);
    }
    report_table t{"decisions_by_month", "Decisions per month", "", {}, {}, {}};
    t.note =
        "Items by the month of the letter's decision date; letters without one are under "
        "'unknown'. The overturn rate is overturned items over items.";
    t.columns = with_decision_columns({"month", "letters"});
    for (const auto& [month, counts] : items) {
        if (month == unknown_month) continue;
        std::vector<cell> row{month, letter_counts[month]};
        append_decisions(row, counts);
        t.rows.push_back(std::move(row));
    }
    if (const auto found = items.find(std::string(unknown_month)); found != items.end()) {
        std::vector<cell> row{std::string(unknown_month), letter_counts[found->first]};
        append_decisions(row, found->second);
        t.rows.push_back(std::move(row));
    }
    t.chart = decision_chart(t, {0});
    return t;
}

report_table outcomes_by_category(const std::vector<letter_record>& letters) {
    std::map<std::string, decision_counts> groups;
    for_each_item(letters, [&](const letter_record&, const item_record& item) {
        groups[item.category].add(item);
    });
    report_table t{"outcomes_by_category", "Outcomes by treatment category", "", {}, {}, {}};
    t.note =
        "Every item in the DWC's treatment taxonomy; partial authorizations are items the "
        "claims administrator modified before review.";
    t.columns = with_decision_columns({"category"});
    t.columns.insert(t.columns.end() - 1, "partial_authorizations");
    for (const auto& [category, counts] : ranked(groups)) {
        std::vector<cell> row{category};
        append_decisions(row, counts);
        row.insert(row.end() - 1, counts.partial);
        t.rows.push_back(std::move(row));
    }
    t.chart = decision_chart(t, {0});
    return t;
}

report_table outcomes_by_subcategory(const std::vector<letter_record>& letters) {
    std::map<std::pair<std::string, std::string>, decision_counts> groups;
    for_each_item(letters, [&](const letter_record&, const item_record& item) {
        groups[{item.category, item.subcategory}].add(item);
    });
    report_table t{"outcomes_by_subcategory", "Outcomes by treatment subcategory", "", {}, {}, {}};
    t.note = "As by category, one row per subcategory.";
    t.columns = with_decision_columns({"category", "subcategory"});
    t.columns.insert(t.columns.end() - 1, "partial_authorizations");
    for (const auto& [key, counts] : ranked(groups)) {
        std::vector<cell> row{key.first, key.second};
        append_decisions(row, counts);
        row.insert(row.end() - 1, counts.partial);
        t.rows.push_back(std::move(row));
    }
    t.chart = decision_chart(t, {1});
    return t;
}

report_table top_drugs(const std::vector<letter_record>& letters) {
    std::map<std::string, decision_counts> groups;
    for_each_item(letters, [&](const letter_record&, const item_record& item) {
        for (const auto& ingredient : item.ingredients) groups[ingredient].add(item);
    });
    report_table t{"top_drugs", "The 25 most disputed drugs", "", {}, {}, {}};
    t.note =
        "By generic ingredient (item.treatment.drug): an item with several ingredients "
        "counts once under each. Only outcomes that carry item.treatment contribute.";
    t.columns = with_decision_columns({"ingredient"});
    auto rows = ranked(groups);
    if (rows.size() > 25) rows.resize(25);
    for (const auto& [ingredient, counts] : rows) {
        std::vector<cell> row{ingredient};
        append_decisions(row, counts);
        t.rows.push_back(std::move(row));
    }
    t.chart = decision_chart(t, {0});
    return t;
}

report_table therapy_sessions(const std::vector<letter_record>& letters) {
    std::map<std::pair<std::string, std::string>, std::vector<int64_t>> groups;
    for_each_item(letters, [&](const letter_record&, const item_record& item) {
        if (item.sessions) groups[{item.category, item.subcategory}].push_back(*item.sessions);
    });
    report_table t{"therapy_sessions", "Visits asked for, by subcategory", "", {}, {}, {}};
    t.note = "Items whose request names a number of sessions or visits (item.treatment.sessions).";
    t.columns = {"category",       "subcategory",     "items_with_sessions",
                 "sessions_total", "sessions_median", "sessions_max"};
    std::vector<std::vector<cell>> rows;
    for (const auto& [key, sessions] : groups) {
        int64_t total = 0;
        for (const int64_t n : sessions) total += n;
        rows.push_back({key.first, key.second, static_cast<int64_t>(sessions.size()), total,
                        median(sessions), *std::max_element(sessions.begin(), sessions.end())});
    }
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return std::get<int64_t>(a[3]) > std::get<int64_t>(b[3]);
    });
    t.rows = std::move(rows);
    t.chart = chart_spec{{1}, {3}};
    return t;
}

report_table outcomes_by_specialty(const std::vector<letter_record>& letters) {
    std::map<std::string, decision_counts> groups;
    std::map<std::string, int64_t> letter_counts;
    for (const auto& letter : letters) {
        std::vector<std::string> specialties = letter.specialties;
        if (specialties.empty()) specialties.emplace_back(not_stated);
        for (const auto& specialty : specialties) {
            ++letter_counts[specialty];
            auto& counts = groups[specialty];
            for (const auto& item : letter.items) counts.add(item);
        }
    }
    report_table t{"outcomes_by_specialty", "Outcomes by reviewer specialty", "", {}, {}, {}};
    t.note = "A reviewer with several specialties counts under each.";
    t.columns = with_decision_columns({"specialty", "letters"});
    for (const auto& [specialty, counts] : ranked(groups)) {
        std::vector<cell> row{specialty, letter_counts[specialty]};
        append_decisions(row, counts);
        t.rows.push_back(std::move(row));
    }
    t.chart = decision_chart(t, {0});
    return t;
}

int64_t count_items(const std::vector<letter_record>& letters,
                    const std::function<bool(const item_record&)>& matches) {
    int64_t n = 0;
    for_each_item(letters,
                  [&](const letter_record&, const item_record& item) { n += matches(item); });
    return n;
}

bool cites(const std::vector<std::string>& sources, std::string_view source) {
    if (source == "none") return sources.empty();
    return std::find(sources.begin(), sources.end(), source) != sources.end();
}

std::vector<std::string> sorted(std::vector<std::string> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

report_table guideline_sources(const std::vector<letter_record>& letters) {
    report_table t{"guideline_sources", "Guideline sources cited by each side", "", {}, {}, {}};
    t.note =
        "Items whose citation line of each side names the source; 'none' is a line that "
        "cites nothing.";
    t.columns = {"source", "claims_administrator_items", "reviewer_items"};
    for (const std::string_view source : {"MTUS", "ODG", "ACOEM", "other", "none"}) {
        t.rows.push_back({std::string(source),
                          count_items(letters,
                                      [&](const item_record& item) {
                                          return cites(item.claims_administrator_sources, source);
                                      }),
                          count_items(letters, [&](const item_record& item) {
                              return cites(item.reviewer_sources, source);
                          })});
    }
    t.chart = chart_spec{{0}, {1, 2}, false};
    return t;
}

report_table guideline_agreement(const std::vector<letter_record>& letters) {
    report_table t{"guideline_agreement",
                   "Do the reviewer's sources differ from the claims "
                   "administrator's?",
                   "",
                   {},
                   {},
                   {}};
    t.note = "Items whose two sets of cited sources differ, over all items.";
    t.columns = {"comparison", "items", "of_items", "share"};
    const int64_t all = count_items(letters, [](const item_record&) { return true; });
    const int64_t differ = count_items(letters, [](const item_record& item) {
        return sorted(item.claims_administrator_sources) != sorted(item.reviewer_sources);
    });
    t.rows.push_back({std::string("sources differ"), differ, all, rate(differ, all)});
    t.rows.push_back({std::string("sources agree"), all - differ, all, rate(all - differ, all)});
    t.chart = chart_spec{{0}, {1}};
    return t;
}

report_table reasons_overall(const std::vector<letter_record>& letters) {
    std::map<std::string, int64_t> counts;
    int64_t upheld = 0;
    for_each_item(letters, [&](const letter_record&, const item_record& item) {
        if (item.overturned) return;
        ++upheld;
        for (const auto& reason : item.reasons) ++counts[reason];
    });
    report_table t{"reasons", "Reasons for upheld denials", "", {}, {}, {}};
    t.note =
        "Upheld items giving each reason code; an item may give several, so shares add up "
        "to more than 1.";
    t.columns = {"reason", "items", "upheld_items", "share"};
    for (const auto& [reason, n] : counts) t.rows.push_back({reason, n, upheld, rate(n, upheld)});
    std::stable_sort(t.rows.begin(), t.rows.end(), [](const auto& a, const auto& b) {
        return std::get<int64_t>(a[1]) > std::get<int64_t>(b[1]);
    });
    t.chart = chart_spec{{0}, {1}};
    return t;
}

report_table reasons_by_category(const std::vector<letter_record>& letters) {
    std::map<std::string, std::map<std::string, int64_t>> counts;
    std::map<std::string, int64_t> upheld;
    for_each_item(letters, [&](const letter_record&, const item_record& item) {
        if (item.overturned) return;
        ++upheld[item.category];
        for (const auto& reason : item.reasons) ++counts[item.category][reason];
    });
    report_table t{
        "reasons_by_category", "Reasons for upheld denials, by category", "", {}, {}, {}};
    t.note =
        "Share: upheld items of the category giving the reason, over the category's upheld "
        "items.";
    t.columns = {"category", "reason", "items", "upheld_items", "share", "small_group"};
    for (const auto& [category, reasons] : counts) {
        const int64_t whole = upheld[category];
        std::vector<std::vector<cell>> rows;
        for (const auto& [reason, n] : reasons) {
            rows.push_back({category, reason, n, whole, rate(n, whole),
                            std::string(whole < small_group_items ? "yes" : "no")});
        }
        std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
            return std::get<int64_t>(a[2]) > std::get<int64_t>(b[2]);
        });
        t.rows.insert(t.rows.end(), rows.begin(), rows.end());
    }
    return t;
}

report_table review_days(const std::vector<letter_record>& letters) {
    std::map<std::string, std::vector<int64_t>> by_month;
    std::vector<int64_t> all;
    for (const auto& letter : letters) {
        const auto assigned = day_of(letter.assigned_date);
        const auto decided = day_of(letter.decision_date);
        if (!assigned || !decided || *decided < *assigned) continue;
        const int64_t days = (*decided - *assigned).count();
        all.push_back(days);
        by_month[month_of(letter.decision_date)].push_back(days);
    }
    report_table t{"review_days", "Days from assignment to decision", "", {}, {}, {}};
    t.note =
        "Letters carrying both the assignment and the decision date (a decision before "
        "its assignment is left out). Median: the middle value, or the mean of the two "
        "middle values; p90: the nearest-rank 90th percentile.";
    t.columns = {"month", "letters", "median_days", "p90_days"};
    if (!all.empty()) {
        t.rows.push_back({std::string("all"), static_cast<int64_t>(all.size()), median(all),
                          percentile(all, 90)});
    }
    for (const auto& [month, days] : by_month) {
        t.rows.push_back(
            {month, static_cast<int64_t>(days.size()), median(days), percentile(days, 90)});
    }
    t.chart = chart_spec{{0}, {2}};
    return t;
}

report_table warnings(const std::vector<letter_record>& letters) {
    std::map<std::string, int64_t> counts;
    for (const auto& letter : letters) {
        std::vector<std::string> codes = sorted(letter.warning_codes);
        for (const auto& code : codes) ++counts[code];
    }
    report_table t{"warnings", "Letters with warnings", "", {}, {}, {}};
    t.note =
        "Letters carrying each kind of warning (the warning up to its first ':'), counted "
        "once per letter.";
    t.columns = {"warning", "letters"};
    for (const auto& [code, n] : counts) t.rows.push_back({code, n});
    std::stable_sort(t.rows.begin(), t.rows.end(), [](const auto& a, const auto& b) {
        return std::get<int64_t>(a[1]) > std::get<int64_t>(b[1]);
    });
    t.chart = chart_spec{{0}, {1}};
    return t;
}

}  // namespace

void report_builder::add(parsed_line line) {
    switch (line.what) {
        case parsed_line::kind::invalid:
            ++invalid_lines_;
            return;
        case parsed_line::kind::error_record:
            ++error_records_[line.error_code];
            return;
        case parsed_line::kind::outcome:
            break;
    }
    letter_record& letter = line.letter;
    if (letter.source && seen_sources_.count(*letter.source) > 0) {
        ++duplicate_sources_;
        return;
    }
    if (letter.case_number && seen_cases_.count(*letter.case_number) > 0) {
        ++duplicate_cases_;
        return;
    }
    if (letter.source) seen_sources_.insert(*letter.source);
    if (letter.case_number) seen_cases_.insert(*letter.case_number);
    letters_.push_back(std::move(letter));
}

outcome_report report_builder::build() const {
    outcome_report out;
    out.rules = {
        {"duplicates",
         "An outcome is counted once: a later record with the same source.topic, "
         "source.partition and source.offset, or with the same case number, is skipped."},
        {"error_records", "Error records (kind: error) are not letters; they are counted by code."},
        {"small_group", "Groups of fewer than 10 items are marked small_group: yes."},
        {"rates", "Every rate is given with its denominator (items, upheld_items or of_items)."},
    };
    int64_t items = 0;
    int64_t overturned = 0;
    int64_t with_warnings = 0;
    for (const auto& letter : letters_) {
        items += static_cast<int64_t>(letter.items.size());
        for (const auto& item : letter.items) overturned += item.overturned ? 1 : 0;
        with_warnings += letter.warning_codes.empty() ? 0 : 1;
    }
    out.totals = {{"letters", static_cast<int64_t>(letters_.size())},
                  {"items", items},
                  {"upheld", items - overturned},
                  {"overturned", overturned},
                  {"letters_with_warnings", with_warnings}};
    int64_t errors = 0;
    for (const auto& [code, n] : error_records_) errors += n;
    out.skipped = {{"error_records", errors},
                   {"duplicate_source_offsets", duplicate_sources_},
                   {"duplicate_case_numbers", duplicate_cases_},
                   {"lines_not_records", invalid_lines_}};
    for (const auto& [code, n] : error_records_) out.skipped.emplace_back("error:" + code, n);

    out.tables = {decisions_by_month(letters_),
                  outcomes_by_category(letters_),
                  outcomes_by_subcategory(letters_),
                  top_drugs(letters_),
                  therapy_sessions(letters_),
                  outcomes_by_specialty(letters_),
                  guideline_sources(letters_),
                  guideline_agreement(letters_),
                  reasons_overall(letters_),
                  reasons_by_category(letters_),
                  review_days(letters_),
                  warnings(letters_)};
    return out;
}

}  // namespace imr::report
