// libFuzzer target: letter text -> engine -> outcome or error record.
//
// The engine's contract is UTF-8 text (the decoder rejects anything else first), so other
// inputs are skipped rather than reported.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "imr/output/outcome_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text = imr::fuzz::as_text(data, size);
    if (!simdjson::validate_utf8(text.data(), text.size())) return 0;

    const imr::output::source_info source{.file = "fuzz.txt", .format = "text", .bytes = size};
    const auto classified = imr::fuzz::builtin_engine().classify_text(text);
    if (classified) {
        imr::fuzz::require(!classified->items.empty(), "an outcome has at least one item");
        imr::fuzz::require_valid_record(imr::output::outcome_to_json(*classified, source));
    } else {
        imr::fuzz::require_valid_record(imr::output::error_to_json(classified.err(), source));
    }
    return 0;
}
