#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace imr::app {

struct publish_options {
    std::vector<std::string> inputs;      // files and directories (recursed: .txt, .pdf)
    std::string brokers;                  // default: IMR_BROKERS, else 127.0.0.1:9092
    std::string topic;                    // default: IMR_INPUT_TOPIC, else imr.determinations.raw
    std::vector<std::string> properties;  // -X [producer:]key=value, value may be @file:PATH
    size_t max_bytes = size_t{16} << 20;  // envelopes larger than this are skipped
    unsigned timeout_seconds = 60;        // for every acknowledgement once all are queued
    bool progress = true;                 // shown only when stderr is a terminal
};

void add_publish_options(CLI::App& command, publish_options& options);

// `imr-stream publish`: each document in the envelope of schemas/envelope.schema.json
// (id = file name, text or pdf_base64), key = SHA-256 of the file's bytes, produced with
// idempotence and acks=all. Returns 0 when every produced document was acknowledged, 1 when
// some were not, 2 on a usage or configuration error. Skipped files do not fail the run.
int run_publish(const publish_options& options);

}  // namespace imr::app
