#!/usr/bin/env python3
"""Exactly-once abort and rewind: once the service runs (and has described the outcomes topic's
limit), the topic's max.message.bytes is lowered to 64 KiB, and two inputs among a few hundred
letters are envelopes whose outcome is larger (a 200 KB id). The service's up-front size check
still knows the old limit, so the broker refuses such an outcome inside a transaction, which makes
the transaction abortable: the service aborts it, rewinds its consumer to the committed offsets,
re-reads the topic's limit, redoes the inputs, and this time writes the refused input as a dead
letter `outcome_rejected`. A read_committed reader sees exactly one
output per input; a read_uncommitted one also sees the aborted attempt."""

from __future__ import annotations

import base64
import json
import random

import eoslib
import kafka_cluster
from eoslib import Env, Suite

LETTERS = 400
SPLIT = 120  # letters published before the topic's limit is lowered
BIG = (200, 290)  # indices of the oversized envelopes, well into a busy transaction
TOPIC_LIMIT = 65536


def body(env: Env, t: Suite) -> None:
    topics = eoslib.Topics(env.topic("in"), env.topic("out"), env.topic("dlq"))
    env.create_topics([(topics.input, 2), (topics.outcomes, 2), (topics.dlq, 1)])

    records = eoslib.letters(env, LETTERS, pdf_every=LETTERS + 1)
    text = env.text_letters()[0].read_text()
    for i in BIG:
        # random characters: the producer's lz4 must not shrink the outcome under the limit
        big_id = base64.b64encode(random.randbytes(150_000)).decode()
        records[i] = (records[i][0], json.dumps({"id": big_id, "text": text}).encode())
    first = records[:SPLIT]
    inputs = eoslib.publish(env, topics.input, first)

    # batch.size below the topic limit: a batch of ordinary outcomes always fits, so only the
    # oversized record itself is refused.
    flags = eoslib.eos_flags(env) + ["-X", "producer:batch.size=32768"]
    svc = env.service("svc", env.group(), topics.input, topics.outcomes, topics.dlq, flags)
    eoslib.wait_covered(env, inputs, topics, 90, svc.running)
    kafka_cluster.alter_topic(env.brokers, topics.outcomes, {"max.message.bytes": str(TOPIC_LIMIT)})
    inputs = eoslib.publish(env, topics.input, records[SPLIT:], already=len(first))
    big_keys = {records[i][0] for i in BIG}
    result = eoslib.wait_covered(env, inputs, topics, 90, svc.running)
    code = svc.stop()
    t.check(code == 0, "the service keeps running and stops cleanly", f"exit {code}")
    events = svc.events()
    aborts = sum(e.get("event") == "kafka_transaction_aborted" for e in events)
    rewinds = sum(e.get("event") == "pipeline_rewound" for e in events)
    t.check(aborts >= 1, "the refused outcome aborted a transaction", f"{aborts} aborts")
    t.check(rewinds == aborts, "each abort rewound the consumer", f"{aborts} aborts, {rewinds} rewinds")
    eoslib.check_exactly_once(t, result)

    dead = eoslib.read(env, topics.dlq)
    codes = {r.key_text: r.headers.get("imr.error.code") for r in dead}
    t.check(all(codes.get(k) == "outcome_rejected" for k in big_keys),
            "each oversized outcome became one dead letter outcome_rejected",
            str({k: codes.get(k) for k in big_keys}))
    uncommitted = eoslib.tally(inputs, topics, env, committed=False)
    aborted = uncommitted.outcomes + uncommitted.dead_letters - result.outcomes - result.dead_letters
    t.check(aborted > 0, "the aborted attempt's outputs are in the log, hidden from read_committed",
            f"{aborted}")
    eoslib.figures(inputs=LETTERS, outcomes=result.outcomes, dead_letters=result.dead_letters,
                   lost=result.lost, duplicates=result.duplicates, aborts=aborts,
                   aborted_outputs_in_log=aborted)


if __name__ == "__main__":
    eoslib.itlib.run_scenario("eos_abort_rewind", body)
