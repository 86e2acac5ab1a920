#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imr::output {

// A minimal streaming JSON writer: appends compact JSON to a string. The caller keeps
// objects and arrays balanced; commas are inserted automatically.
class json_writer {
  public:
    json_writer& begin_object();
    json_writer& end_object();
    json_writer& begin_array();
    json_writer& end_array();
    json_writer& key(std::string_view name);

    json_writer& value(std::string_view text);
    json_writer& value(const char* text) { return value(std::string_view(text)); }
    json_writer& value(int64_t number);
    json_writer& value(int number) { return value(static_cast<int64_t>(number)); }
    json_writer& value(bool flag);
    json_writer& value(double number);  // finite numbers only; NaN and infinities become null
    json_writer& null();

    template <typename T>
    json_writer& optional(const std::optional<T>& maybe) {
        return maybe ? value(*maybe) : null();
    }
    json_writer& strings(const std::vector<std::string>& list);

    [[nodiscard]] const std::string& str() const& { return out_; }
    [[nodiscard]] std::string&& str() && { return std::move(out_); }

  private:
    void separate();

    std::string out_;
    bool need_comma_ = false;
};

// Appends `text` as a JSON string literal (quotes included), escaping as RFC 8259 asks;
// bytes that are not well-formed UTF-8 become U+FFFD, so the output always is.
void append_escaped(std::string& out, std::string_view text);

}  // namespace imr::output
