#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "imr/stream/record.h"

namespace imr::stream {

// Turns an input record into the record to produce: an outcome, or a dead letter that
// carries the input's original bytes, key and headers plus the reason. Never throws.
// One instance per worker thread; instances need not be thread-safe.
class record_processor {
  public:
    virtual ~record_processor() = default;
    [[nodiscard]] virtual output_record process(const input_record& input) = 0;
    // A dead letter for an input the pipeline could not deliver an outcome for.
    [[nodiscard]] virtual output_record dead_letter(const input_record& input,
                                                    std::string_view code,
                                                    std::string_view message) = 0;
};

using processor_factory = std::function<std::unique_ptr<record_processor>()>;

}  // namespace imr::stream
