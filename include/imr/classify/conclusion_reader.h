#pragma once

#include <re2/re2.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imr/core/outcome.h"

namespace imr::classify {

// The decision a rationale concludes with: its last sentence that says the request
// "is not medically necessary" (upheld) or "is medically necessary" (overturned), and
// the like ("medical necessity has not been established"). nullopt when no sentence
// states either. Letters without decision lines (professional-review), decision words
// lost to typos, and cross-checks of the decision lines all rest on it.
// Built once; const and thread-safe afterwards.
class conclusion_reader {
  public:
    conclusion_reader();

    [[nodiscard]] std::optional<decision> read(std::string_view rationale) const;

    // One rationale shared by `count` requests, cut after each concluding sentence when
    // it concludes exactly `count` times (in request order); else the whole rationale
    // for every request.
    [[nodiscard]] std::vector<std::string> split(std::string_view rationale, size_t count) const;

  private:
    std::unique_ptr<RE2> denied_;
    std::unique_ptr<RE2> granted_;
};

}  // namespace imr::classify
