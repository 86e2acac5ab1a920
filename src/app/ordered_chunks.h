#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace imr::app {

// The output of consecutive inputs, filled by one worker: their JSON lines and failures.
struct output_chunk {
    std::string lines;  // each record followed by '\n'; its capacity is reused
    size_t failures = 0;
};

// Chunks handed from workers, who finish them out of order, to one writer, who takes them in
// input order. A bounded reorder window: chunk i may be filled only once chunk i - window is
// written, so memory stays at `window` chunks however unequal the inputs' costs, and the
// slots (and their buffers) are reused round-robin. One lock per chunk, not per file.
class ordered_chunks {
  public:
    explicit ordered_chunks(size_t window);

    // Waits until chunk `index` is inside the window; the slot is the caller's alone until
    // publish(index). Indices are taken in increasing order (a shared counter).
    [[nodiscard]] output_chunk& acquire(size_t index);
    void publish(size_t index);

    // The writer's side: waits until chunk `index` (the next one in order) is published; the
    // slot is the writer's alone until release(index) lets chunk index + window in.
    [[nodiscard]] const output_chunk& take(size_t index);
    void release(size_t index);

  private:
    std::mutex mutex_;
    std::condition_variable published_;
    std::condition_variable released_;
    std::vector<output_chunk> slots_;
    std::vector<char> ready_;  // per slot; vector<bool> would share bytes between slots
    size_t next_ = 0;          // the chunk the writer waits for
};

}  // namespace imr::app
