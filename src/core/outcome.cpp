#include "imr/core/outcome.h"

#include <cstdio>

#include "imr/core/error.h"

namespace imr {

std::string_view to_string(errc code) noexcept {
    switch (code) {
        case errc::empty:
            return "empty";
        case errc::invalid_utf8:
            return "invalid_utf8";
        case errc::too_large:
            return "too_large";
        case errc::bad_pdf:
            return "bad_pdf";
        case errc::bad_envelope:
            return "bad_envelope";
        case errc::not_a_determination:
            return "not_a_determination";
        case errc::no_decisions_found:
            return "no_decisions_found";
        case errc::decision_unreadable:
            return "decision_unreadable";
        case errc::unreadable:
            return "unreadable";
        case errc::too_complex:
            return "too_complex";
        case errc::internal:
            return "internal";
    }
    return "unknown";
}

std::string_view to_string(layout value) noexcept {
    switch (value) {
        case layout::notice_2013:
            return "notice-2013";
        case layout::fdl_2014:
            return "fdl-2014";
        case layout::fdl_2015:
            return "fdl-2015";
        case layout::professional_review:
            return "professional-review";
    }
    return "unknown";
}

std::string_view to_string(decision value) noexcept {
    return value == decision::overturned ? "overturned" : "upheld";
}

std::string_view to_string(priority value) noexcept {
    return value == priority::expedited ? "expedited" : "standard";
}

std::string to_iso(const date& value) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", value.year, value.month, value.day);
    return buffer;
}

outcome_summary summarize(const std::vector<item>& items) {
    outcome_summary s;
    s.items = static_cast<int>(items.size());
    for (const auto& i : items) (i.decision == decision::upheld ? s.upheld : s.overturned) += 1;
    if (s.overturned == 0) {
        s.outcome = "upheld";
    } else if (s.upheld == 0) {
        s.outcome = "overturned";
    } else {
        s.outcome = "partially_overturned";
    }
    return s;
}

}  // namespace imr
