#include "imr/parse/letter_sections.h"

#include <algorithm>
#include <array>

#include "imr/text/search.h"

namespace imr::parse {
namespace {

using text::npos;

// The start of the line holding the first of `markers`, or npos.
size_t find_marker_line(std::string_view text, std::initializer_list<std::string_view> markers) {
    size_t best = npos;
    for (const auto marker : markers) {
        const size_t at = text::find_label(text, marker);
        if (at < best) best = at;
    }
    if (best == npos) return npos;
    const size_t line_start = text.rfind('\n', best);
    return line_start == npos ? 0 : line_start + 1;
}

std::string_view between(std::string_view text, size_t begin, size_t end) {
    if (begin == npos || begin >= text.size()) return {};
    if (end == npos || end < begin) end = text.size();
    return text.substr(begin, end - begin);
}

// The nearest of `candidates` after `from`, or npos.
size_t next_after(size_t from, std::initializer_list<size_t> candidates) {
    size_t best = npos;
    for (const size_t c : candidates) {
        if (c != npos && c > from && c < best) best = c;
    }
    return best;
}

letter_sections fdl_sections(std::string_view text) {
    const size_t how = find_marker_line(text, {"HOW THE IMR FINAL DETERMINATION WAS MADE"});
    const size_t summary = find_marker_line(text, {"CLINICAL CASE SUMMARY"});
    const size_t issues =
        find_marker_line(text, {"IMR ISSUES, DECISIONS AND RATIONALES", "IMR ISSUES AND DECISIONS",
                                "IMR DECISION(S) AND RATIONALE(S)"});
    // The MAXIMUS variant lists the documents reviewed between credentials and summary.
    const size_t documents = find_marker_line(text, {"DOCUMENTS REVIEWED"});
    letter_sections s;
    const size_t first = std::min({how, summary, issues});
    s.header = between(text, 0, first == npos ? 0 : first);
    s.credentials = between(text, how, next_after(how, {documents, summary, issues}));
    s.case_summary = between(text, summary, next_after(summary, {issues}));
    // Without its heading (lost in extraction), the items are still after the case summary.
    s.decisions = issues != npos ? between(text, issues, npos)
                                 : between(text, summary != npos ? summary : 0, npos);
    const bool structured_credentials =
        text::find_label(text, "State(s) of Licensure") != npos ||
        text::find_label(text, "Certification(s)/Specialty") != npos;
    s.layout = structured_credentials ? layout::fdl_2015 : layout::fdl_2014;
    return s;
}

letter_sections notice_sections(std::string_view text) {
    const size_t rationale =
        find_marker_line(text, {"INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE"});
    const size_t qualifications =
        find_marker_line(text, {"Medical Qualifications of the Expert Reviewer"});
    const size_t summary =
        find_marker_line(text, {"Expert Reviewer Case Summary", "Case Summary:"});
    const size_t first_item =
        find_marker_line(text, {"1) Regarding the request for", "1) Regarding the request"});
    letter_sections s;
    s.layout = layout::notice_2013;
    s.header = between(text, 0, rationale);
    s.credentials =
        between(text, qualifications, next_after(qualifications, {summary, first_item}));
    s.case_summary = between(text, summary, next_after(summary, {first_item}));
    // The numbered determinations sit in the header; rationales follow the summary.
    s.decisions = text;
    return s;
}

// "MEDICAL PROFESSIONAL REVIEW": no decision lines; the requests are the issue(s) at
// dispute and one rationale concludes on each. Its long headings wrap in extracted text,
// so they are found by their first words.
letter_sections professional_review_sections(std::string_view text) {
    const size_t issue = find_marker_line(text, {"ISSUE AT DISPUTE", "ISSUES AT DISPUTE"});
    const size_t summary = find_marker_line(text, {"CASE SUMMARY:"});
    const size_t documents = find_marker_line(text, {"DOCUMENTS REVIEWED FOR DETERMINATION"});
    const size_t guidelines =
        find_marker_line(text, {"MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL"});
    const size_t rationale = find_marker_line(text, {"RATIONALE FOR WHY THE REQUESTED TREATMENT"});
    const size_t qualifications = find_marker_line(text, {"MEDICAL REVIEWER QUALIFICATIONS"});
    const auto section = [&](size_t at) {
        return between(
            text, at,
            next_after(at, {issue, summary, documents, guidelines, rationale, qualifications}));
    };
    letter_sections s;
    s.layout = layout::professional_review;
    s.header = between(text, 0, issue);
    s.issues = section(issue);
    s.case_summary = section(summary);
    s.guidelines = section(guidelines);
    s.decisions = section(rationale);
    s.credentials = section(qualifications);
    return s;
}

}  // namespace

std::optional<letter_sections> find_sections(std::string_view normalized) {
    if (text::find_label(normalized, "MEDICAL PROFESSIONAL REVIEW") != npos &&
        text::find_label(normalized, "ISSUE") != npos &&
        text::find_label(normalized, "AT DISPUTE") != npos) {
        return professional_review_sections(normalized);
    }
    if (text::find_label(normalized, "IMR ISSUES, DECISIONS AND RATIONALES") != npos ||
        text::find_label(normalized, "HOW THE IMR FINAL DETERMINATION WAS MADE") != npos) {
        return fdl_sections(normalized);
    }
    if (text::find_label(normalized, "Notice of Independent Medical Review Determination") !=
            npos ||
        text::find_label(normalized, "has determined the request for") != npos) {
        return notice_sections(normalized);
    }
    return std::nullopt;
}

}  // namespace imr::parse
