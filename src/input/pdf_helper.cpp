#include "imr/input/pdf_helper.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <new>
#include <string>
#include <string_view>

#include "imr/input/pdf_text.h"
#include "pdf_wire.h"

namespace imr::input {
namespace {

constexpr int request_fd = STDIN_FILENO;
constexpr int exit_after_fatal_signal = 70;

// Set once at start-up and read by the fatal-signal handler, which can reach nothing
// else: the only process-wide state of the helper, which is a process of its own.
struct crash_context {
    int response_fd = -1;
    size_t address_space_limit = 0;
    size_t page_size = 4096;
};
crash_context crash;  // NOLINT: see above

void send_response(wire::status status, std::string_view payload) {
    const auto code = static_cast<uint8_t>(status);
    const uint64_t size = payload.size();
    (void)(wire::send_all(crash.response_fd, &code, sizeof code) &&
           wire::send_all(crash.response_fd, &size, sizeof size) &&
           wire::send_all(crash.response_fd, payload.data(), payload.size()));
}

// Async-signal-safe (open/read/close and arithmetic only).
size_t address_space_in_use() noexcept {
    const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char buffer[64];
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    ::close(fd);
    size_t pages = 0;
    for (ssize_t i = 0; i < got && buffer[i] >= '0' && buffer[i] <= '9'; ++i) {
        pages = pages * 10 + static_cast<size_t>(buffer[i] - '0');
    }
    return pages * crash.page_size;
}

// poppler aborts when malloc fails, so SIGABRT with errno ENOMEM (or an address space
// nearly used up) is the memory budget, anything else a crash of the library.
void on_fatal_signal(int /*signal*/) {
    constexpr size_t margin = size_t{16} << 20;
    const bool out_of_memory =
        errno == ENOMEM || address_space_in_use() + margin >= crash.address_space_limit;
    send_response(out_of_memory ? wire::status::out_of_memory : wire::status::crashed, {});
    ::_exit(exit_after_fatal_signal);
}

bool parse_size(const char* text, size_t& out) {
    const std::string_view view(text);
    const auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), out);
    return ec == std::errc() && end == view.data() + view.size();
}

void limit_address_space(size_t budget) {
    crash.page_size = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    crash.address_space_limit = address_space_in_use() + budget;
    const rlimit memory{crash.address_space_limit, crash.address_space_limit};
    ::setrlimit(RLIMIT_AS, &memory);
    const rlimit no_core{0, 0};  // a killed helper is expected; its core is not wanted
    ::setrlimit(RLIMIT_CORE, &no_core);
}

// The parent watches the CPU time and kills first; this soft limit (SIGXCPU) only
// matters if it cannot, a little later.
void limit_cpu_for_next_document(size_t budget_ms) {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto used_seconds = static_cast<rlim_t>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec);
    rlimit cpu{};
    ::getrlimit(RLIMIT_CPU, &cpu);
    cpu.rlim_cur = used_seconds + static_cast<rlim_t>(budget_ms / 1000) + 3;
    ::setrlimit(RLIMIT_CPU, &cpu);
}

// Answers go to a copy of standard output, which itself points to /dev/null: whatever a
// library prints cannot corrupt the protocol.
bool take_over_standard_output() {
    crash.response_fd = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (crash.response_fd < 0 || null < 0 || ::dup2(null, STDOUT_FILENO) < 0) return false;
    ::close(null);
    return true;
}

void install_fatal_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_fatal_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    for (const int signal : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) {
        ::sigaction(signal, &action, nullptr);
    }
}

void answer(const pdf_text_extractor& extractor, const std::string& pdf, size_t max_text_bytes) {
    auto text = extractor.extract(pdf, max_text_bytes);
    if (text) {
        send_response(wire::status::text, *text);
        return;
    }
    std::string payload(1, static_cast<char>(text.err().code));
    payload += text.err().message;
    send_response(wire::status::failed, payload);
}

}  // namespace

int run_pdf_helper(std::span<char* const> arguments) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    size_t cpu_ms = 0;
    size_t memory_bytes = 0;
    size_t max_text_bytes = 0;
    size_t parent = 0;
    if (arguments.size() != 4 || !parse_size(arguments[0], cpu_ms) ||
        !parse_size(arguments[1], memory_bytes) || !parse_size(arguments[2], max_text_bytes) ||
        !parse_size(arguments[3], parent)) {
        return 2;
    }
    // The parent died before PR_SET_PDEATHSIG took effect: nobody will ever ask anything.
    if (static_cast<size_t>(::getppid()) != parent) return 1;
    if (!take_over_standard_output()) return 1;
    silence_pdf_library_diagnostics();
    // Set up once for every document the helper reads, before the budget is counted.
    const pdf_text_extractor extractor;
    limit_address_space(memory_bytes);
    install_fatal_signal_handlers();

    std::string pdf;
    for (;;) {
        uint64_t size = 0;
        if (!wire::read_all(request_fd, &size, sizeof size)) return 0;  // parent closed
        try {
            pdf.resize(size);
            if (!wire::read_all(request_fd, pdf.data(), pdf.size())) return 0;
            limit_cpu_for_next_document(cpu_ms);
            answer(extractor, pdf, max_text_bytes);
        } catch (const std::bad_alloc&) {
            send_response(wire::status::out_of_memory, {});
            return 3;  // a heap that ran dry is not reused
        }
    }
}

}  // namespace imr::input
