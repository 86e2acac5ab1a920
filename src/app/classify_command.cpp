#include "classify_command.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

#include "imr/classify/vocabulary.h"
#include "imr/engine/document_classifier.h"
#include "imr/engine/engine.h"
#include "imr/input/pdf_text.h"
#include "imr/observe/classification_metrics.h"
#include "imr/output/outcome_json.h"
#include "input_files.h"
#include "ordered_chunks.h"
#include "pdf_helper_mode.h"

namespace imr::app {
namespace {

// Files per chunk: enough to make the hand-off to the writer rare, few enough that every
// worker gets several chunks (the last chunk of a slow worker is the run's tail).
size_t chunk_size(size_t files, unsigned jobs) {
    constexpr size_t most = 32;
    return std::clamp<size_t>(files / (size_t{8} * jobs), 1, most);
}

// Reports progress on stderr at most every 200 ms, and once at the end.
class progress_line {
  public:
    progress_line(size_t total, bool shown) : total_(total), shown_(shown) {}

    void update(size_t done, size_t failures) {
        if (!shown_) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(200) && done != total_) return;
        last_ = now;
        const double seconds = std::chrono::duration<double>(now - started_).count();
        std::fprintf(stderr, "\r%zu/%zu letters, %zu failed, %.0f letters/s", done, total_,
                     failures, seconds > 0 ? static_cast<double>(done) / seconds : 0.0);
        if (done == total_) std::fputc('\n', stderr);
    }

  private:
    const size_t total_;
    const bool shown_;
    const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_{};
};

// One worker's tools: its classifier (decoder, PDF helper) and its read buffer.
struct chunk_worker {
    document_classifier classifier;
    input_reader reader;
    size_t limit;

    // Classifies files [first, last) into `chunk`, their records in order.
    void fill(const std::vector<std::string>& files, size_t first, size_t last,
              output_chunk& chunk) {
        for (size_t index = first; index < last; ++index) {
            output::source_info source;
            source.file = files[index];
            const auto bytes = reader.read(files[index], limit);
            const auto result =
                bytes ? classifier.classify(*bytes, source)
                      : classifier.reject({errc::unreadable, "the file could not be read"}, source);
            chunk.lines += result.json;
            chunk.lines += '\n';
            chunk.failures += result.failure ? 1 : 0;
        }
    }
};

struct run_plan {
    const std::vector<std::string>& files;
    size_t per_chunk;
    size_t chunks;
    std::FILE* out;
    progress_line& progress;

    size_t first(size_t chunk) const { return chunk * per_chunk; }
    size_t last(size_t chunk) const { return std::min(files.size(), first(chunk) + per_chunk); }

    // One write per chunk: stdout is not flushed per line.
    void write(const output_chunk& chunk, size_t index, size_t& failures) const {
        std::fwrite(chunk.lines.data(), 1, chunk.lines.size(), out);
        failures += chunk.failures;
        progress.update(last(index), failures);
    }
};

// --jobs 1: the calling thread reads, classifies and writes; no hand-off at all.
size_t run_inline(const run_plan& plan, chunk_worker worker) {
    size_t failures = 0;
    output_chunk chunk;
    for (size_t index = 0; index < plan.chunks; ++index) {
        chunk.lines.clear();
        chunk.failures = 0;
        worker.fill(plan.files, plan.first(index), plan.last(index), chunk);
        plan.write(chunk, index, failures);
    }
    return failures;
}

// Workers take chunks from a shared counter; this thread writes them in input order.
size_t run_parallel(const run_plan& plan, unsigned jobs,
                    const std::function<chunk_worker()>& make_worker) {
    ordered_chunks output(size_t{4} * jobs);
    std::atomic<size_t> next_chunk{0};
    auto work = [&] {
        chunk_worker worker = make_worker();
        for (size_t index = next_chunk++; index < plan.chunks; index = next_chunk++) {
            output_chunk& chunk = output.acquire(index);
            worker.fill(plan.files, plan.first(index), plan.last(index), chunk);
            output.publish(index);
        }
    };
    std::vector<std::jthread> workers;
    for (unsigned i = 0; i < jobs; ++i) workers.emplace_back(work);
    size_t failures = 0;
    for (size_t index = 0; index < plan.chunks; ++index) {
        plan.write(output.take(index), index, failures);
        output.release(index);
    }
    return failures;
}

}  // namespace

int run_classify(const classify_options& options) {
    input::silence_pdf_library_diagnostics();
    const classify::vocabulary words = options.vocabulary_dir
                                           ? classify::load_vocabulary(*options.vocabulary_dir)
                                           : classify::builtin_vocabulary();
    const engine shared_engine(words);
    const std::vector<std::string> files = expand_inputs(options.inputs);
    const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
    const unsigned jobs =
        std::clamp<unsigned>(options.jobs == 0 ? hardware : options.jobs, 1,
                             static_cast<unsigned>(std::max<size_t>(files.size(), 1)));

    prometheus::Registry registry;
    observe::classification_metrics metrics(registry);
    input::decoder_limits limits;
    limits.max_input_bytes = options.max_input_bytes;
    limits.max_cpu = options.max_cpu;
    limits.max_memory_bytes = options.max_memory_bytes;
    limits.pdf_helper = pdf_helper_of_this_program();
    const auto make_worker = [&] {
        return chunk_worker{document_classifier(shared_engine, limits, metrics), input_reader{},
                            limits.max_input_bytes + 1};
    };

    const bool show_progress = options.progress && isatty(STDERR_FILENO) == 1 && files.size() > 1;
    progress_line progress(files.size(), show_progress);
    const size_t per_chunk = chunk_size(files.size(), jobs);
    const run_plan plan{files, per_chunk, (files.size() + per_chunk - 1) / per_chunk, stdout,
                        progress};
    const size_t failures =
        jobs == 1 ? run_inline(plan, make_worker()) : run_parallel(plan, jobs, make_worker);
    std::fflush(stdout);
    if (options.summary) metrics.print_summary(stderr);
    return failures == 0 ? 0 : 1;
}

}  // namespace imr::app
