#include "imr/classify/regex.h"

#include <algorithm>
#include <stdexcept>

namespace imr::classify {

RE2::Options case_insensitive_options() {
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    options.set_max_mem(int64_t{64} << 20);
    return options;
}

std::unique_ptr<RE2> compile_pattern(std::string_view pattern) {
    auto compiled = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()),
                                          case_insensitive_options());
    if (!compiled->ok()) {
        throw std::runtime_error("bad pattern \"" + std::string(pattern) +
                                 "\": " + compiled->error());
    }
    return compiled;
}

std::string word_alternation(const std::vector<std::string>& words) {
    std::string pattern = R"(\b()";
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0) pattern += '|';
        pattern += RE2::QuoteMeta(words[i]);
    }
    pattern += R"()\b)";
    return pattern;
}

std::unique_ptr<RE2> longest_first_pattern(std::vector<std::string> names) {
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
        return a.size() != b.size() ? a.size() > b.size() : a < b;
    });
    return compile_pattern(word_alternation(names));
}

}  // namespace imr::classify
