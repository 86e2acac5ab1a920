#include "imr/output/json_writer.h"

#include <cmath>
#include <cstdio>

namespace imr::output {

namespace {

bool needs_escape(char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
}

void append_escape(std::string& out, char c) {
    switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
                out += buffer;
            }
    }
}

}  // namespace

void append_escaped(std::string& out, std::string_view text) {
    out.push_back('"');
    // Plain runs are appended whole: byte by byte, this was the writer's cost in profiles.
    size_t start = 0;
    while (start < text.size()) {
        size_t end = start;
        while (end < text.size() && !needs_escape(text[end])) ++end;
        out.append(text, start, end - start);
        if (end < text.size()) append_escape(out, text[end]);
        start = end + 1;
    }
    out.push_back('"');
}

void json_writer::separate() {
    if (need_comma_) out_.push_back(',');
    need_comma_ = true;
}

json_writer& json_writer::begin_object() {
    separate();
    out_.push_back('{');
    need_comma_ = false;
    return *this;
}

json_writer& json_writer::end_object() {
    out_.push_back('}');
    need_comma_ = true;
    return *this;
}

json_writer& json_writer::begin_array() {
    separate();
    out_.push_back('[');
    need_comma_ = false;
    return *this;
}

json_writer& json_writer::end_array() {
    out_.push_back(']');
    need_comma_ = true;
    return *this;
}

json_writer& json_writer::key(std::string_view name) {
    separate();
    append_escaped(out_, name);
    out_.push_back(':');
    need_comma_ = false;
    return *this;
}

json_writer& json_writer::value(std::string_view text) {
    separate();
    append_escaped(out_, text);
    return *this;
}

json_writer& json_writer::value(int64_t number) {
    separate();
    out_ += std::to_string(number);
    return *this;
}

json_writer& json_writer::value(bool flag) {
    separate();
    out_ += flag ? "true" : "false";
    return *this;
}

json_writer& json_writer::value(double number) {
    if (!std::isfinite(number)) return null();
    separate();
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", number);
    out_ += buffer;
    return *this;
}

json_writer& json_writer::null() {
    separate();
    out_ += "null";
    return *this;
}

json_writer& json_writer::strings(const std::vector<std::string>& list) {
    begin_array();
    for (const auto& s : list) value(s);
    return end_array();
}

}  // namespace imr::output
