#pragma once

#include <atomic>
#include <chrono>
#include <string>

namespace imr::observe {

// What /healthz and /readyz report. Written by the pipeline's probe and the Kafka
// clients' callbacks, read by the HTTP endpoint: every field is atomic.
class health_state {
  public:
    explicit health_state(std::chrono::milliseconds stall_after = std::chrono::seconds(30))
        : stall_after_(stall_after) {}

    void loop_ticked() noexcept { last_tick_ms_ = now_ms(); }
    void set_group_state(bool joined) noexcept { joined_ = joined; }
    void set_broker_reachable(bool reachable) noexcept { broker_reachable_ = reachable; }
    void set_producer_failed(bool failed) noexcept { producer_failed_ = failed; }
    // A record has waited for room in the producer's queue past the bound.
    void set_producer_stalled(bool stalled) noexcept { producer_stalled_ = stalled; }
    void set_stopping(bool stopping) noexcept { stopping_ = stopping; }

    // Alive: the poll loop ticked recently (not deadlocked, not stuck in a call).
    [[nodiscard]] bool live(std::string& why) const;
    // Ready: alive, in the group (with or waiting for an assignment), broker reachable,
    // producer healthy, not shutting down.
    [[nodiscard]] bool ready(std::string& why) const;

  private:
    static int64_t now_ms() noexcept {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }

    std::chrono::milliseconds stall_after_;
    std::atomic<int64_t> last_tick_ms_{now_ms()};
    std::atomic<bool> joined_{false};
    std::atomic<bool> broker_reachable_{false};
    std::atomic<bool> producer_failed_{false};
    std::atomic<bool> producer_stalled_{false};
    std::atomic<bool> stopping_{false};
};

}  // namespace imr::observe
