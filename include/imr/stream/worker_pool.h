#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "imr/stream/record.h"
#include "imr/stream/record_processor.h"
#include "imr/stream/wake_signal.h"

namespace imr::stream {

struct work_result {
    input_record input;
    // Empty when the processor threw: the driver turns the input into an `internal` dead
    // letter (an exception must not end the process through std::terminate).
    std::optional<output_record> output;
    std::string error;  // what() of that exception
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point finished;
};

// Threads that run a record_processor each over submitted inputs. Submission and
// collection happen on one (driver) thread; the pool itself does no Kafka I/O, so the
// driver keeps all client calls and all ordering decisions. The pool wakes the driver
// through `wake` when it should come: when the queue of jobs runs empty (to refill it, or
// to produce the last results at once) and when a batch of results is ready, but not for
// every result while a backlog lasts, since the driver and a worker may share one core.
class worker_pool {
  public:
    worker_pool(size_t workers, const processor_factory& make_processor, wake_signal& wake);
    ~worker_pool();
    worker_pool(const worker_pool&) = delete;
    worker_pool& operator=(const worker_pool&) = delete;

    void submit(input_record input);
    // Finished work, without waiting.
    [[nodiscard]] std::vector<work_result> take_results();
    // Takes back the queued (not started) inputs that `drop` selects.
    std::vector<input_record> cancel_queued(const std::function<bool(const input_record&)>& drop);
    [[nodiscard]] size_t queued() const;
    [[nodiscard]] size_t busy_workers() const;
    [[nodiscard]] size_t size() const noexcept { return threads_.size(); }

  private:
    void work(record_processor& processor, std::stop_token stop);

    wake_signal& wake_;
    mutable std::mutex mutex_;
    std::condition_variable_any job_ready_;
    std::deque<input_record> jobs_;
    std::vector<work_result> results_;
    size_t busy_ = 0;
    std::vector<std::jthread> threads_;
};

}  // namespace imr::stream
