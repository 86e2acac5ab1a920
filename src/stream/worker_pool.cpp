#include "imr/stream/worker_pool.h"

#include <pthread.h>

#include <exception>
#include <memory>

namespace imr::stream {
namespace {

// Results that wake the driver while jobs are still queued: about 2 ms of text letters on
// one worker. Fewer wake-ups leave the core to the workers; the driver's own timeout
// (a few ms) bounds how long a result waits anyway.
constexpr size_t result_batch = 8;

// Runs the processor; an exception it lets escape (a bug, or bad_alloc) becomes an empty
// output for the driver to dead-letter, instead of std::terminate on a worker thread.
work_result run_one(record_processor& processor, input_record input) {
    work_result result;
    result.started = std::chrono::steady_clock::now();
    try {
        result.output = processor.process(input);
    } catch (const std::exception& e) {
        result.error = e.what();
    } catch (...) {
        result.error = "unknown exception";
    }
    result.finished = std::chrono::steady_clock::now();
    result.input = std::move(input);
    return result;
}

}  // namespace

worker_pool::worker_pool(size_t workers, const processor_factory& make_processor, wake_signal& wake)
    : wake_(wake) {
    threads_.reserve(workers);
    for (size_t i = 0; i < workers; ++i) {
        // Each worker owns its processor (parsers with per-thread state).
        threads_.emplace_back([this, processor = make_processor()](std::stop_token stop) {
            // Named for top, perf and /proc/PID/task/*/comm (the benchmarks read it there).
            pthread_setname_np(pthread_self(), "imr-worker");
            work(*processor, stop);
        });
    }
}

worker_pool::~worker_pool() {
    for (auto& thread : threads_) thread.request_stop();
    job_ready_.notify_all();
    threads_.clear();  // joins
}

void worker_pool::submit(input_record input) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(input));
    }
    job_ready_.notify_one();
}

std::vector<work_result> worker_pool::take_results() {
    std::lock_guard lock(mutex_);
    std::vector<work_result> out;
    out.swap(results_);
    return out;
}

std::vector<input_record> worker_pool::cancel_queued(
    const std::function<bool(const input_record&)>& drop) {
    std::vector<input_record> cancelled;
    std::lock_guard lock(mutex_);
    std::deque<input_record> kept;
    for (auto& job : jobs_) {
        if (drop(job)) {
            cancelled.push_back(std::move(job));
        } else {
            kept.push_back(std::move(job));
        }
    }
    jobs_.swap(kept);
    return cancelled;
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
        input_record next;
        bool took_last = false;
        {
            std::unique_lock lock(mutex_);
            if (!job_ready_.wait(lock, stop, [&] { return !jobs_.empty(); })) return;
            next = std::move(jobs_.front());
            jobs_.pop_front();
            ++busy_;
            took_last = jobs_.empty();
        }
        // The driver refills the queue while this last job runs, instead of after it.
        if (took_last) wake_.notify();
        work_result result = run_one(processor, std::move(next));
        bool wake = false;
        {
            std::lock_guard lock(mutex_);
            --busy_;
            results_.push_back(std::move(result));
            wake = jobs_.empty() || results_.size() >= result_batch;
        }
        if (wake) wake_.notify();
    }
}

}  // namespace imr::stream
