#!/usr/bin/env python3
"""Fault broker_outage: the broker stops (SIGTERM) for 30 s mid-stream and starts again. The
service must ride it out without a restart: /readyz reports the outage, and afterwards every
input has its outcome or dead letter. Figures: recovery time from the broker answering again
to the last input accounted for.
"""

import time

import faultlib
import itlib
from faultlib import Abort, FaultEnv, Suite

OUTAGE_S = 30


def main(env: FaultEnv, t: Suite) -> None:
    topics = env.topics(input_partitions=3)
    letters = faultlib.letter_stream(env, env.letters)
    faultlib.produce(env, topics.input, letters)
    inputs = faultlib.input_positions(env, topics.input, len(letters))
    progress = faultlib.Progress(env, topics, inputs)
    # a small window and one worker keep the stream going long enough for the outage
    svc = env.service("run", env.it.group(), topics,
                      ["--workers", "1", "--max-in-flight", "64", "--statistics-interval-ms", "1000"])
    watcher = faultlib.Watcher(svc)
    progress.wait_for(len(inputs) // 5, 90, svc.running)
    before = progress.covered()
    if before >= len(inputs):
        raise Abort("the stream finished before the outage; raise --letters")
    down_at = time.monotonic()
    env.cluster.stop_node(0)
    t.info(f"broker stopped with {before}/{len(inputs)} inputs done")
    time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - down_at)))
    t.check(svc.running(), "the service runs through the outage")
    env.cluster.start_node(0, timeout=180)
    up_at = time.monotonic()
    done = progress.wait_for(len(inputs), 180, svc.running)
    recovery = time.monotonic() - up_at
    watcher.stop()
    reasons = sorted(set(watcher.not_ready(down_at)))
    t.check(any("broker" in r for r in reasons), "/readyz reports the outage (503 broker not reachable)",
            f"503 reasons seen: {reasons}")
    t.check(done and svc.running(), f"recovers without a restart: every input accounted for {recovery:.1f}s after the broker is back")
    t.check(itlib.wait_until(lambda: svc.get("/readyz")[0] == 200, 30, 0.3), "ready again after the outage")
    peak = faultlib.peak_rss_mib([svc])
    code = svc.stop()
    t.check(code == 0, "SIGTERM: exit 0", f"exit {code}")
    progress.stop()
    faultlib.verify(env, t, topics, inputs, {"peak_rss_mib": peak, "recovery_s": round(recovery, 1),
                                            "outage_s": round(up_at - down_at, 1), "done_before_outage": before})


if __name__ == "__main__":
    faultlib.run("broker_outage", main)
