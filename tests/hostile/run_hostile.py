#!/usr/bin/env python3
"""The hostile-input suite, classify part: every file of hostile_files.py through
`imr-stream classify`, checking the answer (error code or outcome), the wall time and the peak
RSS of the process and its PDF helpers (wait4 reports the largest of a process and the
children it reaped).

usage: run_hostile.py IMR_STREAM CORPUS_DIR CACHE_DIR [CASE_NAME ...]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HARD_TIMEOUT_S = 120
HERE = Path(__file__).resolve().parent


@dataclass
class Case:
    name: str
    path: str
    expect: list[str]
    wall_s: float
    rss_mib: float
    stdin: bool
    extra_args: list[str]
    message: str | None
    warning: str | None
    file_name: str | None


def load_cases(corpus: Path, cache: Path) -> list[Case]:
    """The manifest of hostile_files.py, run apart: Linux carries a process's peak RSS over
    fork and exec, so this process must stay small for wait4's figures to be the child's."""
    out = subprocess.run([sys.executable, str(HERE / "hostile_files.py"), str(corpus), str(cache)],
                         check=True, stdout=subprocess.PIPE).stdout
    return [Case(**entry) for entry in json.loads(out)]


def run_case(binary: str, case: Case) -> tuple[list[str], float, float, bytes]:
    """Returns (problems, wall seconds, peak RSS MiB, stdout)."""
    args = [binary, "classify", "--no-summary", "--no-progress", *case.extra_args,
            "-" if case.stdin else case.path]
    with open(case.path, "rb") if case.stdin else open(os.devnull, "rb") as stdin, \
            tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        started = time.monotonic()
        proc = subprocess.Popen(args, stdin=stdin, stdout=out_file, stderr=err_file)
        killer = threading.Timer(HARD_TIMEOUT_S, proc.kill)
        killer.start()
        # wait4, not Popen.wait: its rusage is the peak RSS of the process and of the PDF
        # helpers it reaped.
        _, status, usage = os.wait4(proc.pid, 0)
        killer.cancel()
        wall = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    rss = usage.ru_maxrss / 1024.0
    problems = []
    if proc.returncode not in (0, 1):
        problems.append(f"exit status {proc.returncode}: {err.decode(errors='replace')[-300:]}")
    lines = out.splitlines()
    if len(lines) != 1:
        problems.append(f"{len(lines)} output lines, expected 1")
        return problems, wall, rss, out
    try:
        record = json.loads(lines[0].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        problems.append(f"output is not UTF-8 JSON: {e}")
        return problems, wall, rss, out
    got = record["error"]["code"] if record.get("kind") == "error" else "outcome"
    if got not in case.expect:
        problems.append(f"answered {got}, expected one of {sorted(case.expect)}"
                        + (f" ({record['error']['message']})" if got != "outcome" else ""))
    if case.message and got != "outcome" and case.message not in record["error"]["message"]:
        problems.append(f"message {record['error']['message']!r} lacks {case.message!r}")
    warnings = [w.split(":")[0] for w in record.get("warnings", [])]
    if case.warning and got == "outcome" and case.warning not in warnings:
        problems.append(f"outcome lacks the warning {case.warning} (has {sorted(set(warnings))})")
    if wall > case.wall_s:
        problems.append(f"took {wall:.1f} s, bound {case.wall_s} s")
    if rss > case.rss_mib:
        problems.append(f"peak RSS {rss:.0f} MiB, bound {case.rss_mib} MiB")
    return problems, wall, rss, out


def main() -> int:
    binary, corpus, cache = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    only = set(sys.argv[4:])
    failed = 0
    cases = [c for c in load_cases(corpus, cache) if not only or c.name in only]
    for case in cases:
        problems, wall, rss, out = run_case(binary, case)
        answer = out.decode(errors="replace")[:160].strip()
        status = "ok  " if not problems else "FAIL"
        print(f"{status} {case.name:34s} {wall:6.2f} s {rss:6.0f} MiB  {answer}", flush=True)
        for problem in problems:
            print(f"     - {problem}", flush=True)
        failed += bool(problems)
    print(f"{len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
