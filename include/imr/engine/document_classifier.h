#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "imr/core/error.h"
#include "imr/core/outcome.h"
#include "imr/engine/classification_probe.h"
#include "imr/engine/engine.h"
#include "imr/input/document_decoder.h"
#include "imr/output/outcome_json.h"

namespace imr {

// What became of one document: its outcome or its failure, and the JSON record to emit.
struct classified_document {
    std::optional<outcome> value;
    std::optional<error> failure;
    std::string json;  // one line: an outcome record or an error record
    input::input_format format = input::input_format::text;
};

// Bytes in, record out: decode (text, PDF, envelope), classify, serialize. Never throws
// on input; every failure becomes an error record. One per worker thread (it owns the
// decoder's JSON parser); the engine is shared.
class document_classifier {
  public:
    // `probe` hears of every document's result and time; it must outlive the classifier.
    document_classifier(const engine& shared_engine, input::decoder_limits limits,
                        classification_probe& probe);

    [[nodiscard]] classified_document classify(std::string_view bytes, output::source_info source);

    // A document that failed before it could be classified (for example a file that could
    // not be read): its error record, counted by the probe like any other failure.
    [[nodiscard]] classified_document reject(error failure, output::source_info source);

  private:
    [[nodiscard]] classified_document classify_guarded(std::string_view bytes,
                                                       output::source_info source);
    [[nodiscard]] static error internal_error(std::string_view what);
    [[nodiscard]] static classified_document failure_record(std::string_view bytes,
                                                            output::source_info source,
                                                            error failure);
    [[nodiscard]] classified_document classify_or_throw(std::string_view bytes,
                                                        output::source_info source);

    const engine& engine_;
    std::chrono::milliseconds max_cpu_;
    input::document_decoder decoder_;
    classification_probe& probe_;
};

}  // namespace imr
