#!/usr/bin/env python3
"""Fault tiny_queue: a producer queue of 64 KB (-X producer:queue.buffering.max.kbytes=64) and
a slow broker (issue 7, defect 2).

phase 1  a 132 KB non-letter among letters: its dead letter is larger than the whole queue and
         could never be queued (old code: "queue full" for ever, nothing logged, ready).
         It must be cut to fit and every input accounted for.
phase 2  mid-stream the broker is frozen (SIGSTOP) for 20 s: the queue fills, records wait past
         the stall bound (10 s), which must show in the log (produce_stalled), the metrics
         (imr_produce_stalls_total, imr_produce_blocked_seconds) and /readyz (503 "producer
         queue stalled"); the in-flight window fills and the partitions pause; memory stays
         under its budget; after SIGCONT everything is delivered and the service is ready again.
"""

import signal
import time

import faultlib
import itlib
from faultlib import Abort, FaultEnv, Suite

FREEZE_S = 20
RSS_BUDGET_MIB = 512
FLAGS = ["-X", "producer:queue.buffering.max.kbytes=64", "--max-in-flight", "64", "--workers", "2",
         "--statistics-interval-ms", "1000"]


def main(env: FaultEnv, t: Suite) -> None:
    topics = env.topics(input_partitions=3)
    letters = faultlib.letter_stream(env, env.letters)
    half = len(letters) // 2
    odd = b"Minutes of the garden club.\n" + b"Nothing to see here, only a long list of seeds. " * 2700
    first = letters[:200] + [("dl-132k", odd)] + letters[200:half]
    faultlib.produce(env, topics.input, first)
    inputs = faultlib.input_positions(env, topics.input, len(first))

    progress = faultlib.Progress(env, topics, inputs)
    svc = env.service("run", env.it.group(), topics, FLAGS)
    t0 = time.monotonic()
    done = progress.wait_for(len(first), 120, svc.running)
    t.info(f"phase 1: {progress.covered()}/{len(first)} covered after {time.monotonic() - t0:.1f}s")
    if not svc.running():
        raise Abort(f"the service exited ({svc.proc.returncode}): " + itlib.summarize_events(svc.problems()))
    t.check(done, "phase 1: a dead letter larger than the producer's queue does not stall the stream")
    dl = [r for r in progress.dead.records if r.key_text == "dl-132k"]
    t.check(bool(dl) and dl[0].headers.get("imr.fit.reason") == "too_large_for_producer_queue"
            and dl[0].headers.get("imr.original.size") == str(len(odd)),
            "phase 1: it is dead-lettered, cut to fit the queue, with its original size",
            f"{[(r.headers.get('imr.fit.reason'), r.headers.get('imr.original.size')) for r in dl]}")

    # phase 2: a frozen broker
    faultlib.produce(env, topics.input, letters[half:])
    inputs = faultlib.input_positions(env, topics.input, len(letters) + 1)
    progress.inputs = inputs
    watcher = faultlib.Watcher(svc, ["imr_paused_partitions", "imr_produce_stalls_total",
                                     "imr_produce_blocked_seconds", "imr_in_flight_documents"])
    progress.wait_for(len(first) + (len(letters) - half) // 10, 60, svc.running)
    frozen_at = time.monotonic()
    env.cluster.signal_node(0, signal.SIGSTOP)
    time.sleep(FREEZE_S)
    env.cluster.signal_node(0, signal.SIGCONT)
    thawed_at = time.monotonic()
    done = progress.wait_for(len(inputs), 120, svc.running)
    recovery = time.monotonic() - thawed_at
    ready_again = itlib.wait_until(lambda: svc.get("/readyz")[0] == 200, 30, 0.3)
    watcher.stop()
    t.check(done, f"phase 2: every input accounted for after the broker thaws ({recovery:.1f}s)")
    stalled = [w for w in watcher.not_ready(frozen_at) if "stalled" in w]
    t.check(bool(stalled), "phase 2: /readyz says 503 'producer queue stalled' during the freeze",
            f"503 reasons seen: {sorted(set(watcher.not_ready(frozen_at)))}")
    t.check(ready_again, "phase 2: ready again after the freeze")
    t.check(watcher.max_of("imr_produce_stalls_total") >= 1, "phase 2: imr_produce_stalls_total counts the stall")
    t.check(watcher.max_of("imr_produce_blocked_seconds") >= 5, "phase 2: imr_produce_blocked_seconds shows the wait",
            f"max {watcher.max_of('imr_produce_blocked_seconds')}")
    t.check(watcher.max_of("imr_paused_partitions") > 0, "phase 2: the partitions pause while the window is full")
    t.check(svc.has_event("produce_stalled") and svc.has_event("produce_resumed"),
            "phase 2: produce_stalled and produce_resumed are logged")
    peak = faultlib.peak_rss_mib([svc])
    t.check(peak < RSS_BUDGET_MIB, f"peak RSS {peak} MiB stays under {RSS_BUDGET_MIB} MiB")
    code = svc.stop()
    t.check(code == 0, "SIGTERM: exit 0", f"exit {code}")
    progress.stop()
    t.check(not svc.problems(), "no error in the log", itlib.summarize_events(svc.problems()))
    faultlib.verify(env, t, topics, inputs, {"peak_rss_mib": peak, "recovery_s": round(recovery, 1),
                                            "freeze_s": FREEZE_S,
                                            "max_in_flight_seen": watcher.max_of("imr_in_flight_documents")})


if __name__ == "__main__":
    faultlib.run("tiny_queue", main)
