#pragma once

#include <string_view>

#include "imr/input/pdf_sandbox.h"

namespace imr::app {

// The hidden first argument that makes imr-stream a PDF helper (input/pdf_helper.h).
inline constexpr std::string_view pdf_helper_mode = "__pdf-helper";

// PDF helpers are this very program, re-executed: /proc/self/exe still names it when
// the file on disk has been replaced by an upgrade.
inline input::pdf_helper_command pdf_helper_of_this_program() {
    return {"/proc/self/exe", {std::string(pdf_helper_mode)}};
}

}  // namespace imr::app
