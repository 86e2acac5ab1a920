#include "imr/output/json_writer.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace {

using imr::output::append_escaped;
using imr::output::json_writer;

std::string escaped(std::string_view text) {
    std::string out;
    append_escaped(out, text);
    return out;
}

TEST(AppendEscaped, QuotesPlainText) {
    EXPECT_EQ(escaped("MRI of the knee"), R"("MRI of the knee")");
    EXPECT_EQ(escaped(""), R"("")");
}

TEST(AppendEscaped, EscapesQuotesAndBackslashes) {
    EXPECT_EQ(escaped(R"(the "MTUS" C:\path\)"), R"("the \"MTUS\" C:\\path\\")");
}

TEST(AppendEscaped, EscapesControlCharactersWithShortForms) {
    EXPECT_EQ(escaped("a\nb\rc\td\be\ff"), R"("a\nb\rc\td\be\ff")");
}

TEST(AppendEscaped, EscapesOtherControlCharactersAsUnicode) {
    EXPECT_EQ(escaped(std::string("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
}

TEST(AppendEscaped, PassesUtf8Through) {
    EXPECT_EQ(escaped("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
              "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
}

// Regression (issue 8): a file name that is not UTF-8 made its record invalid UTF-8.
TEST(AppendEscaped, ReplacesBytesThatAreNotUtf8) {
    EXPECT_EQ(escaped("letter-\xff\xfe.txt"), "\"letter-\\ufffd\\ufffd.txt\"");
    EXPECT_EQ(escaped("\xC0\xAF"), "\"\\ufffd\\ufffd\"");             // overlong '/'
    EXPECT_EQ(escaped("\xED\xA0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // a surrogate
    EXPECT_EQ(escaped("caf\xC3"), "\"caf\\ufffd\"");                  // cut short
    EXPECT_EQ(escaped("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");   // a valid 4-byte one
}

TEST(AppendEscaped, PassesDeleteAndSlashThrough) {
    EXPECT_EQ(escaped("a/b\x7F"), "\"a/b\x7F\"");
}

TEST(AppendEscaped, AppendsToExistingText) {
    std::string out = "prefix:";
    append_escaped(out, "x");
    EXPECT_EQ(out, R"(prefix:"x")");
}

TEST(JsonWriter, SeparatesMembersWithCommas) {
    json_writer w;
    w.begin_object()
        .key("a")
        .value(1)
        .key("b")
        .value("two")
        .key("c")
        .value(true)
        .key("d")
        .null()
        .end_object();
    EXPECT_EQ(w.str(), R"({"a":1,"b":"two","c":true,"d":null})");
}

TEST(JsonWriter, WritesNestedArraysAndObjects) {
    json_writer w;
    w.begin_object().key("items").begin_array();
    w.begin_object().key("n").value(1).end_object();
    w.begin_object().key("n").value(2).end_object();
    w.begin_array().end_array();
    w.end_array().key("empty").begin_object().end_object().end_object();
    EXPECT_EQ(w.str(), R"({"items":[{"n":1},{"n":2},[]],"empty":{}})");
}

TEST(JsonWriter, WritesStringListsAndEmptyLists) {
    json_writer w;
    w.begin_array().strings({"MTUS", "ODG"}).strings({}).end_array();
    EXPECT_EQ(w.str(), R"([["MTUS","ODG"],[]])");
}

TEST(JsonWriter, WritesOptionalsAsValueOrNull) {
    json_writer w;
    w.begin_array()
        .optional(std::optional<int>(52))
        .optional(std::optional<int>())
        .optional(std::optional<std::string>("female"))
        .optional(std::optional<std::string>())
        .end_array();
    EXPECT_EQ(w.str(), R"([52,null,"female",null])");
}

TEST(JsonWriter, WritesLargeAndNegativeIntegers) {
    json_writer w;
    w.begin_array().value(int64_t{-42}).value(int64_t{9007199254740993}).value(false).end_array();
    EXPECT_EQ(w.str(), R"([-42,9007199254740993,false])");
}

TEST(JsonWriter, EscapesKeysAndValues) {
    json_writer w;
    w.begin_object().key("say \"hi\"").value("line\none").end_object();
    EXPECT_EQ(w.str(), R"({"say \"hi\"":"line\none"})");
}

TEST(JsonWriter, GivesUpItsTextWhenMovedFrom) {
    json_writer w;
    w.begin_object().key("k").value("v").end_object();
    const std::string text = std::move(w).str();
    EXPECT_EQ(text, R"({"k":"v"})");
}

}  // namespace
