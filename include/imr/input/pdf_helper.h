#pragma once

#include <span>

namespace imr::input {

// The helper side of pdf_sandbox: `imr-stream __pdf-helper <cpu-ms> <memory-bytes>
// <max-text-bytes> <parent-pid>` runs this. It limits its own address space (RLIMIT_AS: its size at
// start plus the memory budget) and, as a backstop should the parent stop watching, its
// CPU time per document (RLIMIT_CPU), then answers requests on standard input/output
// until end of input. It dies with its parent and ignores SIGINT/SIGTERM: a service
// draining on SIGTERM still gets the answers it waits for.
// Returns the process exit status.
int run_pdf_helper(std::span<char* const> arguments);

}  // namespace imr::input
