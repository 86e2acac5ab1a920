#!/usr/bin/env python3
"""Exactly-once crash loop: thousands of letters (texts, PDFs, non-letters), the service SIGKILLed
at random moments several times and restarted each time (same transactional.id, static group
membership so each restart rejoins at once). A read_committed consumer of the outputs must see
exactly one outcome or dead letter per input: none lost, none doubled. The aborted leftovers of
the killed transactions are counted from a read_uncommitted read (they must exist, or the kills
hit nothing)."""

from __future__ import annotations

import os
import random
import time

import eoslib
from eoslib import Env, Suite

LETTERS = 4000
KILLS = 5


def body(env: Env, t: Suite) -> None:
    seed = int(os.environ.get("IMR_FAULT_SEED", str(int(time.time()))))
    rng = random.Random(seed)
    t.info(f"seed {seed} (IMR_FAULT_SEED reproduces the kill moments)")
    topics = eoslib.make_topics(env)
    letters = eoslib.letters(env, LETTERS, pdf_every=16)
    # The letters arrive in a chunk before each run, so every kill lands while a stream is
    # flowing however fast the machine classifies (a backlog produced up front was all done
    # by the third kill on an idle machine).
    chunks = [letters[i * LETTERS // (KILLS + 1):(i + 1) * LETTERS // (KILLS + 1)] for i in range(KILLS + 1)]
    published = 0

    def publish_next(i: int) -> dict:
        nonlocal published
        positions = eoslib.publish(env, topics.input, chunks[i], already=published)
        published += len(chunks[i])
        return positions

    group = env.group()
    # One worker: the stream lasts long enough for every kill to land in it.
    flags = eoslib.eos_flags(env, workers=1) + ["--group-instance-id", f"{env.token}-member"]

    peak = 0.0
    kills_mid_stream = 0
    for i in range(KILLS):
        inputs = publish_next(i)
        svc = env.service(f"run{i}", group, topics.input, topics.outcomes, topics.dlq, flags)
        if not svc.wait_event("partitions_assigned", 60):
            t.check(False, f"run {i} got its partitions", eoslib.itlib.summarize_events(svc.problems()))
            return
        time.sleep(rng.uniform(0.5, 2.5))
        peak = max(peak, eoslib.peak_rss_mib(svc.pid))
        svc.proc.kill()
        svc.wait(10)
        covered = eoslib.tally(inputs, topics, env).covered()
        kills_mid_stream += covered < LETTERS
        t.info(f"SIGKILL {i + 1}: {covered} of {LETTERS} inputs committed before it")
    t.check(kills_mid_stream >= 3, "at least three kills hit the stream mid-way", f"{kills_mid_stream}")

    inputs = publish_next(KILLS)
    final = env.service("final", group, topics.input, topics.outcomes, topics.dlq, flags)
    started = time.monotonic()
    result = eoslib.wait_covered(env, inputs, topics, 150, final.running)
    recovery = time.monotonic() - started
    peak = max(peak, eoslib.peak_rss_mib(final.pid))
    code = final.stop()
    t.check(code == 0, "the last run stops cleanly on SIGTERM", f"exit {code}")
    t.check(not final.problems(), "the last run logs no error",
            eoslib.itlib.summarize_events(final.problems()))
    eoslib.check_exactly_once(t, result)
    uncommitted = eoslib.tally(inputs, topics, env, committed=False)
    eoslib.figures(inputs=LETTERS, kills=KILLS, outcomes=result.outcomes, dead_letters=result.dead_letters,
                   lost=result.lost, duplicates=result.duplicates,
                   aborted_outputs_in_log=uncommitted.outcomes + uncommitted.dead_letters
                   - result.outcomes - result.dead_letters,
                   recovery_s=round(recovery, 1), peak_rss_mib=round(peak, 1), seed=seed)


if __name__ == "__main__":
    eoslib.itlib.run_scenario("eos_crash_loop", body)
