#include "imr/stream/worker_pool.h"

#include <memory>

namespace imr::stream {

worker_pool::worker_pool(size_t workers, const processor_factory& make_processor) {
    threads_.reserve(workers);
    for (size_t i = 0; i < workers; ++i) {
        // Each worker owns its processor (parsers with per-thread state).
        threads_.emplace_back(
            [this, processor = make_processor()](std::stop_token stop) { work(*processor, stop); });
    }
}

worker_pool::~worker_pool() {
    for (auto& thread : threads_) thread.request_stop();
    job_ready_.notify_all();
    threads_.clear();  // joins
}

void worker_pool::submit(input_record input, uint64_t epoch) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back({std::move(input), epoch});
    }
    job_ready_.notify_one();
}

std::vector<work_result> worker_pool::take_results(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (results_.empty() && timeout.count() > 0) {
        result_ready_.wait_for(lock, timeout, [&] { return !results_.empty(); });
    }
    std::vector<work_result> out;
    out.swap(results_);
    return out;
}

size_t worker_pool::queued() const {
    std::lock_guard lock(mutex_);
    return jobs_.size();
}

size_t worker_pool::busy_workers() const {
    std::lock_guard lock(mutex_);
    return busy_;
}

void worker_pool::work(record_processor& processor, std::stop_token stop) {
    while (true) {
        job next;
        {
            std::unique_lock lock(mutex_);
            if (!job_ready_.wait(lock, stop, [&] { return !jobs_.empty(); })) return;
            next = std::move(jobs_.front());
            jobs_.pop_front();
            ++busy_;
        }
        output_record output = processor.process(next.input);
        {
            std::lock_guard lock(mutex_);
            --busy_;
            results_.push_back({std::move(next.input), std::move(output), next.epoch});
        }
        result_ready_.notify_one();
    }
}

}  // namespace imr::stream
