#pragma once

// The helper protocol of pdf_sandbox (parent) and pdf_helper (child), over a Unix
// stream socket: request = u64 size + PDF bytes; response = u8 status + u64 size +
// payload. Sizes in host byte order: both ends are the same binary on the same host.

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

namespace imr::input::wire {

enum class status : uint8_t {
    text = 0,           // payload: the extracted text
    failed = 1,         // payload: one errc byte, then the message
    out_of_memory = 2,  // the helper ran out of its address space and is exiting
    crashed = 3,        // the helper took a fatal signal and is exiting
};

// MSG_NOSIGNAL: a peer that died must be an error here, not a SIGPIPE.
inline bool send_all(int fd, const void* data, size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t sent = ::send(fd, bytes, size, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent <= 0) return false;
        bytes += sent;
        size -= static_cast<size_t>(sent);
    }
    return true;
}

inline bool read_all(int fd, void* data, size_t size) {
    auto* bytes = static_cast<char*>(data);
    while (size > 0) {
        const ssize_t got = ::read(fd, bytes, size);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        bytes += got;
        size -= static_cast<size_t>(got);
    }
    return true;
}

}  // namespace imr::input::wire
