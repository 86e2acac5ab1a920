#pragma once

#include <array>
#include <string_view>

namespace imr {

// The DWC's treatment categories, as on its IMR decision search: the closed set the
// outcome schema allows (subcategories live with the rules in data/vocabulary/).
inline constexpr std::array<std::string_view, 12> dwc_categories = {"pharmaceuticals",
                                                                    "rehabilitation",
                                                                    "diagnostic_testing",
                                                                    "dmepos",
                                                                    "injections",
                                                                    "surgery",
                                                                    "evaluation_and_management",
                                                                    "psych_services",
                                                                    "programs",
                                                                    "home_health",
                                                                    "transportation",
                                                                    "other"};

inline constexpr std::array<std::string_view, 3> letter_outcomes = {"upheld", "overturned",
                                                                    "partially_overturned"};

}  // namespace imr
