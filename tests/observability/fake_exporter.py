#!/usr/bin/env python3
"""A stand-in for `imr-stream run`'s metrics endpoint, for testing the Prometheus and Grafana
deployment without Kafka: serves /metrics (every metric of docs/metrics.md, in the Prometheus text
format, with the label sets and histogram buckets the service uses), /healthz and /readyz.

    fake_exporter.py [--address 127.0.0.1] [--port 9464] [--dead-letter-after SECONDS]
                     [--print]

Counters grow with the time since start (so rates are non-zero), gauges move a little. No dead
letter exists until --dead-letter-after seconds have passed (default: never); then the series
imr_documents_dead_lettered_total{code="not_a_determination"} appears with the value 1, as the
service creates a code's series with its first dead letter (the case the ImrStreamDeadLetters
alert has to catch without a previous sample), and grows by one every 30 seconds.

--print writes one exposition to stdout and exits (a static fixture). Standard library only.
"""

from __future__ import annotations

import argparse
import math
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# the buckets of src/observe/classification_metrics.cpp and src/observe/pipeline_metrics.cpp
CLASSIFICATION_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                          0.1, 0.25, 1]
LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]
STAGE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05,
                 0.1, 0.25, 0.5, 1, 2.5, 10]
STAGES = {"fetch": 0.002, "queue": 0.0001, "process": 0.0004, "release": 0.0001, "acknowledge": 0.002}

LAYOUTS = {"notice-2013": 0.2, "fdl-2014": 0.3, "fdl-2015": 0.5}
OUTCOMES = {"upheld": 0.85, "overturned": 0.1, "partially_overturned": 0.05}
ITEMS = {("pharmaceuticals", "upheld"): 1.2, ("pharmaceuticals", "overturned"): 0.15,
         ("rehabilitation", "upheld"): 0.6, ("rehabilitation", "overturned"): 0.1,
         ("diagnostic_testing", "upheld"): 0.4, ("dmepos", "upheld"): 0.2, ("surgery", "overturned"): 0.05,
         ("other", "upheld"): 0.05}
TOPIC = "imr.documents"
PARTITIONS = 3
DOCS_PER_SECOND = 8.0


def fmt(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def labels(**kv) -> str:
    if not kv:
        return ""
    return "{" + ",".join(f'{k}="{v}"' for k, v in kv.items()) + "}"


class Family:
    def __init__(self, name: str, mtype: str, help_: str) -> None:
        self.lines = [f"# HELP {name} {help_}", f"# TYPE {name} {mtype}"]
        self.name = name

    def add(self, value: float, suffix: str = "", **kv) -> None:
        self.lines.append(f"{self.name}{suffix}{labels(**kv)} {fmt(value)}")


def add_histogram(f: Family, count: float, buckets: list[float], cdf, **kv) -> None:
    """One series of `count` observations distributed by cdf(upper bound) -> share."""
    f.add(count, "_count", **kv)
    total = 0.0
    previous = 0.0
    for le in buckets:
        share = cdf(le)
        total += (share - previous) * count * le * 0.7
        previous = share
        f.add(math.floor(count * share), "_bucket", **kv, le=fmt(le))
    f.add(count, "_bucket", **kv, le="+Inf")
    f.add(round(total, 6), "_sum", **kv)


def histogram(name: str, help_: str, count: float, buckets: list[float], cdf) -> Family:
    f = Family(name, "histogram", help_)
    add_histogram(f, count, buckets, cdf)
    return f


def exposition(elapsed: float, dead_letter_after: float | None) -> str:
    t = max(elapsed, 0.0)
    docs = math.floor(DOCS_PER_SECOND * t) + 100
    dead = 0
    if dead_letter_after is not None and t >= dead_letter_after:
        dead = 1 + int((t - dead_letter_after) // 30)
    letters = docs - dead
    wobble = math.sin(t / 7.0)
    families = []

    f = Family("imr_build_info", "gauge", "What is running")
    f.add(1, version="0.0.0-fixture", librdkafka_version="2.0.2")
    families.append(f)

    f = Family("imr_documents_consumed_total", "counter", "Input records taken from the input topic")
    f.add(docs)
    families.append(f)
    f = Family("imr_documents_classified_total", "counter", "Documents classified into an outcome")
    f.add(letters)
    families.append(f)
    f = Family("imr_documents_dead_lettered_total", "counter", "Documents that could not be classified, by error code")
    if dead:
        f.add(dead, code="not_a_determination")
    families.append(f)

    f = Family("imr_input_bytes_total", "counter", "Bytes of input records consumed")
    f.add(docs * 14200)
    families.append(f)
    f = Family("imr_output_bytes_total", "counter", "Bytes of records acknowledged, by kind")
    f.add(letters * 2100, kind="outcome")
    f.add(dead * 380, kind="dead_letter")
    families.append(f)

    f = Family("imr_items_classified_total", "counter", "Disputed items classified, by treatment category and decision")
    for (category, decision), per_letter in ITEMS.items():
        f.add(math.floor(letters * per_letter), category=category, decision=decision)
    families.append(f)
    f = Family("imr_letters_total", "counter", "Letters classified, by outcome")
    for outcome, share in OUTCOMES.items():
        f.add(math.floor(letters * share), outcome=outcome)
    families.append(f)
    f = Family("imr_letters_by_layout_total", "counter", "Letters classified, by layout")
    for layout, share in LAYOUTS.items():
        f.add(math.floor(letters * share), layout=layout)
    families.append(f)

    families.append(histogram("imr_classification_duration_seconds", "Time to decode and classify one document",
                              docs, CLASSIFICATION_BUCKETS, lambda le: min(1.0, (le / 0.002) ** 0.5)))
    families.append(histogram("imr_end_to_end_latency_seconds",
                              "Input message timestamp to the output's delivery acknowledgement",
                              docs, LATENCY_BUCKETS, lambda le: min(1.0, (le / 2.0) ** 0.4)))
    f = Family("imr_stage_latency_seconds", "histogram", "Each stage of the end-to-end latency")
    for stage, typical in STAGES.items():
        add_histogram(f, docs, STAGE_BUCKETS, lambda le, t=typical: min(1.0, (le / (4 * t)) ** 0.5), stage=stage)
    families.append(f)

    f = Family("imr_consumer_lag_messages", "gauge", "Consumer lag per partition, from librdkafka statistics")
    for p in range(PARTITIONS):
        f.add(max(0, round(12 + 10 * wobble) + p), topic=TOPIC, partition=str(p))
    families.append(f)
    f = Family("imr_committed_offset", "gauge", "Last committed offset per partition, from librdkafka statistics")
    for p in range(PARTITIONS):
        f.add(math.floor(docs / PARTITIONS) - 5 + p, topic=TOPIC, partition=str(p))
    families.append(f)
    f = Family("imr_broker_rtt_seconds", "gauge", "Average broker round-trip time, from librdkafka statistics")
    for client in ("consumer", "producer"):
        f.add(round(0.0012 + 0.0004 * wobble, 6), client=client, broker="127.0.0.1:9092/1")
    families.append(f)

    for name, help_, value in [
        ("imr_in_flight_documents", "Documents taken and not yet acknowledged", round(6 + 4 * wobble)),
        ("imr_in_flight_bytes", "Input bytes taken and not yet acknowledged", round(60000 + 40000 * wobble)),
        ("imr_worker_queue_depth", "Documents waiting for a worker", round(2 + 2 * wobble)),
        ("imr_worker_utilization_ratio", "Busy workers / workers", round(0.6 + 0.3 * wobble, 3)),
        ("imr_paused_partitions", "Partitions paused by back-pressure", 0),
        ("imr_assigned_partitions", "Partitions this instance owns", PARTITIONS),
        ("imr_poll_loop_last_tick_timestamp_seconds", "When the poll loop last ran", round(time.time(), 3)),
    ]:
        f = Family(name, "gauge", help_)
        f.add(value)
        families.append(f)

    f = Family("imr_rebalances_total", "counter", "Partition assignments and revocations")
    f.add(1)
    families.append(f)
    f = Family("imr_produce_errors_total", "counter", "Records refused or not delivered, by kind")
    f.add(0, kind="outcome")
    f.add(0, kind="dead_letter")
    families.append(f)
    f = Family("imr_commit_errors_total", "counter", "Failed offset commits")
    f.add(0)
    families.append(f)
    for name, help_ in [
        ("imr_stale_records_dropped_total", "Records, results or delivery reports of a partition assignment "
                                            "that had ended; dropped, never committed"),
        ("imr_pattern_match_errors_total", "Pattern matching failures (RE2 DFA out of memory)"),
    ]:
        f = Family(name, "counter", help_)
        f.add(0)
        families.append(f)
    f = Family("imr_records_refused_total", "counter",
               "Records that could not be written as they were, by kind and reason")
    f.add(0, kind="outcome", reason="too_large_for_topic")
    families.append(f)
    for name, kind, help_, value in [
        ("imr_dead_letters_fitted_total", "counter", "Dead letters replaced by one that fits (value cut or dropped)", 0),
        ("imr_produce_stalls_total", "counter",
         "Times a record waited for room in the producer's queue past the bound", 0),
        ("imr_produce_blocked_seconds", "gauge", "How long the next record has been waiting for room in the producer's queue", 0),
    ]:
        f = Family(name, kind, help_)
        f.add(value)
        families.append(f)
    f = Family("imr_topic_max_message_bytes", "gauge",
               "max.message.bytes of the output topics, as the broker describes them")
    f.add(1048588, topic="imr.determinations.outcomes")
    f.add(1048588, topic="imr.determinations.dlq")
    families.append(f)

    return "\n".join(line for fam in families for line in fam.lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--address", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9464)
    ap.add_argument("--dead-letter-after", type=float, default=None, metavar="SECONDS")
    ap.add_argument("--print", action="store_true", help="print one exposition and exit")
    args = ap.parse_args()
    start = time.monotonic()

    if args.print:
        sys.stdout.write(exposition(3600.0, args.dead_letter_after))
        return 0

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path.split("?")[0] == "/metrics":
                body = exposition(time.monotonic() - start, args.dead_letter_after).encode()
                ctype = "text/plain; version=0.0.4; charset=utf-8"
            elif self.path in ("/healthz", "/readyz"):
                body, ctype = b"ok\n", "text/plain"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a) -> None:
            pass

    server = ThreadingHTTPServer((args.address, args.port), Handler)
    print(f"fake_exporter: serving http://{args.address}:{server.server_address[1]}/metrics", flush=True)
    try:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
