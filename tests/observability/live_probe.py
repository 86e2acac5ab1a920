#!/usr/bin/env python3
"""HTTP and metric probes of a running `imr-stream run`, for live_service.sh and
health_lifecycle.sh (Python 3 standard library only).

    live_probe.py get URL                                   "STATUS REASON" (000: no answer)
    live_probe.py wait URL STATUS TIMEOUT                   poll until URL answers STATUS
    live_probe.py stays URL STATUS SECONDS                  URL answers STATUS the whole time
    live_probe.py metric URL AGG NAME [LABEL=VALUE ...]     sum|count|min|max of the series
    live_probe.py wait-metric URL AGG NAME OP VALUE TIMEOUT [LABEL=VALUE ...]
                                                            poll until AGG(NAME) OP VALUE
    live_probe.py ready-start URL METRICS_URL TIMEOUT       from a fresh start: first answer of
                                                            /readyz, time to 200, state at 200
    live_probe.py shutdown PID READY_URL TIMEOUT            SIGTERM PID, watch /readyz until exit
    live_probe.py catalogue URL DOCS_METRICS_MD             exposed metric names and labels vs
                                                            docs/metrics.md
    live_probe.py topic-count BROKERS TOPIC                 records in a topic (kcat, no payload)
    live_probe.py save URL FILE                             one scrape of /metrics into FILE
    live_probe.py prom-wait PROM_URL EXPR OP N TIMEOUT      until a Prometheus query's series count OP N

URL is the full address (http://127.0.0.1:PORT/readyz, .../metrics). Every command prints one
line (the /healthz and /readyz bodies are short reasons, never letter text) and exits 0 when its
condition holds, 1 when not, 2 on bad usage. OP is one of == != >= > <= <. AGG over no series:
`sum` and `count` are 0, `min`/`max` are absent (the condition is false).
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

POLL = 0.05
READY_GRACE = 0.5  # seconds after SIGTERM that /readyz may still answer 200


def first_line(body: bytes) -> str:
    lines = body.decode("utf-8", "replace").strip().splitlines()
    return lines[0][:200] if lines else ""


def get(url: str, timeout: float = 2.0) -> tuple[int, str]:
    """(status, first line of the body); status 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, first_line(r.read(4096))
    except urllib.error.HTTPError as e:
        return e.code, first_line(e.read(4096))
    except (urllib.error.URLError, OSError, ValueError):
        return 0, ""


def fmt(status: int, reason: str) -> str:
    return f"{status:03d}" + (f" {reason!r}" if reason else "")


# ----------------------------------------------------------------------------------- metrics

_LINE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?')


def parse_exposition(text: str) -> list[tuple[str, dict[str, str], float]]:
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = _LINE.match(line.strip())
        if not m:
            raise ValueError(f"unparsable exposition line: {line[:120]!r}")
        labels = {}
        if m.group(3):
            pos, body = 0, m.group(3)
            while pos < len(body):
                lm = _LABEL.match(body, pos)
                if not lm:
                    raise ValueError(f"unparsable labels: {body[:120]!r}")
                labels[lm.group(1)] = bytes(lm.group(2), "utf-8").decode("unicode_escape")
                pos = lm.end()
        out.append((m.group(1), labels, float(m.group(4))))
    return out


def scrape(url: str) -> list[tuple[str, dict[str, str], float]] | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return parse_exposition(r.read().decode("utf-8"))
    except (urllib.error.URLError, OSError):
        return None


def aggregate(samples, agg: str, name: str, want: dict[str, str]) -> float | None:
    values = [v for n, labels, v in samples
              if n == name and all(labels.get(k) == v2 for k, v2 in want.items())]
    if agg == "sum":
        return sum(values)
    if agg == "count":
        return float(len(values))
    if not values:
        return None
    return min(values) if agg == "min" else max(values)


OPS = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, ">=": lambda a, b: a >= b,
       ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b}


def label_args(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        k, sep, v = item.partition("=")
        if not sep:
            raise SystemExit(f"live_probe: want LABEL=VALUE, got {item!r}")
        out[k] = v
    return out


def show(v: float | None) -> str:
    if v is None:
        return "absent"
    return str(int(v)) if v == int(v) and not math.isinf(v) else f"{v:g}"


# ----------------------------------------------------------------------------------- commands

def cmd_get(url: str) -> int:
    status, reason = get(url)
    print(fmt(status, reason))
    return 0 if status else 1


def cmd_wait(url: str, status: str, timeout: str) -> int:
    want, limit = int(status), float(timeout)
    t0 = time.monotonic()
    first = None
    while True:
        got = get(url)
        if first is None and got[0]:
            first = got
        if got[0] == want:
            print(f"{fmt(*got)} after {time.monotonic() - t0:.1f}s")
            return 0
        if time.monotonic() - t0 > limit:
            print(f"still {fmt(*got)} after {limit:g}s (first answer {fmt(*first) if first else 'none'})")
            return 1
        time.sleep(POLL)


def cmd_stays(url: str, status: str, seconds: str) -> int:
    want, span = int(status), float(seconds)
    t0, n, bad = time.monotonic(), 0, []
    while time.monotonic() - t0 < span:
        got = get(url)
        n += 1
        if got[0] != want:
            bad.append(f"{fmt(*got)} at {time.monotonic() - t0:.1f}s")
        time.sleep(0.2)
    if bad:
        print(f"{len(bad)} of {n} answers were not {want}: {', '.join(bad[:5])}")
        return 1
    print(f"{n} answers over {span:g}s, all {want}")
    return 0


def cmd_metric(url: str, agg: str, name: str, *labels: str) -> int:
    samples = scrape(url)
    if samples is None:
        print("no answer")
        return 1
    v = aggregate(samples, agg, name, label_args(list(labels)))
    print(show(v))
    return 0 if v is not None else 1


def cmd_wait_metric(url: str, agg: str, name: str, op: str, value: str, timeout: str, *labels: str) -> int:
    if op not in OPS or agg not in ("sum", "count", "min", "max"):
        raise SystemExit(f"live_probe: bad AGG {agg!r} or OP {op!r}")
    want, limit, sel = float(value), float(timeout), label_args(list(labels))
    t0 = time.monotonic()
    v = None
    while True:
        samples = scrape(url)
        v = aggregate(samples, agg, name, sel) if samples is not None else None
        if v is not None and OPS[op](v, want):
            print(f"{show(v)} after {time.monotonic() - t0:.1f}s")
            return 0
        if time.monotonic() - t0 > limit:
            print(f"{agg}({name}{sel or ''}) = {show(v)}, not {op} {value}, after {limit:g}s"
                  + ("" if samples is not None else " (no answer from /metrics)"))
            return 1
        time.sleep(0.25)


def cmd_ready_start(url: str, metrics_url: str, timeout: str) -> int:
    """Right after a start: the first answer of /readyz (expected 503 with a reason), when it
    turns 200, and the group state the metrics show at that moment. Prints one JSON line."""
    limit = float(timeout)
    t0 = time.monotonic()
    first = None
    reasons: list[str] = []
    while True:
        status, reason = get(url)
        if status and first is None:
            first = (status, reason, round(time.monotonic() - t0, 2))
        if status == 503 and reason not in reasons:
            reasons.append(reason)
        if status == 200:
            samples = scrape(metrics_url) or []
            out = {"first_status": first[0], "first_reason": first[1], "first_at": first[2],
                   "reasons_503": reasons, "ready_at": round(time.monotonic() - t0, 2),
                   "assigned_at_ready": aggregate(samples, "max", "imr_assigned_partitions", {}),
                   "rebalances_at_ready": aggregate(samples, "max", "imr_rebalances_total", {})}
            print(json.dumps(out))
            return 0
        if time.monotonic() - t0 > limit:
            print(json.dumps({"first_status": first[0] if first else 0,
                              "first_reason": first[1] if first else "", "reasons_503": reasons,
                              "ready_at": None, "last": fmt(status, reason)}))
            return 1
        time.sleep(POLL)


def proc_state(pid: int) -> str:
    """R/S/D/... for a live process, Z for an exited child not yet reaped, '' when gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[0]


def cmd_shutdown(pid: str, url: str, timeout: str) -> int:
    """Sends SIGTERM to PID and polls /readyz every 10 ms until the process has exited (a zombie
    of the calling shell counts as exited: the shell reaps it and reads the exit code). Prints a
    JSON line: the distinct /readyz answers in order, with the seconds since the signal, and the
    seconds until the process exited. OK when it exited in time, /readyz answered 200 no later
    than READY_GRACE after the signal (then 503 or no answer), and never 200 again."""
    p, limit = int(pid), float(timeout)
    if proc_state(p) in ("", "Z"):
        print(json.dumps({"error": f"process {p} is not running"}))
        return 1
    os.kill(p, signal.SIGTERM)
    t0 = time.monotonic()
    seen: list[list] = []  # [status, reason, seconds since the signal], distinct in a row
    exited_at = last_200_at = None
    ready_after_not_ready = False
    while time.monotonic() - t0 <= limit:
        if proc_state(p) in ("", "Z"):
            exited_at = round(time.monotonic() - t0, 3)
            break
        status, reason = get(url, timeout=0.5)
        now = round(time.monotonic() - t0, 3)
        if status == 200:
            last_200_at = now
            if any(s[0] != 200 for s in seen):
                ready_after_not_ready = True
        if not seen or seen[-1][:2] != [status, reason]:
            seen.append([status, reason, now])
        time.sleep(0.01)
    # ready no later than READY_GRACE after the signal (the signal thread needs a moment), never
    # ready again once it was not, and gone within the timeout
    ok = (exited_at is not None and not ready_after_not_ready
          and (last_200_at is None or last_200_at <= READY_GRACE))
    print(json.dumps({"readyz": [f"{fmt(s[0], s[1]) if s[0] else 'no answer'} from {s[2]}s" for s in seen],
                      "last_200_after_s": last_200_at, "exited_after_s": exited_at,
                      "ready_again_after_unready": ready_after_not_ready}))
    return 0 if ok else 1


def cmd_catalogue(url: str, docs: str) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import obslib  # noqa: E402  (its metric table reader; standard library only for this part)

    documented = obslib.load_metrics_doc(docs)
    samples = scrape(url)
    if samples is None:
        print("no answer from /metrics")
        return 1
    exposed: dict[str, set[str]] = {}
    for name, labels, _ in samples:
        exposed.setdefault(name, set()).update(labels)
    problems = []
    missing = sorted(set(documented) - set(exposed))
    extra = sorted(set(exposed) - set(documented))
    if missing:
        problems.append(f"documented but not exposed: {missing}")
    if extra:
        problems.append(f"exposed but not documented: {extra}")
    for name in sorted(set(documented) & set(exposed)):
        if exposed[name] != documented[name].labels:
            problems.append(f"{name}: labels {sorted(exposed[name])}, documented {sorted(documented[name].labels)}")
    if problems:
        print("; ".join(problems))
        return 1
    print(f"{len(exposed)} series names, each documented with its labels")
    return 0


def cmd_topic_count(brokers: str, topic: str) -> int:
    """Counts the records of a topic with kcat, printing only partition/offset per record."""
    try:
        r = subprocess.run(["kcat", "-b", brokers, "-C", "-t", topic, "-o", "beginning", "-e", "-q",
                            "-f", "%p %o\\n", "-X", "fetch.message.max.bytes=26214400"],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        print("kcat timed out")
        return 1
    if r.returncode != 0:
        print(f"kcat exit {r.returncode}: {r.stderr.decode(errors='replace').strip()[:300]}")
        return 1
    print(len(r.stdout.splitlines()))
    return 0


def cmd_save(url: str, path: str) -> int:
    """Writes one scrape of URL to PATH (for promtool check metrics)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            body = r.read()
    except (urllib.error.URLError, OSError) as e:
        print(f"no answer: {e}")
        return 1
    Path(path).write_bytes(body)
    print(f"{len(body)} bytes")
    return 0


def cmd_prom_wait(prom: str, expr: str, op: str, value: str, timeout: str) -> int:
    """Polls a Prometheus instant query until its number of series OP VALUE."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import live_queries  # noqa: E402

    if op not in OPS:
        raise SystemExit(f"live_probe: bad OP {op!r}")
    t0, limit, n, err = time.monotonic(), float(timeout), -1, ""
    while True:
        try:
            n, _ = live_queries.query(prom, expr)
            err = ""
        except (ConnectionError, live_queries.PromError) as e:
            err = str(e)
        if n >= 0 and OPS[op](n, int(value)):
            print(f"{n} series after {time.monotonic() - t0:.1f}s")
            return 0
        if time.monotonic() - t0 > limit:
            print(f"{max(n, 0)} series, not {op} {value}, after {limit:g}s" + (f" ({err})" if err else ""))
            return 1
        time.sleep(0.5)


COMMANDS = {"get": (cmd_get, 1, 1), "wait": (cmd_wait, 3, 3), "stays": (cmd_stays, 3, 3),
            "metric": (cmd_metric, 3, None), "wait-metric": (cmd_wait_metric, 6, None),
            "ready-start": (cmd_ready_start, 3, 3), "shutdown": (cmd_shutdown, 3, 3),
            "catalogue": (cmd_catalogue, 2, 2), "topic-count": (cmd_topic_count, 2, 2),
            "save": (cmd_save, 2, 2), "prom-wait": (cmd_prom_wait, 5, 5)}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    fn, least, most = COMMANDS[argv[0]]
    args = argv[1:]
    if len(args) < least or (most is not None and len(args) > most):
        print(f"live_probe {argv[0]}: wrong number of arguments (see --help)", file=sys.stderr)
        return 2
    return fn(*args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
