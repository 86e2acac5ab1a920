#pragma once

#include <chrono>

namespace imr {

// CPU time the calling thread may still spend on one document, on the thread's own CPU
// clock: a busy machine slows a document down without using up its budget. Checked
// between stages of work whose cost grows with the input, so a document over budget
// stops soon after it passes it. Use from the thread that created it.
class cpu_deadline {
  public:
    explicit cpu_deadline(std::chrono::milliseconds budget);
    [[nodiscard]] static cpu_deadline unlimited() noexcept;

    [[nodiscard]] bool passed() const noexcept;
    [[nodiscard]] std::chrono::milliseconds budget() const noexcept { return budget_; }

  private:
    cpu_deadline() = default;

    std::chrono::milliseconds budget_{0};
    std::chrono::nanoseconds end_{std::chrono::nanoseconds::max()};
};

}  // namespace imr
