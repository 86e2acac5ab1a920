#!/usr/bin/env python3
"""Scenario graceful_restart: SIGTERM after the work is done commits everything, so a restart of
the same group reprocesses nothing.

1. 140 letters (the corpus twice) go to a fresh 3-partition input topic;
2. `imr-stream run` (group G) produces all 140 outcomes; SIGTERM: exit 0 well within
   --shutdown-timeout-ms, `service_stopped` logged;
3. an independent member of G (kcat -G, auto-commit off, auto.offset.reset=earliest) reads
   nothing: G's committed offsets are at the end of every partition;
4. a second `imr-stream run` in G, nothing published: after its assignment and ~5 s, no new
   outcome, and its imr_documents_classified_total is 0;
5. positive control: one more letter is published; the restarted service classifies exactly
   that one (so it was really consuming), then exits 0 on SIGTERM.
"""

import signal
import time

import itlib
from itlib import Abort, Env, Suite

ROUNDS = 2
SHUTDOWN_TIMEOUT_MS = 10000
QUIET_SECONDS = 5.0


def classified_total(service: itlib.Service) -> float | None:
    status, body = service.http_get("/metrics")
    if status != 200:
        return None
    total = 0.0
    for line in body.splitlines():
        if line.startswith("imr_documents_classified_total"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def main(env: Env, t: Suite) -> None:
    in_topic, out_topic, dlq_topic = env.topic("in"), env.topic("out"), env.topic("dlq")
    env.create_topics([(in_topic, 3), (out_topic, 3), (dlq_topic, 1)])
    files = env.corpus_files()
    records = [(f"r{r}-{f.name}", f.read_bytes()) for r in range(ROUNDS) for f in files]
    env.produce(in_topic, records)
    inputs = env.read_topic(in_topic, at_least=len(records))
    positions = {(r.partition, r.offset) for r in inputs}
    t.check(len(positions) == len(records), f"input topic holds the {len(records)} letters")

    outcomes = env.tail(out_topic)
    dead = env.tail(dlq_topic)

    def covered() -> set:
        return {(r.json()["source"]["partition"], r.json()["source"]["offset"]) for r in outcomes.records}

    group = env.group()
    flags = ["--shutdown-timeout-ms", str(SHUTDOWN_TIMEOUT_MS), "--statistics-interval-ms", "1000"]
    first = env.service("run-1", group, in_topic, out_topic, dlq_topic, flags)
    done = itlib.wait_until(lambda: covered() >= positions or not first.running(), 60)
    if not first.running():
        raise Abort(f"the first run exited early with {first.proc.returncode}: " + itlib.summarize_events(first.problems()))
    t.check(done, f"first run: all {len(positions)} outcomes", f"{len(covered())} inputs covered")

    t0 = time.monotonic()
    first.signal(signal.SIGTERM)
    code = first.wait(SHUTDOWN_TIMEOUT_MS / 1000 + 10)
    took = time.monotonic() - t0
    t.check(code == 0, "first run: SIGTERM exits 0", f"exit {code}")
    t.check(code is not None and took <= SHUTDOWN_TIMEOUT_MS / 1000, f"first run: exits within the shutdown timeout ({took:.2f}s)")
    t.check(first.has_event("service_stopped"), "first run: logged service_stopped")
    problems = first.problems()
    t.check(not problems, "first run: no error in the log", itlib.summarize_events(problems))
    if code is None:
        first.proc.kill()

    # an independent client of the group sees nothing left to read
    out = itlib.run_checked(env.kcat("-G", group, "-X", "enable.auto.commit=false", "-X", "auto.offset.reset=earliest",
                                     "-e", "-q", "-f", "%p %o\\n", in_topic), timeout=60)
    leftover = out.decode().split()
    t.check(not leftover, "committed offsets are at the end (kcat -G in the group reads nothing)",
            f"{len(leftover) // 2} records still uncommitted")

    count_before = outcomes.count()
    second = env.service("run-2", group, in_topic, out_topic, dlq_topic, flags)
    assigned = second.wait_event("partitions_assigned", 30)
    t.check(assigned, "second run: gets its partitions")
    time.sleep(QUIET_SECONDS)
    if not second.running():
        raise Abort(f"the second run exited early with {second.proc.returncode}: " + itlib.summarize_events(second.problems()))
    t.check(outcomes.count() == count_before, f"second run: no new outcome within {QUIET_SECONDS:.0f}s (nothing reprocessed)",
            f"{outcomes.count() - count_before} new outcomes")
    t.check(classified_total(second) == 0, "second run: imr_documents_classified_total is 0",
            f"{classified_total(second)}")

    # positive control: the second run does consume new input
    extra = files[0]
    env.produce(in_topic, [("control", extra.read_bytes())])
    got = itlib.wait_until(lambda: outcomes.count() >= count_before + 1, 30)
    time.sleep(1.0)
    t.check(got and outcomes.count() == count_before + 1, "second run: a new letter gets exactly one outcome",
            f"{outcomes.count() - count_before} new outcomes")
    code = second.stop(timeout=SHUTDOWN_TIMEOUT_MS / 1000 + 10)
    t.check(code == 0 and second.has_event("service_stopped"), "second run: SIGTERM exits 0 with service_stopped",
            f"exit {code}")
    problems = second.problems()
    t.check(not problems, "second run: no error in the log", itlib.summarize_events(problems))
    outcomes.stop()
    dead.stop()
    t.check(not dead.records, "DLQ is empty", f"{len(dead.records)} dead letters")


if __name__ == "__main__":
    itlib.run_scenario("graceful_restart", main)
