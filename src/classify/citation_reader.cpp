#include "imr/classify/citation_reader.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "imr/text/search.h"

namespace imr::classify {
namespace {

using text::contains_ci;
using text::find_ci;
using text::npos;
using text::trim;

constexpr std::string_view clause_marker = "Decision based on";

// Every source a clause names: an MTUS clause is MTUS (its ACOEM chapters were adopted
// into the MTUS); a Non-MTUS clause may name ODG and ACOEM together, or neither.
std::vector<std::string_view> sources_of(std::string_view clause, bool non_mtus) {
    if (!non_mtus && contains_ci(clause, "MTUS")) return {"MTUS"};
    std::vector<std::string_view> sources;
    const size_t odg =
        std::min(find_ci(clause, "ODG"), find_ci(clause, "Official Disability Guideline"));
    const size_t acoem =
        std::min(find_ci(clause, "ACOEM"), find_ci(clause, "American College of Occupational"));
    if (odg != npos) sources.push_back("ODG");
    if (acoem != npos) sources.insert(acoem < odg ? sources.begin() : sources.end(), "ACOEM");
    if (sources.empty()) sources.push_back("other");
    return sources;
}

std::string_view strip_punctuation(std::string_view s) {
    s = trim(s);
    while (!s.empty() &&
           (s.back() == '.' || s.back() == ',' || s.back() == ';' || s.back() == ':')) {
        s.remove_suffix(1);
        s = trim(s);
    }
    return s;
}

// Removes the source's own name, and the separator after it, from the front of a title:
// "ODG, Shoulder" and "ODG/Pain/Office Visits" are titled "Shoulder", "Pain/Office Visits".
std::string_view title_without_source(std::string_view title) {
    for (const std::string_view prefix :
         {"MTUS/ACOEM", "MTUS", "ACOEM", "Official Disability Guidelines (ODG)", "(ODG)", "ODG"}) {
        if (text::starts_with_ci(title, prefix)) {
            title = title.substr(prefix.size());
            break;
        }
    }
    while (!title.empty() &&
           (title.front() == ',' || title.front() == '/' || title.front() == '-' ||
            title.front() == ':' || title.front() == ' ')) {
        title.remove_prefix(1);
    }
    return title;
}

// Where a four-digit year (19xx/20xx) stands alone as a word in `s`, or npos.
size_t find_year(std::string_view s) {
    for (size_t i = 0; i + 4 <= s.size(); ++i) {
        if ((s[i] == '1' || s[i] == '2') && text::is_digit(s[i + 1]) && text::is_digit(s[i + 2]) &&
            text::is_digit(s[i + 3]) && (i == 0 || !text::is_alnum(s[i - 1])) &&
            (i + 4 == s.size() || !text::is_alnum(s[i + 4]))) {
            return i;
        }
    }
    return npos;
}

bool has_year(std::string_view s) {
    return find_year(s) != npos;
}

// "MTUS Shoulder Complaints 2004, Section(s): Summary, and Opioid Treatment 2016,
// Section(s): ..." cites two chapters: split before each ", and <Chapter> <year>".
std::vector<std::string_view> split_chapters(std::string_view clause) {
    std::vector<std::string_view> chapters;
    size_t start = 0;
    for (size_t at = find_ci(clause, ", and "); at != npos;
         at = find_ci(clause, ", and ", at + 1)) {
        const size_t next = at + 6;
        if (next >= clause.size() || !text::is_upper(clause[next])) continue;
        const size_t comma = clause.find(',', next);
        if (!has_year(clause.substr(next, (comma == npos ? clause.size() : comma) - next)))
            continue;
        chapters.push_back(trim(clause.substr(start, at - start)));
        start = next;
    }
    chapters.push_back(trim(clause.substr(start)));
    return chapters;
}

// Finds a four-digit year (19xx/20xx) standing alone in `title` and removes it.
std::optional<int> take_year(std::string& title) {
    const size_t at = find_year(title);
    if (at == npos) return std::nullopt;
    const int year = std::stoi(title.substr(at, 4));
    std::string rest = title.substr(0, at) + title.substr(at + 4);
    for (size_t empty = rest.find("()"); empty != std::string::npos; empty = rest.find("()")) {
        rest.erase(empty, 2);  // "(2009)" leaves empty parentheses behind
    }
    title = std::string(strip_punctuation(trim(rest)));
    return year;
}

// One citation per source the clause names, sharing title, year, sections and pages.
std::vector<guideline_citation> read_clause(std::string_view clause) {
    bool non_mtus = false;
    if (const size_t at = find_ci(clause, "Non-MTUS Citation"); at != npos && at < 4) {
        non_mtus = true;
        clause = trim(clause.substr(at + std::string_view("Non-MTUS Citation").size()));
        if (!clause.empty() && clause.front() == ':') clause = trim(clause.substr(1));
    }
    const std::vector<std::string_view> sources = sources_of(clause, non_mtus);
    guideline_citation c;

    const size_t sections_at = find_ci(clause, "Section(s):");
    const size_t pages_at = find_ci(clause, "Page(s):");
    const size_t title_end = std::min(sections_at, pages_at);
    std::string title(strip_punctuation(title_without_source(clause.substr(0, title_end))));
    c.year = take_year(title);
    c.title = std::move(title);
    if (sections_at != npos) {
        const size_t begin = sections_at + std::string_view("Section(s):").size();
        const size_t end = pages_at != npos && pages_at > begin ? pages_at : clause.size();
        for (auto piece : text::split_trimmed(clause.substr(begin, end - begin), ';')) {
            if (auto s = strip_punctuation(piece); !s.empty()) c.sections.emplace_back(s);
        }
    }
    if (pages_at != npos) {
        const size_t begin = pages_at + std::string_view("Page(s):").size();
        const size_t end = sections_at != npos && sections_at > begin ? sections_at : clause.size();
        for (auto piece : text::split_trimmed(clause.substr(begin, end - begin), ',')) {
            if (auto p = strip_punctuation(piece); !p.empty()) c.pages.emplace_back(p);
        }
    }
    std::vector<guideline_citation> citations;
    for (const auto source : sources) {
        c.source = std::string(source);
        citations.push_back(c);
    }
    return citations;
}

// A clause that cites several MTUS chapters gives one citation per chapter.
std::vector<guideline_citation> read_chapters(std::string_view clause) {
    const auto chapters = split_chapters(clause);
    if (chapters.size() == 1) return read_clause(clause);
    std::vector<guideline_citation> out;
    const bool mtus = find_ci(clause, "MTUS") != npos && find_ci(clause, "Non-MTUS") == npos;
    for (const auto chapter : chapters) {
        auto citations = read_clause(chapter);
        for (auto& c : citations) {
            if (mtus) c.source = "MTUS";  // later chapters do not repeat the source's name
            out.push_back(std::move(c));
        }
    }
    return out;
}

// Older wording (2013 notices) has no "Decision based on" clauses but sentences such as
// "The Claims Administrator based its decision on the Chronic Pain Medical Treatment
// Guidelines, (2009), Opioids, pages 78-80, which is part of the MTUS." Every sentence
// that names a guideline is read, except those saying a guideline was not used.
std::vector<guideline_citation> read_sentence(std::string_view sentence) {
    const bool non_mtus =
        contains_ci(sentence, "not part of the MTUS") || contains_ci(sentence, "Non-MTUS") ||
        contains_ci(sentence, "outside of the MTUS") || contains_ci(sentence, "outside the MTUS");
    // What the guideline is starts after "... decision on (the)".
    if (const size_t on = find_ci(sentence, "decision on "); on != npos) {
        sentence = trim(sentence.substr(on + std::string_view("decision on ").size()));
        if (text::starts_with_ci(sentence, "the ")) sentence.remove_prefix(4);
    }
    std::vector<std::string_view> parts;
    for (auto piece : text::split_trimmed(sentence, ',')) {
        if (text::starts_with_ci(piece, "which is") || text::starts_with_ci(piece, "which are"))
            continue;
        parts.push_back(piece);
    }
    guideline_citation c;
    std::string title;
    for (auto part : parts) {
        std::string_view p = part;
        while (!p.empty() && p.front() == '(') p.remove_prefix(1);
        while (!p.empty() && p.back() == ')') p.remove_suffix(1);
        if (p.size() == 4 && has_year(p)) {
            c.year = std::stoi(std::string(p));
        } else if (text::starts_with_ci(p, "page")) {
            const size_t space = p.find(' ');
            if (space != npos) c.pages.emplace_back(trim(p.substr(space + 1)));
        } else if (title.empty()) {
            title = std::string(strip_punctuation(title_without_source(part)));
        } else {
            c.sections.emplace_back(strip_punctuation(part));
        }
    }
    if (!c.year) c.year = take_year(title);
    c.title = std::move(title);
    std::vector<guideline_citation> out;
    for (const auto source : sources_of(sentence, non_mtus)) {
        c.source = std::string(source);
        out.push_back(c);
    }
    return out;
}

bool names_a_guideline(std::string_view sentence) {
    return contains_ci(sentence, "MTUS") || contains_ci(sentence, "ODG") ||
           contains_ci(sentence, "ACOEM") || contains_ci(sentence, "Official Disability") ||
           contains_ci(sentence, "American College of Occupational");
}

bool declines_a_guideline(std::string_view sentence) {
    return contains_ci(sentence, "did not base") || contains_ci(sentence, "not cite") ||
           (contains_ci(sentence, "outside of the") && !contains_ci(sentence, "decision on"));
}

void add_citation(guideline_basis& basis, guideline_citation citation) {
    if (std::find(basis.sources.begin(), basis.sources.end(), citation.source) ==
        basis.sources.end()) {
        basis.sources.push_back(citation.source);
    }
    basis.citations.push_back(std::move(citation));
}

}  // namespace

guideline_basis read_citations(std::string_view line) {
    guideline_basis basis;
    if (contains_ci(line, "did not cite any medical evidence") ||
        contains_ci(line, "no medical evidence")) {
        return basis;
    }
    std::vector<std::string_view> clauses;
    for (size_t at = find_ci(line, clause_marker); at != npos;) {
        const size_t begin = at + clause_marker.size();
        const size_t next = find_ci(line, clause_marker, begin);
        clauses.push_back(trim(line.substr(begin, (next == npos ? line.size() : next) - begin)));
        at = next;
    }
    if (clauses.empty()) {
        for (const auto sentence : text::split_trimmed(line, '.')) {
            if (!names_a_guideline(sentence) || declines_a_guideline(sentence)) continue;
            for (auto& citation : read_sentence(sentence)) add_citation(basis, std::move(citation));
        }
        return basis;
    }
    for (const auto clause : clauses) {
        if (clause.empty()) continue;
        for (auto& citation : read_chapters(clause)) add_citation(basis, std::move(citation));
    }
    return basis;
}

guideline_basis read_reviewer_citations(std::string_view line,
                                        const guideline_basis& claims_administrator) {
    guideline_basis own = read_citations(line);
    const bool adopts = contains_ci(line, "used by the Claims Administrator") &&
                        (contains_ci(line, "relevant") || contains_ci(line, "appropriate"));
    if (own.sources.empty() && adopts) return claims_administrator;
    return own;
}

}  // namespace imr::classify
