#include "imr/report/report_data.h"

#include <cstdio>

#include "imr/output/json_writer.h"

namespace imr::report {
namespace {

void write_pairs(output::json_writer& out, std::string_view name,
                 const std::vector<std::pair<std::string, int64_t>>& pairs) {
    out.key(name).begin_object();
    for (const auto& [key, value] : pairs) out.key(key).value(value);
    out.end_object();
}

void write_cell(output::json_writer& out, const cell& value) {
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                out.null();
            } else if constexpr (std::is_same_v<T, std::string>) {
                out.value(std::string_view(v));
            } else {
                out.value(v);
            }
        },
        value);
}

void write_table(output::json_writer& out, const report_table& table) {
    out.begin_object();
    out.key("id").value(table.id);
    out.key("title").value(table.title);
    out.key("note").value(table.note);
    out.key("columns").strings(table.columns);
    out.key("rows").begin_array();
    for (const auto& row : table.rows) {
        out.begin_object();
        for (size_t i = 0; i < row.size(); ++i) {
            out.key(table.columns[i]);
            write_cell(out, row[i]);
        }
        out.end_object();
    }
    out.end_array();
    out.end_object();
}

bool needs_quotes(std::string_view field) {
    return field.find_first_of(",\"\r\n") != std::string_view::npos;
}

}  // namespace

std::string cell_text(const cell& value) {
    return std::visit(
        [](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return {};
            } else if constexpr (std::is_same_v<T, std::string>) {
                return v;
            } else if constexpr (std::is_same_v<T, int64_t>) {
                return std::to_string(v);
            } else {
                char buffer[32];
                std::snprintf(buffer, sizeof buffer, "%.6g", v);
                return buffer;
            }
        },
        value);
}

std::string render_json(const outcome_report& report) {
    output::json_writer out;
    out.begin_object();
    out.key("report_version").value(1);
    out.key("rules").begin_object();
    for (const auto& [name, rule] : report.rules) out.key(name).value(rule);
    out.end_object();
    write_pairs(out, "totals", report.totals);
    write_pairs(out, "skipped", report.skipped);
    out.key("tables").begin_object();
    for (const auto& table : report.tables) {
        out.key(table.id);
        write_table(out, table);
    }
    out.end_object();
    out.end_object();
    return std::move(out).str() + "\n";
}

std::string render_csv(const report_table& table) {
    std::string out;
    const auto field = [&](std::string_view text, bool last) {
        if (needs_quotes(text)) {
            out += '"';
            for (const char c : text) {
                if (c == '"') out += '"';
                out += c;
            }
            out += '"';
        } else {
            out += text;
        }
        out += last ? "\r\n" : ",";
    };
    for (size_t i = 0; i < table.columns.size(); ++i) {
        field(table.columns[i], i + 1 == table.columns.size());
    }
    for (const auto& row : table.rows) {
        for (size_t i = 0; i < row.size(); ++i) field(cell_text(row[i]), i + 1 == row.size());
    }
    return out;
}

}  // namespace imr::report
