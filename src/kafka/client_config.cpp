#include "imr/kafka/client_config.h"

#include <optional>
#include <stdexcept>
#include <string_view>

#include "imr/observe/logger.h"

namespace imr::kafka {

namespace {

// librdkafka quotes the offending value in some messages ("Invalid value \"x\" for ...").
// Short values are only removed in their quoted form so that a value like "1" does not
// mangle the numbers of an "allowed range" text.
std::string redact_value(std::string text, const std::string& value) {
    if (value.empty()) return text;
    const auto replace_all = [&text](const std::string& needle) {
        for (std::size_t at = text.find(needle); at != std::string::npos;
             at = text.find(needle, at)) {
            text.replace(at, needle.size(), "<redacted>");
            at += 10;
        }
    };
    replace_all('"' + value + '"');
    if (value.size() >= 4) replace_all(value);
    return text;
}

// Wrong credentials or an untrusted certificate do not heal by retrying: librdkafka would
// retry for ever while the service looks merely disconnected. librdkafka's reasons name
// the mechanism and the verification error, never the secret.
std::optional<std::string_view> credentials_rejected(rd_kafka_resp_err_t code, const char* reason) {
    if (code == RD_KAFKA_RESP_ERR__AUTHENTICATION) return "SASL authentication failed";
    if (code == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED) return "SASL authentication failed";
    if (code == RD_KAFKA_RESP_ERR__SSL && reason != nullptr &&
        std::string_view(reason).find("certificate verify failed") != std::string_view::npos)
        return "TLS certificate verification failed";
    return std::nullopt;
}

}  // namespace

void set_property(rd_kafka_conf_t& conf, const std::string& name, const std::string& value) {
    char errstr[512] = {};
    if (rd_kafka_conf_set(&conf, name.c_str(), value.c_str(), errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
        throw std::invalid_argument("kafka property \"" + name +
                                    "\": " + redact_value(errstr, value));
    }
}

bool is_known_property(const std::string& name) {
    // An empty value is invalid for most properties; only UNKNOWN means the name is wrong.
    conf_ptr scratch(rd_kafka_conf_new());
    char errstr[512] = {};
    return rd_kafka_conf_set(scratch.get(), name.c_str(), "", errstr, sizeof errstr) !=
           RD_KAFKA_CONF_UNKNOWN;
}

conf_ptr make_conf(const properties& props) {
    conf_ptr conf(rd_kafka_conf_new());
    if (!conf) throw std::runtime_error("kafka: cannot allocate a configuration");
    for (const auto& [name, value] : props) set_property(*conf, name, value);
    return conf;
}

client_ptr make_client(rd_kafka_type_t type, conf_ptr conf) {
    char errstr[512] = {};
    rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof errstr);
    if (rk == nullptr) {
        throw std::runtime_error(std::string("kafka: cannot create the ") +
                                 (type == RD_KAFKA_CONSUMER ? "consumer" : "producer") + ": " +
                                 errstr);
    }
    (void)conf.release();  // owned by rk from here on
    return client_ptr(rk);
}

partition_list_ptr to_partition_list(const std::vector<stream::topic_partition>& partitions) {
    partition_list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
    for (const auto& p : partitions)
        rd_kafka_topic_partition_list_add(list.get(), p.topic.c_str(), p.partition);
    return list;
}

std::vector<stream::topic_partition> from_partition_list(
    const rd_kafka_topic_partition_list_t& list) {
    std::vector<stream::topic_partition> out;
    out.reserve(static_cast<std::size_t>(list.cnt));
    for (int i = 0; i < list.cnt; ++i)
        out.push_back({list.elems[i].topic, list.elems[i].partition});
    return out;
}

std::optional<std::string> message_key(const rd_kafka_message_t& message) {
    if (message.key == nullptr) return std::nullopt;
    return std::string(static_cast<const char*>(message.key), message.key_len);
}

stream::payload message_value(const rd_kafka_message_t& message) {
    if (message.payload == nullptr) return {};
    return std::string(static_cast<const char*>(message.payload), message.len);
}

std::vector<stream::header> message_headers(const rd_kafka_message_t& message) {
    std::vector<stream::header> out;
    rd_kafka_headers_t* headers = nullptr;  // owned by the message
    if (rd_kafka_message_headers(&message, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        headers == nullptr)
        return out;
    out.reserve(rd_kafka_header_cnt(headers));
    const char* name = nullptr;
    const void* value = nullptr;
    std::size_t size = 0;
    for (std::size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
        out.push_back({name, value != nullptr ? std::string(static_cast<const char*>(value), size)
                                              : std::string()});
    }
    return out;
}

client_events::client_events(observe::logger& log, std::string_view role,
                             statistics_callback on_statistics)
    : log_(log), role_(role), on_statistics_(std::move(on_statistics)) {}

void client_events::on_error(rd_kafka_t* rk, int err, const char* reason) {
    const auto code = static_cast<rd_kafka_resp_err_t>(err);
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
        set_fatal(rk, reason != nullptr ? reason : "");
        return;
    }
    if (const auto why = credentials_rejected(code, reason)) {
        set_fatal(rk, std::string(*why) + ": " + (reason != nullptr ? reason : ""));
        return;
    }
    // Transport and broker-down errors are retried by librdkafka itself; they are worth
    // seeing but are no reason to stop.
    log_.warn("kafka_client_error", {{"client", role_},
                                     {"error", rd_kafka_err2name(code)},
                                     {"reason", reason != nullptr ? reason : ""}});
}

void client_events::on_log(int syslog_level, const char* facility, const char* message) {
    // syslog levels: 0-3 emergency..error, 4 warning, 5-6 notice/info, 7 debug. librdkafka's
    // level-3 lines repeat what the error callback reports, so they are warnings here too.
    const observe::log_level level = syslog_level <= 4   ? observe::log_level::warn
                                     : syslog_level <= 6 ? observe::log_level::info
                                                         : observe::log_level::debug;
    if (!log_.enabled(level)) return;
    log_.log(level, "kafka_client_log",
             {{"client", role_},
              {"facility", facility != nullptr ? facility : ""},
              {"message", message != nullptr ? message : ""}});
}

void client_events::on_statistics(std::string_view json) {
    if (!on_statistics_) return;
    try {
        on_statistics_(json);
    } catch (const std::exception& e) {
        // An exception must not unwind through librdkafka's C frames.
        log_.warn("kafka_statistics_callback_failed", {{"client", role_}, {"reason", e.what()}});
    } catch (...) {
        log_.warn("kafka_statistics_callback_failed", {{"client", role_}});
    }
}

void client_events::set_fatal(rd_kafka_t* rk, std::string_view context) {
    // Every later call fails with __FATAL too; the first report is the one that explains.
    if (fatal()) return;
    char errstr[512] = {};
    const rd_kafka_resp_err_t original = rd_kafka_fatal_error(rk, errstr, sizeof errstr);
    std::string reason = original != RD_KAFKA_RESP_ERR_NO_ERROR
                             ? std::string(rd_kafka_err2name(original)) + ": " + errstr
                             : std::string(context);
    {
        std::lock_guard lock(fatal_mutex_);
        if (fatal_reason_.empty()) fatal_reason_ = reason;
    }
    fatal_.store(true, std::memory_order_release);
    log_.error("kafka_fatal_error", {{"client", role_}, {"reason", reason}});
}

std::string client_events::fatal_reason() const {
    std::lock_guard lock(fatal_mutex_);
    return fatal_reason_;
}

}  // namespace imr::kafka
