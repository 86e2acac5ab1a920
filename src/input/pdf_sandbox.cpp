#include "imr/input/pdf_sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "imr/input/pdf_text.h"
#include "pdf_wire.h"

extern char** environ;  // POSIX

namespace imr::input {
namespace {

using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

constexpr int wall_clock_factor = 5;
constexpr milliseconds shortest_wait{10};

// CPU time (user + system) a process has used so far, from /proc/<pid>/stat.
milliseconds cpu_time_of(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    const size_t name_end = line.rfind(')');  // the command name may hold spaces
    if (name_end == std::string::npos) return milliseconds{0};
    std::istringstream fields(line.substr(name_end + 2));
    std::string skipped;
    for (int field = 3; field < 14; ++field) fields >> skipped;  // state .. cmajflt
    long user_ticks = 0;
    long system_ticks = 0;
    fields >> user_ticks >> system_ticks;
    static const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
    return milliseconds{(user_ticks + system_ticks) * 1000 / ticks_per_second};
}

std::string describe_cpu(milliseconds budget) {
    return "the PDF went over the CPU time limit (" + std::to_string(budget.count()) + " ms)";
}

}  // namespace

// Reads exactly `size` bytes from the helper, or says why not: the helper went over its
// CPU budget or wall-clock deadline (it is then still running) or it closed the socket.
class pdf_sandbox::deadline_reader {
  public:
    enum class outcome { done, closed, over_cpu, over_wall };

    deadline_reader(int socket, pid_t pid, milliseconds cpu_budget)
        : socket_(socket),
          pid_(pid),
          cpu_budget_(cpu_budget),
          cpu_at_start_(cpu_time_of(pid)),
          cpu_left_(cpu_budget),
          wall_deadline_(steady::now() + cpu_budget * wall_clock_factor) {}

    outcome read(void* data, size_t size) {
        auto* bytes = static_cast<char*>(data);
        while (size > 0) {
            if (const auto waited = wait_readable(); waited != outcome::done) return waited;
            const ssize_t got = ::read(socket_, bytes, size);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) return outcome::closed;
            bytes += got;
            size -= static_cast<size_t>(got);
        }
        return outcome::done;
    }

  private:
    // A single-threaded helper cannot use more CPU than wall time: sleeping for what is
    // left of the CPU budget before looking at /proc again keeps the checks few.
    outcome wait_readable() {
        for (;;) {
            const auto wall_left =
                std::chrono::duration_cast<milliseconds>(wall_deadline_ - steady::now());
            if (wall_left <= milliseconds{0}) return outcome::over_wall;
            const milliseconds wait = std::max(shortest_wait, std::min(cpu_left_, wall_left));
            pollfd readable{socket_, POLLIN, 0};
            const int ready = ::poll(&readable, 1, static_cast<int>(wait.count()));
            if (ready > 0) return outcome::done;
            if (ready < 0 && errno != EINTR) return outcome::closed;
            cpu_left_ = cpu_budget_ - (cpu_time_of(pid_) - cpu_at_start_);
            if (cpu_left_ <= milliseconds{0}) return outcome::over_cpu;
        }
    }

    int socket_;
    pid_t pid_;
    milliseconds cpu_budget_;
    milliseconds cpu_at_start_;
    milliseconds cpu_left_;
    steady::time_point wall_deadline_;
};

pdf_sandbox::pdf_sandbox(pdf_helper_command command, pdf_budget budget)
    : command_(std::move(command)), budget_(budget) {}

pdf_sandbox::~pdf_sandbox() {
    stop();
}

result<std::string> pdf_sandbox::extract(std::string_view pdf) {
    if (command_.program.empty()) {
        if (!in_process_) in_process_ = std::make_unique<pdf_text_extractor>();
        return in_process_->extract(pdf, budget_.max_text_bytes);
    }
    // A helper that died since the last document (or was never started) is replaced.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (pid_ != 0 && !idle_helper_is_well()) stop();
        if (pid_ == 0 && !start()) {
            return error{errc::internal, "the PDF helper process could not be started"};
        }
        deadline_reader reader(socket_, pid_, budget_.cpu);
        const uint64_t size = pdf.size();
        if (wire::send_all(socket_, &size, sizeof size) &&
            wire::send_all(socket_, pdf.data(), pdf.size())) {
            return exchange(reader);
        }
        stop();
    }
    return error{errc::internal, "the PDF helper process does not take requests"};
}

result<std::string> pdf_sandbox::exchange(deadline_reader& reader) {
    uint8_t status = 0;
    uint64_t size = 0;
    auto read = reader.read(&status, sizeof status);
    if (read == deadline_reader::outcome::done) read = reader.read(&size, sizeof size);
    std::string payload;
    if (read == deadline_reader::outcome::done) {
        // The helper's text is bounded by max_text_bytes; a larger size is a broken helper.
        if (size > budget_.max_text_bytes + 4096) return stop_after("sent a malformed answer");
        payload.resize(size);
        read = reader.read(payload.data(), payload.size());
    }
    switch (read) {
        case deadline_reader::outcome::done:
            break;
        case deadline_reader::outcome::over_cpu:
            stop();
            return error{errc::too_complex, describe_cpu(budget_.cpu)};
        case deadline_reader::outcome::over_wall:
            stop();
            return error{errc::too_complex,
                         "the PDF went over the time limit (" +
                             std::to_string((budget_.cpu * wall_clock_factor).count()) +
                             " ms of wall-clock time)"};
        case deadline_reader::outcome::closed:
            return stopped_helper_error();
    }
    switch (static_cast<wire::status>(status)) {
        case wire::status::text:
            return payload;
        case wire::status::failed:
            if (payload.empty()) return stop_after("sent a malformed answer");
            return error{static_cast<errc>(static_cast<uint8_t>(payload[0])), payload.substr(1)};
        case wire::status::out_of_memory:
            stop();
            return error{errc::too_complex, "the PDF went over the memory limit (" +
                                                std::to_string(budget_.memory_bytes >> 20) +
                                                " MiB)"};
        case wire::status::crashed:
            stop();
            return error{errc::bad_pdf, "the PDF reader crashed on this document"};
    }
    return stop_after("sent a malformed answer");
}

// An idle helper has nothing to say: a readable socket means it closed it (it died) or
// sent a last word after a fatal signal, which must not be taken for the next answer.
bool pdf_sandbox::idle_helper_is_well() const {
    pollfd readable{socket_, POLLIN, 0};
    return ::poll(&readable, 1, 0) == 0;
}

// The helper closed its socket: it died. How it died tells which limit it hit.
error pdf_sandbox::stopped_helper_error() {
    int status = 0;
    const pid_t reaped = ::waitpid(pid_, &status, 0);
    ::close(socket_);
    socket_ = -1;
    pid_ = 0;
    if (reaped > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
        return error{errc::too_complex, describe_cpu(budget_.cpu)};
    }
    if (reaped > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
        // Not us: the kernel's out-of-memory killer, or an operator.
        return error{errc::too_complex, "the PDF reader was killed (out of memory?)"};
    }
    return error{errc::bad_pdf, "the PDF reader stopped on this document"};
}

error pdf_sandbox::stop_after(std::string_view why) {
    stop();
    return error{errc::internal, "the PDF helper process " + std::string(why)};
}

bool pdf_sandbox::start() {
    int sockets[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) return false;
    std::vector<std::string> arguments{command_.program.string()};
    arguments.insert(arguments.end(), command_.arguments.begin(), command_.arguments.end());
    arguments.push_back(std::to_string(budget_.cpu.count()));
    arguments.push_back(std::to_string(budget_.memory_bytes));
    arguments.push_back(std::to_string(budget_.max_text_bytes));
    // The helper checks that this process is still its parent; getppid() == 1 would not
    // do: in a container the service itself is PID 1.
    arguments.push_back(std::to_string(::getpid()));
    std::vector<char*> argv;
    for (auto& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);

    // The child's end becomes its stdin and stdout (dup2 clears close-on-exec);
    // stderr goes nowhere: poppler writes fragments of broken documents there.
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_adddup2(&files, sockets[1], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&files, sockets[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&files, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    // SIGINT and SIGTERM stay blocked in the helper: the service's drain on SIGTERM still
    // gets its answers; the helper dies with its parent (PR_SET_PDEATHSIG) instead.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    posix_spawnattr_setsigmask(&attributes, &blocked);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    pid_t pid = 0;
    const int failed = ::posix_spawn(&pid, argv[0], &files, &attributes, argv.data(), environ);
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attributes);
    ::close(sockets[1]);
    if (failed != 0) {
        ::close(sockets[0]);
        return false;
    }
    pid_ = pid;
    socket_ = sockets[0];
    return true;
}

void pdf_sandbox::stop() {
    if (socket_ >= 0) ::close(socket_);
    socket_ = -1;
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    pid_ = 0;
}

}  // namespace imr::input
