#!/usr/bin/env python3
"""Runs the queries of extract_queries.py against a live Prometheus and reports the empty ones.

    live_queries.py PROM_URL QUERIES_FILE [--wait SECONDS] [--may-be-empty NAME ...]
                    [--require NAME ...] [--expect-alert NAME ...] [--nan-is-empty]

QUERIES_FILE holds one JSON object per line (extract_queries.py's output):
    {"name": "...", "expr": "...", "must_have_data": true|false, "source": "..."}
Blank lines and lines starting with # are ignored.

Every query goes to PROM_URL/api/v1/query (instant, now). A query Prometheus rejects (bad PromQL,
evaluation error) always fails. A query with must_have_data that returns no series fails;
--may-be-empty NAME (a name or an fnmatch pattern such as 'alert/*', repeatable) allows it to be
empty, --require NAME makes an entry must_have_data although the file says otherwise.

--expect-alert NAME (repeatable) requires that PROM_URL/api/v1/alerts shows an alert of that name
in state "firing" (pending is reported while waiting).

--wait SECONDS: retry until every requirement is met or SECONDS have passed (Prometheus needs a
few scrapes before rate() has two samples); with 0 (default) everything is asked once.

Prints one line per query and alert, then "N passed, M failed"; exits 0 if none failed, 1
otherwise, 2 on bad usage. Standard library only.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class PromError(Exception):
    pass


def api(base: str, path: str, form: dict | None = None, timeout: float = 10.0) -> object:
    url = base.rstrip("/") + path
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = json.load(resp)
    except urllib.error.HTTPError as e:  # 400/422: bad query or evaluation error
        try:
            body = json.load(e)
        except ValueError:
            raise PromError(f"HTTP {e.code} {e.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise ConnectionError(f"{url}: {e}") from None
    if body.get("status") != "success":
        raise PromError(f"{body.get('errorType', 'error')}: {body.get('error', body)}")
    return body.get("data")


def query(base: str, expr: str) -> tuple[int, int]:
    """(series, NaN series) of an instant query; scalars and strings count as one series."""
    data = api(base, "/api/v1/query", {"query": expr})
    rtype, result = data.get("resultType"), data.get("result")
    if rtype in ("scalar", "string"):
        values = [result[1]]
    elif rtype == "matrix":
        values = [s["values"][-1][1] for s in result if s.get("values")]
    else:
        values = [s["value"][1] for s in result]
    nan = sum(1 for v in values if str(v).lower() == "nan")
    return len(values), nan


def alert_states(base: str) -> dict[str, set[str]]:
    data = api(base, "/api/v1/alerts")
    states: dict[str, set[str]] = {}
    for a in data.get("alerts", []):
        states.setdefault(a.get("labels", {}).get("alertname", "?"), set()).add(a.get("state", "?"))
    return states


def load_queries(path: str) -> list[dict]:
    entries = []
    with (sys.stdin if path == "-" else open(path, encoding="utf-8")) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                e = json.loads(line)
            except ValueError as err:
                raise ValueError(f"{path}:{n}: not JSON: {err}") from None
            if not isinstance(e, dict) or not isinstance(e.get("expr"), str) or not e["expr"].strip():
                raise ValueError(f"{path}:{n}: an entry needs a non-empty \"expr\"")
            e.setdefault("name", f"line {n}")
            e["must_have_data"] = bool(e.get("must_have_data", True))
            entries.append(e)
    names = [e["name"] for e in entries]
    if len(names) != len(set(names)):
        raise ValueError(f"{path}: query names are not unique")
    return entries


def matches(name: str, patterns: list[str]) -> bool:
    return any(name == p or fnmatch.fnmatchcase(name, p) for p in patterns)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("prom_url", help="e.g. http://127.0.0.1:9090")
    ap.add_argument("queries_file", help="JSON lines from extract_queries.py, - for stdin")
    ap.add_argument("--wait", type=float, default=0.0, metavar="SECONDS")
    ap.add_argument("--may-be-empty", action="append", default=[], metavar="NAME")
    ap.add_argument("--require", action="append", default=[], metavar="NAME")
    ap.add_argument("--expect-alert", action="append", default=[], metavar="NAME")
    ap.add_argument("--nan-is-empty", action="store_true",
                    help="count a result whose every value is NaN as empty (no observations)")
    ap.add_argument("--interval", type=float, default=2.0, help="seconds between retries")
    args = ap.parse_args()

    try:
        entries = load_queries(args.queries_file)
    except (OSError, ValueError) as e:
        print(f"live_queries: {e}", file=sys.stderr)
        return 2
    for pattern in args.may_be_empty + args.require:
        if not any(matches(e["name"], [pattern]) for e in entries):
            print(f"live_queries: warning: {pattern!r} matches no query name", file=sys.stderr)
    for e in entries:
        if matches(e["name"], args.require):
            e["must_have_data"] = True
        elif matches(e["name"], args.may_be_empty):
            e["must_have_data"] = False

    deadline = time.monotonic() + max(args.wait, 0.0)
    # name -> (status, detail); status: ok | allowed-data | allowed (empty) | fail (retried) | error
    results: dict[str, tuple[str, str]] = {}
    alerts: dict[str, tuple[str, str]] = {}
    while True:
        unreachable = None
        for e in entries:
            if results.get(e["name"], ("",))[0] in ("ok", "allowed-data", "error"):
                continue  # settled: data, or a query Prometheus rejects (retrying cannot help)
            try:
                series, nan = query(args.prom_url, e["expr"])
            except ConnectionError as err:
                unreachable = str(err)
                results[e["name"]] = ("fail", f"Prometheus unreachable: {err}")
                break
            except PromError as err:
                results[e["name"]] = ("error", f"query error: {err}")
                continue
            empty = series == 0 or (args.nan_is_empty and nan == series)
            detail = f"{series} series" + (f" ({nan} NaN)" if nan else "")
            if not empty:
                results[e["name"]] = ("ok" if e["must_have_data"] else "allowed-data", detail)
            elif e["must_have_data"]:
                results[e["name"]] = ("fail", "EMPTY" + (f": {detail}" if series else ""))
            else:
                results[e["name"]] = ("allowed", "empty (allowed)" + (f": {detail}" if series else ""))
        if args.expect_alert and unreachable is None:
            try:
                states = alert_states(args.prom_url)
                for name in args.expect_alert:
                    got = states.get(name, set())
                    if "firing" in got:
                        alerts[name] = ("ok", "firing")
                    else:
                        alerts[name] = ("fail", "pending, not firing yet" if "pending" in got else "not active")
            except (ConnectionError, PromError) as err:
                for name in args.expect_alert:
                    alerts[name] = ("fail", f"alerts API: {err}")
        elif args.expect_alert:
            for name in args.expect_alert:
                alerts[name] = ("fail", f"Prometheus unreachable: {unreachable}")
        pending = [n for n, (s, _) in list(results.items()) + list(alerts.items()) if s == "fail"]
        if not pending or time.monotonic() >= deadline:
            break
        time.sleep(min(args.interval, max(0.0, deadline - time.monotonic())) or 0.1)

    passed = failed = 0
    for e in entries:
        status, detail = results.get(e["name"], ("fail", "not run (Prometheus unreachable)"))
        ok = status not in ("fail", "error")
        passed += ok
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {e['name']}: {detail}")
        if not ok:
            print(f"       expr: {e['expr']}")
    for name in args.expect_alert:
        status, detail = alerts.get(name, ("fail", "not checked"))
        ok = status == "ok"
        passed += ok
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} alert {name}: {detail}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
