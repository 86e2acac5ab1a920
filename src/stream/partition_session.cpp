#include "imr/stream/partition_session.h"

namespace imr::stream {

bool partition_session::take(const input_record& input) {
    if (!owns(input.where, input.generation)) return false;
    if (!tracker_.track(input.offset, input.value.size())) return false;
    slots_.try_emplace(input.offset);
    return true;
}

void partition_session::cancelled(const input_record& input) {
    if (!owns(input.where, input.generation)) return;
    const auto it = slots_.find(input.offset);
    if (it == slots_.end() || it->second.output) return;
    // Jobs run in submission order, so a cancelled input comes after every started one
    // of its partition: its slot can go without blocking any output behind it.
    slots_.erase(it);
    ++cancelled_;
}

bool partition_session::finish(input_record input, output_record output) {
    if (!owns(input.where, input.generation)) return false;
    const auto it = slots_.find(input.offset);
    if (it == slots_.end() || it->second.output) return false;
    output.source_generation = generation_;
    it->second.input = std::move(input);
    it->second.output = std::move(output);
    return true;
}

output_record* partition_session::ready_head() {
    if (slots_.empty() || !slots_.begin()->second.output) return nullptr;
    return &*slots_.begin()->second.output;
}

const input_record* partition_session::head_input() const {
    if (slots_.empty() || !slots_.begin()->second.input) return nullptr;
    return &*slots_.begin()->second.input;
}

void partition_session::produced_head() {
    if (!slots_.empty()) slots_.erase(slots_.begin());
}

void partition_session::replace_head(output_record output) {
    if (slots_.empty()) return;
    output.source_generation = generation_;
    slots_.begin()->second.output = std::move(output);
}

}  // namespace imr::stream
