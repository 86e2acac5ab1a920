#!/usr/bin/env python3
"""Scenario report_from_topic: `imr-stream report --brokers` reads the outcomes topic to its end
and gives the same report.json as the same outcomes read from a file, and commits nothing.

1. `imr-stream classify` turns the reference letters into outcome lines, plus an error record and
   two duplicates of the first outcome;
2. they go to a fresh 3-partition topic (kcat), in file order;
3. `imr-stream report FILE` and `imr-stream report --brokers --topic` write their reports;
4. the two report.json files are equal, and __consumer_offsets holds no more commits for the
   topic than before (no offset was committed: the reader has no consumer group).
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
import itlib  # noqa: E402
from itlib import Env, Suite  # noqa: E402


def commits_on(env: Env, topic: str) -> int:
    """Offset commits on __consumer_offsets for `topic` (0 when no group ever committed on this
    broker). Only the records' keys are read: an offset commit's key names its group, topic and
    partition. Other tests share the broker and commit their own topics meanwhile, so a count of
    all records would move without this test's reader committing anything."""
    proc = itlib.spawn(env.kcat("-C", "-t", "__consumer_offsets", "-o", "beginning", "-e", "-q",
                                "-f", "%k\n"), stdout=itlib.subprocess.PIPE, stderr=itlib.subprocess.PIPE)
    out, _ = proc.communicate(timeout=60)
    return out.count(topic.encode()) if proc.returncode == 0 else 0


def main(env: Env, t: Suite) -> None:
    letters = [str(p) for p in env.corpus_files()]
    outcomes = itlib.run_checked([env.imr_stream, "classify", "--no-progress", "--no-summary", *letters],
                                 timeout=600).decode().splitlines()
    t.check(len(outcomes) == len(letters), "one outcome line per letter")
    error = json.dumps({"schema_version": "1.0.0", "kind": "error", "source": {"file": "x"},
                        "error": {"code": "bad_pdf", "message": "cannot be opened"}})
    lines = outcomes + [error, outcomes[-1], outcomes[-1]]  # the last letter has a case number
    source = env.work_dir / "outcomes.jsonl"
    source.write_text("\n".join(lines) + "\n")

    topic = env.topic("outcomes")
    env.create_topics([(topic, 3)])
    env.produce(topic, [(f"k{i}", line.encode()) for i, line in enumerate(lines)])
    before = commits_on(env, topic)

    from_file, from_topic = env.work_dir / "from-file", env.work_dir / "from-topic"
    itlib.run_checked([env.imr_stream, "report", str(source), "--out", str(from_file)], timeout=120)
    itlib.run_checked([env.imr_stream, "report", "--brokers", env.brokers, "--topic", topic,
                       "--out", str(from_topic), "--timeout", "60"], timeout=120)
    a = json.loads((from_file / "report.json").read_text())
    b = json.loads((from_topic / "report.json").read_text())
    t.check(a["totals"]["letters"] == len(letters), "the file report counts every letter once",
            str(a["totals"]))
    t.check(a["skipped"]["error_records"] == 1 and a["skipped"]["duplicate_case_numbers"] == 2,
            "the error record and the duplicates are skipped", str(a["skipped"]))
    t.check(a == b, "report.json from the topic equals report.json from the file",
            f"totals {b['totals']} skipped {b['skipped']}")
    t.check(commits_on(env, topic) == before, "nothing was committed on the topic while reading it")

    bad = itlib.spawn([env.imr_stream, "report", "--brokers", env.brokers, "--topic", topic + ".missing",
                       "--out", str(env.work_dir / "missing"), "--timeout", "20"],
                      stdout=itlib.subprocess.PIPE, stderr=itlib.subprocess.PIPE)
    _, err = bad.communicate(timeout=60)
    t.check(bad.returncode == 1 and b"topic" in err, "a missing topic is a clear error, exit 1",
            err.decode(errors="replace")[-300:])


if __name__ == "__main__":
    itlib.run_scenario("report_from_topic", main)
