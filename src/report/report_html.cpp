#include "imr/report/report_html.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "imr/report/report_data.h"

namespace imr::report {
namespace {

// Chart geometry, in SVG user units; the SVG scales to the page width.
constexpr int chart_width = 760;
constexpr int label_width = 230;
constexpr int bar_left = 240;
constexpr int bar_span = 440;
constexpr int row_height = 22;
constexpr size_t label_chars = 34;
constexpr std::array<std::string_view, 3> segment_colours = {"#7f8fa6", "#d9822b", "#4c9a6a"};

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// Cuts a label at a UTF-8 character boundary.
std::string shortened(const std::string& label) {
    if (label.size() <= label_chars) return label;
    size_t cut = label_chars - 1;
    while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;
    return label.substr(0, cut) + "\xE2\x80\xA6";
}

double number_of(const cell& value) {
    if (const auto* n = std::get_if<int64_t>(&value)) return static_cast<double>(*n);
    if (const auto* d = std::get_if<double>(&value)) return *d;
    return 0.0;
}

std::string label_of(const report_table& table, const std::vector<cell>& row) {
    std::string label;
    for (const size_t column : table.chart->label_columns) {
        if (!label.empty()) label += " / ";
        label += cell_text(row[column]);
    }
    return label;
}

std::string format(const char* pattern, double a, double b, double c, double d) {
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, pattern, a, b, c, d);
    return buffer;
}

std::string legend(const report_table& table) {
    std::string out = "<p class=\"legend\">";
    for (size_t i = 0; i < table.chart->value_columns.size(); ++i) {
        out += "<span><i style=\"background:" + std::string(segment_colours[i % 3]) + "\"></i>" +
               escape(table.columns[table.chart->value_columns[i]]) + "</span>";
    }
    return out + "</p>";
}

// One bar per row (segments stacked) or one thin bar per value column (grouped).
std::string render_chart(const report_table& table) {
    const chart_spec& chart = *table.chart;
    double largest = 0;
    for (const auto& row : table.rows) {
        double total = 0;
        for (const size_t column : chart.value_columns) {
            const double v = number_of(row[column]);
            total = chart.stacked ? total + v : std::max(total, v);
        }
        largest = std::max(largest, total);
    }
    const int height = static_cast<int>(table.rows.size()) * row_height + 8;
    std::string out = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 " +
                      std::to_string(chart_width) + " " + std::to_string(height) +
                      "\" xmlns=\"http://www.w3.org/2000/svg\"><title>" + escape(table.title) +
                      "</title>";
    const double segments = chart.stacked ? 1.0 : static_cast<double>(chart.value_columns.size());
    for (size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        const double top = static_cast<double>(r * row_height) + 4;
        const std::string label = label_of(table, row);
        out += format("<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", label_width, top + 14, 0,
                      0) +
               "<title>" + escape(label) + "</title>" + escape(shortened(label)) + "</text>";
        double x = bar_left;
        double total = 0;
        for (size_t s = 0; s < chart.value_columns.size(); ++s) {
            const double v = number_of(row[chart.value_columns[s]]);
            total += v;
            if (v <= 0 || largest <= 0) continue;
            const double width = v / largest * bar_span;
            const double bar_height = (row_height - 6) / segments;
            const double y = top + (chart.stacked ? 0 : bar_height * static_cast<double>(s));
            out += format(
                       "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                       "height=\"%.1f\" ",
                       chart.stacked ? x : bar_left, y, std::max(width, 1.0), bar_height) +
                   "fill=\"" + std::string(segment_colours[s % 3]) + "\"><title>" +
                   escape(table.columns[chart.value_columns[s]]) + ": " +
                   escape(cell_text(row[chart.value_columns[s]])) + "</title></rect>";
            if (chart.stacked) x += width;
        }
        if (chart.stacked) {
            out += format("<text x=\"%.1f\" y=\"%.1f\">", x + 6, top + 14, 0, 0) +
                   escape(cell_text(cell{total})) + "</text>";
        }
    }
    return out + "</svg>" + legend(table);
}

// The column holding a rate's denominator, if the table has one.
std::optional<size_t> denominator_column(const report_table& table) {
    for (const std::string_view name : {"items", "upheld_items", "of_items"}) {
        const auto found = std::find(table.columns.begin(), table.columns.end(), name);
        if (found != table.columns.end()) return static_cast<size_t>(found - table.columns.begin());
    }
    return std::nullopt;
}

bool is_rate(std::string_view column) {
    return column == "overturn_rate" || column == "share";
}

std::string rate_text(const cell& value, const std::vector<cell>& row,
                      std::optional<size_t> denominator) {
    if (std::holds_alternative<std::monostate>(value)) return "&ndash;";
    std::string text = format("%.1f%%", number_of(value) * 100.0, 0, 0, 0);
    if (denominator) text += " <small>of " + cell_text(row[*denominator]) + "</small>";
    return text;
}

std::string render_rows(const report_table& table) {
    const auto denominator = denominator_column(table);
    const auto small = std::find(table.columns.begin(), table.columns.end(), "small_group");
    const size_t small_column = static_cast<size_t>(small - table.columns.begin());
    std::string out = "<table><thead><tr>";
    for (const auto& column : table.columns) out += "<th>" + escape(column) + "</th>";
    out += "</tr></thead><tbody>";
    for (const auto& row : table.rows) {
        const bool is_small = small != table.columns.end() && cell_text(row[small_column]) == "yes";
        out += is_small ? "<tr class=\"small\">" : "<tr>";
        for (size_t i = 0; i < row.size(); ++i) {
            const bool numeric = !std::holds_alternative<std::string>(row[i]);
            out += numeric ? "<td class=\"n\">" : "<td>";
            out += is_rate(table.columns[i]) ? rate_text(row[i], row, denominator)
                                             : escape(cell_text(row[i]));
            if (is_small && i == 0) out += " <span title=\"fewer than 10 items\">&dagger;</span>";
            out += "</td>";
        }
        out += "</tr>";
    }
    return out + "</tbody></table>";
}

std::string render_table_section(const report_table& table) {
    std::string out = "<section id=\"" + escape(table.id) + "\"><h2>" + escape(table.title) +
                      "</h2><p class=\"note\">" + escape(table.note) + "</p>";
    if (table.rows.empty()) return out + "<p class=\"empty\">No data.</p></section>";
    if (table.chart) out += render_chart(table);
    return out + render_rows(table) + "</section>";
}

std::string render_pairs(std::string_view title,
                         const std::vector<std::pair<std::string, int64_t>>& pairs) {
    std::string out = "<section><h2>" + escape(title) + "</h2><table><tbody>";
    for (const auto& [name, value] : pairs) {
        out += "<tr><th>" + escape(name) + "</th><td class=\"n\">" + std::to_string(value) +
               "</td></tr>";
    }
    return out + "</tbody></table></section>";
}

constexpr std::string_view style = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:900px;padding:16px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;table-layout:auto;margin:8px 0}
th,td{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;overflow-wrap:anywhere}
td.n{text-align:right;white-space:nowrap}small{color:#666}
tr.small td{color:#777}.note{color:#555;font-size:13px}
svg.chart{width:100%;height:auto;font-size:12px}
.legend span{margin-right:14px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
)";

}  // namespace

std::string render_html(const outcome_report& report) {
    std::string out =
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>IMR outcomes report</title><style>" +
        std::string(style) + "</style></head><body><h1>IMR outcomes report</h1>";
    out += "<section><h2>How it is counted</h2><ul>";
    for (const auto& [name, rule] : report.rules) {
        out += "<li><b>" + escape(name) + "</b>: " + escape(rule) + "</li>";
    }
    out += "</ul><p>&dagger; marks a group of fewer than 10 items.</p></section>";
    out += render_pairs("Totals", report.totals);
    out += render_pairs("Skipped", report.skipped);
    for (const auto& table : report.tables) out += render_table_section(table);
    return out + "</body></html>\n";
}

}  // namespace imr::report
