// Reads every PDF under a directory `passes` times with one extraction and prints what it
// read: a fixed amount of work, for instruction counts (valgrind --tool=callgrind) and CPU
// time (perf stat) that do not depend on how long a benchmark decides to run.
//
//   pdf_text_passes poppler-cpp|extractor <passes> <directory>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "imr/input/pdf_text.h"
#include "imr/input/pdf_text_reference.h"

namespace {

namespace fs = std::filesystem;

std::vector<std::string> read_pdfs(const fs::path& directory) {
    std::vector<fs::path> paths;
    for (const auto& entry : fs::recursive_directory_iterator(directory)) {
        if (entry.path().extension() == ".pdf") paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    std::vector<std::string> pdfs;
    for (const auto& path : paths) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream content;
        content << in.rdbuf();
        pdfs.push_back(std::move(content).str());
    }
    return pdfs;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    if (args.size() != 3 || (args[0] != "poppler-cpp" && args[0] != "extractor")) {
        std::cerr << "usage: pdf_text_passes poppler-cpp|extractor <passes> <directory>\n";
        return 2;
    }
    imr::input::silence_pdf_library_diagnostics();
    const int passes = std::stoi(std::string(args[1]));
    const auto pdfs = read_pdfs(fs::path(args[2]));
    const bool reference = args[0] == "poppler-cpp";
    // Only when measured: one alive would keep poppler's global parameters for poppler-cpp too.
    std::optional<imr::input::pdf_text_extractor> extractor;
    if (!reference) extractor.emplace();
    size_t letters = 0;
    size_t text_bytes = 0;
    for (int pass = 0; pass < passes; ++pass) {
        for (const auto& pdf : pdfs) {
            auto text = reference ? imr::input::extract_pdf_text_with_poppler_cpp(pdf)
                                  : extractor->extract(pdf);
            if (!text) {
                std::cerr << "extraction failed: " << text.err().message << "\n";
                return 1;
            }
            ++letters;
            text_bytes += text->size();
        }
    }
    std::cout << args[0] << ": " << letters << " letters, " << text_bytes << " bytes of text\n";
    return 0;
}
