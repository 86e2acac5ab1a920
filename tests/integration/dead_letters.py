#!/usr/bin/env python3
"""Scenario dead_letters: documents that cannot be classified land in the dead-letter topic with
the right imr.error.code, their ORIGINAL bytes, key and headers; good letters interleaved with
them still get their outcomes; nothing else reaches the DLQ.

Bad inputs (each produced on its own, between good letters, with an input header it.case=NAME):
  garbage       4 KiB of random bytes (not UTF-8)              -> invalid_utf8
  empty-null    a NULL value (kcat -Z)                          -> empty
  empty-zero    a zero-length value                             -> empty
  blank         only white space                                -> empty
  huge          20,000,000 bytes of plain text (> 16 MiB)       -> too_large
  truncated-pdf the first 40% of a corpus PDF                   -> bad_pdf
  not-imr       readable English text that is no IMR letter     -> not_a_determination
  bad-envelope  '{"id": "x", "text": ' (malformed JSON)          -> bad_envelope
Good inputs: the seed texts, two PDFs, and one seed wrapped in a JSON envelope.
"""

import json
import os
import time
from collections import defaultdict

import itlib
from itlib import Abort, Env, Suite, sha256

OUTCOME_TIMEOUT = 75
HUGE_BYTES = 20_000_000

NOT_IMR = (b"Minutes of the neighbourhood garden club, spring meeting.\n\n"
           b"Attendance was good. The treasurer reported that the seed fund is in order and that "
           b"the new compost bins arrive next month. Volunteers are wanted for the watering rota "
           b"during the summer holidays; please sign the sheet at the gate. Tomatoes did well last "
           b"year, the beans less so. The next meeting is on the first Tuesday of May.\n") * 4


def bad_inputs(env: Env) -> list[tuple[str, bytes | None, str, dict]]:
    """(key, value, expected code, extra kcat options)."""
    garbage = b"\xff\xfe\x00\x80" + os.urandom(4096)
    pdf = sorted((env.corpus / "dwc-2016-2017").glob("*.pdf"))[0].read_bytes()
    truncated = pdf[: int(len(pdf) * 0.4)]
    line = b"This is a line of plain text that is only here to make the document very large.\n"
    huge = (line * (HUGE_BYTES // len(line) + 1))[:HUGE_BYTES]
    return [
        ("garbage", garbage, "invalid_utf8"),
        ("empty-null", None, "empty"),
        ("empty-zero", b"", "empty"),
        ("blank", b" \n\t\r\n   \n", "empty"),
        ("huge", huge, "too_large"),
        ("truncated-pdf", truncated, "bad_pdf"),
        ("not-imr", NOT_IMR, "not_a_determination"),
        ("bad-envelope", b'{"id": "x", "text": ', "bad_envelope"),
    ]


def main(env: Env, t: Suite) -> None:
    in_topic, out_topic, dlq_topic = env.topic("in"), env.topic("out"), env.topic("dlq")
    env.create_topics([(in_topic, 3), (out_topic, 3), (dlq_topic, 2)])

    seeds = env.text_letters()
    pdfs = sorted((env.corpus / "dwc-2016-2017").glob("*.pdf"))[1:3]
    envelope = json.dumps({"id": "envelope-1", "text": seeds[0].read_text()}).encode()
    good = [(f.name, f.read_bytes()) for f in seeds + pdfs] + [("envelope-1", envelope)]
    bad = bad_inputs(env)
    expected_code = {key: code for key, _, code in bad}
    sent: dict[str, bytes | None] = {}

    t0 = time.monotonic()
    goods = iter(good)
    scratch = env.work_dir / "message.bin"
    for key, value, _code in bad:
        gk, gv = next(goods, (None, None))
        if gk:
            env.produce(in_topic, [(gk, gv)])
            sent[gk] = gv
        header = ["-H", f"it.case={key}"]
        if value is None:
            env.produce(in_topic, [(key, b"")], null_empty=True, extra=header)
        elif len(value) > 1_000_000:
            scratch.write_bytes(value)  # a whole file is one message; the delimiter scan is slow
            itlib.run_checked(env.kcat("-P", "-t", in_topic, "-k", key, "-X", "message.max.bytes=26214400",
                                       *header, str(scratch)), timeout=120)
            scratch.unlink()
        elif value == b"":
            env.produce(in_topic, [(key, b"")], extra=header)
        else:
            env.produce(in_topic, [(key, value)], extra=header)
        sent[key] = value
    for gk, gv in goods:
        env.produce(in_topic, [(gk, gv)])
        sent[gk] = gv

    inputs = env.read_topic(in_topic, at_least=len(sent))
    t.info(f"produced {len(good)} good and {len(bad)} bad documents in {time.monotonic() - t0:.1f}s")
    by_key = {r.key_text: r for r in inputs}
    t.check(len(inputs) == len(sent) and set(by_key) == set(sent), "input topic holds every document once",
            f"{len(inputs)} records, keys {sorted(by_key)}")
    wrong = [k for k, v in sent.items() if k in by_key and by_key[k].value != v]
    t.check(not wrong, "input records are exactly what was sent (NULL stays NULL)",
            "; ".join(f"{k}: {sha256(by_key[k].value)} vs {sha256(sent[k])}" for k in wrong))
    t.check(by_key.get("empty-zero") is not None and by_key["empty-zero"].value == b"",
            "the zero-length input is a zero-length (not NULL) record")
    key_at = {(r.partition, r.offset): r.key_text for r in inputs}
    good_keys = {k for k, _ in good}

    outcomes = env.tail(out_topic)
    dead = env.tail(dlq_topic)
    service = env.service("run", env.group(), in_topic, out_topic, dlq_topic)

    def done() -> bool:
        have_out = {(r.json()["source"]["partition"], r.json()["source"]["offset"]) for r in outcomes.records}
        have_dlq = {r.key_text for r in dead.records}
        return ({p for p, k in key_at.items() if k in good_keys} <= have_out and set(expected_code) <= have_dlq)

    t0 = time.monotonic()
    finished = itlib.wait_until(lambda: done() or not service.running(), OUTCOME_TIMEOUT, 0.3)
    t.info(f"after {time.monotonic() - t0:.1f}s: {outcomes.count()} outcomes, {dead.count()} dead letters")
    if not service.running():
        raise Abort(f"imr-stream run exited early with {service.proc.returncode}: "
                    + itlib.summarize_events(service.problems()))
    t.check(finished, f"all outcomes and dead letters arrive within {OUTCOME_TIMEOUT}s")
    time.sleep(1.0)
    code = service.stop()
    t.check(code == 0, "SIGTERM: exit code 0", f"exit {code}")
    problems = service.problems()
    t.check(not problems, "log has no error lines", itlib.summarize_events(problems))
    outcomes.stop()
    dead.stop()
    if outcomes.error or dead.error:
        raise Abort(f"reading the output topics failed: {outcomes.error or dead.error}")

    # outcomes: every good input once, no bad input
    out_by_pos = defaultdict(list)
    for r in outcomes.records:
        j = r.json()
        out_by_pos[(j["source"]["partition"], j["source"]["offset"])].append(j)
    out_keys = {key_at.get(p, f"?{p}") for p in out_by_pos}
    t.check(out_keys == good_keys, "every good document (text, PDF, envelope) has an outcome and no bad one has",
            f"missing {sorted(good_keys - out_keys)}, unexpected {sorted(out_keys - good_keys)}")
    t.check(all(len(v) == 1 for v in out_by_pos.values()), "one outcome per good document",
            f"{ {key_at.get(p): len(v) for p, v in out_by_pos.items() if len(v) > 1} }")
    t.check(all(j.get("kind") == "outcome" for v in out_by_pos.values() for j in v), "outcome records are kind=outcome")

    # dead letters: exactly the bad inputs, once each, original bytes/key/headers + error headers
    dlq_by_key = defaultdict(list)
    for r in dead.records:
        dlq_by_key[r.key_text].append(r)
    t.check(set(dlq_by_key) == set(expected_code), "the DLQ holds exactly the bad documents",
            f"missing {sorted(set(expected_code) - set(dlq_by_key))}, unexpected {sorted(set(dlq_by_key) - set(expected_code))}")
    t.check(all(len(v) == 1 for v in dlq_by_key.values()), "one dead letter per bad document",
            f"{ {k: len(v) for k, v in dlq_by_key.items() if len(v) > 1} }")
    for key, code_want in expected_code.items():
        if key not in dlq_by_key:
            continue
        r = dlq_by_key[key][0]
        src = by_key[key]
        h = r.headers
        t.check(h.get("imr.error.code") == code_want, f"{key}: imr.error.code = {code_want}",
                f"got {h.get('imr.error.code')!r} ({h.get('imr.error.message', '')[:120]!r})")
        t.check(bool(h.get("imr.error.message")), f"{key}: imr.error.message is present")
        if src.value is None:
            # Issue 7: a NULL input is dead-lettered with a NULL value, not a zero-length one.
            t.check(r.value is None, f"{key}: DLQ value is NULL like the NULL input",
                    "" if r.value is None else f"DLQ value is {len(r.value)} B, not NULL")
        else:
            t.check(r.value == src.value,
                    f"{key}: DLQ value is the original bytes (sha256 {sha256(src.value)}, {len(src.value)} B)",
                    f"DLQ value sha256 {sha256(r.value)}, {('NULL' if r.value is None else len(r.value))} B")
        want = {"imr.source.topic": in_topic, "imr.source.partition": str(src.partition),
                "imr.source.offset": str(src.offset), "it.case": key}
        bad_h = {k: h.get(k) for k, v in want.items() if h.get(k) != v}
        t.check(not bad_h, f"{key}: headers imr.source.* and the input's own header are kept", f"{bad_h}")


if __name__ == "__main__":
    itlib.run_scenario("dead_letters", main)
