"""Helpers of the exactly-once and static-membership fault scenarios (eos_*.py,
static_membership.py). Topics, kcat, services and the scenario runner are
tests/integration/itlib.py's; this adds what the exactly-once proof needs:

  * output topics read with isolation.level=read_committed (what a downstream consumer that
    counts outcomes sees) and, for comparison, read_uncommitted (aborted records included);
  * the accounting: every input (partition, offset) must have exactly one outcome or dead
    letter, named by the output's imr.source.partition / imr.source.offset headers;
  * `# figures {...}` lines with the scenario's numbers.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration"))

import itlib  # noqa: E402
from itlib import Abort, Env, Suite  # noqa: E402,F401


def eos_flags(env: Env, instance: str = "a", workers: int = 2) -> list[str]:
    """Exactly-once flags; the transactional.id is per instance and stable across restarts."""
    return ["--exactly-once", "--transactional-id", f"{env.name}.{env.token}.{instance}",
            "--transaction-interval-ms", "200", "--workers", str(workers)]


@dataclass
class Topics:
    input: str
    outcomes: str
    dlq: str


def make_topics(env: Env, input_partitions: int = 4) -> Topics:
    t = Topics(env.topic("in"), env.topic("out"), env.topic("dlq"))
    env.create_topics([(t.input, input_partitions), (t.outcomes, 3), (t.dlq, 1)])
    return t


def letters(env: Env, count: int, pdf_every: int = 25, junk_every: int = 40) -> list[tuple[str, bytes]]:
    """Seed texts, every `pdf_every`-th a corpus PDF, every `junk_every`-th a non-letter (a dead
    letter), all with unique keys."""
    texts = [f.read_bytes() for f in env.text_letters()]
    pdfs = [f.read_bytes() for f in sorted((env.corpus / "dwc-2016-2017").glob("*.pdf"))]
    if not texts or not pdfs:
        raise Abort(f"no corpus letters under {env.corpus}")
    out = []
    for i in range(count):
        if i % junk_every == junk_every - 1:
            body = b"not a determination letter %d" % i
        elif i % pdf_every == pdf_every - 1:
            body = pdfs[(i // pdf_every) % len(pdfs)]
        else:
            body = texts[i % len(texts)]
        out.append((f"E{i:06d}", body))
    return out


def publish(env: Env, topic: str, records: list[tuple[str, bytes]], chunk: int = 2000,
            already: int = 0) -> dict:
    """Produces the records after `already` others; returns {(partition, offset): key} of
    the whole input topic."""
    for i in range(0, len(records), chunk):
        env.produce(topic, records[i:i + chunk])
    total = already + len(records)
    stored = env.read_topic(topic, at_least=total, timeout=60)
    positions = {(r.partition, r.offset): r.key_text for r in stored}
    if len(positions) != total:
        raise Abort(f"input topic holds {len(positions)} records, {total} produced")
    return positions


def read(env: Env, topic: str, committed: bool = True) -> list[itlib.Record]:
    isolation = "read_committed" if committed else "read_uncommitted"
    out = itlib.run_checked(env.kcat("-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", itlib.RECORD_FORMAT,
                                     "-X", "fetch.message.max.bytes=26214400", "-X", f"isolation.level={isolation}"),
                            timeout=90)
    return itlib.parse_records(out)


def source_position(record: itlib.Record) -> tuple[int, int] | None:
    try:
        return int(record.headers["imr.source.partition"]), int(record.headers["imr.source.offset"])
    except (KeyError, ValueError):
        return None


@dataclass
class Tally:
    inputs: int
    outcomes: int
    dead_letters: int
    lost: int
    duplicates: int
    strangers: int  # outputs naming no input of the stream

    def covered(self) -> int:
        return self.inputs - self.lost


def tally(inputs: dict, topics: Topics, env: Env, committed: bool = True) -> Tally:
    outcomes = read(env, topics.outcomes, committed)
    dead = read(env, topics.dlq, committed)
    seen: Counter = Counter(source_position(r) for r in outcomes + dead)
    strangers = sum(n for pos, n in seen.items() if pos not in inputs)
    lost = sum(1 for pos in inputs if pos not in seen)
    duplicates = sum(n - 1 for pos, n in seen.items() if pos in inputs)
    return Tally(len(inputs), len(outcomes), len(dead), lost, duplicates, strangers)


def wait_covered(env: Env, inputs: dict, topics: Topics, timeout: float, alive=lambda: True) -> Tally:
    """Waits until every input has a committed output (or the timeout, or `alive` fails)."""
    deadline = time.monotonic() + timeout
    while True:
        result = tally(inputs, topics, env)
        if result.lost == 0 or time.monotonic() >= deadline or not alive():
            return result
        time.sleep(1.0)


def check_exactly_once(t: Suite, result: Tally) -> None:
    t.check(result.lost == 0, f"nothing lost: each of {result.inputs} inputs has a committed output",
            f"{result.lost} without one")
    t.check(result.duplicates == 0, "no duplicate among committed outputs", f"{result.duplicates} duplicates")
    t.check(result.strangers == 0, "every committed output names an input", f"{result.strangers} do not")


def figures(**values) -> None:
    print("# figures " + json.dumps(values, sort_keys=True), flush=True)


def peak_rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
