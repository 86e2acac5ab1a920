#include "imr/kafka/transactional_committer.h"

#include <stdexcept>

#include "imr/kafka/kafka_sink.h"
#include "imr/kafka/kafka_source.h"
#include "imr/observe/logger.h"

namespace imr::kafka {
namespace {

using clock = std::chrono::steady_clock;

constexpr int abort_attempt_ms = 200;

int to_timeout_ms(std::chrono::milliseconds timeout) {
    return static_cast<int>(timeout.count());
}

bool is_fencing(rd_kafka_resp_err_t code) {
    return code == RD_KAFKA_RESP_ERR__FENCED || code == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
           code == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH;
}

partition_list_ptr to_offset_list(const std::vector<stream::committed_offset>& offsets) {
    partition_list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
    for (const auto& o : offsets) {
        rd_kafka_topic_partition_list_add(list.get(), o.where.topic.c_str(), o.where.partition)
            ->offset = o.next_offset;
    }
    return list;
}

}  // namespace

transactional_committer::transactional_committer(kafka_sink& sink, kafka_source& source,
                                                 transaction_options options, observe::logger& log)
    : sink_(sink), source_(source), options_(std::move(options)), log_(log) {
    const error_ptr error(
        rd_kafka_init_transactions(sink_.native_handle(), to_timeout_ms(options_.call_timeout)));
    if (error) {
        throw std::runtime_error(std::string("kafka: cannot initialise transactions for "
                                             "transactional.id \"") +
                                 options_.transactional_id +
                                 "\": " + rd_kafka_error_string(error.get()));
    }
    log_.info("kafka_transactions_initialised",
              {{"transactional_id", options_.transactional_id},
               {"interval_ms", static_cast<int64_t>(options_.interval.count())}});
}

bool transactional_committer::before_produce() {
    if (open_) return true;
    if (!failure_.empty()) return false;
    if (const error_ptr error(rd_kafka_begin_transaction(sink_.native_handle())); error) {
        set_failure("begin", *error);
        return false;
    }
    open_ = true;
    opened_ = clock::now();
    return true;
}

stream::commit_result transactional_committer::commit(
    const std::vector<stream::committed_offset>& advanced) {
    if (!failure_.empty() || sink_.fatal()) return stream::commit_result::fatal;
    if (!open_ && advanced.empty()) return stream::commit_result::done;
    if (!before_produce()) return stream::commit_result::fatal;

    rd_kafka_t* producer = sink_.native_handle();
    if (!advanced.empty()) {
        const auto offsets = to_offset_list(advanced);
        const auto metadata = source_.group_metadata();
        const auto sent = run_step("send_offsets", [&] {
            return rd_kafka_send_offsets_to_transaction(producer, offsets.get(), metadata.get(),
                                                        to_timeout_ms(options_.call_timeout));
        });
        if (sent == step_result::abort) return abort_and_rewind();
        if (sent == step_result::fatal) return stream::commit_result::fatal;
    }
    const auto committed = run_step("commit", [&] {
        return rd_kafka_commit_transaction(producer, to_timeout_ms(options_.call_timeout));
    });
    if (committed == step_result::abort) return abort_and_rewind();
    if (committed == step_result::fatal) return stream::commit_result::fatal;
    open_ = false;
    ++committed_;
    log_.debug("kafka_transaction_committed",
               {{"partitions", static_cast<int64_t>(advanced.size())}});
    return stream::commit_result::done;
}

template <typename Call>
transactional_committer::step_result transactional_committer::run_step(std::string_view step,
                                                                       Call call) {
    const auto deadline = clock::now() + options_.call_timeout;
    while (true) {
        const error_ptr error(call());
        if (!error) return step_result::ok;
        if (rd_kafka_error_is_fatal(error.get()) != 0) {
            set_failure(step, *error);
            return step_result::fatal;
        }
        if (rd_kafka_error_txn_requires_abort(error.get()) != 0) {
            log_.warn("kafka_transaction_failed", {{"step", step},
                                                   {"error", rd_kafka_error_name(error.get())},
                                                   {"reason", rd_kafka_error_string(error.get())}});
            return step_result::abort;
        }
        // Retriable (e.g. a timeout while the coordinator moves): the same call again
        // resumes the operation, as librdkafka documents.
        if (rd_kafka_error_is_retriable(error.get()) != 0 && clock::now() < deadline) {
            log_.debug("kafka_transaction_retry",
                       {{"step", step}, {"error", rd_kafka_error_name(error.get())}});
            continue;
        }
        set_failure(step, *error);
        return step_result::fatal;
    }
}

stream::commit_result transactional_committer::abort_and_rewind() {
    rd_kafka_t* producer = sink_.native_handle();
    // The abort purges the transaction's records and waits until their (failed) delivery
    // reports are served, which only a poll on this thread does: short attempts with a
    // poll between them.
    const auto aborted = run_step("abort", [&] {
        sink_.poll(std::chrono::milliseconds{0});
        return rd_kafka_abort_transaction(producer, abort_attempt_ms);
    });
    if (aborted != step_result::ok) {
        if (failure_.empty()) failure_ = "the transaction could not be aborted";
        return stream::commit_result::fatal;
    }
    open_ = false;
    ++aborted_;
    log_.warn("kafka_transaction_aborted", {{"aborted_total", aborted_}});
    return stream::commit_result::rewind;
}

void transactional_committer::set_failure(std::string_view step, const rd_kafka_error_t& error) {
    open_ = false;
    if (!failure_.empty()) return;
    failure_ = std::string("transaction ") + std::string(step) +
               " failed: " + rd_kafka_error_name(&error) + ": " + rd_kafka_error_string(&error);
    log_.error("kafka_transaction_fatal", {{"step", step},
                                           {"error", rd_kafka_error_name(&error)},
                                           {"reason", rd_kafka_error_string(&error)},
                                           {"transactional_id", options_.transactional_id}});
}

std::string transactional_committer::failure_reason() const {
    char text[512] = {};
    const auto code = rd_kafka_fatal_error(sink_.native_handle(), text, sizeof text);
    if (is_fencing(code)) {
        return "fenced: another instance started with transactional.id \"" +
               options_.transactional_id + "\" and took over; this one stops without committing (" +
               rd_kafka_err2name(code) + ")";
    }
    if (!failure_.empty()) return failure_;
    if (code != RD_KAFKA_RESP_ERR_NO_ERROR)
        return std::string("the transactional producer hit a fatal error: ") +
               rd_kafka_err2name(code) + ": " + text;
    return "the transactional producer failed";
}

}  // namespace imr::kafka
