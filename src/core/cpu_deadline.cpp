#include "imr/core/cpu_deadline.h"

#include <ctime>

namespace imr {
namespace {

std::chrono::nanoseconds thread_cpu_time() noexcept {
    timespec now{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

}  // namespace

cpu_deadline::cpu_deadline(std::chrono::milliseconds budget)
    : budget_(budget), end_(thread_cpu_time() + budget) {}

cpu_deadline cpu_deadline::unlimited() noexcept {
    return cpu_deadline();
}

bool cpu_deadline::passed() const noexcept {
    return end_ != std::chrono::nanoseconds::max() && thread_cpu_time() >= end_;
}

}  // namespace imr
