// paced_producer: offers letters to a topic at a steady rate, for latency benchmarks.
//
//   paced_producer BROKERS TOPIC RATE SECONDS FILE...
//
// Produces RATE letters per second for SECONDS seconds, cycling over the files, in ticks of
// one millisecond: at every tick it produces the letters due by then, so the offered load is
// steady, not a backlog. Each record's timestamp is the moment it was handed to the client,
// which is where the end-to-end latency starts. Prints how many were produced and acknowledged.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

struct client_deleter {
    void operator()(rd_kafka_t* rk) const noexcept { rd_kafka_destroy(rk); }
};
using client_ptr = std::unique_ptr<rd_kafka_t, client_deleter>;

std::vector<std::string> read_files(int count, char** names) {
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) {
        std::ifstream in(names[i], std::ios::binary);
        out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return out;
}

client_ptr make_producer(const char* brokers, long* acked) {
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    for (const auto& [key, value] :
         {std::pair{"bootstrap.servers", brokers}, std::pair{"linger.ms", "1"},
          std::pair{"enable.idempotence", "true"}, std::pair{"message.max.bytes", "26214400"}}) {
        if (rd_kafka_conf_set(conf, key, value, error, sizeof error) != RD_KAFKA_CONF_OK) {
            std::fprintf(stderr, "paced_producer: %s\n", error);
            std::exit(2);
        }
    }
    rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* counter) {
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) ++*static_cast<long*>(counter);
    });
    rd_kafka_conf_set_opaque(conf, acked);
    client_ptr producer(rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error));
    if (!producer) {
        std::fprintf(stderr, "paced_producer: %s\n", error);
        std::exit(2);
    }
    return producer;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: paced_producer BROKERS TOPIC RATE SECONDS FILE...\n");
        return 2;
    }
    const double rate = std::atof(argv[3]);
    const double seconds = std::atof(argv[4]);
    const std::vector<std::string> letters = read_files(argc - 5, argv + 5);
    long acked = 0;  // delivery reports, counted on this thread by rd_kafka_poll/flush
    const client_ptr producer = make_producer(argv[1], &acked);
    const long total = static_cast<long>(rate * seconds);

    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    long produced = 0;
    while (produced < total) {
        const double elapsed = std::chrono::duration<double>(clock::now() - start).count();
        const long due = std::min(total, static_cast<long>(elapsed * rate) + 1);
        for (; produced < due; ++produced) {
            const std::string& letter = letters[static_cast<size_t>(produced) % letters.size()];
            const std::string key = "k" + std::to_string(produced);
            rd_kafka_resp_err_t err;
            while ((err = rd_kafka_producev(
                        producer.get(), RD_KAFKA_V_TOPIC(argv[2]),
                        RD_KAFKA_V_KEY(key.data(), key.size()),
                        RD_KAFKA_V_VALUE(const_cast<char*>(letter.data()), letter.size()),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
                   RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                rd_kafka_poll(producer.get(), 1);
            }
            if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                std::fprintf(stderr, "paced_producer: %s\n", rd_kafka_err2str(err));
                return 1;
            }
        }
        rd_kafka_poll(producer.get(), 0);
        std::this_thread::sleep_until(start + std::chrono::microseconds(static_cast<long>(
                                                  (static_cast<double>(produced) / rate) * 1e6)));
    }
    const double took = std::chrono::duration<double>(clock::now() - start).count();
    rd_kafka_flush(producer.get(), 30000);
    std::printf("produced %ld letters in %.2f s (%.0f letters/s offered), %ld acknowledged\n",
                produced, took, static_cast<double>(produced) / took, acked);
    return acked == produced ? 0 : 1;
}
