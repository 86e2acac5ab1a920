#!/usr/bin/env python3
"""Fault refused_records: the outcomes and dead-letter topics have Kafka's default 1 MB
max.message.bytes and the stream carries records they cannot take. The service must keep
running and account for every input (issue 7, defect 1):

  huge-id      an envelope whose `id` is 5 MB (random text): its outcome is > 1 MB, so it is
               refused and the input becomes an `outcome_rejected` dead letter, itself too
               large and so cut to fit, with imr.original.size / imr.original.sha256
  big-nonimr   2 MB of text that is no IMR letter: its dead letter is cut to fit
  (phase 2)    the DLQ topic's limit is lowered to 300,000 bytes while the service runs;
               an 800 KB non-letter is then refused by the broker itself (the service still
               believes 1 MB): replaced by a value-less dead letter; the new limit is described
               again and the next 800 KB non-letter is cut to fit up front.
Letters stream before, between and after them. Old code: MSG_SIZE_TOO_LARGE -> exit 1.
"""

import base64
import hashlib
import json
import os
import time

import faultlib
import itlib
from faultlib import Abort, FaultEnv, Suite

ONE_MB = 1048588  # Kafka's default max.message.bytes


def random_text(size: int) -> bytes:
    """Printable, valid UTF-8, and incompressible enough that lz4 cannot rescue it."""
    return base64.b64encode(os.urandom(size * 3 // 4 + 3))[:size]


def not_imr(size: int) -> bytes:
    return b"Minutes of the garden club.\n" + random_text(size - 28)


def check_fitted(t: Suite, name: str, rec, original: bytes, code: str, limit: int) -> None:
    h = rec.headers
    t.check(h.get("imr.error.code") == code, f"{name}: dead letter code {code}", f"got {h.get('imr.error.code')!r}")
    t.check(h.get("imr.original.size") == str(len(original)), f"{name}: imr.original.size is the original size",
            f"{h.get('imr.original.size')!r} vs {len(original)}")
    t.check(h.get("imr.original.sha256") == hashlib.sha256(original).hexdigest(),
            f"{name}: imr.original.sha256 is the original's")
    t.check(bool(h.get("imr.fit.reason")), f"{name}: imr.fit.reason says why ({h.get('imr.fit.reason')})")
    v = rec.value or b""
    t.check(len(v) < limit and original.startswith(v), f"{name}: the value is a prefix of the original that fits",
            f"{len(v)} B")


def main(env: FaultEnv, t: Suite) -> None:
    topics = env.topics(input_partitions=3, output_configs={"max.message.bytes": str(ONE_MB)})
    letters = faultlib.letter_stream(env, env.letters)
    seed = env.it.text_letters()[0].read_text()
    huge_id = json.dumps({"id": random_text(5_000_000).decode(), "text": seed}).encode()
    big = not_imr(2_000_000)
    half = len(letters) // 2
    faultlib.produce(env, topics.input, letters[:half])
    env.it.produce(topics.input, [("huge-id", huge_id)])
    env.it.produce(topics.input, [("big-nonimr", big)])
    faultlib.produce(env, topics.input, letters[half:])
    expected = len(letters) + 2
    inputs = faultlib.input_positions(env, topics.input, expected)
    by_key = {k: p for p, k in inputs.items()}

    progress = faultlib.Progress(env, topics, inputs)
    svc = env.service("run", env.it.group(), topics, ["--workers", "2", "--statistics-interval-ms", "1000"])
    t0 = time.monotonic()
    done = progress.wait_for(expected, 120, svc.running)
    t.info(f"phase 1: {progress.covered()}/{expected} inputs covered after {time.monotonic() - t0:.1f}s")
    if not svc.running():
        raise Abort(f"the service exited ({svc.proc.returncode}): " + itlib.summarize_events(svc.problems()))
    t.check(done, "phase 1: every input gets an outcome or a dead letter and the service keeps running")
    t.check(svc.metric("imr_topic_max_message_bytes") >= ONE_MB,
            "the topics' max.message.bytes are described (imr_topic_max_message_bytes)")
    t.check(svc.metric("imr_records_refused_total", 'kind="outcome"') >= 1, "the refused outcome is counted")
    t.check(svc.metric("imr_dead_letters_fitted_total") >= 2, "the fitted dead letters are counted")

    # phase 2: the limit shrinks under the service's feet
    env.cluster.alter_topic(topics.dlq, {"max.message.bytes": "300000"})
    late1, late2 = not_imr(800_000), not_imr(800_000)
    env.it.produce(topics.input, [("late-1", late1)])
    expected += 1
    t.check(svc.wait_event("topic_limit", 5), "the service logs the topics' limits")
    ok = itlib.wait_until(lambda: sum(1 for r in progress.dead.records if r.key_text == "late-1") >= 1
                          or not svc.running(), 60, 0.3)
    t.check(ok and svc.running(), "phase 2: a dead letter the broker refuses is replaced, the service runs on")
    itlib.wait_until(lambda: any(e.get("event") == "topic_limit" and e.get("max_message_bytes") == 300000
                                 for e in svc.events()), 30, 0.5)
    env.it.produce(topics.input, [("late-2", late2)])
    expected += 1
    inputs = faultlib.input_positions(env, topics.input, expected)
    progress.inputs = inputs
    t.check(progress.wait_for(expected, 60, svc.running), "phase 2: every input accounted for")
    time.sleep(1)
    peak = faultlib.peak_rss_mib([svc])
    code = svc.stop()
    t.check(code == 0, "SIGTERM: exit 0 (the service never stopped on a refused record)", f"exit {code}")
    progress.stop()
    problems = svc.problems()
    t.check(not problems, "no error in the log", itlib.summarize_events(problems))

    acc = faultlib.verify(env, t, topics, inputs, {"peak_rss_mib": peak, "recovery_s": 0})
    dead = {r.key_text: r for r in env.read(topics.dlq)}
    outcomes_keys = {r.key_text for r in env.read(topics.outcomes)}
    by_key = {k: p for p, k in inputs.items()}
    if "huge-id" in dead:
        check_fitted(t, "huge-id", dead["huge-id"], huge_id, "outcome_rejected", ONE_MB)
    else:
        t.check(False, "huge-id has a dead letter", f"outcomes have it: {'huge-id' in outcomes_keys}")
    if "big-nonimr" in dead:
        check_fitted(t, "big-nonimr", dead["big-nonimr"], big, "not_a_determination", ONE_MB)
    else:
        t.check(False, "big-nonimr has a dead letter")
    if "late-1" in dead:
        r = dead["late-1"]
        t.check(r.headers.get("imr.fit.reason") == "MSG_SIZE_TOO_LARGE" and not r.value,
                "late-1: refused by the broker, replaced by a value-less dead letter",
                f"reason {r.headers.get('imr.fit.reason')!r}, {len(r.value or b'')} B")
        t.check(r.headers.get("imr.original.sha256") == hashlib.sha256(late1).hexdigest(),
                "late-1: imr.original.sha256 is the original's")
    else:
        t.check(False, "late-1 has a dead letter")
    if "late-2" in dead:
        check_fitted(t, "late-2", dead["late-2"], late2, "not_a_determination", 300000)
    else:
        t.check(False, "late-2 has a dead letter")
    t.check(acc.lost == 0 and by_key.keys() >= {"huge-id", "big-nonimr", "late-1", "late-2"},
            "every oversized input is accounted for")


if __name__ == "__main__":
    faultlib.run("refused_records", main)
