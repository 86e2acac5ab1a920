#!/usr/bin/env python3
"""Scenario rebalance_while_paused: a member whose partitions are paused by flow control
(in flight >= --max-in-flight) when a rebalance revokes them must consume again once it gets
partitions back.

librdkafka keeps a partition's pause flag across unassign/assign, so a member that forgets it
had paused a partition before the revocation never fetches it again: it owns partitions, reports
ready, and its lag grows forever. (Found by group_failover; this scenario makes it deterministic.)

1. a 2-partition input topic gets 60 seed letters;
2. member M1 runs with --max-in-flight 4 and producer linger.ms=5000, so that its in-flight
   window stays full (partitions paused) for ~5 s out of every ~6 s;
3. while M1 is paused, member M2 joins the group (M1's partitions are revoked while paused),
   then leaves with SIGTERM (M1 gets both partitions back); repeated up to 3 times until the
   revocation did land while M1 was paused (checked in M1's debug log);
4. M1 must keep producing outcomes: at least 4 new ones within 20 s of owning both partitions
   again (without the defect it makes ~4 per linger period).
"""

import time

import itlib
from itlib import Abort, Env, Suite

LETTERS = 60
PROGRESS_WINDOW = 20.0
FLAGS = ["--workers", "1", "--max-in-flight", "4", "--log-level", "debug", "--statistics-interval-ms", "1000",
         "-X", "producer:linger.ms=5000", "-X", "consumer:session.timeout.ms=6000"]


def flow_at_revocations(member: itlib.Service) -> list[str]:
    """For each revocation in the member's log: 'paused' or 'running', the flow state just before."""
    state, out = "running", []
    for e in member.events():
        ev = e.get("event")
        if ev == "partitions_paused":
            state = "paused"
        elif ev == "partitions_resumed":
            state = "running"
        elif ev == "partitions_revoked":
            out.append(state)
    return out


def owned(member: itlib.Service) -> int:
    counts = [e.get("owned", 0) for e in member.events() if e.get("event") in ("partitions_assigned", "partitions_revoked")]
    return counts[-1] if counts else 0


def main(env: Env, t: Suite) -> None:
    in_topic, out_topic, dlq_topic = env.topic("in"), env.topic("out"), env.topic("dlq")
    env.create_topics([(in_topic, 2), (out_topic, 1), (dlq_topic, 1)])
    seeds = env.text_letters()
    env.produce(in_topic, [(f"k{n}", seeds[n % len(seeds)].read_bytes()) for n in range(LETTERS)])
    inputs = env.read_topic(in_topic, at_least=LETTERS)
    parts = {r.partition for r in inputs}
    t.check(len(inputs) == LETTERS and parts == {0, 1}, f"{LETTERS} letters over both partitions",
            f"{len(inputs)} records in partitions {sorted(parts)}")

    outcomes = env.tail(out_topic)
    group = env.group()
    m1 = env.service("m1", group, in_topic, out_topic, dlq_topic, FLAGS)
    if not m1.wait_event("partitions_paused", 30):
        raise Abort("M1 never paused its partitions: " + itlib.summarize_events(m1.problems()))

    hit = False
    for attempt in range(1, 4):
        # join while M1 is paused: wait for a pause that started recently
        itlib.wait_until(lambda: m1.events() and [e.get("event") for e in m1.events()
                                                  if e.get("event") in ("partitions_paused", "partitions_resumed")][-1] == "partitions_paused", 15, 0.05)
        revocations = len(flow_at_revocations(m1))
        m2 = env.service(f"m2-{attempt}", group, in_topic, out_topic, dlq_topic, FLAGS)
        if not itlib.wait_until(lambda: len(flow_at_revocations(m1)) > revocations or not m1.running(), 30, 0.1):
            raise Abort("M2 joined but M1 was not revoked")
        m2.wait_event("partitions_assigned", 20)
        code = m2.stop(timeout=30)
        t.info(f"attempt {attempt}: M1 revoked while {flow_at_revocations(m1)[revocations]}; M2 exited {code}")
        if not itlib.wait_until(lambda: owned(m1) == 2 or not m1.running(), 30, 0.1):
            raise Abort(f"M1 did not get both partitions back (owns {owned(m1)})")
        if flow_at_revocations(m1)[revocations] == "paused":
            hit = True
            break
    t.check(hit, "precondition: a revocation landed while M1's partitions were paused",
            f"flow state at revocations: {flow_at_revocations(m1)}")

    before = outcomes.count()
    progressed = itlib.wait_until(lambda: outcomes.count() >= before + 4 or outcomes.count() >= LETTERS or not m1.running(),
                                  PROGRESS_WINDOW, 0.2)
    gained = outcomes.count() - before
    t.check(progressed and m1.running(),
            f"M1 consumes again after getting its partitions back (>= 4 new outcomes within {PROGRESS_WINDOW:.0f}s)",
            f"{gained} new outcomes in {PROGRESS_WINDOW:.0f}s; {outcomes.count()}/{LETTERS} done; M1 owns {owned(m1)} partitions")
    code = m1.stop(timeout=40)
    t.check(code == 0, "M1 exits 0 on SIGTERM", f"exit {code}")
    problems = m1.problems()
    t.check(not problems, "M1: no error in the log", itlib.summarize_events(problems))
    outcomes.stop()


if __name__ == "__main__":
    itlib.run_scenario("rebalance_while_paused", main)
