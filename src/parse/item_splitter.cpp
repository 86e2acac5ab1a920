#include "imr/parse/item_splitter.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <tuple>
#include <utility>

#include "imr/classify/regex.h"
#include "imr/text/letter_text.h"
#include "imr/text/search.h"

namespace imr::parse {
namespace {

using text::find_ci;
using text::npos;

// 0 claims administrator, 1 reviewer, 2 rationale, 3 both sides' guidelines in one block
// (2013 notices: a sentence for the claims administrator's, a sentence for the reviewer's).
constexpr int both_sides_block = 3;

struct block_label {
    std::string_view text;
    int block;
};

constexpr std::array<block_label, 11> block_labels = {{
    {"Claims Administrator guideline:", 0},
    {"Medical Treatment Guideline(s) Used by the Claims Administrator (Utilization Review Agent):",
     0},
    {"Medical Treatment Guideline(s) Used by the Claims Administrator", 0},
    {"MAXIMUS guideline:", 1},
    {"Expert Reviewer guideline:", 1},
    {"Medical Treatment Guideline(s) Used by the Expert Reviewer:", 1},
    {"Decision rationale:", 2},
    {"Rationale for the Decision:", 2},
    {"Rationale for the Decision", 2},
    {"Rationale Used by the Expert Reviewer:", 2},
    {"Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer:", both_sides_block},
}};

// Markers of the sentences a partially authorized request is made of.
constexpr std::array<std::string_view, 4> modification_markers = {
    "was authorized by", "remaining IMR eligible", "leaving the original request",
    "The original request,"};

bool ends_sentence(std::string_view line) {
    while (!line.empty() && (line.back() == '"' || line.back() == '\'' || line.back() == ')')) {
        line.remove_suffix(1);
    }
    // Closing quotes may be UTF-8 (U+201D).
    if (line.size() >= 3 && line.substr(line.size() - 3) == "\xE2\x80\x9D") {
        line.remove_suffix(3);
    }
    return !line.empty() && (line.back() == '.' || line.back() == '?' || line.back() == '!');
}

// Rationales conclude with these words; a request line never ends with them, so a
// rationale whose final period was lost still ends before the next request.
bool ends_rationale(std::string_view line) {
    for (const std::string_view word : {" necessary", " appropriate", " recommended", " indicated",
                                        " supported", " warranted", " established"}) {
        if (line.size() > word.size() &&
            text::find_ci(line.substr(line.size() - word.size()), word) == 0) {
            return true;
        }
    }
    return false;
}

bool is_heading(std::string_view line) {
    size_t letters = 0;
    for (const char c : line) {
        if (text::is_lower(c)) return false;
        letters += text::is_upper(c) ? 1 : 0;
    }
    return letters >= 8;
}

bool is_break(std::string_view line) {
    return line.empty() || line == "\f";
}

bool is_partial_modification(std::string_view text) {
    if (find_ci(text, "was the original request") != npos) return false;
    return std::any_of(modification_markers.begin(), modification_markers.end(),
                       [&](std::string_view m) { return find_ci(text, m) != npos; });
}

std::string join_lines(const std::vector<std::string_view>& lines, size_t first, size_t last) {
    std::string out;
    for (size_t i = first; i <= last; ++i) {
        if (is_break(lines[i])) continue;
        if (!out.empty()) out += ' ';
        out += lines[i];
    }
    return out;
}

struct recovered_request {
    std::string text;
    size_t offset = 0;  // where it starts in the searched region
};

// The request that ends right before `region`'s end: walk back over wrapped lines.
recovered_request recover_request(std::string_view region) {
    const std::vector<std::string_view> lines = text::lines_of(region);
    size_t last = lines.size();
    while (last > 0 && is_break(lines[last - 1])) --last;  // decision split from its request
    if (last == 0) return {{}, region.size()};
    size_t first = last - 1;
    const auto walk_back = [&](bool past_sentences) {
        while (first > 0) {
            size_t previous = first - 1;
            if (lines[previous].empty()) break;  // paragraph break
            if (lines[previous] == "\f") {       // page break: look at the line before it
                if (previous == 0) break;
                if (!past_sentences && ends_sentence(lines[previous - 1])) break;
                first = previous;
                continue;
            }
            if (is_heading(lines[previous])) break;
            if (!past_sentences &&
                (ends_sentence(lines[previous]) || ends_rationale(lines[previous])))
                break;
            first = previous;
            if (past_sentences &&
                find_ci(join_lines(lines, first, last - 1), "was the original request") != npos) {
                break;
            }
        }
    };
    walk_back(false);
    if (is_partial_modification(join_lines(lines, first, last - 1))) {
        walk_back(true);   // back to the sentence "X was the original request."
        walk_back(false);  // and X's own wrapped lines before it
    }
    const size_t offset = static_cast<size_t>(lines[first].data() - region.data());
    std::string request = join_lines(lines, first, last - 1);
    // "The original request, X is: Upheld"
    std::string_view view = text::trim(request);
    if (view.size() > 3 && text::find_ci(view.substr(view.size() - 3), " is") == 0) {
        view = text::trim(view.substr(0, view.size() - 3));
    }
    return {std::string(view), offset};
}

// Splits an item body into its citation and rationale blocks. Each block's labels are
// tried in order (final determination letters' wording first), so the older wording
// costs a scan only when the newer one is absent.
// Where the sentence holding `at` begins.
size_t sentence_start(std::string_view text, size_t at) {
    const size_t stop = text.rfind(". ", at);
    return stop == npos ? 0 : stop + 2;
}

// "The Claims Administrator based its decision on ... The Expert Reviewer relied on ...":
// each side's sentences, in whichever order they come.
void split_both_sides(std::string_view block, raw_item& item) {
    const size_t reviewer = find_ci(block, "Expert Reviewer");
    const size_t administrator = find_ci(block, "Claims Administrator");
    if (reviewer == npos) {
        item.claims_administrator_citation = std::string(block);
        return;
    }
    if (administrator == npos) {
        item.reviewer_citation = std::string(block);
        return;
    }
    const bool administrator_first = administrator < reviewer;
    const size_t split = sentence_start(block, administrator_first ? reviewer : administrator);
    const std::string_view first(text::trim(block.substr(0, split)));
    const std::string_view second(text::trim(block.substr(split)));
    item.claims_administrator_citation = std::string(administrator_first ? first : second);
    item.reviewer_citation = std::string(administrator_first ? second : first);
}

void fill_blocks(std::string_view body, raw_item& item) {
    struct hit {
        size_t at;
        size_t end;
        int block;
    };
    std::vector<hit> hits;
    for (int block = 0; block <= both_sides_block; ++block) {
        for (const auto& label : block_labels) {
            if (label.block != block) continue;
            const size_t at = text::find_label(body, label.text);
            if (at == npos) continue;
            hits.push_back({at, at + label.text.size(), block});
            break;
        }
    }
    std::sort(hits.begin(), hits.end(), [](const hit& a, const hit& b) { return a.at < b.at; });
    for (size_t i = 0; i < hits.size(); ++i) {
        const size_t end =
            i + 1 < hits.size() ? std::max(hits[i + 1].at, hits[i].end) : body.size();
        std::string block = text::flatten(body.substr(hits[i].end, end - hits[i].end));
        if (!block.empty() && block.front() == ':') block.erase(0, 1);
        std::string value(text::trim(block));
        switch (hits[i].block) {
            case 0:
                item.claims_administrator_citation = std::move(value);
                break;
            case 1:
                item.reviewer_citation = std::move(value);
                break;
            case both_sides_block:
                split_both_sides(value, item);
                break;
            default:
                item.rationale = std::move(value);
                break;
        }
    }
}

// Notices write "the request for a lumbar MRI": the request is the treatment itself.
std::string_view without_article(std::string_view request) {
    for (const std::string_view article : {"a ", "an ", "the "}) {
        if (text::starts_with_ci(request, article)) return request.substr(article.size());
    }
    return request;
}

imr::decision decision_from(std::string_view word) {
    return text::starts_with_ci(word, "overturn") ? decision::overturned : decision::upheld;
}

// ---- searching near the words every match holds ----------------------------------------
//
// The decision-line patterns ran a DFA over the whole decisions section, from each item to
// the next: the splitter's regexes were a sixth of the engine's instructions. Every match
// holds one of a few words ("upheld", a citation label) with a bounded stretch around it,
// so the search runs only in a window around each occurrence of those words (found by
// find_ci, at memchr speed), in text order. A window is accepted only when its match
// holds the occurrence it was built for: then no match starts earlier (the parts of a
// match before its word are blanks and a few characters, which no earlier occurrence fits
// in), and the window holds every way that match can end.

// The words: decision words, or the labels a damaged decision line ends with.
constexpr std::array<std::string_view, 2> decision_words = {"upheld", "overturned"};
constexpr std::array<std::string_view, 2> citation_labels = {
    "Claims Administrator guideline", "Medical Treatment Guideline(s) Used by the Claims"};

struct window {
    size_t begin;
    size_t end;
};

bool is_blank_or_break(char c) {
    return c == ' ' || c == '\n' || c == '\f';
}

size_t skip_blanks_back(std::string_view text, size_t at, size_t floor) {
    while (at > floor && is_blank_or_break(text[at - 1])) --at;
    return at;
}

// "(?::|\bis)[ \n\f]*(upheld|overturned)\b\.?[ ]*(?:\n|$|Claims Administrator)"
window decision_window(std::string_view text, size_t from, size_t word, size_t length) {
    const size_t before = skip_blanks_back(text, word, from);
    size_t end = word + length;
    if (end < text.size() && text[end] == '.') ++end;
    while (end < text.size() && text[end] == ' ') ++end;
    constexpr size_t longest_tail = std::string_view("Claims Administrator").size();
    return {before - from > 2 ? before - 2 : from, std::min(text.size(), end + longest_tail)};
}

// "(?::|\bis)[ \f]*(?:\n[ \n\f]*)?([^\n:]{2,24}?)[ ]*(?:\n[ \n\f]*)?(?:<label>)": at most 24
// characters (96 bytes of UTF-8) between the blanks.
window damaged_window(std::string_view text, size_t from, size_t label, size_t length) {
    constexpr size_t most_word_bytes = 24 * 4;
    size_t at = skip_blanks_back(text, label, from);
    at = at - from > most_word_bytes ? at - most_word_bytes : from;
    at = skip_blanks_back(text, at, from);
    return {at - from > 2 ? at - 2 : from, label + length};
}

using window_of = window (*)(std::string_view, size_t, size_t, size_t);

// The occurrences of two words in text order, for searches from positions that only move
// forward: each word is searched for again only once a search has passed its occurrence.
class word_cursor {
  public:
    word_cursor(std::string_view text, const std::array<std::string_view, 2>& words)
        : text_(text), words_(words) {}

    // The first occurrence at or after `from`, and which word it is; npos when none.
    std::pair<size_t, size_t> first_from(size_t from) {
        for (size_t i = 0; i < words_.size(); ++i) {
            // Known: searched from at most `from`, and the occurrence found is not behind.
            const bool known = searched_[i] != npos && searched_[i] <= from &&
                               (next_[i] == npos || next_[i] >= from);
            if (known) continue;
            next_[i] = find_ci(text_, words_[i], from);
            searched_[i] = from;
        }
        const size_t which = next_[1] < next_[0] ? 1 : 0;
        return {next_[which], which};
    }
    [[nodiscard]] size_t length(size_t which) const { return words_[which].size(); }

  private:
    std::string_view text_;
    std::array<std::string_view, 2> words_;
    std::array<size_t, 2> next_ = {npos, npos};
    std::array<size_t, 2> searched_ = {npos, npos};  // npos: never searched
};

// `pattern`'s first match at or after `from`, searched near the occurrences of the
// cursor's words.
bool match_near_words(const RE2& pattern, std::string_view text, size_t from, word_cursor& words,
                      window_of around, re2::StringPiece* match, int groups) {
    // RE2 folds U+017F (long s, UTF-8 C5 BF) onto "s": such a text is searched in full.
    if (text.find("\xC5\xBF", from) != npos) {
        return pattern.Match(text, from, text.size(), RE2::UNANCHORED, match, groups);
    }
    for (auto [word, which] = words.first_from(from); word != npos;
         std::tie(word, which) = words.first_from(word + 1)) {
        const window w = around(text, from, word, words.length(which));
        if (pattern.Match(text, w.begin, w.end, RE2::UNANCHORED, match, groups) &&
            static_cast<size_t>(match[0].data() - text.data()) < word) {
            return true;
        }
    }
    return false;
}

}  // namespace

void item_splitter::add_damaged_anchors(std::string_view decisions, size_t from,
                                        std::vector<decision_anchor>& anchors) const {
    re2::StringPiece match[2];
    size_t position = from;
    const size_t readable = anchors.size();
    word_cursor labels(decisions, citation_labels);
    while (position < decisions.size() && match_near_words(*damaged_anchor_, decisions, position,
                                                           labels, damaged_window, match, 2)) {
        const size_t colon = static_cast<size_t>(match[0].data() - decisions.data());
        const size_t word_end =
            static_cast<size_t>(match[1].data() - decisions.data()) + match[1].size();
        position = word_end;
        std::string_view word = text::trim({match[1].data(), match[1].size()});
        if (!word.empty() && word.back() == '.') word.remove_suffix(1);
        if (text::find_ci(word, "upheld") == 0 && word.size() == 6) continue;
        if (text::find_ci(word, "overturned") == 0 && word.size() == 10) continue;
        const bool known = std::any_of(
            anchors.begin(), anchors.begin() + readable,
            [&](const decision_anchor& a) { return colon < a.end && a.colon < word_end; });
        if (known) continue;
        anchors.push_back({colon, word_end, decision::upheld, false});
    }
    std::sort(anchors.begin(), anchors.end(),
              [](const decision_anchor& a, const decision_anchor& b) { return a.colon < b.colon; });
}

item_splitter::item_splitter()
    : decision_anchor_(classify::compile_pattern(
          R"((?::|\bis)[ \n\f]*(upheld|overturned)\b\.?[ ]*(?:\n|$|Claims Administrator))")),
      damaged_anchor_(classify::compile_pattern(
          R"((?::|\bis)[ \f]*(?:\n[ \n\f]*)?([^\n:]{2,24}?)[ ]*(?:\n[ \n\f]*)?(?:Claims Administrator guideline|Medical Treatment Guideline\(s\) Used by the Claims))")),
      notice_item_(classify::compile_pattern(
          R"((\d{1,2})\)\s*MAXIMUS Federal Services,? Inc\.?,? has determined the request for (.+?) (?:is|was) (not ?)?medically necessary)")) {
}

split_items item_splitter::split_fdl(std::string_view decisions) const {
    split_items out;
    // Items start after the "set forth below:" sentence, or after the heading line.
    size_t lower_bound = find_ci(decisions, "set forth below");
    lower_bound = lower_bound == npos ? decisions.find('\n') : decisions.find('\n', lower_bound);
    if (lower_bound == npos) return out;

    std::vector<decision_anchor> anchors;
    re2::StringPiece match[2];
    size_t position = lower_bound;
    word_cursor words(decisions, decision_words);
    while (position < decisions.size() && match_near_words(*decision_anchor_, decisions, position,
                                                           words, decision_window, match, 2)) {
        const size_t colon = static_cast<size_t>(match[0].data() - decisions.data());
        size_t end = colon + match[0].size();
        if (text::contains_ci(match[0], "Claims Administrator"))
            end -= std::string_view("Claims Administrator").size();
        position = end;
        // "X is Upheld" without its colon is an item only when the citation block follows;
        // a rationale may well end a line with "... is upheld".
        if (match[0].data()[0] != ':' &&
            !text::starts_with_ci(text::trim(decisions.substr(end)), "Claims Administrator")) {
            continue;
        }
        anchors.push_back({colon, end, decision_from({match[1].data(), match[1].size()}), true});
    }

    add_damaged_anchors(decisions, lower_bound, anchors);

    size_t region_start = lower_bound;
    std::vector<size_t> request_starts;
    for (const decision_anchor& a : anchors) {
        raw_item item;
        item.decision = a.value;
        item.decision_read = a.read;
        auto request = recover_request(decisions.substr(region_start, a.colon - region_start));
        item.request = std::move(request.text);
        request_starts.push_back(region_start + request.offset);
        out.items.push_back(std::move(item));
        region_start = a.end;
    }
    // Bodies run from a decision to the start of the next item's request.
    for (size_t i = 0; i < anchors.size(); ++i) {
        const size_t body_end = i + 1 < anchors.size() ? request_starts[i + 1] : decisions.size();
        fill_blocks(decisions.substr(anchors[i].end, body_end - anchors[i].end), out.items[i]);
        if (out.items[i].request.empty()) out.warnings.push_back("item_request_not_found");
        if (out.items[i].rationale.empty()) out.warnings.push_back("item_rationale_not_found");
    }
    return out;
}

namespace {

// "1. Physical therapy", "2) MRI", "- Cane": the issue without its list marker.
std::string_view without_list_marker(std::string_view line) {
    size_t at = 0;
    while (at < line.size() && (text::is_digit(line[at]) || line[at] == '(')) ++at;
    if (at > 0 && at < line.size() && (line[at] == '.' || line[at] == ')')) {
        line.remove_prefix(at + 1);
    } else if (!line.empty() && (line.front() == '-' || line.front() == '*')) {
        line.remove_prefix(1);
    } else if (line.substr(0, 3) == "\xE2\x80\xA2") {  // U+2022 bullet
        line.remove_prefix(3);
    }
    return text::trim(line);
}

// The text after a heading that ends with `label` (headings wrap in extracted text).
std::string_view after_heading(std::string_view section, std::string_view label) {
    const size_t at = find_ci(section, label);
    if (at != npos) return section.substr(at + label.size());
    const size_t line_end = section.find('\n');
    return line_end == npos ? std::string_view() : section.substr(line_end + 1);
}

}  // namespace

split_items item_splitter::split_professional(std::string_view issues, std::string_view rationale,
                                              std::string_view guidelines) const {
    split_items out;
    const std::string flat_rationale =
        std::string(text::trim(text::flatten(after_heading(rationale, "NECESSARY:"))));
    const std::string flat_guidelines =
        std::string(text::trim(text::flatten(after_heading(guidelines, "AND WHY:"))));
    std::vector<std::string> requests;
    for (const auto line : text::lines_of(after_heading(issues, "DISPUTE:"))) {
        const std::string_view issue = without_list_marker(text::trim(line));
        if (issue.empty() || issue == "\f") continue;
        // A line that starts in lower case continues the issue before it.
        if (!requests.empty() && text::is_lower(issue.front())) {
            requests.back() += ' ';
            requests.back() += issue;
        } else {
            requests.emplace_back(issue);
        }
    }
    for (auto& request : requests) {
        raw_item item;
        item.request = std::move(request);
        item.decision_read = false;
        item.reviewer_citation = flat_guidelines;
        item.rationale = flat_rationale;
        out.items.push_back(std::move(item));
    }
    if (flat_rationale.empty() && !out.items.empty())
        out.warnings.push_back("item_rationale_not_found");
    return out;
}

split_items item_splitter::split_notice(std::string_view flat) const {
    split_items out;
    re2::StringPiece input(flat.data(), flat.size());
    std::string number;
    std::string request;
    std::string negation;
    std::set<std::string> seen;
    while (RE2::FindAndConsume(&input, *notice_item_, &number, &request, &negation)) {
        // Notices list the determinations twice (summary, then "A decision has been made
        // for each of the treatment and/or services that were in dispute:").
        if (!seen.insert(number).second) continue;
        raw_item item;
        item.request = std::string(without_article(text::trim(request)));
        item.decision = negation.empty() ? decision::overturned : decision::upheld;
        out.items.push_back(std::move(item));
    }
    // Rationales: "1) Regarding the request for ...", in item order.
    std::vector<size_t> starts;
    for (size_t n = 1; n <= out.items.size(); ++n) {
        const std::string marker = std::to_string(n) + ") Regarding the request";
        starts.push_back(
            find_ci(flat, marker, starts.empty() || starts.back() == npos ? 0 : starts.back()));
    }
    for (size_t i = 0; i < out.items.size(); ++i) {
        if (starts[i] == npos) {
            out.warnings.push_back("item_rationale_not_found");
            continue;
        }
        const size_t end =
            i + 1 < starts.size() && starts[i + 1] != npos ? starts[i + 1] : flat.size();
        fill_blocks(flat.substr(starts[i], end - starts[i]), out.items[i]);
    }
    return out;
}

}  // namespace imr::parse
