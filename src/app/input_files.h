#pragma once

#include <string>
#include <vector>

namespace imr::app {

// Files in command-line order; directories contribute their letter files (.txt, .pdf, .json,
// gold files excluded), recursively and sorted. "-" is passed through (stdin).
[[nodiscard]] std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs);

}  // namespace imr::app
