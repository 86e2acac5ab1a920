#pragma once

#include <stop_token>

#include "imr/observe/logger.h"
#include "run_settings.h"

namespace imr::app {

inline constexpr int exit_failed = 1;     // a fatal error stopped the service
inline constexpr int exit_abandoned = 3;  // the shutdown timeout ran out with work started
inline constexpr int exit_forced = 4;     // a second SIGTERM/SIGINT: stopped at once

// `imr-stream run`, wired once: metrics and health -> HTTP endpoint -> engine -> sink ->
// source -> pipeline, stopped in reverse. Returns the process exit code: 0 after a
// graceful stop, exit_failed or exit_abandoned otherwise. Start-up failures throw.
int run_application(const run_settings& settings, observe::logger& log, std::stop_token stop);

}  // namespace imr::app
