#include "imr/stream/offset_tracker.h"

#include <algorithm>

namespace imr::stream {

void offset_tracker::track(const topic_partition& where, int64_t offset) {
    partitions_[where].pending.emplace_back(offset, false);
    ++in_flight_;
}

bool offset_tracker::complete(const topic_partition& where, int64_t offset) {
    const auto it = partitions_.find(where);
    if (it == partitions_.end()) return false;
    auto& pending = it->second.pending;
    // Offsets arrive in increasing order per partition, so the deque is sorted.
    const auto entry =
        std::lower_bound(pending.begin(), pending.end(), offset,
                         [](const auto& e, int64_t value) { return e.first < value; });
    if (entry == pending.end() || entry->first != offset || entry->second) return false;
    entry->second = true;
    --in_flight_;
    while (!pending.empty() && pending.front().second) {
        it->second.next_commit = pending.front().first + 1;
        it->second.advanced = true;
        pending.pop_front();
    }
    return true;
}

std::vector<committed_offset> offset_tracker::take_advanced() {
    std::vector<committed_offset> out;
    for (auto& [where, state] : partitions_) {
        if (!state.advanced || !state.next_commit) continue;
        out.push_back({where, *state.next_commit});
        state.advanced = false;
    }
    return out;
}

std::optional<int64_t> offset_tracker::watermark(const topic_partition& where) const {
    const auto it = partitions_.find(where);
    return it == partitions_.end() ? std::nullopt : it->second.next_commit;
}

size_t offset_tracker::in_flight(const topic_partition& where) const {
    const auto it = partitions_.find(where);
    if (it == partitions_.end()) return 0;
    return static_cast<size_t>(std::count_if(it->second.pending.begin(), it->second.pending.end(),
                                             [](const auto& e) { return !e.second; }));
}

void offset_tracker::forget(const topic_partition& where) {
    const auto it = partitions_.find(where);
    if (it == partitions_.end()) return;
    in_flight_ -= in_flight(where);
    partitions_.erase(it);
}

}  // namespace imr::stream
