#!/usr/bin/env python3
"""Exactly-once fencing: a second instance started with the same transactional.id (a zombie's
replacement, or a misconfiguration) fences the first. The first learns it at its next
transactional step (here: the next letters that reach its partitions) and must stop with exit
code 1 and a message naming the fencing; the second finishes the stream, and a read_committed
reader sees exactly one output per input."""

from __future__ import annotations

import time

import eoslib
from eoslib import Env, Suite

LETTERS = 600


def body(env: Env, t: Suite) -> None:
    topics = eoslib.make_topics(env)
    records = eoslib.letters(env, LETTERS)
    half = LETTERS // 2
    inputs = eoslib.publish(env, topics.input, records[:half])
    group = env.group()
    flags = eoslib.eos_flags(env, instance="shared")
    first = env.service("first", group, topics.input, topics.outcomes, topics.dlq, flags)
    done = eoslib.wait_covered(env, inputs, topics, 60, first.running)
    t.check(done.lost == 0, "the first instance commits the first half")

    second = env.service("second", group, topics.input, topics.outcomes, topics.dlq, flags)
    t.check(second.wait_event("partitions_assigned", 60), "the second instance joins the group")
    t.check(first.running(), "the first instance is still running (it has not produced since)")

    inputs = eoslib.publish(env, topics.input, records[half:], already=half)
    started = time.monotonic()
    code = first.wait(60)
    stopped_after = time.monotonic() - started
    t.check(code == 1, "the fenced instance exits with code 1 once it meets new input", f"exit {code}")
    failed = [e for e in first.events() if e.get("event") == "service_failed"]
    reason = failed[0].get("reason", "") if failed else ""
    t.info(f"service_failed reason: {reason}")
    t.check("fenced" in reason and "transactional.id" in reason,
            "its service_failed line says it was fenced by another instance", reason or "no service_failed line")

    result = eoslib.wait_covered(env, inputs, topics, 90, second.running)
    code = second.stop()
    t.check(code == 0, "the instance that took over finishes and stops cleanly", f"exit {code}")
    eoslib.check_exactly_once(t, result)
    eoslib.figures(inputs=LETTERS, outcomes=result.outcomes, dead_letters=result.dead_letters,
                   lost=result.lost, duplicates=result.duplicates, fenced_stop_s=round(stopped_after, 1))


if __name__ == "__main__":
    eoslib.itlib.run_scenario("eos_fencing", body)
