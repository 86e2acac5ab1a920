#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imr/core/outcome.h"

namespace imr::classify {

// A request taken apart: the partially-authorized sentences, the qualifiers in front of
// it, and what is left to classify (the service itself).
struct request_parts {
    std::optional<modification> modified;
    std::vector<std::string>
        qualifiers;  // retrospective, prospective, associated_surgical_service, pre_op, post_op
    std::string service;
};

// "X was the original request. Y was authorized by the Claims Administrator. The
// remaining IMR eligible portion of the original request, Z" and "X was the original
// request. The Claims Administrator authorized Y, leaving the original request IMR
// eligible. The original request, Z" become a modification; the service is taken from
// the original request. Prefixes such as "Associated surgical service:", "Retrospective"
// and "Post-op" become qualifiers; they never change the category.
[[nodiscard]] request_parts split_request(std::string_view request);

}  // namespace imr::classify
