#include "imr/observe/health.h"

namespace imr::observe {

bool health_state::live(std::string& why) const {
    // A draining instance is alive: a liveness probe must not kill it mid-drain (its
    // shutdown is bounded by the shutdown timeout, not by the probe).
    if (stopping_) {
        why = "shutting down";
        return true;
    }
    const int64_t idle = now_ms() - last_tick_ms_.load();
    if (idle > stall_after_.count()) {
        why = "poll loop has not run for " + std::to_string(idle) + " ms";
        return false;
    }
    why = "ok";
    return true;
}

bool health_state::ready(std::string& why) const {
    if (!live(why)) return false;
    if (stopping_) {
        why = "shutting down";
        return false;
    }
    if (!broker_reachable_) {
        why = "broker not reachable";
        return false;
    }
    if (producer_failed_) {
        why = "producer in error";
        return false;
    }
    if (producer_stalled_) {
        why = "producer queue stalled";
        return false;
    }
    if (!joined_) {
        why = "not in the consumer group yet";
        return false;
    }
    why = "ok";
    return true;
}

}  // namespace imr::observe
