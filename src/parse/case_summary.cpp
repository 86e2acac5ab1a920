#include "imr/parse/case_summary.h"

#include <algorithm>

#include "imr/classify/regex.h"
#include "imr/text/dates.h"
#include "imr/text/search.h"

namespace imr::parse {
namespace {

constexpr size_t max_diagnoses = 20;
constexpr size_t injury_date_window = 60;  // bytes between "injury" and its date

std::string sex_code(std::string_view word) {
    const std::string lower = text::to_lower(word);
    if (lower == "female" || lower == "woman" || lower == "lady" || lower == "girl")
        return "female";
    return "male";
}

// The sentence around `position`, bounded by ". " on both sides.
std::string_view sentence_at(std::string_view flat, size_t position) {
    size_t begin = flat.rfind(". ", position);
    begin = begin == text::npos ? 0 : begin + 2;
    size_t end = flat.find(". ", position);
    end = end == text::npos ? flat.size() : end + 1;
    return flat.substr(begin, end - begin);
}

// Whether `pattern`, whose every match starts with `prefix` (ASCII letters, spaces), matches
// anywhere: it is tried only where the prefix is (found by find_ci, at memchr speed), not
// run over the whole text. RE2 folds U+017F (long s, UTF-8 C5 BF) onto "s": a text holding
// one is searched in full.
bool matches_after_prefix(const RE2& pattern, std::string_view flat, std::string_view prefix) {
    if (flat.find("\xC5\xBF") != std::string_view::npos) return RE2::PartialMatch(flat, pattern);
    for (size_t at = text::find_ci(flat, prefix); at != text::npos;
         at = text::find_ci(flat, prefix, at + 1)) {
        if (pattern.Match(flat, at, flat.size(), RE2::ANCHOR_START, nullptr, 0)) return true;
    }
    return false;
}

}  // namespace

case_summary_reader::case_summary_reader(const classify::vocabulary& words)
    : age_sex_(classify::compile_pattern(
          R"(\b(\d{1,3})[- ]?(?:years?[- ]old|y/o|yrs?[- ]old|yo)\b,?\s+(?:[\w-]+\s+){0,3}?(male|female|man|woman|gentleman|lady|boy|girl)\b)")),
      sex_only_(classify::compile_pattern(
          R"(\b(?:worker|patient|claimant|employee|applicant|individual|person)\s+(?:is|was)\s+an?\s+(?:[\w-]+\s+){0,3}?(male|female|man|woman|gentleman|lady)\b)")),
      injury_marker_(
          classify::compile_pattern(R"(\b(injur(?:y|ies|ed)|date of injury|DOI|accident)\b)")),
      diagnoses_(classify::compile_pattern(
          R"(\b(?:diagnos(?:es|is)\s+(?:include[sd]?|were|was|are|is|of|as|consist(?:ed|s)? of)|diagnosed with|(?:being |been )?treated for(?: the diagnoses of)?|undergoing treatment for|treatment for)\s*:?\s*)")),
      mechanism_unknown_(classify::compile_pattern(
          R"(\bmechanism of (?:the )?injury (?:was |is )?(?:not |un)(?:known|documented|described|specified|reported|provided|clear))")),
      regions_(words.body_regions),
      mechanisms_(words.mechanisms) {}

case_summary_fields case_summary_reader::read(std::string_view flat,
                                              std::string_view requests) const {
    case_summary_fields out;
    int age = 0;
    std::string sex;
    if (RE2::PartialMatch(flat, *age_sex_, &age, &sex) && age > 0 && age < 120) {
        out.patient.age = age;
        out.patient.sex = sex_code(sex);
    } else if (RE2::PartialMatch(flat, *sex_only_, &sex)) {
        out.patient.sex = sex_code(sex);
    }
    out.injury_date = injury_date(flat);
    out.patient.injury_mechanism = mechanism(flat);
    out.patient.diagnoses = diagnoses(flat);

    out.patient.body_regions = regions_.codes_by_position(flat);
    for (auto& code : regions_.codes_by_position(requests)) {
        if (std::find(out.patient.body_regions.begin(), out.patient.body_regions.end(), code) ==
            out.patient.body_regions.end()) {
            out.patient.body_regions.push_back(std::move(code));
        }
    }
    return out;
}

std::optional<date> case_summary_reader::injury_date(std::string_view flat) const {
    re2::StringPiece input(flat.data(), flat.size());
    re2::StringPiece marker;
    while (RE2::FindAndConsume(&input, *injury_marker_, &marker)) {
        const size_t after = static_cast<size_t>(marker.data() - flat.data()) + marker.size();
        if (auto found = text::find_date(flat, after);
            found && found->begin - after <= injury_date_window) {
            return found->value;
        }
    }
    return std::nullopt;
}

std::optional<std::string> case_summary_reader::mechanism(std::string_view flat) const {
    if (matches_after_prefix(*mechanism_unknown_, flat, "mechanism of ")) return std::nullopt;
    // The injury is described in the sentence that first mentions it, and the next one.
    const size_t at = text::find_ci(flat, "injur");
    if (at == text::npos) return std::nullopt;
    std::string_view first = sentence_at(flat, at);
    const size_t next_begin = static_cast<size_t>(first.data() - flat.data()) + first.size();
    std::string_view both = flat.substr(
        static_cast<size_t>(first.data() - flat.data()),
        first.size() + sentence_at(flat, std::min(next_begin + 1, flat.size())).size() + 1);
    const auto code = mechanisms_.first_code(both.substr(0, std::min(both.size(), flat.size())));
    if (code.empty()) return std::nullopt;
    return std::string(code);
}

std::vector<std::string> case_summary_reader::diagnoses(std::string_view flat) const {
    std::vector<std::string> out;
    re2::StringPiece marker;
    if (!diagnoses_->Match(flat, 0, flat.size(), RE2::UNANCHORED, &marker, 1)) return out;
    // The list runs to the end of the sentence.
    const size_t begin = static_cast<size_t>(marker.data() - flat.data()) + marker.size();
    size_t period = flat.find(". ", begin);
    if (period == text::npos) period = flat.back() == '.' ? flat.size() - 1 : flat.size();
    const std::string_view list = flat.substr(begin, period - begin);
    std::string normalized;
    normalized.reserve(list.size());
    // "A, B, and C" / "A; B and C": commas and semicolons separate, a final "and" too.
    for (size_t i = 0; i < list.size(); ++i) normalized += list[i] == ';' ? ',' : list[i];
    for (auto piece : text::split_trimmed(normalized, ',')) {
        if (text::starts_with_ci(piece, "and ")) piece = text::trim(piece.substr(4));
        if (piece.size() < 3 || out.size() >= max_diagnoses) continue;
        out.emplace_back(piece);
    }
    return out;
}

}  // namespace imr::parse
