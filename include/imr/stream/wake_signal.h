#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace imr::stream {

// Wakes the pipeline's driver thread when there is something for it to do (results from
// the workers, records or events at the source), so that it sleeps on this one condition
// instead of waiting on each source of work with a timeout in turn. A notification given
// before the wait is kept, so none is lost; any number of them before one wait count once.
class wake_signal {
  public:
    // From any thread, including a Kafka client's own; cheap when one is already pending.
    void notify();
    // Waits until notified or until `timeout` has passed, and clears the notification.
    // True: it was notified.
    bool wait_for(std::chrono::milliseconds timeout);

  private:
    std::mutex mutex_;
    std::condition_variable ready_;
    bool pending_ = false;
};

}  // namespace imr::stream
