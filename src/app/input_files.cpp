#include "input_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

namespace imr::app {
namespace {

namespace fs = std::filesystem;

// Room for a pipe's first read; a regular file's size is known in advance.
constexpr size_t pipe_block = size_t{64} << 10;
// Room kept from one file to the next: letters are KBs to a few MBs; a 16 MiB input
// should not pin 16 MiB per worker for the rest of the run.
constexpr size_t kept_room = size_t{4} << 20;

bool is_letter_file(const fs::path& path) {
    const auto extension = path.extension();
    return extension == ".txt" || extension == ".pdf" || extension == ".json";
}

// How much room the first read wants: the whole file and one byte to see its end.
size_t first_room(int fd) {
    struct stat status {};
    if (::fstat(fd, &status) == 0 && S_ISREG(status.st_mode)) {
        return static_cast<size_t>(status.st_size) + 1;
    }
    return pipe_block;
}

}  // namespace

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
    std::vector<std::string> files;
    for (const auto& input : inputs) {
        std::error_code ec;
        if (input != "-" && fs::is_directory(input, ec)) {
            std::vector<std::string> found;
            for (const auto& entry : fs::recursive_directory_iterator(input, ec)) {
                if (entry.is_regular_file() && is_letter_file(entry.path()) &&
                    entry.path().string().find(".gold.") == std::string::npos) {
                    found.push_back(entry.path().string());
                }
            }
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else {
            files.push_back(input);
        }
    }
    return files;
}

std::optional<std::string_view> input_reader::read(const std::string& name, size_t limit) {
    const bool from_stdin = name == "-";
    const int fd = from_stdin ? STDIN_FILENO : ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    if (buffer_.size() > kept_room) buffer_ = std::string();
    size_t length = 0;
    size_t wanted = std::min(limit, first_room(fd));
    bool failed = false;
    while (length < limit) {
        // Grows only past the largest input so far: resize zero-fills what it adds.
        if (buffer_.size() < wanted) buffer_.resize(wanted);
        const size_t room = std::min(buffer_.size(), limit) - length;
        const ssize_t got = ::read(fd, buffer_.data() + length, room);
        if (got < 0 && errno == EINTR) continue;
        failed = got < 0;
        if (got <= 0) break;
        length += static_cast<size_t>(got);
        if (length == std::min(buffer_.size(), limit)) wanted = std::min(limit, length * 2);
    }
    if (!from_stdin) ::close(fd);
    if (failed) return std::nullopt;
    return std::string_view(buffer_.data(), length);
}

}  // namespace imr::app
