#include "run_command.h"

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <iostream>
#include <thread>

#include "application.h"
#include "imr/observe/logger.h"

namespace imr::app {
namespace {

// SIGTERM and SIGINT are blocked in every thread and taken by one waiting thread, so no
// code runs in signal context: the first signal becomes a stop request; a second one
// (an operator who will not wait) ends the process at once, committing nothing more:
// what was not committed is read again by the next owner (at-least-once).
class signal_watch {
  public:
    explicit signal_watch(std::stop_source& stop, observe::logger& log) {
        sigemptyset(&signals_);
        sigaddset(&signals_, SIGTERM);
        sigaddset(&signals_, SIGINT);
        pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
        thread_ = std::jthread([this, &stop, &log](std::stop_token own) {
            const timespec tick{0, 200'000'000};
            while (!own.stop_requested()) {
                const int signal = sigtimedwait(&signals_, nullptr, &tick);
                if (signal != SIGTERM && signal != SIGINT) continue;
                const bool again = stop.stop_requested();
                log.info("signal_received",
                         {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}, {"forced", again}});
                if (again) {
                    log.warn("service_stopped_forced", {});
                    std::_Exit(exit_forced);
                }
                stop.request_stop();
            }
        });
    }

  private:
    sigset_t signals_{};
    std::jthread thread_;
};

}  // namespace

int run_service(const run_settings_parser& parser) {
    run_settings settings;
    try {
        settings = parser.resolve(imr_environment());
    } catch (const std::exception& e) {
        std::cerr << "imr-stream run: " << e.what() << '\n';
        return 2;
    }
    observe::logger log(observe::parse_log_level(settings.log_level));
    for (const auto& variable : settings.ignored_environment) {
        log.warn("environment_variable_ignored",
                 {{"variable", variable}, {"reason", "names no librdkafka property"}});
    }
    std::stop_source stop;
    signal_watch signals(stop, log);  // before any other thread exists, so all inherit the mask
    try {
        return run_application(settings, log, stop.get_token());
    } catch (const std::exception& e) {
        log.error("startup_failed", {{"reason", e.what()}});
        return 2;
    }
}

}  // namespace imr::app
