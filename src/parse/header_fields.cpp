#include "imr/parse/header_fields.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>
#include <vector>

#include "imr/text/dates.h"
#include "imr/text/search.h"

namespace imr::parse {
namespace {

using text::find_ci;
using text::npos;

enum class field { case_number, assigned, decision, priority, injury, ur_denial, application };
enum class value_type { case_number, date, priority };

struct label_spec {
    std::string_view text;
    field target;
};

// Longer labels first where one is a prefix of another's words.
constexpr std::array<label_spec, 9> labels = {{
    {"Case Number", field::case_number},
    {"Date Assigned", field::assigned},
    {"Decision Date", field::decision},
    {"Priority", field::priority},
    {"Date of Injury", field::injury},
    {"UR Denial Date", field::ur_denial},
    {"Application Received", field::application},
    {"Application", field::application},
    {"Case No", field::case_number},
}};

value_type type_of(field f) {
    switch (f) {
        case field::case_number:
            return value_type::case_number;
        case field::priority:
            return value_type::priority;
        default:
            return value_type::date;
    }
}

struct token {
    size_t position = 0;
    bool is_label = false;
    field target{};           // labels
    value_type type{};        // values
    std::string case_number;  // values
    imr::date day{};
    imr::priority level{};
};

token value_token(size_t position, value_type type) {
    token t;
    t.position = position;
    t.is_label = false;
    t.type = type;
    return t;
}

bool word_boundary(std::string_view s, size_t at) {
    return at >= s.size() || text::is_alnum(s[at]) == 0;
}

std::optional<std::string> case_number_at(std::string_view s, size_t at) {
    // C + letter + 2 digits + '-' + 7 digits, e.g. CM16-0246487.
    if (at + 12 > s.size() || s[at] != 'C' || !text::is_upper(s[at + 1])) {
        return std::nullopt;
    }
    for (size_t i : {2u, 3u, 5u, 6u, 7u, 8u, 9u, 10u, 11u}) {
        if (!text::is_digit(s[at + i])) return std::nullopt;
    }
    if (s[at + 4] != '-' || !word_boundary(s, at + 12)) return std::nullopt;
    if (at > 0 && text::is_alnum(s[at - 1])) return std::nullopt;
    return std::string(s.substr(at, 12));
}

void add_labels(std::string_view line, size_t offset, std::vector<token>& tokens) {
    std::vector<std::pair<size_t, size_t>> taken;  // spans already claimed by a longer label
    for (const auto& spec : labels) {
        for (size_t at = find_ci(line, spec.text); at != npos;
             at = find_ci(line, spec.text, at + 1)) {
            const size_t end = at + spec.text.size();
            bool overlaps = false;
            for (const auto& [b, e] : taken) overlaps = overlaps || (at < e && end > b);
            if (overlaps || !word_boundary(line, end)) continue;
            taken.emplace_back(at, end);
            token t = value_token(offset + at, type_of(spec.target));
            t.is_label = true;
            t.target = spec.target;
            tokens.push_back(std::move(t));
        }
    }
}

void add_values(std::string_view line, size_t offset, std::vector<token>& tokens) {
    for (size_t at = line.find('C'); at != npos; at = line.find('C', at + 1)) {
        if (auto number = case_number_at(line, at)) {
            token t = value_token(offset + at, value_type::case_number);
            t.case_number = std::move(*number);
            tokens.push_back(std::move(t));
        }
    }
    size_t from = 0;
    while (const auto found = text::find_date(line, from)) {
        token t = value_token(offset + found->begin, value_type::date);
        t.day = found->value;
        tokens.push_back(std::move(t));
        from = found->end;
    }
    for (const auto& [word, level] :
         {std::pair{std::string_view("Standard"), priority::standard},
          std::pair{std::string_view("Expedited"), priority::expedited}}) {
        for (size_t at = find_ci(line, word); at != npos; at = find_ci(line, word, at + 1)) {
            token t = value_token(offset + at, value_type::priority);
            t.level = level;
            tokens.push_back(std::move(t));
        }
    }
}

void assign(header_fields& out, field target, const token& value) {
    switch (target) {
        case field::case_number:
            out.case_number = value.case_number;
            break;
        case field::priority:
            out.priority = value.level;
            break;
        case field::assigned:
            out.dates.assigned = value.day;
            break;
        case field::decision:
            out.dates.decision = value.day;
            break;
        case field::injury:
            out.dates.injury = value.day;
            break;
        case field::ur_denial:
            out.dates.ur_denial = value.day;
            break;
        case field::application:
            out.dates.application_received = value.day;
            break;
    }
}

}  // namespace

std::optional<std::string> find_case_number(std::string_view text) {
    for (size_t at = text.find('C'); at != npos; at = text.find('C', at + 1)) {
        if (auto number = case_number_at(text, at)) return number;
    }
    return std::nullopt;
}

header_fields read_header_table(std::string_view header) {
    std::vector<std::vector<token>> lines;
    size_t offset = 0;
    for (const auto line : text::lines_of(header)) {
        std::vector<token> tokens;
        add_labels(line, offset, tokens);
        add_values(line, offset, tokens);
        std::sort(tokens.begin(), tokens.end(),
                  [](const token& a, const token& b) { return a.position < b.position; });
        lines.push_back(std::move(tokens));
        offset += line.size() + 1;
    }

    header_fields out;
    std::deque<field> waiting_labels;
    std::vector<const token*> waiting_values;
    for (const auto& tokens : lines) {
        for (size_t i = 0; i < tokens.size(); ++i) {
            const token& t = tokens[i];
            if (!t.is_label) {
                waiting_values.push_back(&t);
                continue;
            }
            const bool paired_here = i + 1 < tokens.size() && !tokens[i + 1].is_label &&
                                     tokens[i + 1].type == type_of(t.target);
            if (paired_here) {
                assign(out, t.target, tokens[++i]);
            } else {
                waiting_labels.push_back(t.target);
            }
        }
    }
    // Column-wise extraction: labels and values pair in order, type by type.
    for (const field target : waiting_labels) {
        for (auto& value : waiting_values) {
            if (value != nullptr && value->type == type_of(target)) {
                assign(out, target, *value);
                value = nullptr;
                break;
            }
        }
    }
    if (!out.case_number) out.case_number = find_case_number(header);
    return out;
}

header_fields read_notice_header(std::string_view flat) {
    header_fields out;
    out.case_number = find_case_number(flat);
    const auto date_after = [&](std::string_view marker, size_t window) -> std::optional<date> {
        const size_t at = find_ci(flat, marker);
        if (at == npos) return std::nullopt;
        auto found = text::find_date(flat, at + marker.size());
        if (!found || found->begin > at + marker.size() + window) return std::nullopt;
        return found->value;
    };
    out.dates.decision = date_after("Dated:", 10);
    if (!out.dates.decision) out.dates.decision = date_after("Date:", 10);
    // "IMR Application Received: 7/29/2013", or the procedural paragraph's "An application
    // for Independent Medical Review was filed on 12/02/2013".
    out.dates.application_received = date_after("Application Received", 10);
    if (!out.dates.application_received) out.dates.application_received = date_after("filed on", 5);
    if (!out.dates.application_received)
        out.dates.application_received = date_after("application", 90);
    out.dates.ur_denial = date_after("Utilization Review Denial dated", 10);
    if (!out.dates.ur_denial) out.dates.ur_denial = date_after("Date of UR Decision", 10);
    if (!out.dates.ur_denial) out.dates.ur_denial = date_after("Utilization Review", 60);
    out.dates.injury = date_after("Date of Injury", 10);
    // "A Notice of Assignment and Request for Information was provided to the above parties
    // on 11/12/2013."
    out.dates.assigned = date_after("Notice of Assignment", 90);
    if (text::contains_ci(flat, "expedited review") ||
        text::contains_ci(flat, "Priority: Expedited")) {
        out.priority = priority::expedited;
    }
    return out;
}

}  // namespace imr::parse
