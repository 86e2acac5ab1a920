#pragma once

#include <string_view>

#include "imr/core/outcome.h"

namespace imr::classify {

// Reads one side's guideline line ("Decision based on MTUS Shoulder Complaints 2004,
// Section(s): Special Studies. Decision based on Non-MTUS Citation Official Disability
// Guidelines (ODG) ...") into sources and detailed citations. MTUS chapters adopted from
// ACOEM count as MTUS; a Non-MTUS citation is ODG, ACOEM or `other` (journals, web
// sites). "did not cite any medical evidence" gives no sources.
[[nodiscard]] guideline_basis read_citations(std::string_view flat_citation_line);

// The reviewer's line, which in 2013 notices may just adopt the claims administrator's
// guidelines ("The Expert Reviewer found the Guideline(s) used by the Claims
// Administrator relevant and appropriate ..."): then the reviewer's basis is theirs.
[[nodiscard]] guideline_basis read_reviewer_citations(std::string_view flat_citation_line,
                                                      const guideline_basis& claims_administrator);

}  // namespace imr::classify
