#include "imr/classify/conclusion_reader.h"

#include <vector>

#include "imr/classify/reason_reader.h"
#include "imr/classify/regex.h"

namespace imr::classify {

conclusion_reader::conclusion_reader()
    : denied_(compile_pattern(
          R"(\b(?:is|are|was|were|be|been|remains?)\s+(?:\w+\s+){0,2}?not\s+(?:\w+\s+)?(?:medically\s+)?(?:necessary|appropriate|indicated|warranted|supported|certified|substantiated)\b)"
          R"(|\bnot medically necessary\b|\bmedical necessity\b[^.]{0,80}\bnot (?:been )?(?:established|demonstrated|supported)\b)"
          R"(|\bnon-?certified\b|\bdenial (?:is|was|should be) upheld\b)")),
      granted_(compile_pattern(
          R"(\b(?:is|are|was|were|be|been)\s+(?:\w+\s+){0,2}?(?:medically necessary|medically appropriate)\b)"
          R"(|\bmedical necessity\b[^.]{0,80}\b(?:has been|is|was|have been) (?:established|demonstrated)\b)"
          R"(|\bdenial (?:is|was|should be) overturned\b)")) {}

std::optional<decision> conclusion_reader::read(std::string_view rationale) const {
    const std::vector<sentence> sentences = split_sentences(rationale);
    for (auto s = sentences.rbegin(); s != sentences.rend(); ++s) {
        if (s->quoted) continue;  // a quoted guideline concludes nothing about this request
        if (RE2::PartialMatch(s->text, *denied_)) return decision::upheld;
        if (RE2::PartialMatch(s->text, *granted_)) return decision::overturned;
    }
    return std::nullopt;
}

std::vector<std::string> conclusion_reader::split(std::string_view rationale, size_t count) const {
    std::vector<std::string> parts;
    std::string current;
    for (const sentence& s : split_sentences(rationale)) {
        if (!current.empty()) current += ' ';
        current += s.text;
        if (!s.quoted &&
            (RE2::PartialMatch(s.text, *denied_) || RE2::PartialMatch(s.text, *granted_))) {
            parts.push_back(std::move(current));
            current.clear();
        }
    }
    if (parts.size() != count) return std::vector<std::string>(count, std::string(rationale));
    return parts;
}

}  // namespace imr::classify
