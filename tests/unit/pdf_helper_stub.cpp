// The PDF helper for pdf_sandbox_test: what `imr-stream __pdf-helper` runs, without the rest
// of the program.
#include <span>

#include "imr/input/pdf_helper.h"

int main(int argc, char** argv) {
    return imr::input::run_pdf_helper(std::span<char* const>(argv + 1, argc - 1));
}
