#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "imr/stream/record.h"
#include "imr/stream/record_processor.h"

namespace imr::stream {

struct work_result {
    input_record input;
    output_record output;
    uint64_t epoch = 0;  // the partition assignment the input was taken under
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

    void submit(input_record input, uint64_t epoch);
    // Finished work, waiting up to `timeout` for the first result.
    [[nodiscard]] std::vector<work_result> take_results(std::chrono::milliseconds timeout);
    [[nodiscard]] size_t queued() const;
    [[nodiscard]] size_t busy_workers() const;
    [[nodiscard]] size_t size() const noexcept { return threads_.size(); }

  private:
    struct job {
        input_record input;
        uint64_t epoch;
    };
    void work(record_processor& processor, std::stop_token stop);

    mutable std::mutex mutex_;
    std::condition_variable_any job_ready_;
    std::condition_variable result_ready_;
    std::deque<job> jobs_;
    std::vector<work_result> results_;
    size_t busy_ = 0;
    std::vector<std::jthread> threads_;
};

}  // namespace imr::stream
