#include "classify_command.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "imr/classify/vocabulary.h"
#include "imr/engine/document_classifier.h"
#include "imr/engine/engine.h"
#include "imr/input/pdf_text.h"
#include "imr/observe/classification_metrics.h"
#include "imr/output/outcome_json.h"
#include "input_files.h"
#include "pdf_helper_mode.h"

namespace imr::app {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view stdin_name = "-";

// At most `limit` bytes, in large blocks: one byte past the size limit is enough to
// reject a document as too large, and /dev/zero or an endless pipe is read no further.
std::optional<std::string> read_input(const std::string& name, size_t limit) {
    const bool from_stdin = name == stdin_name;
    const int fd = from_stdin ? STDIN_FILENO : ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    constexpr size_t block = size_t{1} << 20;
    std::string content;
    bool failed = false;
    while (content.size() < limit) {
        const size_t had = content.size();
        content.resize(std::min(limit, had + block));
        const ssize_t got = ::read(fd, content.data() + had, content.size() - had);
        content.resize(had + static_cast<size_t>(std::max<ssize_t>(got, 0)));
        if (got < 0 && errno == EINTR) continue;
        failed = got < 0;
        if (got <= 0) break;
    }
    if (!from_stdin) ::close(fd);
    if (failed) return std::nullopt;
    return content;
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
    input::decoder_limits limits;
    limits.max_input_bytes = options.max_input_bytes;
    limits.max_cpu = options.max_cpu;
    limits.max_memory_bytes = options.max_memory_bytes;
    limits.pdf_helper = pdf_helper_of_this_program();
    auto work = [&] {
        document_classifier classifier(shared_engine, limits, metrics);
        for (size_t index = next_file++; index < files.size(); index = next_file++) {
            output.wait_for_room(index);
            output::source_info source;
            source.file = files[index];
            auto bytes = read_input(files[index], limits.max_input_bytes + 1);
            auto result =
                bytes ? classifier.classify(*bytes, source)
                      : classifier.reject({errc::unreadable, "the file could not be read"}, source);
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
