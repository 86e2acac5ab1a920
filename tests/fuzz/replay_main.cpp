// Runs a fuzz target's LLVMFuzzerTestOneInput once over each file given (directories are
// walked), without libFuzzer: the regression inputs and seeds then run under any compiler and
// sanitizer preset as an ordinary ctest. A failure aborts inside the target, naming the input
// on stderr first.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_of(const fs::path& path) {
    std::vector<fs::path> files;
    if (!fs::is_directory(path)) return {path};
    for (const auto& entry : fs::recursive_directory_iterator(path)) {
        // README.md files describe a regression directory; they are not inputs.
        if (entry.is_regular_file() && entry.path().filename() != "README.md") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

int main(int argc, char** argv) {
    size_t replayed = 0;
    for (int arg = 1; arg < argc; ++arg) {
        if (!fs::exists(argv[arg])) {
            std::fprintf(stderr, "replay: %s does not exist\n", argv[arg]);
            return 2;
        }
        for (const auto& file : inputs_of(argv[arg])) {
            std::ifstream in(file, std::ios::binary);
            const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
            std::fprintf(stderr, "replay: %s\n", file.c_str());
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
            ++replayed;
        }
    }
    std::printf("replay: %zu inputs, no failure\n", replayed);
    return replayed > 0 ? 0 : 1;
}
