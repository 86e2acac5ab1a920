// libFuzzer target: document bytes -> document classifier -> record, the path a PDF takes
// in `classify` and `run` (detection, poppler extraction, engine, serialization). Seeds are
// the published PDF letters.

#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "imr/engine/document_classifier.h"
#include "imr/input/pdf_text.h"

namespace {

imr::document_classifier& pdf_classifier() {
    static imr::null_classification_probe probe;
    static imr::document_classifier classifier = [] {
        // poppler would print fragments of every broken document the fuzzer makes.
        imr::input::silence_pdf_library_diagnostics();
        return imr::document_classifier(imr::fuzz::builtin_engine(), {}, probe);
    }();
    return classifier;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto record =
        pdf_classifier().classify(imr::fuzz::as_text(data, size), {.file = "fuzz.pdf"});
    imr::fuzz::require(record.value.has_value() != record.failure.has_value(),
                       "a document has an outcome or a failure");
    imr::fuzz::require_valid_record(record.json);
    return 0;
}
