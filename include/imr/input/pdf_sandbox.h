#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "imr/core/error.h"
#include "imr/input/pdf_text.h"

namespace imr::input {

// What reading one PDF may cost. Enforced on a helper process (see pdf_sandbox), so
// that it holds for documents nobody has thought of: the limits bound the PDF library
// itself, not the cases we know about.
struct pdf_budget {
    std::chrono::milliseconds cpu{2000};
    size_t memory_bytes = size_t{256} << 20;   // address space on top of the helper's own
    size_t max_text_bytes = size_t{16} << 20;  // extracted text, like a text input's size
};

// How to start a helper: `program arguments... <cpu-ms> <memory-bytes> <max-text-bytes>`
// must run `serve_pdf_requests` (pdf_helper.h) on its standard input and output.
// imr-stream re-executes itself: `/proc/self/exe __pdf-helper`.
struct pdf_helper_command {
    std::filesystem::path program;  // empty: read PDFs in this process, without a budget
    std::vector<std::string> arguments;
};

// Reads PDFs in a helper process that is started on first use and reused for the
// following documents (its start-up cost is paid once, not per document). The helper
// runs under RLIMIT_AS; the CPU time it spends on a document is watched from here and
// the helper is killed when it goes over the budget, or over a wall-clock deadline of
// five times the budget (a helper starved of CPU is as stuck, for a partition, as one
// that spins). A killed or crashed helper is replaced on the next document, so a crash
// inside the PDF library costs one document, never the service.
// One per worker thread: not thread-safe.
class pdf_sandbox {
  public:
    pdf_sandbox(pdf_helper_command command, pdf_budget budget);
    ~pdf_sandbox();
    pdf_sandbox(const pdf_sandbox&) = delete;
    pdf_sandbox& operator=(const pdf_sandbox&) = delete;

    // Page texts separated by '\f' (as pdf_text_extractor), or bad_pdf / too_complex.
    [[nodiscard]] result<std::string> extract(std::string_view pdf);

    // The running helper's process id, 0 when none is running (tests, metrics).
    [[nodiscard]] pid_t helper_pid() const noexcept { return pid_; }

  private:
    [[nodiscard]] bool start();
    [[nodiscard]] bool idle_helper_is_well() const;
    class deadline_reader;
    [[nodiscard]] result<std::string> exchange(deadline_reader& reader);
    [[nodiscard]] error stop_after(std::string_view why);
    [[nodiscard]] error stopped_helper_error();
    void stop();

    pdf_helper_command command_;
    pdf_budget budget_;
    pid_t pid_ = 0;
    int socket_ = -1;
    std::unique_ptr<pdf_text_extractor> in_process_;  // without a helper program, made on first use
};

}  // namespace imr::input
