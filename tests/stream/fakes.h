#pragma once

// In-memory stand-ins for the Kafka source and sink, so the pipeline's ordering,
// back-pressure, rebalance and failure handling are tested without a broker.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "imr/stream/offset_committer.h"
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

// A consumer-group member over in-memory partition logs. Like Kafka it reads each
// assigned, unpaused partition from its position, and an assignment starts at the
// committed offset (a revoke commits what is stored first), so a re-assign rewinds.
// Every record is stamped with the generation of its partition's assignment. Partitions
// are assigned on the first poll unless the test scripts assignments itself. Rebalances
// can be scripted before a poll or in the middle of a poll's batch, after `n` records,
// as librdkafka may run the rebalance callback inside its consumer poll loop.
class fake_source final : public record_source {
  public:
    using event = std::function<void(fake_source&)>;

    void set_rebalance_listener(rebalance_listener* listener) override { listener_ = listener; }

    std::vector<input_record> poll(size_t max_records, std::chrono::milliseconds timeout,
                                   size_t max_bytes) override {
        {
            std::lock_guard lock(mutex_);
            ++polls_;
            if (!scripted_ && !ever_assigned_ && !logs_.empty()) {
                events_.push_back({0, [](fake_source& s) { s.assign(s.partitions()); }});
            }
        }
        std::vector<input_record> out;
        size_t bytes = 0;
        run_events_due(0);
        while (out.size() < max_records && bytes < max_bytes) {
            std::optional<input_record> next = take_one();
            if (!next) break;
            bytes += next->value.size();
            out.push_back(std::move(*next));
            run_events_due(out.size());
        }
        {
            std::lock_guard lock(mutex_);
            for (auto& e : events_) e.after = 0;  // mid-batch events not reached: next poll
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
        for (const auto& o : offsets) {
            if (assigned_.count(o.where) == 0) {
                ++refused_stores_;  // like librdkafka's __STATE for a partition not owned
                continue;
            }
            stored_[o.where] = o.next_offset;
        }
    }
    bool commit_now(std::chrono::milliseconds) override {
        std::lock_guard lock(mutex_);
        for (const auto& [p, offset] : stored_) committed_[p] = offset;
        return true;
    }
    // Back to the committed offsets (the start when nothing is committed), under a new
    // generation, as a transactional consumer does after an abort.
    uint64_t rewind(const std::vector<topic_partition>& partitions) override {
        std::lock_guard lock(mutex_);
        ++rewinds_;
        const uint64_t generation = next_generation_++;
        for (const auto& p : partitions) {
            if (assigned_.count(p) == 0) continue;
            assigned_[p] = generation;
            const auto committed = committed_.find(p);
            position_[p] = committed == committed_.end() ? 0 : committed->second;
        }
        return generation;
    }
    bool close(std::chrono::milliseconds) override {
        closed_ = true;
        revoke(owned());
        return true;
    }

    // Test controls.
    void add(input_record record) {
        std::lock_guard lock(mutex_);
        logs_[record.where].push_back(std::move(record));
    }
    // Rebalances, run by the next poll before it reads (`after_records` 0) or once it has
    // read that many records of its batch.
    void at_next_poll(event e, size_t after_records = 0) {
        std::lock_guard lock(mutex_);
        scripted_ = true;
        events_.push_back({after_records, std::move(e)});
    }
    void assign_at_next_poll(std::vector<topic_partition> partitions, size_t after_records = 0) {
        at_next_poll([partitions](fake_source& s) { s.assign(partitions); }, after_records);
    }
    void revoke_at_next_poll(std::vector<topic_partition> partitions, size_t after_records = 0) {
        at_next_poll([partitions](fake_source& s) { s.revoke(partitions); }, after_records);
    }
    // What a rebalance does; also callable from an event.
    void assign(const std::vector<topic_partition>& partitions) {
        uint64_t generation = 0;
        {
            std::lock_guard lock(mutex_);
            ever_assigned_ = true;
            generation = next_generation_++;
            for (const auto& p : partitions) {
                assigned_[p] = generation;
                const auto committed = committed_.find(p);
                position_[p] = committed == committed_.end() ? 0 : committed->second;
            }
        }
        if (listener_ != nullptr) listener_->on_assigned(partitions, generation);
    }
    void revoke(const std::vector<topic_partition>& partitions) {
        if (listener_ != nullptr) listener_->on_revoked(partitions);
        std::lock_guard lock(mutex_);
        for (const auto& p : partitions) {
            if (const auto s = stored_.find(p); s != stored_.end()) committed_[p] = s->second;
            assigned_.erase(p);
            stored_.erase(p);
        }
    }
    std::vector<topic_partition> partitions() const {
        std::vector<topic_partition> out;
        for (const auto& [p, log] : logs_) out.push_back(p);
        return out;
    }
    std::vector<topic_partition> owned() const {
        std::lock_guard lock(mutex_);
        std::vector<topic_partition> out;
        for (const auto& [p, generation] : assigned_) out.push_back(p);
        return out;
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
    size_t polls() const {
        std::lock_guard lock(mutex_);
        return polls_;
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
    struct scheduled {
        size_t after;
        event run;
    };

    void run_events_due(size_t taken) {
        while (true) {
            event due;
            {
                std::lock_guard lock(mutex_);
                const auto it = std::find_if(events_.begin(), events_.end(),
                                             [&](const scheduled& e) { return e.after <= taken; });
                if (it == events_.end()) return;
                due = std::move(it->run);
                events_.erase(it);
            }
            due(*this);
        }
    }

    // The next record of the first assigned, unpaused partition that has one: like
    // librdkafka, which hands out a fetched chunk of one partition before the next.
    std::optional<input_record> take_one() {
        std::lock_guard lock(mutex_);
        for (auto& [p, generation] : assigned_) {
            if (paused_.count(p) > 0) continue;
            const auto& log = logs_[p];
            auto& position = position_[p];
            const auto next = std::find_if(log.begin(), log.end(), [&](const input_record& r) {
                return r.offset >= position;
            });
            if (next == log.end()) continue;
            input_record record = *next;
            record.generation = generation;
            position = record.offset + 1;
            return record;
        }
        return std::nullopt;
    }

    mutable std::mutex mutex_;
    rebalance_listener* listener_ = nullptr;
    std::map<topic_partition, std::vector<input_record>> logs_;
    std::map<topic_partition, uint64_t> assigned_;  // partition -> generation
    std::map<topic_partition, int64_t> position_;
    std::deque<scheduled> events_;
    std::set<topic_partition> paused_;
    std::map<topic_partition, int64_t> stored_;
    std::map<topic_partition, int64_t> committed_;
    uint64_t next_generation_ = 1;
    bool scripted_ = false;
    bool ever_assigned_ = false;
    size_t polls_ = 0;
    size_t pause_calls_ = 0;
    size_t resume_calls_ = 0;
    size_t refused_stores_ = 0;
    size_t rewinds_ = 0;
    std::atomic<bool> closed_{false};
};

// Records what is produced; can be corked (deliveries held back, like a slow broker),
// can refuse or fail records of one kind, can have a small queue (queue_full when full).
class fake_sink final : public record_sink {
  public:
    void set_delivery_listener(delivery_listener* listener) override { listener_ = listener; }

    produce_status produce(const output_record& record) override {
        std::lock_guard lock(mutex_);
        if (refuse_kind_ && *refuse_kind_ == record.kind) return produce_status::failed;
        if (undelivered_.size() >= queue_capacity_) return produce_status::queue_full;
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
    // Records produced and not yet delivered beyond this answer queue_full.
    void queue_capacity(size_t records) {
        std::lock_guard lock(mutex_);
        queue_capacity_ = records;
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
    static delivery_report report_of(const output_record& r) {
        delivery_report report;
        report.kind = r.kind;
        report.source = r.source;
        report.source_offset = r.source_offset;
        report.source_generation = r.source_generation;
        report.topic = r.kind == output_kind::outcome ? "outcomes" : "dlq";
        report.bytes = r.value.size();
        report.source_timestamp_ms = r.source_timestamp_ms;
        report.since_produce = std::chrono::microseconds{0};
        return report;
    }

    void deliver() {
        std::vector<output_record> batch;
        std::vector<output_record> rejected;
        std::optional<output_kind> fail_kind;
        {
            std::lock_guard lock(mutex_);
            if (corked_) return;
            batch.swap(undelivered_);
            rejected.swap(rejected_);
            fail_kind = fail_kind_;
        }
        for (const auto& r : rejected) {
            delivery_report report = report_of(r);
            report.delivered = false;
            report.error = "Broker: Message size too large";
            report.refused = true;
            if (listener_ != nullptr) listener_->on_delivery(report);
        }
        for (const auto& r : batch) {
            delivery_report report = report_of(r);
            report.delivered = !(fail_kind && *fail_kind == r.kind);
            if (!report.delivered) report.error = "simulated failure";
            if (listener_ != nullptr) listener_->on_delivery(report);
        }
    }

    mutable std::mutex mutex_;
    delivery_listener* listener_ = nullptr;
    std::vector<output_record> produced_;
    std::vector<output_record> undelivered_;
    bool corked_ = false;
    size_t queue_capacity_ = SIZE_MAX;
    std::optional<output_kind> refuse_kind_;
    std::optional<output_kind> fail_kind_;
    std::optional<std::pair<topic_partition, int64_t>> reject_offset_;
    std::vector<output_record> rejected_;
    size_t refused_count_ = 0;
};

// Transactions over the fake sink: a transaction is the range of records produced since it
// was opened. Committing keeps the range and commits the offsets in the source; aborting
// drops the range. It aborts when told to, or when the sink refused a record meanwhile
// (what a broker's refusal does to a real transaction).
class fake_transactions final : public offset_committer {
  public:
    fake_transactions(fake_source& source, fake_sink& sink) : source_(source), sink_(sink) {}

    bool before_produce() override {
        if (!open_) {
            open_ = true;
            begin_ = sink_.produced().size();
            refused_at_begin_ = sink_.refused_count();
        }
        return true;
    }
    bool due(std::chrono::steady_clock::time_point) const override { return open_; }
    bool needs_delivered_outputs() const override { return true; }
    commit_result commit(const std::vector<committed_offset>& advanced) override {
        if (fatal_) return commit_result::fatal;
        if (!open_) return commit_result::done;
        open_ = false;
        const auto produced = sink_.produced();
        if (abort_next_ > 0 || sink_.refused_count() != refused_at_begin_) {
            if (abort_next_ > 0) --abort_next_;
            ++aborted_;
            return commit_result::rewind;
        }
        {
            std::lock_guard lock(mutex_);  // the test thread reads committed() meanwhile
            committed_.insert(committed_.end(),
                              produced.begin() + static_cast<std::ptrdiff_t>(begin_),
                              produced.end());
        }
        source_.commit(advanced);
        return commit_result::done;
    }
    bool delivery_failure_is_fatal() const override { return false; }
    std::string failure_reason() const override { return "fenced"; }

    void abort_next(int count) { abort_next_ = count; }
    void go_fatal() { fatal_ = true; }
    std::vector<output_record> committed() const {
        std::lock_guard lock(mutex_);
        return committed_;
    }
    int aborted() const { return aborted_; }

  private:
    fake_source& source_;
    fake_sink& sink_;
    bool open_ = false;
    size_t begin_ = 0;
    size_t refused_at_begin_ = 0;
    std::atomic<int> abort_next_ = 0;
    std::atomic<int> aborted_ = 0;
    std::atomic<bool> fatal_ = false;
    mutable std::mutex mutex_;
    std::vector<output_record> committed_;
};

// Echoes the input as an outcome after a delay that depends on the offset, so results
// come back out of order; inputs whose value is "poison" become dead letters, "slow"
// takes 20 ms and "throw" throws (a processor bug).
class fake_processor final : public record_processor {
  public:
    output_record process(const input_record& input) override {
        std::this_thread::sleep_for(std::chrono::microseconds((input.offset * 7919) % 500));
        if (input.value == "slow") std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (input.value == "throw") throw std::runtime_error("processor bug");
        if (input.value == "poison") return dead_letter(input, "not_a_determination", "poison");
        output_record out;
        out.kind = output_kind::outcome;
        out.key = input.key;
        out.value = "outcome:" + std::string(input.value.view());
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
