#include "input_files.h"

#include <algorithm>
#include <filesystem>

namespace imr::app {
namespace {

namespace fs = std::filesystem;

bool is_letter_file(const fs::path& path) {
    const auto extension = path.extension();
    return extension == ".txt" || extension == ".pdf" || extension == ".json";
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

}  // namespace imr::app
