#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "imr/classify/vocabulary.h"
#include "imr/core/cpu_deadline.h"
#include "imr/core/error.h"
#include "imr/core/outcome.h"
#include "imr/parse/item_splitter.h"
#include "imr/parse/letter_sections.h"

namespace imr {

// The determination engine: letter text in, classification out. Knows nothing of Kafka
// or files. Construction compiles every pattern of the vocabulary once (and throws on
// a bad one); afterwards `classify_text` is const and safe to call from many threads.
class engine {
  public:
    explicit engine(const classify::vocabulary& words);
    ~engine();
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;

    // `text` is letter text as extracted (any line endings, doubled breaks, ...).
    [[nodiscard]] result<outcome> classify_text(std::string_view text) const;
    // As above, failing with too_complex once `deadline` has passed; it is looked at
    // between stages, between items, after the last one and within a rationale's reasons
    // (the one reading whose cost per byte can be high).
    [[nodiscard]] result<outcome> classify_text(std::string_view text,
                                                const cpu_deadline& deadline) const;

  private:
    [[nodiscard]] parse::split_items split_items(const parse::letter_sections& sections,
                                                 std::string_view flat_letter) const;
    void read_case_summary(std::string_view section, const std::vector<parse::raw_item>& items,
                           outcome& out) const;
    // nullopt once `deadline` has passed while reading the item's reasons.
    [[nodiscard]] std::optional<item> classify_item(parse::raw_item&& raw, bool& guessed,
                                                    const cpu_deadline& deadline) const;
    // Decisions whose word was unreadable are taken from the rationale's conclusion, and
    // every readable one is checked against it (warnings). False when an unreadable
    // decision is not concluded either: the letter cannot be reported whole.
    [[nodiscard]] bool settle_decisions(std::vector<parse::raw_item>& items,
                                        std::vector<std::string>& warnings) const;
    static void add_missing_field_warnings(outcome& out);

    struct stages;
    std::unique_ptr<const stages> stages_;
};

}  // namespace imr
