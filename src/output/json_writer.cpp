#include "imr/output/json_writer.h"

#include <cmath>
#include <cstdio>

namespace imr::output {
namespace {

// Length of the well-formed UTF-8 sequence starting at `at` (RFC 3629: no overlong
// forms, no surrogates, nothing past U+10FFFF), or 0.
size_t utf8_sequence_length(std::string_view text, size_t at) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[at + i]); };
    const unsigned char lead = byte(0);
    size_t length = 0;
    unsigned char low = 0x80;  // allowed range of the second byte
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    } else {
        return 0;
    }
    if (at + length > text.size() || byte(1) < low || byte(1) > high) return 0;
    for (size_t i = 2; i < length; ++i) {
        if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
    }
    return length;
}

// Bytes copied as they are: printable ASCII other than the quote and the backslash.
bool is_plain(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x80 && c != '"' && c != '\\';
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
        default: {
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
    size_t at = 0;
    while (at < text.size()) {
        size_t end = at;
        while (end < text.size() && is_plain(text[end])) ++end;
        out.append(text, at, end - at);
        if (end == text.size()) break;
        if (static_cast<unsigned char>(text[end]) < 0x80) {
            append_escape(out, text[end]);
            at = end + 1;
            continue;
        }
        // Text was validated on input, but a file name or header need not be UTF-8:
        // a byte that is not is replaced, so that every record is valid UTF-8.
        const size_t length = utf8_sequence_length(text, end);
        if (length == 0) {
            out += "\\ufffd";
            at = end + 1;
        } else {
            out.append(text, end, length);
            at = end + length;
        }
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
