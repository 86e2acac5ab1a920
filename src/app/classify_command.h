#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace imr::app {

struct classify_options {
    std::vector<std::string> inputs;  // files, directories (recursed) or "-" for stdin
    unsigned jobs = 0;                // 0: one per core
    std::optional<std::filesystem::path> vocabulary_dir;
    size_t max_input_bytes = size_t{16} << 20;
    std::chrono::milliseconds max_cpu{2000};      // per document: PDF reading, text engine
    size_t max_memory_bytes = size_t{256} << 20;  // per PDF, in its helper process
    bool progress = true;                         // shown only when stderr is a terminal
    bool summary = true;                          // the run's counters on stderr at the end
};

// `imr-stream classify`: one JSON line per input on stdout, in input order.
// Returns the process exit code: 0 all classified, 1 some input failed, 2 usage error.
int run_classify(const classify_options& options);

}  // namespace imr::app
