#pragma once

// Fixture access for the unit tests: files under tests/data/unit/ (IMR_TEST_DATA_DIR).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>

#include "imr/core/outcome.h"

namespace imr {

// Failure messages show dates as ISO strings rather than raw bytes.
inline void PrintTo(const date& value, std::ostream* out) {
    *out << to_iso(value);
}

}  // namespace imr

namespace imr::testing {

inline std::filesystem::path fixture_path(std::string_view relative) {
    return std::filesystem::path(IMR_TEST_DATA_DIR) / relative;
}

// The bytes of a fixture, exactly as stored. Fails the calling test when it is missing.
inline std::string read_fixture(std::string_view relative) {
    const auto path = fixture_path(relative);
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in.good()) << "missing fixture " << path;
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

// The same text with every '\n' turned into "\r\n", as Windows tools save it.
inline std::string to_crlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 16);
    for (const char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

}  // namespace imr::testing
