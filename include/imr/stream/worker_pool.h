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

namespace imr::stream {

struct work_result {
    input_record input;
    // Empty when the processor threw: the driver turns the input into an `internal` dead
    // letter (an exception must not end the process through std::terminate).
    std::optional<output_record> output;
    std::string error;  // what() of that exception
};

// Threads that run a record_processor each over submitted inputs. Submission and
// collection happen on one (driver) thread; the pool itself does no Kafka I/O, so the
// driver keeps all client calls and all ordering decisions.
class worker_pool {
  public:
    worker_pool(size_t workers, const processor_factory& make_processor);
    ~worker_pool();
    worker_pool(const worker_pool&) = delete;
    worker_pool& operator=(const worker_pool&) = delete;

    void submit(input_record input);
    // Finished work, waiting up to `timeout` for the first result.
    [[nodiscard]] std::vector<work_result> take_results(std::chrono::milliseconds timeout);
    // Takes back the queued (not started) inputs that `drop` selects.
    std::vector<input_record> cancel_queued(const std::function<bool(const input_record&)>& drop);
    [[nodiscard]] size_t queued() const;
    [[nodiscard]] size_t busy_workers() const;
    [[nodiscard]] size_t size() const noexcept { return threads_.size(); }

  private:
    void work(record_processor& processor, std::stop_token stop);

    mutable std::mutex mutex_;
    std::condition_variable_any job_ready_;
    std::condition_variable result_ready_;
    std::deque<input_record> jobs_;
    std::vector<work_result> results_;
    size_t busy_ = 0;
    std::vector<std::jthread> threads_;
};

}  // namespace imr::stream
