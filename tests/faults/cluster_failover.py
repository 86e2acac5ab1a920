#!/usr/bin/env python3
"""Fault cluster_failover: a three-node KRaft cluster started by the test on loopback ports
(kafka_cluster.py, --start-cluster --nodes 3), topics with replication factor 3 and
min.insync.replicas=2. Mid-stream one node is SIGKILLed, and restarted 10 s later. Nothing may
be lost (acks=all with two in-sync replicas left); duplicates counted, none in exactly-once
mode. Figures: recovery time from the kill to the next progress.
"""

import time

import faultlib
import itlib
from faultlib import Abort, FaultEnv, Suite

DOWN_S = 10


def main(env: FaultEnv, t: Suite) -> None:
    if env.cluster.nodes != 3:
        raise Abort("needs --nodes 3")
    topics = env.topics(input_partitions=6, output_configs={"min.insync.replicas": "2"}, replication=3)
    letters = faultlib.letter_stream(env, env.letters)
    faultlib.produce(env, topics.input, letters)
    inputs = faultlib.input_positions(env, topics.input, len(letters))
    total = len(inputs)
    progress = faultlib.Progress(env, topics, inputs)
    svc = env.service("run", env.it.group(), topics,
                      ["--workers", "2", "--max-in-flight", "128", "--statistics-interval-ms", "1000"])
    progress.wait_for(total // 4, 120, svc.running)
    at_kill = progress.covered()
    if at_kill >= total:
        raise Abort("the stream finished before the kill; raise --letters")
    victim = 1
    killed_at = time.monotonic()
    env.cluster.stop_node(victim, kill=True)
    t.info(f"node {victim} SIGKILLed at {at_kill}/{total} inputs")
    progressed = progress.wait_for(at_kill + 50, 60, svc.running)
    recovery = time.monotonic() - killed_at
    t.check(progressed, f"the stream goes on with two nodes ({recovery:.1f}s to the next 50 inputs)")
    time.sleep(max(0.0, DOWN_S - (time.monotonic() - killed_at)))
    env.cluster.start_node(victim, timeout=180)
    t.info(f"node {victim} back after {time.monotonic() - killed_at:.0f}s")
    done = progress.wait_for(total, 240, svc.running)
    t.check(done and svc.running(), "every input accounted for, no restart of the service",
            f"{progress.covered()}/{total}")
    peak = faultlib.peak_rss_mib([svc])
    code = svc.stop()
    t.check(code == 0, "SIGTERM: exit 0", f"exit {code}")
    progress.stop()
    t.check(not svc.problems(), "no error in the log", itlib.summarize_events(svc.problems()))
    faultlib.verify(env, t, topics, inputs, {"peak_rss_mib": peak, "recovery_s": round(recovery, 1),
                                            "nodes": 3, "replication": 3, "min_insync": 2})


if __name__ == "__main__":
    faultlib.run("cluster_failover", main)
