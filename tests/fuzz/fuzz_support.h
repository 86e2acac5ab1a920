#pragma once

// What every fuzz target checks beyond "no crash, no sanitizer report": the records the
// product emits stay one line of valid UTF-8 JSON of a known kind, and no input makes the
// classifier fall back to `internal` (that code means a defect, not a bad document).

#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "imr/classify/vocabulary.h"
#include "imr/engine/engine.h"

namespace imr::fuzz {

// Aborts, so libFuzzer (or the replay driver) reports the input that broke the promise.
inline void require(bool condition, const char* promise) {
    if (condition) return;
    std::fprintf(stderr, "fuzz invariant broken: %s\n", promise);
    std::abort();
}

inline std::string_view as_text(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// The engine compiles its vocabulary once; the fuzz process keeps it for every input, as
// the service does for every document.
inline const engine& builtin_engine() {
    static const engine shared(classify::builtin_vocabulary());
    return shared;
}

// One record line as written to stdout or Kafka: valid JSON (simdjson's DOM parser also
// validates UTF-8), an object with kind "outcome" or "error", and an error code other than
// "internal".
inline void require_valid_record(std::string_view json) {
    require(json.find('\n') == std::string_view::npos, "a record is one line");
    simdjson::dom::parser parser;
    simdjson::dom::element record;
    require(parser.parse(simdjson::padded_string(json)).get(record) == simdjson::SUCCESS,
            "a record is valid UTF-8 JSON");
    std::string_view kind;
    require(record["kind"].get(kind) == simdjson::SUCCESS, "a record has a kind");
    require(kind == "outcome" || kind == "error", "kind is outcome or error");
    if (kind == "error") {
        std::string_view code;
        require(record["error"]["code"].get(code) == simdjson::SUCCESS, "an error has a code");
        require(code != "internal", "no input makes classification throw");
    }
}

}  // namespace imr::fuzz
