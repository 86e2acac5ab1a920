#!/usr/bin/env python3
"""What exactly-once costs against at-least-once, measured in the same run on the same broker
and the same letters.

  bench/stream/delivery_modes.py [-n COUNT] [--rate R] [--seconds S] [--binary PATH] [-- RUN_ARGS...]

For each mode (at-least-once, then --exactly-once with the default 250 ms transactions):
  1. throughput: COUNT text letters are waiting in a 6-partition topic; a fresh `imr-stream run`
     processes them; letters/s = COUNT / (start of the service to the moment a read_committed
     consumer has seen every output), so exactly-once pays its last commit too;
  2. latency: with the service caught up, letters are produced at R per second for S seconds;
     latency = when a read_committed consumer receives the outcome - the input's timestamp
     (the outcome's source.timestamp_ms); p50, p99 and max.

Needs a broker: IMR_KAFKA_PORT (default 39092) and IMR_KAFKA_STATE_DIR as for
scripts/kafka-local; it is started (and at the end reset) if it is not running. Uses kcat.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))

import itlib  # noqa: E402

MODES = {"at-least-once": [], "exactly-once": ["--exactly-once", "--transactional-id", "TXID"]}


class CommittedTail:
    """A read_committed `kcat -C` of a topic; records each outcome's arrival and input time."""

    def __init__(self, env: itlib.Env, topic: str):
        self.lock = threading.Lock()
        self.latencies_ms: list[float] = []
        self.count = 0
        self.proc = itlib.spawn(env.kcat("-C", "-t", topic, "-o", "beginning", "-u", "-q", "-f", "%s\n",
                                         "-X", "isolation.level=read_committed"),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        for line in self.proc.stdout:
            now_ms = time.time() * 1000
            try:
                source_ms = json.loads(line)["source"]["timestamp_ms"]
            except (ValueError, KeyError, TypeError):
                source_ms = None
            with self.lock:
                self.count += 1
                if source_ms is not None:
                    self.latencies_ms.append(now_ms - source_ms)

    def seen(self) -> int:
        with self.lock:
            return self.count

    def take_latencies(self) -> list[float]:
        with self.lock:
            out, self.latencies_ms = self.latencies_ms, []
            return out

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def measure(env: itlib.Env, mode: str, letters: list[bytes], args: argparse.Namespace) -> dict:
    tin, tout, tdlq = env.topic(f"{mode}.in"), env.topic(f"{mode}.out"), env.topic(f"{mode}.dlq")
    env.create_topics([(tin, 6), (tout, 6), (tdlq, 1)])
    env.produce(tin, [(f"k{i}", letters[i % len(letters)]) for i in range(args.n)])
    tail = CommittedTail(env, tout)
    flags = [f.replace("TXID", f"bench-{env.token}") for f in MODES[mode]]
    started = time.monotonic()
    svc = env.service(mode, env.group(mode), tin, tout, tdlq, [*flags, *args.run_args])
    if not itlib.wait_until(lambda: tail.seen() >= args.n or not svc.running(), 900, 0.05):
        raise SystemExit(f"{mode}: {tail.seen()} of {args.n} outcomes")
    backlog_s = time.monotonic() - started
    tail.take_latencies()

    # steady stream at `rate` letters/s, in batches of a tenth of a second
    batch = max(1, args.rate // 10)
    sent = 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < args.seconds:
        env.produce(tin, [(f"s{sent + i}", letters[(sent + i) % len(letters)]) for i in range(batch)])
        sent += batch
        time.sleep(max(0.0, t0 + sent / args.rate - time.monotonic()))
    itlib.wait_until(lambda: tail.seen() >= args.n + sent, 60, 0.05)
    latencies = tail.take_latencies()
    rss = 0.0
    for line in Path(f"/proc/{svc.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            rss = int(line.split()[1]) / 1024
    code = svc.stop()
    tail.stop()
    return {"mode": mode, "letters_per_s": args.n / backlog_s, "backlog_s": backlog_s, "steady_sent": sent,
            "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99),
            "max_ms": max(latencies, default=float("nan")), "peak_rss_mib": rss, "exit": code}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-n", type=int, default=20000, help="letters in the backlog (default 20000)")
    p.add_argument("--rate", type=int, default=100, help="letters/s of the steady stream (default 100)")
    p.add_argument("--seconds", type=int, default=15, help="length of the steady stream (default 15)")
    p.add_argument("--binary", default=str(next((c for c in (REPO / "build/release/src/imr-stream",
                                                              REPO / "build/ci/src/imr-stream") if c.exists()),
                                                 "imr-stream")))
    p.add_argument("run_args", nargs="*", help="after --: further `imr-stream run` arguments")
    args = p.parse_args()

    port = os.environ.setdefault("IMR_KAFKA_PORT", "39092")
    state = os.environ.setdefault("IMR_KAFKA_STATE_DIR", "/tmp/imr-bench-kafka")
    kafka_local = str(REPO / "scripts" / "kafka-local")
    started_broker = subprocess.run([kafka_local, "status"], capture_output=True).returncode != 0
    if started_broker:
        subprocess.run([kafka_local, "start"], check=True, stdout=sys.stderr)
    work = Path(f"/tmp/imr-bench-modes-{os.getpid()}")
    work.mkdir(parents=True, exist_ok=True)
    env = itlib.Env(name="modes", imr_stream=args.binary, brokers=f"127.0.0.1:{port}", kafka_local=kafka_local,
                    kafka_port=port, kafka_state_dir=state, corpus=REPO.parent / "shared" / "corpus",
                    work_dir=work, token=f"{os.getpid()}")
    letters = [f.read_bytes() for f in env.text_letters()]
    try:
        results = [measure(env, mode, letters, args) for mode in MODES]
    finally:
        itlib.cleanup_children()
        if started_broker:
            subprocess.run([kafka_local, "reset"], stdout=subprocess.DEVNULL)
    print(f"\n{args.n} text letters in the backlog; steady stream {args.rate}/s for {args.seconds} s; "
          f"{os.cpu_count()} cores; latency = input timestamp to read_committed receipt\n")
    print("| mode | backlog letters/s | p50 ms | p99 ms | max ms | peak RSS MiB | exit |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['mode']} | {r['letters_per_s']:.0f} | {r['p50_ms']:.0f} | {r['p99_ms']:.0f} | "
              f"{r['max_ms']:.0f} | {r['peak_rss_mib']:.0f} | {r['exit']} |")
    base, eos = results
    print(f"\nexactly-once throughput: {eos['letters_per_s'] / base['letters_per_s']:.0%} of at-least-once; "
          f"p50 latency +{eos['p50_ms'] - base['p50_ms']:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
