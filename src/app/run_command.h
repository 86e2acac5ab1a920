#pragma once

#include "run_settings.h"

namespace imr::app {

// `imr-stream run`: the stream processor until SIGTERM/SIGINT. Returns the exit code.
int run_service(const run_settings_parser& settings);

}  // namespace imr::app
