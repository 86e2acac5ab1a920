#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "imr/kafka/client_config.h"
#include "imr/stream/offset_committer.h"

namespace imr::observe {
class logger;
}

namespace imr::kafka {

class kafka_sink;
class kafka_source;

struct transaction_options {
    std::string transactional_id;
    // How long a transaction stays open before it is committed; 0 commits at every tick of
    // the pipeline that produced something (a transaction per poll batch).
    std::chrono::milliseconds interval{250};
    // Bound of each blocking transactional call (init, send offsets, commit, abort).
    std::chrono::milliseconds call_timeout{30000};
};

// Exactly-once consume-transform-produce (librdkafka examples/transactions.c, KIP-447):
// the outputs of an interval are produced inside one transaction of the sink's
// transactional producer, and the inputs' watermarks are committed in that transaction
// with the consumer's group metadata. A read_committed reader downstream sees either all
// of a transaction's outputs with their offsets committed, or none of them.
//
// Errors: a retriable one is retried within `call_timeout`; an abortable one aborts the
// transaction and asks the pipeline to rewind to the committed offsets; a fatal one
// (fencing by a newer producer with the same transactional.id included) stops the
// process. Driver thread only, like the sink and the source it uses, which must outlive it.
class transactional_committer final : public stream::offset_committer {
  public:
    // Initialises transactions: fences any older producer with the same transactional.id
    // and completes or aborts its open transaction. Throws std::runtime_error when that
    // fails (the broker cannot be reached within the call timeout).
    transactional_committer(kafka_sink& sink, kafka_source& source, transaction_options options,
                            observe::logger& log);

    [[nodiscard]] bool before_produce() override;
    [[nodiscard]] bool due(std::chrono::steady_clock::time_point now) const override {
        return open_ && now - opened_ >= options_.interval;
    }
    [[nodiscard]] bool needs_delivered_outputs() const override { return true; }
    [[nodiscard]] stream::commit_result commit(
        const std::vector<stream::committed_offset>& advanced) override;
    [[nodiscard]] bool delivery_failure_is_fatal() const override { return false; }
    // Why the process must stop; names fencing plainly when that is the cause.
    [[nodiscard]] std::string failure_reason() const override;

    [[nodiscard]] uint64_t committed_transactions() const noexcept { return committed_; }
    [[nodiscard]] uint64_t aborted_transactions() const noexcept { return aborted_; }

  private:
    enum class step_result { ok, abort, fatal };
    // Runs one transactional call, retrying retriable errors until the call timeout.
    template <typename Call>
    step_result run_step(std::string_view step, Call call);
    stream::commit_result abort_and_rewind();
    void set_failure(std::string_view step, const rd_kafka_error_t& error);

    kafka_sink& sink_;
    kafka_source& source_;
    transaction_options options_;
    observe::logger& log_;
    bool open_ = false;
    std::chrono::steady_clock::time_point opened_{};
    std::string failure_;
    uint64_t committed_ = 0;
    uint64_t aborted_ = 0;
};

}  // namespace imr::kafka
