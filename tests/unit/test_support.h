#pragma once

// Fixture access for the unit tests: files under tests/data/unit/ (IMR_TEST_DATA_DIR).

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

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

// A PDF of `objects` (bodies of objects 1, 2, ..., the catalog first) with a valid
// cross-reference table.
inline std::string pdf_from_objects(const std::vector<std::string>& objects) {
    std::string pdf = "%PDF-1.4\n";
    std::vector<size_t> offsets;
    for (size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(pdf.size());
        pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const size_t xref = pdf.size();
    pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (const size_t offset : offsets) {
        char line[32];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
        pdf += line;
    }
    pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
           " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return pdf;
}

// A PDF with one page per content stream (uncompressed), text in Helvetica as /F1.
inline std::string pdf_with_pages(const std::vector<std::string>& contents) {
    std::vector<std::string> objects = {"<< /Type /Catalog /Pages 2 0 R >>", "",
                                        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
    std::string kids;
    for (const auto& content : contents) {
        const size_t page = objects.size() + 1;
        kids += std::to_string(page) + " 0 R ";
        objects.push_back(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << "
            "/Font << /F1 3 0 R >> >> /Contents " +
            std::to_string(page + 1) + " 0 R >>");
        objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" +
                          content + "\nendstream");
    }
    objects[1] =
        "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(contents.size()) + " >>";
    return pdf_from_objects(objects);
}

}  // namespace imr::testing
