#!/usr/bin/env python3
"""Scenario corpus_roundtrip: every corpus letter through Kafka gives exactly the outcome that
`imr-stream classify` gives offline.

1. every letter (seeds/*.txt, dwc-2016-2017/*.pdf) is produced with `kcat -P -k NAME FILE` to a
   fresh 3-partition input topic; reading the topic back gives each key's partition/offset;
2. one `imr-stream run` (unique group and topics) processes them;
3. exactly one outcome per input offset (matched by the JSON's source.partition/offset, since
   an outcome is keyed by the case number when the letter has one), nothing in the DLQ;
4. each outcome equals the offline one without `source` (and `document_id`); its key is the
   case number or else the input key; its headers carry imr.source.topic/partition/offset,
   imr.schema.version and content-type=application/json;
5. SIGTERM: exit 0, `service_stopped`, no error in the log.
"""

import signal
import time
from collections import defaultdict

import itlib
from itlib import Abort, Env, Suite, first_diff, sha256, strip_source

OUTCOME_TIMEOUT = 60  # seconds for all outcomes to appear once the service runs
READY_TIMEOUT = 10  # seconds for /readyz to turn 200 (statistics arrive every 5 s)


def main(env: Env, t: Suite) -> None:
    files = env.corpus_files()
    names = [f.name for f in files]
    if len(set(names)) != len(names):
        raise Abort("corpus file names are not unique")
    t.info(f"{len(files)} letters ({sum(f.suffix == '.pdf' for f in files)} PDF), topics it.{env.name}.{env.token}.*")

    in_topic, out_topic, dlq_topic = env.topic("in"), env.topic("out"), env.topic("dlq")
    env.create_topics([(in_topic, 3), (out_topic, 3), (dlq_topic, 1)])

    # offline reference first (also checks that the corpus classifies at all)
    offline = dict(zip(names, itlib.classify_offline(env, files)))
    t.check(all(o.get("kind") == "outcome" for o in offline.values()), "classify: every corpus letter is an outcome",
            ", ".join(n for n, o in offline.items() if o.get("kind") != "outcome"))

    t0 = time.monotonic()
    for f in files:
        env.produce_file(in_topic, f.name, f)
    inputs = env.read_topic(in_topic, at_least=len(files))
    t.info(f"produced {len(files)} letters in {time.monotonic() - t0:.1f}s")
    by_key = {r.key_text: r for r in inputs}
    t.check(len(inputs) == len(files) and set(by_key) == set(names), "input topic holds every letter once",
            f"{len(inputs)} records, {len(set(by_key))} distinct keys for {len(files)} files")
    bad_bytes = [f.name for f in files if f.name in by_key and by_key[f.name].value != f.read_bytes()]
    t.check(not bad_bytes, "input records are the files' exact bytes", ", ".join(bad_bytes[:5]))
    key_at = {(r.partition, r.offset): r.key_text for r in inputs}

    outcomes = env.tail(out_topic)
    dead = env.tail(dlq_topic)
    service = env.service("run", env.group(), in_topic, out_topic, dlq_topic)

    def covered() -> set:
        return {(r.json()["source"]["partition"], r.json()["source"]["offset"]) for r in outcomes.records}

    t0 = time.monotonic()
    done = itlib.wait_until(lambda: covered() >= set(key_at) or not service.running(), OUTCOME_TIMEOUT)
    t.info(f"outcomes after {time.monotonic() - t0:.1f}s: {outcomes.count()} records")
    if not service.running():
        raise Abort(f"imr-stream run exited early with {service.proc.returncode}: "
                    + itlib.summarize_events(service.problems()))
    missing = set(key_at) - covered()
    t.check(done and not missing, f"every input has an outcome within {OUTCOME_TIMEOUT}s",
            f"{len(missing)} missing, e.g. {sorted(key_at[m] for m in missing)[:5]}")
    # the health endpoints answer while it runs
    # (readiness needs the first librdkafka statistics, emitted every statistics-interval-ms = 5 s)
    t_ready = time.monotonic()
    ready = itlib.wait_until(lambda: service.http_get("/readyz")[0] == 200, READY_TIMEOUT, 0.25)
    status, why = service.http_get("/readyz")
    t.check(ready, f"/readyz answers 200 while running (within {READY_TIMEOUT}s)", f"status {status}: {why.strip()}")
    t.info(f"/readyz 200 {time.monotonic() - service.started:.1f}s after start "
           f"({time.monotonic() - t_ready:.1f}s after the last outcome)")
    status, metrics = service.http_get("/metrics")
    t.check(status == 200 and "imr_documents_classified_total" in metrics, "/metrics exposes imr_documents_classified_total",
            f"status {status}")

    time.sleep(1.0)  # a late duplicate would show up here
    code = service.stop(timeout=40)
    t.check(code == 0, "SIGTERM: exit code 0", f"exit {code}")
    t.check(service.has_event("service_stopped"), "log has service_stopped")
    problems = service.problems()
    t.check(not problems, "log has no error lines", itlib.summarize_events(problems))
    time.sleep(0.5)
    outcomes.stop()
    dead.stop()
    if outcomes.error or dead.error:
        raise Abort(f"reading outcomes failed: {outcomes.error or dead.error}")

    per_input = defaultdict(list)
    for r in outcomes.records:
        src = r.json().get("source", {})
        per_input[(src.get("partition"), src.get("offset"))].append(r)
    dupes = {k: len(v) for k, v in per_input.items() if len(v) > 1}
    strays = [k for k in per_input if k not in key_at]
    t.check(not dupes, "exactly one outcome per input (no duplicates)", f"{dupes}")
    t.check(not strays, "no outcome for an offset that was never produced", f"{strays[:5]}")
    t.check(not dead.records, "dead-letter topic is empty",
            f"{len(dead.records)} dead letters, codes {[r.headers.get('imr.error.code') for r in dead.records][:5]}")

    mismatched, bad_keys, bad_headers, bad_source = [], [], [], []
    for pos, records in sorted(per_input.items()):
        if pos not in key_at:
            continue
        name = key_at[pos]
        r = records[0]
        got = r.json()
        src = got.get("source", {})
        if src.get("topic") != in_topic or src.get("partition") != pos[0] or src.get("offset") != pos[1]:
            bad_source.append(name)
        if src.get("bytes") is not None and src.get("bytes") != len(by_key[name].value):
            bad_source.append(f"{name} (bytes {src.get('bytes')})")
        want = offline[name]
        diff = first_diff(strip_source(got), strip_source(want))
        if diff:
            mismatched.append(f"{name}: {diff}")
        expected_key = got.get("case_number") or name
        if r.key_text != expected_key:
            bad_keys.append(f"{name}: key {r.key_text!r}, want {expected_key!r}")
        h = r.headers
        want_headers = {"imr.source.topic": in_topic, "imr.source.partition": str(pos[0]),
                        "imr.source.offset": str(pos[1]), "content-type": "application/json",
                        "imr.schema.version": got.get("schema_version")}
        wrong = {k: h.get(k) for k, v in want_headers.items() if h.get(k) != v}
        if wrong or "imr.error.code" in h:
            bad_headers.append(f"{name}: {wrong or 'has imr.error.code'}")
    t.check(not bad_source, "outcome source = input topic/partition/offset/size", "; ".join(bad_source[:5]))
    t.check(not mismatched, f"outcomes equal `imr-stream classify` (without source) for all {len(key_at)} letters",
            f"{len(mismatched)} differ: " + "; ".join(mismatched[:5]))
    t.check(not bad_keys, "outcome key = case number, else the input key", "; ".join(bad_keys[:5]))
    t.check(not bad_headers, "outcome headers imr.source.*, imr.schema.version, content-type",
            "; ".join(bad_headers[:5]))
    t.info(f"{sum(1 for o in offline.values() if o.get('case_number'))} outcomes keyed by case number, "
           f"outcome digest {sha256(b''.join(r.value for r in outcomes.records))}")


if __name__ == "__main__":
    itlib.run_scenario("corpus_roundtrip", main)
