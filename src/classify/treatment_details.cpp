#include "imr/classify/treatment_details.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "imr/classify/regex.h"
#include "imr/text/search.h"

namespace imr::classify {
namespace {

// ---- numbers -------------------------------------------------------------------------

constexpr std::array<std::string_view, 20> small_numbers = {
    "zero",     "one",     "two",     "three",     "four",     "five",    "six",
    "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",  "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
constexpr std::array<std::string_view, 5> tens = {"twenty", "thirty", "forty", "fifty", "sixty"};

// One number: digits or words ("twelve", "twenty-four"); longer words first.
constexpr std::string_view number_pattern =
    R"((?:\d+|(?:twenty|thirty|forty|fifty|sixty)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?)"
    R"(|seventeen|thirteen|fourteen|fifteen|sixteen|eighteen|nineteen|eleven|twelve|zero|one|two)"
    R"(|three|four|five|six|seven|eight|nine|ten))";

// A count as requests write it: "12", "twelve (12)", "12 (twelve)", "6-12", "two to three".
std::string count_pattern() {
    const std::string number = "\\b" + std::string(number_pattern) + "\\b";
    const std::string one = number + R"((?:\s*\(\s*)" + number + R"(\s*\))?)";
    return "(?:" + one + R"((?:\s*(?:-|to|or)\s*)" + one + ")?)";
}

std::optional<int> word_value(std::string_view word) {
    for (size_t i = 0; i < small_numbers.size(); ++i) {
        if (word == small_numbers[i]) return static_cast<int>(i);
    }
    for (size_t i = 0; i < tens.size(); ++i) {
        if (word.substr(0, tens[i].size()) != tens[i]) continue;
        const int base = 20 + 10 * static_cast<int>(i);
        if (word.size() == tens[i].size()) return base;
        const auto unit = word_value(word.substr(tens[i].size() + 1));
        return unit ? std::optional<int>(base + *unit) : std::nullopt;
    }
    return std::nullopt;
}

// The value of a count: its last number, i.e. the upper bound of a range.
std::optional<int> count_value(std::string_view count) {
    static const auto token = compile_pattern("\\b(" + std::string(number_pattern) + ")\\b");
    std::optional<int> value;
    re2::StringPiece input(count.data(), count.size());
    std::string found;
    while (RE2::FindAndConsume(&input, *token, &found)) {
        found = text::to_lower(found);
        if (std::isdigit(static_cast<unsigned char>(found.front()))) {
            if (found.size() > 6) return std::nullopt;
            value = std::stoi(found);
        } else {
            value = word_value(found);
        }
    }
    return value;
}

// The text the count grammar reads: dates ("DOS: 12/29/16", "per 12/07/2016 order"),
// whose digits count nothing, blanked; a multiplication sign set apart from its numbers
// ("2x4", "x12", "2x/week") and a unit from its number ("6wks"), so that every number
// starts and ends at a word boundary.
std::string counted_text(std::string_view text) {
    static const auto date =
        compile_pattern(R"(\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b)");
    static const auto times_after = compile_pattern(R"((\d)x([^a-z]|$))");
    static const auto times_before = compile_pattern(R"(\bx(\d))");
    static const auto unit_after = compile_pattern(R"((\d)([a-z]))");  // "6wks", "60tabs"
    std::string out(text);
    RE2::GlobalReplace(&out, *date, " ");
    RE2::GlobalReplace(&out, *times_after, "\\1 x \\2");
    RE2::GlobalReplace(&out, *times_before, "x \\1");
    RE2::GlobalReplace(&out, *unit_after, "\\1 \\2");
    return out;
}

// A pattern with submatches, searched from a position: the matched groups as views.
struct match {
    size_t begin = 0;
    size_t end = 0;
    std::vector<std::string_view> groups;  // [0] is the whole match
};

std::optional<match> find_from(const RE2& pattern, std::string_view text, size_t from) {
    const int n = pattern.NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> pieces(static_cast<size_t>(n));
    if (from > text.size() ||
        !pattern.Match(text, from, text.size(), RE2::UNANCHORED, pieces.data(), n)) {
        return std::nullopt;
    }
    match m;
    m.begin = static_cast<size_t>(pieces[0].data() - text.data());
    m.end = m.begin + pieces[0].size();
    for (const auto& piece : pieces) {
        m.groups.emplace_back(piece.data() == nullptr
                                  ? std::string_view()
                                  : std::string_view(piece.data(), piece.size()));
    }
    return m;
}

// Calls `visit` on each match in text order until it returns false.
template <typename Visit>
void for_each_match(const RE2& pattern, std::string_view text, Visit visit) {
    size_t from = 0;
    while (auto m = find_from(pattern, text, from)) {
        if (!visit(*m)) return;
        from = std::max(m->end, from + 1);
    }
}

bool contains_word(std::string_view text, const RE2& words) {
    return RE2::PartialMatch(text, words);
}

// ---- drug counts ---------------------------------------------------------------------

// A unit right after a number that makes it an amount, not a count of units dispensed.
constexpr std::string_view amount_unit =
    R"(^\s*(?:g|gm|gms|gr|grams?|oz|ounces?|ml|mls|milliliters?|mg|mcg|%|cc|l|lbs?)\b)";

struct quantity_grammar {
    std::unique_ptr<RE2> hash = compile_pattern(R"(#\s*(\d+))");
    std::unique_ptr<RE2> labelled =
        compile_pattern(R"(\b(?:qty|quantity|quant|dispense|disp)\.?\s*[:#=]?\s*(?:of\s+)?(\d+))");
    std::unique_ptr<RE2> after_strength =
        compile_pattern(R"(\d\s*(?:mg|mcg|%|ml|g)\s*,?\s*\(\s*(\d+)\s*\))");
    std::unique_ptr<RE2> units = compile_pattern(
        R"(\b(\d+)\s*(?:tablets|tabs|capsules|caps|pills|patches|lozenges|softgels|suppositories|troches|films|pouches|packets|syringes|vials|ampules)\b)");
    std::unique_ptr<RE2> containers = compile_pattern(
        "(" + count_pattern() +
        R"()\s+(?:containers?|tubes?|bottles?|jars?|box(?:es)?|kits?|packs?|packages?|canisters?|pumps?)\b)");
    std::unique_ptr<RE2> times = compile_pattern(R"((?:^|[\s,(])x\s*(\d+)\b)");
    std::unique_ptr<RE2> amount = compile_pattern(amount_unit);
    std::unique_ptr<RE2> not_a_dispensed_count =
        compile_pattern(R"(^\s*(?:refills?|days?|weeks?|months?|hours?|hrs?|min))");
};

const quantity_grammar& quantities() {
    static const quantity_grammar grammar;
    return grammar;
}

// The first match of `pattern` whose number is not followed by an amount unit (or by
// anything `reject` matches).
std::optional<int> first_count(const RE2& pattern, std::string_view text, const RE2* reject) {
    std::optional<int> count;
    for_each_match(pattern, text, [&](const match& m) {
        const std::string_view after = text.substr(m.end);
        if (contains_word(after, *quantities().amount) ||
            (reject != nullptr && contains_word(after, *reject))) {
            return true;
        }
        count = count_value(m.groups[1]);
        return false;
    });
    return count;
}

// ---- sessions ------------------------------------------------------------------------

constexpr std::string_view session_nouns =
    R"((?:sessions?|visits?|treatments?|injections?|appointments?|classes|blocks?))";

struct session_grammar {
    std::string count = count_pattern();
    std::string frequency = "(?:" + count + "|once|twice|thrice)";
    // "Twelve physical therapy sessions", "1 follow-up visit", "(12 sessions)".
    std::unique_ptr<RE2> explicit_count =
        compile_pattern(R"((?:^|[\s(,:;])()" + count + R"()\s+((?:[a-z][a-z/&-]*\s+){0,4}))" +
                        std::string(session_nouns) + "\\b");
    // Words that make the words between a number and "sessions" something else than a
    // description of the sessions ("2 times a week therapy sessions").
    std::unique_ptr<RE2> not_a_description = compile_pattern(
        R"(\b(?:times?|x|per|a|weeks?|weekly|months?|monthly|days?|daily|and|or|to|of|hours?|mins?|minutes?)\b)");
    std::unique_ptr<RE2> per_period =
        compile_pattern(R"(^\s*(?:a|per|/|each|every)\s*(?:weeks?|wk|months?|days?)\b)");
    // "2 times a week for 4 weeks", "2x/week x 4 weeks", "5 days per week for 6 weeks".
    std::unique_ptr<RE2> per_week = compile_pattern(
        R"((?:^|[\s(,:;])()" + frequency +
        R"()\s*(?:x|times?|days?|visits?|sessions?|treatments?)?\s*(?:(?:a|per|each|every|/|in\s+a)\s*)?)"
        R"((weeks?|wks?|weekly|months?|monthly|mos?)\b[\s,]*(?:for|x|times|over|during|by|lasting|thereafter)?\s*)"
        R"((?:(?:the\s+)?(?:next|following)\s+|a\s+(?:period|total)\s+of\s+|an?\s+additional\s+)?()" +
        count + R"()\s*(weeks?|wks?|months?|mos?)\b)");
    std::unique_ptr<RE2> daily = compile_pattern(
        R"(\b(?:daily|every\s+day|(?:once|one\s+time)\s+(?:a|per)\s+day)\b[\s,]*(?:for|x|times|over)?\s*()" +
        count + R"()\s*(weeks?|wks?|days?|months?)\b)");
    // "2x4", "2 x 4", "2 times 8".
    std::unique_ptr<RE2> product =
        compile_pattern(R"((?:^|[\s(,:;])()" + count + R"()\s*(?:x|times)\s*()" + count + ")");
    // "x12", "times 12", "#8".
    std::unique_ptr<RE2> single =
        compile_pattern(R"((?:^|[\s,(:;])(?:x|times|#)\s*()" + count + ")");
    // "2x4 weeks" is a product; "1 x 30 days" or "2 x 500mg" is not.
    std::unique_ptr<RE2> not_a_product = compile_pattern(
        R"(^\s*(?:/|%|mg|refills?|days?|months?|mos?|hours?|hrs?|min|levels?|views?))");
    std::unique_ptr<RE2> not_a_total = compile_pattern(
        R"(^\s*(?:/|%|mg|refills?|days?|weeks?|wks?|months?|mos?|hours?|hrs?|min|levels?|views?))");
};

const session_grammar& sessions() {
    static const session_grammar grammar;
    return grammar;
}

bool is_week(std::string_view unit) {
    return !unit.empty() && std::tolower(static_cast<unsigned char>(unit.front())) == 'w';
}

// Explicit counts; several joined by "and" ("two sessions for the knee and eight
// sessions for the wrist") add up.
std::optional<int> explicit_sessions(std::string_view text) {
    const session_grammar& g = sessions();
    std::optional<int> total;
    size_t previous_end = 0;
    for_each_match(*g.explicit_count, text, [&](const match& m) {
        if (contains_word(m.groups[2], *g.not_a_description) ||
            contains_word(text.substr(m.end), *g.per_period)) {
            return true;
        }
        const auto value = count_value(m.groups[1]);
        if (!total) {
            total = value;
        } else if (const size_t begin = static_cast<size_t>(m.groups[1].data() - text.data());
                   value && text::find_ci(text.substr(previous_end, begin - previous_end),
                                          " and ") != text::npos) {
            *total += *value;
        } else {
            return false;
        }
        previous_end = m.end;
        return true;
    });
    return total;
}

std::optional<int> frequency_value(std::string_view frequency) {
    const std::string lower = text::to_lower(frequency);
    if (lower == "once") return 1;
    if (lower == "twice") return 2;
    if (lower == "thrice") return 3;
    return count_value(frequency);
}

std::optional<int> frequency_sessions(std::string_view text) {
    const session_grammar& g = sessions();
    if (auto m = find_from(*g.per_week, text, 0)) {
        const auto per = frequency_value(m->groups[1]);
        const auto length = count_value(m->groups[3]);
        const bool weekly = is_week(m->groups[2]);
        const bool in_weeks = is_week(m->groups[4]);
        if (per && length && weekly == in_weeks) return *per * *length;
        if (per && length && weekly) return *per * *length * 4;  // "2x/week for 2 months"
    }
    if (auto m = find_from(*g.daily, text, 0)) {
        const auto length = count_value(m->groups[1]);
        const char unit =
            static_cast<char>(std::tolower(static_cast<unsigned char>(m->groups[2].front())));
        if (length) return *length * (unit == 'w' ? 7 : unit == 'm' ? 30 : 1);
    }
    return std::nullopt;
}

std::optional<int> product_sessions(std::string_view text) {
    const session_grammar& g = sessions();
    std::optional<int> total;
    for_each_match(*g.product, text, [&](const match& m) {
        if (contains_word(text.substr(m.end), *g.not_a_product)) return true;
        const auto per = count_value(m.groups[1]);
        const auto length = count_value(m.groups[2]);
        if (per && length) total = *per * *length;
        return !total;
    });
    return total;
}

std::optional<int> single_total(std::string_view text) {
    const session_grammar& g = sessions();
    std::optional<int> total;
    for_each_match(*g.single, text, [&](const match& m) {
        if (contains_word(text.substr(m.end), *g.not_a_total)) return true;
        total = count_value(m.groups[1]);
        return false;
    });
    return total;
}

// Categories whose counts are visits or treatments; drug quantities, test and device
// counts and rental periods never are.
bool counts_sessions(std::string_view category) {
    return category == "rehabilitation" || category == "psych_services" ||
           category == "evaluation_and_management" || category == "injections" ||
           category == "home_health" || category == "programs" || category == "other";
}

// Region codes that describe a person rather than a part of the body.
bool is_body_part(std::string_view code) {
    return code != "psyche" && code != "internal_systems";
}

std::vector<coded_pattern> body_parts(const std::vector<coded_pattern>& regions) {
    std::vector<coded_pattern> parts;
    std::copy_if(regions.begin(), regions.end(), std::back_inserter(parts),
                 [](const coded_pattern& p) { return is_body_part(p.code); });
    return parts;
}

}  // namespace

std::optional<int> read_quantity(std::string_view drug_text) {
    const std::string text = counted_text(drug_text);
    const quantity_grammar& g = quantities();
    for (const RE2* pattern : {g.hash.get(), g.labelled.get(), g.after_strength.get(),
                               g.units.get(), g.containers.get()}) {
        if (auto count = first_count(*pattern, text, nullptr)) return count;
    }
    return first_count(*g.times, text, g.not_a_dispensed_count.get());
}

std::optional<int> read_refills(std::string_view drug_text) {
    static const auto none = compile_pattern(R"(\b(?:no|zero|without(?:\s+any)?)\s+refills?\b)");
    static const auto counted = compile_pattern(R"((?:\bx\s*)?\b()" + count_pattern() +
                                                R"()\s*(?:additional\s+)?refills?\b)");
    static const auto after =
        compile_pattern(R"(\brefills?\s*[:x#=]?\s*()" + count_pattern() + ")");
    const std::string text = counted_text(drug_text);
    if (RE2::PartialMatch(text, *none)) return 0;
    for (const RE2* pattern : {counted.get(), after.get()}) {
        if (auto m = find_from(*pattern, text, 0)) return count_value(m->groups[1]);
    }
    return std::nullopt;
}

std::optional<int> read_sessions(std::string_view service_text) {
    const std::string text = counted_text(service_text);
    if (auto count = explicit_sessions(text)) return count;
    if (auto count = frequency_sessions(text)) return count;
    if (auto count = product_sessions(text)) return count;
    return single_total(text);
}

std::optional<std::string> read_laterality(std::string_view text) {
    static const auto side = compile_pattern(
        R"(\b(left|lt|right|rt|bilateral(?:ly)?|bilat|b/l|[rlb](?:ue|le)s?|both\s+(?:sides|knees|shoulders|hands|wrists|feet|ankles|hips|elbows|legs|arms|thumbs|upper|lower|extremities))\b)"
        R"(|\b([rl])\)?\.?\s+(?:shoulder|knee|hip|ankle|foot|wrist|hand|elbow|arm|leg|thumb|finger|upper|lower)\b)");
    bool left = false;
    bool right = false;
    bool both = false;
    for_each_match(*side, text, [&](const match& m) {
        const std::string_view word = m.groups[1].empty() ? m.groups[2] : m.groups[1];
        const char first =
            static_cast<char>(std::tolower(static_cast<unsigned char>(word.front())));
        both = first == 'b';
        left = left || first == 'l';
        right = right || first == 'r';
        return !both;
    });
    if (both || (left && right)) return "bilateral";
    if (left) return "left";
    if (right) return "right";
    return std::nullopt;
}

treatment_reader::treatment_reader(const vocabulary& words)
    : regions_(body_parts(words.body_regions)) {
    for (const auto& drug : words.drugs) names_.try_emplace(drug.name, std::vector{drug.name});
    for (const auto& topical : words.topicals) {
        names_.try_emplace(topical.name, std::vector{topical.name});
    }
    for (const auto& entry : words.ingredients) names_[entry.name] = entry.ingredients;
    std::vector<std::string> names;
    names.reserve(names_.size());
    for (const auto& [name, ingredients] : names_) names.push_back(name);
    name_pattern_ = longest_first_pattern(std::move(names));
}

std::vector<std::string> treatment_reader::ingredients(std::string_view drug_text) const {
    std::set<std::string> found;
    re2::StringPiece input(drug_text.data(), drug_text.size());
    std::string name;
    while (RE2::FindAndConsume(&input, *name_pattern_, &name)) {
        const auto it = names_.find(text::to_lower(name));
        if (it != names_.end()) found.insert(it->second.begin(), it->second.end());
    }
    // A class word ("compounded cream") next to named ingredients adds nothing.
    if (found.size() > 1) found.erase("unknown");
    if (found.empty()) return {"unknown"};
    return {found.begin(), found.end()};
}

std::string treatment_reader::without_names(std::string_view text) const {
    std::string out(text);
    for_each_match(*name_pattern_, text, [&](const match& m) {
        std::fill(out.begin() + static_cast<std::ptrdiff_t>(m.begin),
                  out.begin() + static_cast<std::ptrdiff_t>(m.end), ' ');
        return true;
    });
    return out;
}

treatment_details treatment_reader::read(std::string_view request,
                                         std::string_view category) const {
    treatment_details details;
    if (category == "pharmaceuticals") {
        const std::string counted = without_names(request);
        details.drug =
            drug_details{ingredients(request), read_quantity(counted), read_refills(counted)};
    } else if (counts_sessions(category)) {
        details.sessions = read_sessions(request);
    }
    details.body_regions = regions_.codes_by_position(request);
    details.laterality = read_laterality(request);
    return details;
}

std::string_view disputed_request(std::string_view request,
                                  const std::optional<modification>& modified) {
    if (!modified) return request;
    return modified->remaining.empty() ? std::string_view(modified->original)
                                       : std::string_view(modified->remaining);
}

}  // namespace imr::classify
