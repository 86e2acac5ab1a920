#!/usr/bin/env python3
"""Scenario shutdown_budget: SIGTERM with a backlog keeps to --shutdown-timeout-ms, cancels the
queued work instead of running it, tells the truth about what it gave up, and stays live while it
drains; a second signal ends the process at once; nothing is lost either way (issue 7, defect 4).

1. a 3-partition input topic gets the corpus (texts and PDFs) several times over;
2. run-1 (one worker, --shutdown-timeout-ms 1500) gets SIGTERM while hundreds of letters are
   queued: /healthz answers 200 during the stop, the process exits within the budget (plus
   start-up slack), `pipeline_stopped` reports the cancelled work, and its exit code agrees with
   its report (0 when clean, 3 when started work was abandoned);
3. run-2 in the same group gets SIGTERM and SIGINT back to back: it exits at once with code 4,
   without the graceful stop (no `pipeline_stopped`);
4. run-3 in the same group finishes the backlog: every input has an outcome (nothing lost;
   duplicates are counted and printed).
"""

import collections
import signal
import time

import itlib
from itlib import Abort, Env, Suite

ROUNDS = 4
BUDGET_MS = 1500
SLACK_S = 2.0  # process teardown (HTTP server, librdkafka handles) on a loaded 2-core machine


def main(env: Env, t: Suite) -> None:
    in_topic, out_topic, dlq_topic, positions = itlib.corpus_backlog(env, t, ROUNDS)

    outcomes = env.tail(out_topic)
    dead = env.tail(dlq_topic)

    def covered() -> collections.Counter:
        return collections.Counter((r.json()["source"]["partition"], r.json()["source"]["offset"])
                                   for r in outcomes.records)

    group = env.group()
    # A short session: run-2 ends without leaving the group, and run-3 must not wait 45 s for it.
    base = ["--statistics-interval-ms", "1000", "-X", "consumer:session.timeout.ms=6000"]

    # 2. graceful stop with a backlog
    first = env.service("run-1", group, in_topic, out_topic, dlq_topic,
                        base + ["--workers", "1", "--shutdown-timeout-ms", str(BUDGET_MS)])
    if not itlib.wait_until(lambda: outcomes.count() >= 10 or not first.running(), 60) or not first.running():
        raise Abort(f"run-1 produced nothing or exited early ({first.proc.returncode}): "
                    + itlib.summarize_events(first.problems()))
    t0 = time.monotonic()
    first.signal(signal.SIGTERM)
    live, _ = first.http_get("/healthz", timeout=1)
    code = first.wait(BUDGET_MS / 1000 + SLACK_S + 10)
    took = time.monotonic() - t0
    t.info(f"run-1: SIGTERM to exit {took:.2f}s, exit {code}, {outcomes.count()} outcomes so far")
    t.check(live in (200, 0), "run-1: /healthz is not failing while it stops", f"HTTP {live}")
    t.check(code is not None and took <= BUDGET_MS / 1000 + SLACK_S,
            f"run-1: exits within the shutdown budget ({took:.2f}s for {BUDGET_MS} ms)")
    stopped = [e for e in first.events() if e.get("event") == "pipeline_stopped"]
    t.check(len(stopped) == 1, "run-1: pipeline_stopped logged once")
    if stopped:
        report = stopped[0]
        t.info(f"run-1: pipeline_stopped {report}")
        t.check(report.get("cancelled", 0) > 0, "run-1: queued work was cancelled, not run",
                f"cancelled {report.get('cancelled')}")
        abandoned = report.get("abandoned_in_flight", -1)
        t.check(report.get("clean") == (abandoned == 0), "run-1: clean is false exactly when work was abandoned",
                f"{report}")
        t.check(code == (0 if abandoned == 0 else 3), "run-1: the exit code agrees with the report",
                f"exit {code}, abandoned {abandoned}")
    if code is None:
        first.proc.kill()

    # 3. a second signal during the stop
    before = outcomes.count()
    second = env.service("run-2", group, in_topic, out_topic, dlq_topic,
                         base + ["--workers", "1", "--shutdown-timeout-ms", "30000"])
    if not itlib.wait_until(lambda: outcomes.count() >= before + 10 or not second.running(), 60) or \
            not second.running():
        raise Abort(f"run-2 produced nothing or exited early ({second.proc.returncode}): "
                    + itlib.summarize_events(second.problems()))
    t0 = time.monotonic()
    second.signal(signal.SIGTERM)
    second.signal(signal.SIGINT)
    code = second.wait(10)
    took = time.monotonic() - t0
    t.info(f"run-2: two signals to exit {took:.2f}s, exit {code}")
    t.check(code == 4, "run-2: a second signal exits with code 4", f"exit {code}")
    t.check(code is not None and took < 1.5, f"run-2: exits at once ({took:.2f}s)")
    t.check(not second.has_event("pipeline_stopped"), "run-2: no graceful stop after the second signal")
    if code is None:
        second.proc.kill()

    # 4. the rest of the backlog, nothing lost
    third = env.service("run-3", group, in_topic, out_topic, dlq_topic, base + ["--workers", "2"])
    done = itlib.wait_until(lambda: set(covered()) >= positions or not third.running(), 90)
    if not third.running():
        raise Abort(f"run-3 exited early with {third.proc.returncode}: " + itlib.summarize_events(third.problems()))
    code = third.stop(timeout=30)
    counts = covered()
    lost = positions - set(counts)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    t.info(f"inputs {len(positions)}, outcomes {sum(counts.values())}, dead letters {len(dead.records)}, "
           f"lost {len(lost)}, duplicates {duplicates}")
    t.check(done and not lost, "every input has an outcome (nothing lost)", f"{len(lost)} lost")
    outcomes.stop()
    dead.stop()
    t.check(not dead.records, "DLQ is empty", f"{len(dead.records)} dead letters")
    t.check(code == 0, "run-3: SIGTERM after the backlog exits 0", f"exit {code}")
    t.check(not first.problems() + third.problems(), "no error in the logs",
            itlib.summarize_events(first.problems() + third.problems()))


if __name__ == "__main__":
    itlib.run_scenario("shutdown_budget", main)
