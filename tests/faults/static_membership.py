#!/usr/bin/env python3
"""Static membership: an instance started with --group-instance-id and SIGKILLed takes its
partitions back at once when restarted, instead of waiting out session.timeout.ms (45 s by
default) for the broker to drop the dead member. The restart is measured from process start to
the assignment; the stream goes on with nothing lost."""

from __future__ import annotations

import time

import eoslib
from eoslib import Env, Suite

SESSION_TIMEOUT_S = 45  # librdkafka's default session.timeout.ms, left as is
REJOIN_BOUND_S = 15


def body(env: Env, t: Suite) -> None:
    topics = eoslib.make_topics(env, input_partitions=2)
    records = eoslib.letters(env, 200)
    inputs = eoslib.publish(env, topics.input, records[:100])
    group = env.group()
    flags = ["--group-instance-id", f"{env.token}-0", "--workers", "1"]

    first = env.service("first", group, topics.input, topics.outcomes, topics.dlq, flags)
    t.check(first.wait_event("partitions_assigned", 60), "the first run joins the group")
    eoslib.wait_covered(env, inputs, topics, 60, first.running)
    first.proc.kill()
    first.wait(10)

    started = time.monotonic()
    second = env.service("second", group, topics.input, topics.outcomes, topics.dlq, flags)
    assigned = second.wait_event("partitions_assigned", SESSION_TIMEOUT_S + 30)
    rejoin = time.monotonic() - started
    t.check(assigned and rejoin < REJOIN_BOUND_S,
            f"the restarted member has its partitions within {REJOIN_BOUND_S} s "
            f"(session.timeout.ms is {SESSION_TIMEOUT_S} s)", f"{rejoin:.1f} s")

    inputs = eoslib.publish(env, topics.input, records[100:], already=100)
    result = eoslib.wait_covered(env, inputs, topics, 60, second.running)
    code = second.stop()
    t.check(code == 0, "the restarted member stops cleanly", f"exit {code}")
    t.check(result.lost == 0, "nothing lost across the restart", f"{result.lost} lost")
    eoslib.figures(inputs=len(inputs), outcomes=result.outcomes, dead_letters=result.dead_letters,
                   lost=result.lost, duplicates=result.duplicates, rejoin_s=round(rejoin, 1),
                   session_timeout_s=SESSION_TIMEOUT_S)


if __name__ == "__main__":
    eoslib.itlib.run_scenario("static_membership", body)
