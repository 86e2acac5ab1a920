#include "imr/classify/vocabulary.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace imr::embedded {
std::string_view vocabulary_services();
std::string_view vocabulary_drugs();
std::string_view vocabulary_topicals();
std::string_view vocabulary_regions();
std::string_view vocabulary_mechanisms();
std::string_view vocabulary_reasons();
std::string_view vocabulary_states();
std::string_view vocabulary_ingredients();
}  // namespace imr::embedded

namespace imr::classify {
namespace {

std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> fields;
    size_t start = 0;
    while (true) {
        const size_t tab = line.find('\t', start);
        fields.push_back(line.substr(start, tab - start));
        if (tab == std::string_view::npos) break;
        start = tab + 1;
    }
    return fields;
}

std::vector<std::string> split_commas(std::string_view list) {
    std::vector<std::string> items;
    size_t start = 0;
    while (start <= list.size()) {
        const size_t comma = std::min(list.find(',', start), list.size());
        if (comma == start) throw std::invalid_argument("empty ingredient");
        items.emplace_back(list.substr(start, comma - start));
        start = comma + 1;
    }
    return items;
}

topical_kind parse_topical_kind(std::string_view value) {
    if (value == "approved") return topical_kind::approved;
    if (value == "compound_only") return topical_kind::compound_only;
    if (value == "compound_brand") return topical_kind::compound_brand;
    throw std::invalid_argument("unknown topical kind");
}

void add_entry(const std::vector<std::string_view>& f, vocabulary& into) {
    const std::string_view kind = f[0];
    std::string key(f[1]);
    std::string value(f[2]);
    if (kind == "service") {
        into.service_rules.push_back({std::move(key), std::move(value)});
    } else if (kind == "fallback") {
        into.fallback_rules.push_back({std::move(key), std::move(value)});
    } else if (kind == "drug") {
        into.drugs.push_back({std::move(value), std::move(key)});
    } else if (kind == "topical") {
        into.topicals.push_back({std::move(value), parse_topical_kind(key)});
    } else if (kind == "ingredients") {
        into.ingredients.push_back({std::move(key), split_commas(value)});
    } else if (kind == "region") {
        into.body_regions.push_back({std::move(key), std::move(value)});
    } else if (kind == "mechanism") {
        into.mechanisms.push_back({std::move(key), std::move(value)});
    } else if (kind == "reason") {
        into.reasons.push_back({std::move(key), std::move(value)});
    } else if (kind == "reason_rule") {
        into.reason_rules.push_back({std::move(key), std::move(value)});
    } else if (kind == "reason_scope") {
        into.reason_scopes.push_back({std::move(key), std::move(value)});
    } else if (kind == "reason_generic") {
        into.generic_reasons.push_back(std::move(key));
    } else if (kind == "reason_only") {
        into.reason_treatments.push_back({std::move(key), std::move(value)});
    } else if (kind == "reason_code") {
        into.reason_codes.push_back(std::move(key));
    } else if (kind == "reason_not") {
        into.reason_vetoes.push_back({std::move(key), std::move(value)});
    } else if (kind == "reason_term") {
        into.reason_terms.push_back({std::move(key), std::move(value)});
    } else if (kind == "reason_accompanying") {
        into.reason_accompanying.push_back({std::move(key), std::move(value)});
    } else if (kind == "reason_override") {
        into.reason_overrides.push_back({std::move(key), std::move(value)});
    } else if (kind == "state") {
        into.states.push_back({std::move(key), std::move(value)});
    } else {
        throw std::invalid_argument("unknown entry kind");
    }
}

}  // namespace

void parse_vocabulary(std::string_view tsv, std::string_view origin, vocabulary& into) {
    size_t line_number = 0;
    size_t start = 0;
    while (start < tsv.size()) {
        size_t end = tsv.find('\n', start);
        if (end == std::string_view::npos) end = tsv.size();
        std::string_view line = tsv.substr(start, end - start);
        start = end + 1;
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        const auto fields = split_tabs(line);
        try {
            if (fields.size() != 3 || fields[1].empty() || fields[2].empty()) {
                throw std::invalid_argument("expected kind<TAB>key<TAB>value");
            }
            add_entry(fields, into);
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(std::string(origin) + ":" + std::to_string(line_number) +
                                     ": " + e.what());
        }
    }
}

vocabulary builtin_vocabulary() {
    vocabulary v;
    parse_vocabulary(embedded::vocabulary_services(), "services.tsv", v);
    parse_vocabulary(embedded::vocabulary_drugs(), "drugs.tsv", v);
    parse_vocabulary(embedded::vocabulary_topicals(), "topicals.tsv", v);
    parse_vocabulary(embedded::vocabulary_regions(), "regions.tsv", v);
    parse_vocabulary(embedded::vocabulary_mechanisms(), "mechanisms.tsv", v);
    parse_vocabulary(embedded::vocabulary_reasons(), "reasons.tsv", v);
    parse_vocabulary(embedded::vocabulary_states(), "states.tsv", v);
    parse_vocabulary(embedded::vocabulary_ingredients(), "ingredients.tsv", v);
    return v;
}

vocabulary load_vocabulary(const std::filesystem::path& directory) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
        if (entry.is_regular_file() && entry.path().extension() == ".tsv") {
            files.push_back(entry.path());
        }
    }
    if (files.empty()) {
        throw std::runtime_error("no .tsv vocabulary files in " + directory.string());
    }
    std::sort(files.begin(), files.end());
    vocabulary v;
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) throw std::runtime_error("cannot read " + file.string());
        std::ostringstream content;
        content << in.rdbuf();
        parse_vocabulary(content.str(), file.filename().string(), v);
    }
    return v;
}

}  // namespace imr::classify
