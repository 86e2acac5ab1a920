#include "imr/stream/wake_signal.h"

namespace imr::stream {

void wake_signal::notify() {
    {
        std::lock_guard lock(mutex_);
        if (pending_) return;  // the waiter will find it: no second wake-up needed
        pending_ = true;
    }
    ready_.notify_one();
}

bool wake_signal::wait_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    const bool notified = ready_.wait_for(lock, timeout, [&] { return pending_; });
    pending_ = false;
    return notified;
}

}  // namespace imr::stream
