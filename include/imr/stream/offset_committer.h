#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "imr/stream/record_source.h"

namespace imr::stream {

enum class commit_result {
    done,    // the offsets (and, transactionally, the outputs before them) are durable or stored
    rewind,  // the outputs since the last commit were discarded: redo from the committed offsets
    fatal,   // the process must stop; failure_reason() says why
};

// How finished work becomes durable: the one place where at-least-once and exactly-once
// differ. At-least-once stores watermarks for the consumer's own commits; exactly-once
// produces inside a transaction and commits the watermarks with it. The pipeline calls it
// from its driver thread only.
class offset_committer {
  public:
    virtual ~offset_committer() = default;

    // Before each produce: a transactional committer opens its transaction here. False:
    // the producer cannot take records any more (failure_reason()).
    [[nodiscard]] virtual bool before_produce() = 0;
    // Whether commit() should run now; the pipeline also forces it on revoke and on stop.
    [[nodiscard]] virtual bool due(std::chrono::steady_clock::time_point now) const = 0;
    // Whether every produced record must be acknowledged before commit(): transactional
    // offsets must cover exactly the outputs of the transaction.
    [[nodiscard]] virtual bool needs_delivered_outputs() const = 0;
    // Makes `advanced` (watermarks that moved since the last call) durable.
    [[nodiscard]] virtual commit_result commit(const std::vector<committed_offset>& advanced) = 0;
    // True: a record not delivered must stop the process (nothing else can undo it). False:
    // the open transaction is doomed, commit() aborts it and the inputs are redone.
    [[nodiscard]] virtual bool delivery_failure_is_fatal() const = 0;
    [[nodiscard]] virtual std::string failure_reason() const = 0;
};

// At-least-once: watermarks are stored in the source every `interval` and committed by
// the consumer (auto-commit, on revoke, on close).
class stored_offsets_committer final : public offset_committer {
  public:
    stored_offsets_committer(record_source& source, std::chrono::milliseconds interval)
        : source_(source), interval_(interval) {}

    [[nodiscard]] bool before_produce() override { return true; }
    [[nodiscard]] bool due(std::chrono::steady_clock::time_point now) const override {
        return now - last_ >= interval_;
    }
    [[nodiscard]] bool needs_delivered_outputs() const override { return false; }
    [[nodiscard]] commit_result commit(const std::vector<committed_offset>& advanced) override {
        last_ = std::chrono::steady_clock::now();
        if (!advanced.empty()) source_.store(advanced);
        return commit_result::done;
    }
    [[nodiscard]] bool delivery_failure_is_fatal() const override { return true; }
    [[nodiscard]] std::string failure_reason() const override { return {}; }

  private:
    record_source& source_;
    std::chrono::milliseconds interval_;
    std::chrono::steady_clock::time_point last_{};
};

}  // namespace imr::stream
