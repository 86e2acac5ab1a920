#include "ordered_chunks.h"

#include <algorithm>

namespace imr::app {

ordered_chunks::ordered_chunks(size_t window)
    : slots_(std::max<size_t>(window, 1)), ready_(slots_.size(), 0) {}

output_chunk& ordered_chunks::acquire(size_t index) {
    std::unique_lock lock(mutex_);
    released_.wait(lock, [&] { return index < next_ + slots_.size(); });
    output_chunk& slot = slots_[index % slots_.size()];
    slot.lines.clear();
    slot.failures = 0;
    return slot;
}

void ordered_chunks::publish(size_t index) {
    {
        std::lock_guard lock(mutex_);
        ready_[index % slots_.size()] = 1;
    }
    published_.notify_one();
}

const output_chunk& ordered_chunks::take(size_t index) {
    std::unique_lock lock(mutex_);
    published_.wait(lock, [&] { return ready_[index % slots_.size()] != 0; });
    return slots_[index % slots_.size()];
}

void ordered_chunks::release(size_t index) {
    {
        std::lock_guard lock(mutex_);
        ready_[index % slots_.size()] = 0;
        next_ = index + 1;
    }
    released_.notify_all();
}

}  // namespace imr::app
