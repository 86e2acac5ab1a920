#pragma once

#include <memory>
#include <string>

#include "imr/engine/classification_probe.h"
#include "imr/engine/document_classifier.h"
#include "imr/engine/engine.h"
#include "imr/stream/record_processor.h"

namespace imr::stream {

// Header names on produced records. Consumers may rely on them.
namespace headers {
inline constexpr std::string_view source_topic = "imr.source.topic";
inline constexpr std::string_view source_partition = "imr.source.partition";
inline constexpr std::string_view source_offset = "imr.source.offset";
inline constexpr std::string_view schema_version = "imr.schema.version";
inline constexpr std::string_view content_type = "content-type";
inline constexpr std::string_view error_code = "imr.error.code";
inline constexpr std::string_view error_message = "imr.error.message";
}  // namespace headers

// The production record_processor: classifies the input's bytes with the engine. An
// outcome is keyed by the letter's case number (else the input key) and carries its
// source in the JSON and in headers; a failure becomes a dead letter with the input's
// original bytes, key and headers plus imr.error.code / imr.error.message.
class classify_processor final : public record_processor {
  public:
    classify_processor(const engine& shared_engine, input::decoder_limits limits,
                       classification_probe& probe);

    [[nodiscard]] output_record process(const input_record& input) override;
    [[nodiscard]] output_record dead_letter(const input_record& input, std::string_view code,
                                            std::string_view message) override;

  private:
    document_classifier classifier_;
};

}  // namespace imr::stream
