#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imr::app {

// Files in command-line order; directories contribute their letter files (.txt, .pdf, .json,
// gold files excluded), recursively and sorted. "-" is passed through (stdin).
[[nodiscard]] std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs);

// Reads one input ("-": stdin) at a time into a buffer it keeps, so a run over many files
// allocates and zero-fills once rather than per file (the former 1 MiB block per file was a
// sixth of `classify`'s time). One per thread; a view stays valid until the next read.
class input_reader {
  public:
    // At most `limit` bytes: one byte past the size limit is enough to reject a document as
    // too large, and /dev/zero or an endless pipe is read no further. nullopt: unreadable.
    [[nodiscard]] std::optional<std::string_view> read(const std::string& name, size_t limit);

  private:
    std::string buffer_;  // its size is its usable room, never shrunk below what is kept
};

}  // namespace imr::app
