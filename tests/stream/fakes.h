#pragma once

// In-memory stand-ins for the Kafka source and sink, so the pipeline's ordering,
// back-pressure, rebalance and failure handling are tested without a broker.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "imr/stream/record_processor.h"
#include "imr/stream/record_sink.h"
#include "imr/stream/record_source.h"

namespace imr::stream::testing {

inline input_record make_input(std::string topic, int32_t partition, int64_t offset,
                               std::string value = "x") {
    input_record r;
    r.where = {std::move(topic), partition};
    r.offset = offset;
    r.key = "k" + std::to_string(offset);
    r.value = std::move(value);
    return r;
}

// Hands out scripted records; honours pause/resume; can fire rebalances on demand.
class fake_source final : public record_source {
  public:
    void set_rebalance_listener(rebalance_listener* listener) override { listener_ = listener; }

    std::vector<input_record> poll(size_t max_records, std::chrono::milliseconds timeout) override {
        std::function<void(rebalance_listener&)> event;
        {
            std::lock_guard lock(mutex_);
            ++polls_;
            if (!events_.empty()) {
                event = std::move(events_.front());
                events_.pop_front();
            }
        }
        if (event && listener_ != nullptr) event(*listener_);
        std::vector<input_record> out;
        {
            std::lock_guard lock(mutex_);
            for (auto it = pending_.begin(); it != pending_.end() && out.size() < max_records;) {
                if (paused_.count(it->where) > 0) {
                    ++it;
                    continue;
                }
                taken_.push_back(*it);
                out.push_back(std::move(*it));
                it = pending_.erase(it);
            }
        }
        if (out.empty() && timeout.count() > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return out;
    }

    void pause(const std::vector<topic_partition>& partitions) override {
        std::lock_guard lock(mutex_);
        paused_.insert(partitions.begin(), partitions.end());
        ++pause_calls_;
    }
    void resume(const std::vector<topic_partition>& partitions) override {
        std::lock_guard lock(mutex_);
        for (const auto& p : partitions) paused_.erase(p);
        ++resume_calls_;
    }
    void store(const std::vector<committed_offset>& offsets) override {
        std::lock_guard lock(mutex_);
        for (const auto& o : offsets) stored_[o.where] = o.next_offset;
    }
    bool commit_now() override {
        std::lock_guard lock(mutex_);
        for (const auto& [where, next] : stored_) committed_[where] = next;
        return true;
    }
    // Hands out again, before anything not yet taken, what was taken at or after the
    // committed offset (the start when nothing is committed).
    void rewind(const std::vector<topic_partition>& partitions) override {
        std::lock_guard lock(mutex_);
        ++rewinds_;
        std::deque<input_record> again;
        for (const auto& r : taken_) {
            if (std::find(partitions.begin(), partitions.end(), r.where) == partitions.end())
                continue;
            const auto committed = committed_.find(r.where);
            if (r.offset >= (committed != committed_.end() ? committed->second : 0))
                again.push_back(r);
        }
        std::erase_if(taken_, [&](const input_record& r) {
            return std::find(partitions.begin(), partitions.end(), r.where) != partitions.end();
        });
        pending_.insert(pending_.begin(), again.begin(), again.end());
    }
    void close() override { closed_ = true; }

    // Test controls.
    void add(input_record record) {
        std::lock_guard lock(mutex_);
        pending_.push_back(std::move(record));
    }
    void at_next_poll(std::function<void(rebalance_listener&)> event) {
        std::lock_guard lock(mutex_);
        events_.push_back(std::move(event));
    }
    std::map<topic_partition, int64_t> stored() const {
        std::lock_guard lock(mutex_);
        return stored_;
    }
    std::map<topic_partition, int64_t> committed() const {
        std::lock_guard lock(mutex_);
        return committed_;
    }
    size_t pause_calls() const {
        std::lock_guard lock(mutex_);
        return pause_calls_;
    }
    size_t resume_calls() const {
        std::lock_guard lock(mutex_);
        return resume_calls_;
    }
    bool closed() const { return closed_; }
    size_t rewinds() const {
        std::lock_guard lock(mutex_);
        return rewinds_;
    }
    // What a transactional committer commits with its transaction.
    void commit(const std::vector<committed_offset>& offsets) {
        std::lock_guard lock(mutex_);
        for (const auto& o : offsets) committed_[o.where] = o.next_offset;
    }

  private:
    mutable std::mutex mutex_;
    rebalance_listener* listener_ = nullptr;
    std::deque<input_record> pending_;
    std::vector<input_record> taken_;
    size_t rewinds_ = 0;
    std::deque<std::function<void(rebalance_listener&)>> events_;
    std::set<topic_partition> paused_;
    std::map<topic_partition, int64_t> stored_;
    std::map<topic_partition, int64_t> committed_;
    size_t polls_ = 0;
    size_t pause_calls_ = 0;
    size_t resume_calls_ = 0;
    std::atomic<bool> closed_{false};
};

// Records what is produced; can be corked (deliveries held back, like a slow broker),
// can refuse or fail records of one kind.
class fake_sink final : public record_sink {
  public:
    void set_delivery_listener(delivery_listener* listener) override { listener_ = listener; }

    produce_status produce(const output_record& record) override {
        std::lock_guard lock(mutex_);
        if (refuse_kind_ && *refuse_kind_ == record.kind) return produce_status::failed;
        if (reject_offset_ && record.kind == output_kind::outcome &&
            *reject_offset_ == std::pair{record.source, record.source_offset}) {
            reject_offset_.reset();  // refused by the broker once, as if too large
            rejected_.push_back(record);
            ++refused_count_;
            return produce_status::queued;
        }
        produced_.push_back(record);
        undelivered_.push_back(record);
        return produce_status::queued;
    }
    void poll(std::chrono::milliseconds) override { deliver(); }
    bool flush(std::chrono::milliseconds) override {
        deliver();
        std::lock_guard lock(mutex_);
        return undelivered_.empty();
    }
    bool fatal() const override { return false; }

    // Test controls.
    void cork(bool corked) {
        std::lock_guard lock(mutex_);
        corked_ = corked;
    }
    void refuse(output_kind kind) {
        std::lock_guard lock(mutex_);
        refuse_kind_ = kind;
    }
    void fail_deliveries(output_kind kind) {
        std::lock_guard lock(mutex_);
        fail_kind_ = kind;
    }
    // The outcome of this input is refused by the "broker" (a failed, refused delivery).
    void reject_outcome_of(topic_partition where, int64_t offset) {
        std::lock_guard lock(mutex_);
        reject_offset_ = std::pair{std::move(where), offset};
    }
    size_t refused_count() const {
        std::lock_guard lock(mutex_);
        return refused_count_;
    }
    std::vector<output_record> produced() const {
        std::lock_guard lock(mutex_);
        return produced_;
    }

  private:
    void deliver() {
        std::vector<output_record> batch;
        std::vector<output_record> rejected;
        std::optional<output_kind> fail_kind;
        {
            std::lock_guard lock(mutex_);
            if (corked_) return;
            batch.swap(undelivered_);
            fail_kind = fail_kind_;
            rejected.swap(rejected_);
        }
        for (const auto& r : rejected) {
            delivery_report report;
            report.kind = r.kind;
            report.source = r.source;
            report.source_offset = r.source_offset;
            report.error = "Broker: Message size too large";
            report.refused = true;
            if (listener_ != nullptr) listener_->on_delivery(report);
        }
        for (const auto& r : batch) {
            delivery_report report;
            report.kind = r.kind;
            report.source = r.source;
            report.source_offset = r.source_offset;
            report.delivered = !(fail_kind && *fail_kind == r.kind);
            report.bytes = r.value.size();
            report.source_timestamp_ms = r.source_timestamp_ms;
            if (!report.delivered) report.error = "simulated failure";
            if (listener_ != nullptr) listener_->on_delivery(report);
        }
    }

    mutable std::mutex mutex_;
    delivery_listener* listener_ = nullptr;
    std::vector<output_record> produced_;
    std::vector<output_record> undelivered_;
    bool corked_ = false;
    std::optional<output_kind> refuse_kind_;
    std::optional<output_kind> fail_kind_;
    std::optional<std::pair<topic_partition, int64_t>> reject_offset_;
    std::vector<output_record> rejected_;
    size_t refused_count_ = 0;
};

// Echoes the input as an outcome after a delay that depends on the offset, so results
// come back out of order; inputs whose value is "poison" become dead letters.
class fake_processor final : public record_processor {
  public:
    output_record process(const input_record& input) override {
        std::this_thread::sleep_for(std::chrono::microseconds((input.offset * 7919) % 500));
        if (input.value == "poison") return dead_letter(input, "not_a_determination", "poison");
        output_record out;
        out.kind = output_kind::outcome;
        out.key = input.key;
        out.value = "outcome:" + input.value;
        out.source = input.where;
        out.source_offset = input.offset;
        return out;
    }
    output_record dead_letter(const input_record& input, std::string_view code,
                              std::string_view) override {
        output_record out;
        out.kind = output_kind::dead_letter;
        out.key = input.key;
        out.value = input.value;
        out.headers.push_back({"imr.error.code", std::string(code)});
        out.source = input.where;
        out.source_offset = input.offset;
        return out;
    }
};

}  // namespace imr::stream::testing
