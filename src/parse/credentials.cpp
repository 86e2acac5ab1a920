#include "imr/parse/credentials.h"

#include <algorithm>

#include "imr/text/letter_text.h"
#include "imr/text/search.h"

namespace imr::parse {
namespace {

using text::find_ci;
using text::npos;
using text::trim;

// Text after `label` up to the first of `stops` (or the end).
std::string_view after_label(std::string_view text, std::string_view label,
                             std::initializer_list<std::string_view> stops) {
    const size_t at = find_ci(text, label);
    if (at == npos) return {};
    const size_t begin = at + label.size();
    size_t end = text.size();
    for (const auto stop : stops) end = std::min(end, find_ci(text, stop, begin));
    return trim(text.substr(begin, end - begin));
}

std::string_view strip_trailing_punctuation(std::string_view s) {
    while (!s.empty() &&
           (s.back() == '.' || s.back() == ',' || s.back() == ';' || s.back() == ' ')) {
        s.remove_suffix(1);
    }
    return s;
}

// "Internal Medicine with a " / "Anesthesiology, has a " / "Surgery and has a ": the words
// that lead from the board certification to the subspecialty.
std::string_view strip_connectives(std::string_view s) {
    for (bool stripped = true; stripped;) {
        stripped = false;
        s = strip_trailing_punctuation(s);
        for (const std::string_view word :
             {" with a", " has a", " and a", " with", " has", " and", " a"}) {
            if (s.size() > word.size() &&
                text::find_ci(s.substr(s.size() - word.size()), word) == 0) {
                s.remove_suffix(word.size());
                stripped = true;
            }
        }
    }
    return s;
}

std::vector<std::string> split_specialties(std::string_view list) {
    std::vector<std::string> out;
    for (auto piece : text::split_trimmed(list, ',')) {
        if (text::starts_with_ci(piece, "and ")) piece = trim(piece.substr(4));
        piece = strip_trailing_punctuation(piece);
        if (!piece.empty()) out.emplace_back(piece);
    }
    return out;
}

}  // namespace

credentials_reader::credentials_reader(const std::vector<classify::state_entry>& states)
    : states_(states) {
    // Longest names first so "West Virginia" is not read as "Virginia".
    std::sort(states_.begin(), states_.end(),
              [](const auto& a, const auto& b) { return a.name.size() > b.name.size(); });
}

std::vector<std::string> credentials_reader::state_codes(std::string_view list) const {
    std::vector<std::pair<size_t, std::string>> found;
    std::vector<bool> claimed(list.size(), false);
    for (const auto& state : states_) {
        for (size_t at = find_ci(list, state.name); at != npos;
             at = find_ci(list, state.name, at + 1)) {
            const size_t end = at + state.name.size();
            const bool whole_word = (at == 0 || !text::is_alpha(list[at - 1])) &&
                                    (end >= list.size() || !text::is_alpha(list[end]));
            if (!whole_word || claimed[at]) continue;
            std::fill(claimed.begin() + static_cast<long>(at),
                      claimed.begin() + static_cast<long>(end), true);
            found.emplace_back(at, state.code);
        }
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> codes;
    for (auto& [position, code] : found) {
        if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
    }
    return codes;
}

reviewer_credentials credentials_reader::read(std::string_view section) const {
    const std::string flat = text::flatten(section);
    reviewer_credentials out;

    const auto licensure =
        after_label(flat, "State(s) of Licensure:", {"Certification(s)", "CLINICAL CASE SUMMARY"});
    const auto specialty = after_label(
        flat, "Certification(s)/Specialty:", {"CLINICAL CASE SUMMARY", "State(s) of Licensure"});
    if (!licensure.empty() || !specialty.empty()) {
        out.licensed_states = state_codes(licensure);
        out.specialties = split_specialties(specialty);
        return out;
    }

    // Prose: "... Board Certified in A[, has a subspecialty in B] and is licensed to practice in
    // S."
    const auto licensed =
        after_label(flat, "licensed to practice in", {". ", "He/she", "He has", "She has"});
    out.licensed_states = state_codes(strip_trailing_punctuation(licensed));
    const auto certified =
        after_label(flat, "Board Certified in",
                    {" and is licensed", ", and is licensed", " is licensed", ". "});
    const size_t sub = find_ci(certified, "subspecialt");
    out.specialties = split_specialties(strip_connectives(certified.substr(0, sub)));
    if (sub != npos) {
        std::string_view rest = certified.substr(sub);
        const size_t in = find_ci(rest, " in ");
        if (in != npos) {
            for (auto& s : split_specialties(strip_trailing_punctuation(rest.substr(in + 4)))) {
                out.specialties.push_back(std::move(s));
            }
        }
    }
    return out;
}

}  // namespace imr::parse
