#!/usr/bin/env python3
"""Scenario group_failover: two members of one consumer group lose their partitions mid-stream,
one gracefully (SIGTERM) and one brutally (SIGKILL); a restarted member finishes the work.
At least once: no input may be lost; duplicates are allowed, counted and printed.

1. a 6-partition input topic gets 630 letters (the corpus 9 times, unique keys r<round>-<file>);
2. members A and B (one group, 1 worker each, small in-flight window, short session timeout
   so that the broker notices the killed member within seconds) start together;
3. once both own partitions and outcomes have appeared, A gets SIGTERM (must exit 0 after
   draining); once B has taken over A's partitions and made progress, B gets SIGKILL while
   inputs are still unprocessed;
4. member C starts in the same group and runs until every input offset has an outcome;
5. no input lost, duplicates counted, every outcome well formed, the DLQ empty; A and C exit 0
   on SIGTERM; no log line at error level in A, B or C.
"""

import signal
import time
from collections import Counter

import itlib
from itlib import Abort, Env, Suite

ROUNDS = 9
TOTAL_TIMEOUT = 80  # seconds, from the first member's start to the last outcome
# One worker and a 32-document window per member keep the stream in progress long enough for the
# failures to land mid-stream (each pause/resume of the partitions by flow control costs up to a
# second before librdkafka fetches again, so a small window makes a member slow, ~30 letters/s).
MEMBER_FLAGS = ["--workers", "1", "--max-in-flight", "32", "--poll-batch", "16",
                "--queued-min-messages", "20", "--queued-max-kbytes", "1024",
                "--shutdown-timeout-ms", "10000", "--statistics-interval-ms", "1000",
                "-X", "consumer:session.timeout.ms=6000", "-X", "consumer:heartbeat.interval.ms=500"]


def assigned_counts(member: itlib.Service) -> list[int]:
    """`owned` after each assignment/revocation the member logged."""
    return [e.get("owned", 0) for e in member.events() if e.get("event") in ("partitions_assigned", "partitions_revoked")]


def main(env: Env, t: Suite) -> None:
    in_topic, out_topic, dlq_topic = env.topic("in"), env.topic("out"), env.topic("dlq")
    env.create_topics([(in_topic, 6), (out_topic, 3), (dlq_topic, 1)])
    letters = [(f.name, f.read_bytes()) for f in env.corpus_files()]
    records = [(f"r{r}-{name}", data) for r in range(ROUNDS) for name, data in letters]
    t0 = time.monotonic()
    env.produce(in_topic, records)
    inputs = env.read_topic(in_topic, at_least=len(records))
    key_at = {(r.partition, r.offset): r.key_text for r in inputs}
    per_partition = Counter(p for p, _ in key_at)
    t.info(f"produced {len(records)} letters in {time.monotonic() - t0:.1f}s; per partition {dict(sorted(per_partition.items()))}")
    t.check(len(key_at) == len(records) and len(set(key_at.values())) == len(records),
            f"input topic holds the {len(records)} letters once each", f"{len(key_at)} records")
    total = len(key_at)

    outcomes = env.tail(out_topic)
    dead = env.tail(dlq_topic)

    def covered() -> set:
        return {(r.json()["source"]["partition"], r.json()["source"]["offset"]) for r in outcomes.records}

    group = env.group()
    start = time.monotonic()
    a = env.service("member-a", group, in_topic, out_topic, dlq_topic, MEMBER_FLAGS)
    b = env.service("member-b", group, in_topic, out_topic, dlq_topic, MEMBER_FLAGS)

    # both own partitions and work has begun
    ok = itlib.wait_until(lambda: (a.running() and b.running() and any(assigned_counts(a)) and any(assigned_counts(b))
                                   and outcomes.count() >= total // 10) or not (a.running() and b.running()), 40, 0.1)
    if not (a.running() and b.running()):
        raise Abort(f"a member exited early: A {a.proc.returncode}, B {b.proc.returncode}: "
                    + itlib.summarize_events(a.problems() + b.problems()))
    t.check(ok, "both members own partitions and outcomes appear",
            f"A owned {assigned_counts(a)}, B owned {assigned_counts(b)}, {outcomes.count()} outcomes")
    at_term = len(covered())
    t.info(f"SIGTERM A at {time.monotonic() - start:.1f}s with {at_term}/{total} inputs done "
           f"(A owned {assigned_counts(a)[-1:]}, B owned {assigned_counts(b)[-1:]})")
    a.signal(signal.SIGTERM)
    code_a = a.wait(30)
    t.check(code_a == 0, "A exits 0 after SIGTERM (drained within the shutdown timeout)", f"exit {code_a}")
    t.check(a.has_event("service_stopped"), "A logged service_stopped")

    # B takes over all six partitions and makes progress
    before = len(covered())
    took_over = itlib.wait_until(lambda: (assigned_counts(b)[-1:] == [6] and len(covered()) >= before + 10)
                                 or len(covered()) >= total or not b.running(), 30, 0.05)
    at_kill = len(covered())
    t.check(took_over and b.running() and assigned_counts(b)[-1:] == [6], "B takes over all 6 partitions after A leaves",
            f"B owned {assigned_counts(b)}, running {b.running()}")
    t.info(f"SIGKILL B at {time.monotonic() - start:.1f}s with {at_kill}/{total} inputs done")
    b.signal(signal.SIGKILL)
    b.wait(10)
    t.check(at_kill < total, "B is killed mid-stream (inputs still unprocessed)", f"{at_kill}/{total} already done")

    c = env.service("member-c", group, in_topic, out_topic, dlq_topic, MEMBER_FLAGS)
    remaining = max(5.0, TOTAL_TIMEOUT - (time.monotonic() - start))
    finished = itlib.wait_until(lambda: covered() >= set(key_at) or not c.running(), remaining, 0.2)
    t.info(f"C done at {time.monotonic() - start:.1f}s: {len(covered())}/{total} inputs have outcomes")
    if not c.running():
        raise Abort(f"member C exited early with {c.proc.returncode}: " + itlib.summarize_events(c.problems()))
    time.sleep(1.0)
    code_c = c.stop(timeout=30)
    outcomes.stop()
    dead.stop()
    if outcomes.error or dead.error:
        raise Abort(f"reading the output topics failed: {outcomes.error or dead.error}")

    have = covered()
    lost = set(key_at) - have
    t.check(finished and not lost, "no input lost: every input offset has an outcome",
            f"{len(lost)} lost, e.g. {sorted(key_at[p] for p in lost)[:5]}")
    counts = Counter((r.json()["source"]["partition"], r.json()["source"]["offset"]) for r in outcomes.records)
    duplicates = sum(n - 1 for n in counts.values())
    t.info(f"duplicates: {duplicates} ({sum(1 for n in counts.values() if n > 1)} inputs processed more than once), "
           f"{len(outcomes.records)} outcomes for {total} inputs")
    print(f"DUPLICATES={duplicates}", flush=True)
    t.check(not (set(counts) - set(key_at)), "no outcome for an offset that was never produced")
    wrong_key = [r for r in outcomes.records
                 if r.key_text != (r.json().get("case_number") or key_at.get((r.json()["source"]["partition"], r.json()["source"]["offset"])))]
    t.check(not wrong_key, "every outcome keyed by its case number or input key", f"{len(wrong_key)} wrong")
    t.check(not dead.records, "DLQ is empty", f"{len(dead.records)} dead letters")
    t.check(code_c == 0, "C exits 0 after SIGTERM", f"exit {code_c}")
    for m in (a, b, c):
        problems = m.problems()
        t.check(not problems, f"{m.label}: no error in the log", itlib.summarize_events(problems))
    # the duplicates come from B's uncommitted work (and A's in-flight at most) only
    t.check(duplicates <= total - at_term, "duplicates are bounded by the work redone after the failures",
            f"{duplicates} duplicates")


if __name__ == "__main__":
    itlib.run_scenario("group_failover", main)
