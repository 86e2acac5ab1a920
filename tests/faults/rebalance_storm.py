#!/usr/bin/env python3
"""Fault rebalance_storm: while a stream of letters is processed, a member joins or leaves the
group every few seconds (every 1-2.5 s, between one and three members; a leaving member gets SIGTERM once started), with
the eager (range) or the cooperative-sticky assignment strategy (--strategy). Nothing may be
lost; duplicates are counted (at least once) or must be zero (exactly once).

The letters arrive in CHANGES chunks, one after each membership change, so the storm spans the
stream however fast the machine classifies (a backlog produced up front was done before the
storm had begun on an idle machine).
"""

import random
import signal
import time

import faultlib
import itlib
from faultlib import Abort, FaultEnv, Suite

STRATEGIES = {"eager": "range", "cooperative-sticky": "cooperative-sticky"}
EVERY_S = (1.0, 2.5)
MAX_MEMBERS = 3
CHANGES = 8


def main(env: FaultEnv, t: Suite) -> None:
    strategy = env.args.strategy
    t.info(f"strategy {strategy}")
    flags = ["--workers", "1", "--statistics-interval-ms", "1000", "--shutdown-timeout-ms", "5000",
             "-X", f"consumer:partition.assignment.strategy={STRATEGIES[strategy]}", *faultlib.FAST_GROUP]
    seed = env.args.seed if env.args.seed is not None else random.randrange(1 << 30)
    t.info(f"seed {seed}")
    rng = random.Random(seed)
    topics = env.topics(input_partitions=6)
    letters = faultlib.letter_stream(env, env.letters)
    total = len(letters)
    chunks = [letters[i * total // (CHANGES + 1):(i + 1) * total // (CHANGES + 1)] for i in range(CHANGES + 1)]
    group = env.it.group()
    members: list[faultlib.Service] = []
    everyone: list[faultlib.Service] = []
    leaving: list[faultlib.Service] = []
    joins = leaves = 0

    def join() -> None:
        nonlocal joins
        joins += 1
        svc = env.service(f"member-{joins}", group, topics, flags)
        members.append(svc)
        everyone.append(svc)

    def leave() -> None:
        nonlocal leaves
        leaves += 1
        svc = members.pop(rng.randrange(len(members)))
        # SIGTERM before the handlers are installed would just kill it: leave once started
        svc.wait_event("pipeline_started", 15)
        svc.sample_rss()
        svc.signal(signal.SIGTERM)  # not waited for: the storm goes on while it drains
        leaving.append(svc)

    started = time.monotonic()
    faultlib.produce(env, topics.input, chunks[0])
    join()
    for chunk in chunks[1:]:
        time.sleep(rng.uniform(*EVERY_S))
        if any(not m.running() for m in members):
            raise Abort("a member exited by itself: " + itlib.summarize_events(
                [e for m in members if not m.running() for e in m.problems()]))
        if len(members) < MAX_MEMBERS and (len(members) == 1 or rng.random() < 0.5):
            join()
        else:
            leave()
        faultlib.produce(env, topics.input, chunk)
    inputs = faultlib.input_positions(env, topics.input, total)
    progress = faultlib.Progress(env, topics, inputs)
    done = progress.wait_for(total, 120, lambda: bool(members))
    elapsed = time.monotonic() - started
    t.check(done, f"every input accounted for through {joins} joins and {leaves} leaves ({elapsed:.0f}s)",
            f"{progress.covered()}/{total}")
    t.check(joins + leaves >= 6, f"the storm had {joins + leaves} membership changes", "too few for a storm")
    peak = faultlib.peak_rss_mib(everyone)
    for m in members:
        m.wait_event("pipeline_started", 15)
        m.signal(signal.SIGTERM)
    # A drain that overruns its shutdown timeout is issue 7's shutdown defect, fixed apart
    # from this suite: counted here (killed after 60 s), a non-zero exit fails.
    exits = [m.wait(60) for m in leaving + members]
    overruns = sum(1 for c in exits if c is None)
    t.check(all(c in (0, None) for c in exits), "no member that left exited non-zero", f"exits {exits}")
    if overruns:
        t.info(f"{overruns} member(s) overran the shutdown timeout (killed after 60 s)")
    progress.stop()
    problems = [e for m in everyone for e in m.problems()]
    t.check(not problems, "no error in any member's log", itlib.summarize_events(problems))
    faultlib.verify(env, t, topics, inputs, {
        "strategy": strategy, "seed": seed, "joins": joins, "leaves": leaves, "elapsed_s": round(elapsed, 1),
        "peak_rss_mib": peak, "recovery_s": None, "shutdown_overruns": overruns, "letters_per_s": round(total / elapsed, 1)})


def args(p) -> None:
    p.add_argument("--strategy", choices=sorted(STRATEGIES), default="eager")
    p.add_argument("--seed", type=int, default=None)


if __name__ == "__main__":
    faultlib.run("rebalance_storm", main, args)
