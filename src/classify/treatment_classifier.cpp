#include "imr/classify/treatment_classifier.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "imr/classify/regex.h"
#include "imr/text/search.h"

namespace imr::classify {
namespace {

constexpr std::string_view pharmaceuticals = "pharmaceuticals";
constexpr std::string_view topical_analgesics = "topical_analgesics";
constexpr std::string_view topical_compounds = "topical_compounds";

// Words and strengths that make a drug request a topical one.
constexpr std::string_view topical_form_pattern =
    R"(\b(creams?|gels?|ointments?|lotions?|patch(es)?|topicals?|transdermal|compound(ed)?|)"
    R"(liniment|roll-?on|balm|emulsion)\b|\d(\.\d+)?\s?%)";

// Classes whose drugs end up in compounded creams (ketoprofen, cyclobenzaprine,
// gabapentin, amitriptyline...). A cream or patch of any other systemic drug is a real
// product of that class: a scopolamine patch is an antiemetic, AndroGel is not a compound.
bool compounded_class(std::string_view subcategory) {
    return subcategory == "nsaids" || subcategory == "muscle_relaxants" ||
           subcategory == "anti_epilepsy" || subcategory == "antidepressants" ||
           subcategory == topical_analgesics || subcategory == topical_compounds;
}

std::pair<std::string, std::string> split_class(const std::string& code) {
    const size_t slash = code.find('/');
    if (slash == std::string::npos) throw std::runtime_error("rule class must be category/sub");
    return {code.substr(0, slash), code.substr(slash + 1)};
}

}  // namespace

treatment_classifier::rule_set treatment_classifier::compile_rules(
    const std::vector<coded_pattern>& rules, std::string_view kind) {
    rule_set set;
    set.patterns = std::make_unique<RE2::Set>(case_insensitive_options(), RE2::UNANCHORED);
    for (const auto& rule : rules) {
        std::string error;
        if (set.patterns->Add(rule.pattern, &error) < 0) {
            throw std::runtime_error(std::string(kind) + " rule for " + rule.code + ": " + error);
        }
        set.classes.push_back(split_class(rule.code));
    }
    if (!set.patterns->Compile()) throw std::runtime_error(std::string(kind) + " rules too large");
    return set;
}

treatment_classifier::treatment_classifier(const vocabulary& words)
    : service_rules_(compile_rules(words.service_rules, "service")),
      fallback_rules_(compile_rules(words.fallback_rules, "fallback")),
      topical_form_(compile_pattern(topical_form_pattern)) {
    for (const auto& drug : words.drugs) names_[drug.name].subcategory = drug.subcategory;
    for (const auto& topical : words.topicals) {
        auto& info = names_[topical.name];
        info.topical_known = true;
        info.topical = topical.kind;
    }
    std::vector<std::string> names;
    names.reserve(names_.size());
    for (const auto& [name, info] : names_) names.push_back(name);
    name_pattern_ = longest_first_pattern(std::move(names));
}

const std::pair<std::string, std::string>* treatment_classifier::first_match(
    const rule_set& rules, std::string_view text) {
    std::vector<int> matches;
    if (!set_match(*rules.patterns, text, &matches) || matches.empty()) return nullptr;
    return &rules.classes[static_cast<size_t>(*std::min_element(matches.begin(), matches.end()))];
}

std::optional<treatment_class> treatment_classifier::classify_drug(std::string_view service) const {
    std::vector<const name_info*> mentions;
    std::set<std::string> distinct;
    std::string first_name;
    re2::StringPiece input(service.data(), service.size());
    std::string found;
    while (RE2::FindAndConsume(&input, *name_pattern_, &found)) {
        found = text::to_lower(found);
        auto it = names_.find(found);
        if (it == names_.end()) continue;
        if (mentions.empty()) first_name = found;
        mentions.push_back(&it->second);
        distinct.insert(found);
    }

    const bool topical_form = RE2::PartialMatch(service, *topical_form_);
    if (mentions.empty()) {
        // An unnamed cream or gel is, in these letters, a compounded product.
        if (topical_form) return treatment_class{pharmaceuticals, topical_compounds};
        return std::nullopt;
    }
    const auto is_topical_product = [](const name_info* info) {
        return info->subcategory == topical_analgesics || info->subcategory == topical_compounds;
    };
    const bool topical_product = std::any_of(mentions.begin(), mentions.end(), is_topical_product);
    if (!topical_form && !topical_product) {
        for (const name_info* info : mentions) {
            if (!info->subcategory.empty()) {
                return treatment_class{pharmaceuticals, info->subcategory};
            }
        }
        // "Diclofenac sodium ER 100mg": an ingredient known as a topical, named without
        // any topical form, is the oral drug when its first word is one ("diclofenac").
        const std::string_view name = first_name;
        const auto oral = names_.find(std::string(name.substr(0, name.find(' '))));
        if (oral != names_.end() && !oral->second.subcategory.empty() &&
            !is_topical_product(&oral->second)) {
            return treatment_class{pharmaceuticals, oral->second.subcategory};
        }
        // Only an ingredient that exists as an approved topical stands for a topical on its
        // own ("Capsaicin"); "Ketamine infusion" is left to the other rules.
        const bool approved_only =
            std::all_of(mentions.begin(), mentions.end(), [](const name_info* info) {
                return info->topical_known && info->topical == topical_kind::approved;
            });
        if (!approved_only) return std::nullopt;
    }
    // A patch of a systemic-only drug (Butrans, Duragesic, scopolamine) keeps its class.
    const name_info& first = *mentions.front();
    if (topical_form && !first.subcategory.empty() && !first.topical_known &&
        !compounded_class(first.subcategory)) {
        return treatment_class{pharmaceuticals, first.subcategory};
    }

    const bool compound =
        distinct.size() >= 2 ||
        std::any_of(mentions.begin(), mentions.end(), [](const name_info* info) {
            return info->subcategory == topical_compounds ||
                   (info->topical_known && info->topical != topical_kind::approved) ||
                   (!info->topical_known && info->subcategory != topical_analgesics);
        });
    return treatment_class{pharmaceuticals, compound ? topical_compounds : topical_analgesics};
}

treatment_class treatment_classifier::classify(std::string_view service) const {
    if (const auto* match = first_match(service_rules_, service)) {
        return {match->first, match->second};
    }
    if (auto drug = classify_drug(service)) return *drug;
    if (const auto* match = first_match(fallback_rules_, service)) {
        return {match->first, match->second};
    }
    return {"other", "other", true};
}

}  // namespace imr::classify
