#pragma once

#include <stop_token>

#include "imr/observe/logger.h"
#include "run_settings.h"

namespace imr::app {

// `imr-stream run`, wired once: metrics and health -> HTTP endpoint -> engine -> sink ->
// source -> pipeline, stopped in reverse. Returns the process exit code: 0 after a
// graceful stop, 1 after a fatal error. Start-up failures throw.
int run_application(const run_settings& settings, observe::logger& log, std::stop_token stop);

}  // namespace imr::app
