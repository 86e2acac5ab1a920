#pragma once

#include <string>
#include <string_view>

namespace imr::text {

// Letter text in one canonical shape, whatever PDF extraction left behind:
//   - one physical line per '\n', trimmed, inner white-space runs collapsed to one space;
//   - a paragraph break is exactly one empty line;
//   - a page break is a line holding a single '\f';
//   - "doubled" extractions (every line followed by an empty one) are undoubled first;
//   - CR/CRLF, tabs, NBSP and other Unicode spaces become plain spaces or newlines.
// Parsers rely on these invariants instead of re-handling each extraction quirk.
[[nodiscard]] std::string normalize(std::string_view raw);

// The text of a region with its line structure folded into single spaces, for
// sentence-level patterns that must not care where a line wrapped. Page-break
// markers disappear too.
[[nodiscard]] std::string flatten(std::string_view normalized);

}  // namespace imr::text
