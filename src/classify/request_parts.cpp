#include "imr/classify/request_parts.h"

#include <array>
#include <cctype>

#include "imr/text/search.h"

namespace imr::classify {
namespace {

using text::find_ci;
using text::npos;
using text::trim;

struct qualifier_prefix {
    std::string_view text;
    std::string_view code;
};

// Longer spellings first.
constexpr std::array<qualifier_prefix, 16> prefixes = {{
    {"Associated surgical services:", "associated_surgical_service"},
    {"Associated surgical service:", "associated_surgical_service"},
    {"Associated surgical service", "associated_surgical_service"},
    {"Retrospective request for", "retrospective"},
    {"Retrospective", "retrospective"},
    {"Retro", "retrospective"},
    {"Prospective request for", "prospective"},
    {"Prospective", "prospective"},
    {"Pre-operative", "pre_op"},
    {"Preoperative", "pre_op"},
    {"Pre-op", "pre_op"},
    {"Preop", "pre_op"},
    {"Post-operative", "post_op"},
    {"Postoperative", "post_op"},
    {"Post-op", "post_op"},
    {"Postop", "post_op"},
}};

std::string_view strip_sentence_end(std::string_view s) {
    s = trim(s);
    while (!s.empty() && (s.back() == '.' || s.back() == ',')) s.remove_suffix(1);
    return trim(s);
}

// Text between `begin_marker` (or the start) and `end_marker`, both searched from `from`.
std::optional<modification> parse_modification(std::string_view r) {
    const size_t original_end = find_ci(r, " was the original request");
    if (original_end == npos) return std::nullopt;
    modification m;
    m.original = std::string(strip_sentence_end(r.substr(0, original_end)));
    const size_t after_original =
        find_ci(r, ".", original_end) == npos ? r.size() : find_ci(r, ".", original_end) + 1;
    const std::string_view rest = r.substr(after_original);

    constexpr std::string_view remaining_marker =
        "remaining IMR eligible portion of the original request";
    constexpr std::string_view original_marker = "The original request,";
    if (const size_t authorized_end = find_ci(rest, " was authorized by"); authorized_end != npos) {
        m.authorized = std::string(strip_sentence_end(rest.substr(0, authorized_end)));
    }
    size_t remaining_at = find_ci(rest, remaining_marker);
    size_t marker_size = remaining_marker.size();
    if (remaining_at == npos) {
        remaining_at = find_ci(rest, original_marker);
        marker_size = original_marker.size();
    }
    if (remaining_at == npos) return std::nullopt;
    std::string_view remaining = trim(rest.substr(remaining_at + marker_size));
    if (!remaining.empty() && remaining.front() == ',') remaining = trim(remaining.substr(1));
    m.remaining = std::string(strip_sentence_end(remaining));
    return m;
}

bool boundary_after(std::string_view s, size_t at) {
    return at >= s.size() || !text::is_alpha(s[at]);
}

}  // namespace

request_parts split_request(std::string_view request) {
    request_parts parts;
    parts.modified = parse_modification(request);
    std::string_view service =
        parts.modified ? std::string_view(parts.modified->original) : request;

    for (bool stripped = true; stripped;) {
        stripped = false;
        service = trim(service);
        for (const auto& prefix : prefixes) {
            if (!text::starts_with_ci(service, prefix.text) ||
                !boundary_after(service, prefix.text.size())) {
                continue;
            }
            service.remove_prefix(prefix.text.size());
            while (!service.empty() && (service.front() == ':' || service.front() == '-' ||
                                        service.front() == ' ' || service.front() == ',')) {
                service.remove_prefix(1);
            }
            bool seen = false;
            for (const auto& q : parts.qualifiers) seen = seen || q == prefix.code;
            if (!seen) parts.qualifiers.emplace_back(prefix.code);
            stripped = true;
            break;
        }
    }
    if (find_ci(service, "(DOS") != npos || find_ci(service, "DOS:") != npos ||
        find_ci(service, "date of service") != npos) {
        bool seen = false;
        for (const auto& q : parts.qualifiers) seen = seen || q == "retrospective";
        if (!seen) parts.qualifiers.emplace_back("retrospective");
    }
    parts.service = std::string(service.empty() ? trim(request) : service);
    return parts;
}

}  // namespace imr::classify
