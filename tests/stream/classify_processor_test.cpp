#include "imr/stream/classify_processor.h"

#include <gtest/gtest.h>

#include "imr/classify/vocabulary.h"

namespace imr::stream {
namespace {

std::string header_value(const output_record& record, std::string_view name) {
    for (const auto& h : record.headers) {
        if (h.name == name) return h.value;
    }
    return "(absent)";
}

class ClassifyProcessor : public ::testing::Test {
  protected:
    const engine shared_engine_{classify::builtin_vocabulary()};
    null_classification_probe probe_;
    classify_processor processor{shared_engine_, input::decoder_limits{}, probe_};
};

// Regression (issue 7, defect 7): a NULL input value was dead-lettered as an empty one.
TEST_F(ClassifyProcessor, NullInputIsAnEmptyDocumentWhoseDeadLetterStaysNull) {
    input_record input;
    input.where = {"in", 0};
    input.offset = 3;
    const output_record out = processor.process(input);
    EXPECT_EQ(out.kind, output_kind::dead_letter);
    EXPECT_EQ(header_value(out, headers::error_code), "empty");
    EXPECT_TRUE(out.value.is_null()) << "a null value became a zero-length one";
}

TEST_F(ClassifyProcessor, EmptyInputKeepsAnEmptyValue) {
    input_record input;
    input.where = {"in", 0};
    input.value = std::string();
    const output_record out = processor.process(input);
    EXPECT_EQ(header_value(out, headers::error_code), "empty");
    EXPECT_FALSE(out.value.is_null());
    EXPECT_TRUE(out.value.empty());
}

}  // namespace
}  // namespace imr::stream
