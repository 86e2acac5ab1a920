#include "classify_command.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "imr/classify/vocabulary.h"
#include "imr/engine/document_classifier.h"
#include "imr/engine/engine.h"
#include "imr/input/pdf_text.h"
#include "imr/observe/classification_metrics.h"
#include "imr/output/outcome_json.h"
#include "input_files.h"

namespace imr::app {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view stdin_name = "-";

std::optional<std::string> read_input(const std::string& name) {
    if (name == stdin_name) {
        return std::string(std::istreambuf_iterator<char>(std::cin),
                           std::istreambuf_iterator<char>());
    }
    std::ifstream in(name, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return std::move(content).str();
}

// Hands results to the writer in input order while workers finish out of order, and
// keeps at most `window` finished-but-unwritten results in memory.
class ordered_output {
  public:
    explicit ordered_output(size_t window) : window_(window) {}

    void wait_for_room(size_t index) {
        std::unique_lock lock(mutex_);
        room_.wait(lock, [&] { return index < next_ + window_; });
    }

    void put(size_t index, std::string line, bool failed) {
        {
            std::lock_guard lock(mutex_);
            ready_.emplace(index, std::pair{std::move(line), failed});
        }
        arrived_.notify_one();
    }

    // Writes results 0..count-1 in order; returns how many were failures.
    size_t write_all(size_t count, std::FILE* out, bool show_progress) {
        size_t failures = 0;
        const auto started = std::chrono::steady_clock::now();
        auto last_report = started;
        for (size_t index = 0; index < count; ++index) {
            std::pair<std::string, bool> entry;
            {
                std::unique_lock lock(mutex_);
                arrived_.wait(lock, [&] { return ready_.count(index) > 0; });
                entry = std::move(ready_.at(index));
                ready_.erase(index);
                next_ = index + 1;
            }
            room_.notify_all();
            std::fwrite(entry.first.data(), 1, entry.first.size(), out);
            std::fputc('\n', out);
            failures += entry.second ? 1 : 0;
            const auto now = std::chrono::steady_clock::now();
            if (show_progress &&
                (now - last_report > std::chrono::milliseconds(200) || index + 1 == count)) {
                const double seconds = std::chrono::duration<double>(now - started).count();
                std::fprintf(stderr, "\r%zu/%zu letters, %zu failed, %.0f letters/s", index + 1,
                             count, failures,
                             seconds > 0 ? static_cast<double>(index + 1) / seconds : 0.0);
                last_report = now;
            }
        }
        if (show_progress && count > 0) std::fputc('\n', stderr);
        return failures;
    }

  private:
    const size_t window_;
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::condition_variable room_;
    std::map<size_t, std::pair<std::string, bool>> ready_;
    size_t next_ = 0;
};

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
    ordered_output output(size_t{64} * jobs);
    std::atomic<size_t> next_file{0};
    const input::decoder_limits limits{options.max_input_bytes};
    auto work = [&] {
        document_classifier classifier(shared_engine, limits, metrics);
        for (size_t index = next_file++; index < files.size(); index = next_file++) {
            output.wait_for_room(index);
            output::source_info source;
            source.file = files[index];
            auto bytes = read_input(files[index]);
            if (!bytes) {
                output.put(
                    index,
                    output::error_to_json({errc::unreadable, "the file could not be read"}, source),
                    true);
                continue;
            }
            auto result = classifier.classify(*bytes, source);
            output.put(index, std::move(result.json), result.failure.has_value());
        }
    };
    std::vector<std::jthread> workers;
    for (unsigned i = 0; i < jobs; ++i) workers.emplace_back(work);

    const bool show_progress = options.progress && isatty(STDERR_FILENO) == 1 && files.size() > 1;
    const size_t failures = output.write_all(files.size(), stdout, show_progress);
    std::fflush(stdout);
    if (options.summary) metrics.print_summary(stderr);
    return failures == 0 ? 0 : 1;
}

}  // namespace imr::app
