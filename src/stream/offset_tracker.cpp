#include "imr/stream/offset_tracker.h"

#include <algorithm>

namespace imr::stream {

bool offset_tracker::track(int64_t offset, size_t bytes) {
    if (last_tracked_ && offset <= *last_tracked_) return false;
    last_tracked_ = offset;
    pending_.push_back({offset, bytes, false});
    ++in_flight_;
    in_flight_bytes_ += bytes;
    return true;
}

bool offset_tracker::complete(int64_t offset) {
    const auto it =
        std::lower_bound(pending_.begin(), pending_.end(), offset,
                         [](const entry& e, int64_t value) { return e.offset < value; });
    if (it == pending_.end() || it->offset != offset || it->done) return false;
    it->done = true;
    --in_flight_;
    in_flight_bytes_ -= it->bytes;
    while (!pending_.empty() && pending_.front().done) {
        next_commit_ = pending_.front().offset + 1;
        advanced_ = true;
        pending_.pop_front();
    }
    return true;
}

std::optional<int64_t> offset_tracker::take_advanced() {
    if (!advanced_) return std::nullopt;
    advanced_ = false;
    return next_commit_;
}

}  // namespace imr::stream
