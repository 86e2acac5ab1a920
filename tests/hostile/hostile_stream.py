#!/usr/bin/env python3
"""The hostile-input suite, stream part: a few hostile files of hostile_files.py produced between
real letters to a real broker, through `imr-stream run` with two workers and a CPU budget of
1 s per document (--max-cpu-ms, also checking that the flag reaches the workers). Each hostile document
must become a dead letter with its code, every letter around it an outcome, and the service must
keep running and stop cleanly: a PDF over its budget costs one document, not a partition.

Takes the integration scenarios' arguments (tests/integration/itlib.py) plus --cache DIR.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))
import itlib  # noqa: E402
from itlib import Abort, Env, Suite  # noqa: E402

OUTCOME_TIMEOUT = 100
# hostile case -> the dead letter's imr.error.code
HOSTILE = {
    "flate_bomb_referenced_100_times": "too_complex",
    "string_literal_1gib": "too_complex",
    "envelope_deep_nesting": "bad_envelope",
    "truncated": "bad_pdf",
}


def cache_dir() -> Path:
    # itlib's parser owns the common arguments; ours is picked out of argv first.
    i = sys.argv.index("--cache")
    path = Path(sys.argv[i + 1])
    del sys.argv[i:i + 2]
    return path


def hostile_files(corpus: Path, cache: Path) -> dict[str, Path]:
    out = subprocess.run([sys.executable, str(HERE / "hostile_files.py"), str(corpus), str(cache)],
                         check=True, stdout=subprocess.PIPE).stdout
    return {c["name"]: Path(c["path"]) for c in json.loads(out) if c["name"] in HOSTILE}


def main(env: Env, t: Suite, cache: Path) -> None:
    in_topic, out_topic, dlq_topic = env.topic("in"), env.topic("out"), env.topic("dlq")
    env.create_topics([(in_topic, 2), (out_topic, 2), (dlq_topic, 1)])
    hostile = hostile_files(env.corpus, cache)
    letters = env.text_letters() + sorted((env.corpus / "dwc-2016-2017").glob("*.pdf"))[:3]
    good = iter(letters)
    good_keys = set()
    for name, path in hostile.items():
        for _ in range(2):  # letters before and after every hostile document
            letter = next(good, None)
            if letter:
                env.produce_file(in_topic, letter.name, letter)
                good_keys.add(letter.name)
        env.produce_file(in_topic, name, path)
    for letter in good:
        env.produce_file(in_topic, letter.name, letter)
        good_keys.add(letter.name)
    inputs = env.read_topic(in_topic, at_least=len(good_keys) + len(hostile))
    key_at = {(r.partition, r.offset): r.key_text for r in inputs}

    outcomes = env.tail(out_topic)
    dead = env.tail(dlq_topic)
    service = env.service("run", env.group(), in_topic, out_topic, dlq_topic, extra=["--workers", "2", "--max-cpu-ms", "1000"])

    def done() -> bool:
        have_out = {key_at.get((r.json()["source"]["partition"], r.json()["source"]["offset"]))
                    for r in outcomes.records}
        return good_keys <= have_out and set(hostile) <= {r.key_text for r in dead.records}

    started = time.monotonic()
    finished = itlib.wait_until(lambda: done() or not service.running(), OUTCOME_TIMEOUT, 0.3)
    t.info(f"after {time.monotonic() - started:.1f}s: {outcomes.count()} outcomes, {dead.count()} dead letters")
    t.check(service.running(), "the service is still running after the hostile documents",
            f"exit {service.proc.returncode}")
    t.check(finished, f"every letter has its outcome and every hostile document its dead letter "
                      f"within {OUTCOME_TIMEOUT}s")
    code = service.stop()
    t.check(code == 0, "SIGTERM: exit code 0", f"exit {code}")
    outcomes.stop()
    dead.stop()
    if outcomes.error or dead.error:
        raise Abort(f"reading the output topics failed: {outcomes.error or dead.error}")
    codes = {r.key_text: r.headers.get("imr.error.code") for r in dead.records}
    messages = {r.key_text: r.headers.get("imr.error.message", "") for r in dead.records}
    bomb = messages.get("flate_bomb_referenced_100_times", "")
    t.check("(1000 ms)" in bomb or "(5000 ms of wall-clock" in bomb,
            "the flate bomb went over the 1000 ms (or, starved, 5x that) given by --max-cpu-ms",
            messages.get("flate_bomb_referenced_100_times"))
    for name, expected in HOSTILE.items():
        t.check(codes.get(name) == expected, f"{name} is dead-lettered as {expected}",
                f"got {codes.get(name)}")
    t.check(set(codes) == set(HOSTILE), "no letter is dead-lettered",
            f"unexpected {sorted(set(codes) - set(HOSTILE))}")


if __name__ == "__main__":
    cache = cache_dir()
    itlib.run_scenario("hostile_stream", lambda env, t: main(env, t, cache))
