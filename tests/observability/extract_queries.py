#!/usr/bin/env python3
"""Prints every PromQL expression of the Grafana dashboard and of the alerting rules, one JSON
object per line, for live_queries.py to run against a Prometheus that scrapes imr-stream.

    extract_queries.py DASHBOARD ALERTS [--var NAME=VALUE ...] > queries.jsonl

Each line: {"name": ..., "source": ..., "expr": ..., "must_have_data": true|false}

  source "dashboard"  a panel target ("dashboard/<panel title>/<refId>"); Grafana variables are
                      substituted: $__rate_interval -> 5m, $__interval -> 1m, $__range -> 1h,
                      dashboard variables -> their "All" value (or .+); --var overrides.
  source "variable"   a query variable, label_values(sel, l) as count by (l) (sel).
  source "alert"      an alert's full expression ("alert/<name>"). It is a condition, empty
                      while the alert does not fire, so must_have_data is false: running it only
                      proves that Prometheus evaluates it without error.
  source "alert_input" every vector selector the alert reads ("alert/<name>/<selector>"): the
                      data the condition is computed from must exist.

must_have_data is false for queries that read only obslib.MAY_BE_ABSENT metrics (labelled
counters whose series appear with the first event, i.e. dead letters by code), true otherwise.
live_queries.py can override it per query (--may-be-empty / --require).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import obslib  # noqa: E402


def entries(dashboard_path: str, alerts_path: str, overrides: dict[str, str]):
    dashboard = obslib.load_dashboard(dashboard_path)
    values = dict(obslib.DEFAULT_VARS)
    values.update(obslib.dashboard_vars(dashboard))
    values.update(overrides)

    def needs_data(expr: str) -> bool:
        metrics = obslib.scan_promql(expr).metrics
        return not metrics or not metrics <= obslib.MAY_BE_ABSENT

    for panel, target in obslib.dashboard_targets(dashboard):
        expr = target.get("expr")
        if not expr:
            continue
        expr = obslib.one_line(obslib.substitute(expr, values))
        yield {"name": f"dashboard/{panel.get('title', panel.get('id'))}/{target.get('refId', '?')}",
               "source": "dashboard", "expr": expr, "must_have_data": needs_data(expr)}

    for name, query in obslib.variable_queries(dashboard):
        expr = obslib.one_line(obslib.substitute(query, values))
        yield {"name": f"variable/{name}", "source": "variable", "expr": expr,
               "must_have_data": needs_data(expr)}

    for rule in obslib.load_alert_rules(alerts_path):
        expr = obslib.one_line(rule["expr"])
        yield {"name": f"alert/{rule['alert']}", "source": "alert", "expr": expr,
               "must_have_data": False}
        for selector in obslib.scan_promql(expr).selectors:
            yield {"name": f"alert/{rule['alert']}/{selector}", "source": "alert_input",
                   "expr": selector, "must_have_data": needs_data(selector)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dashboard")
    ap.add_argument("alerts")
    ap.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                    help="value of a dashboard or Grafana variable (repeatable)")
    args = ap.parse_args()
    overrides = {}
    for item in args.var:
        name, sep, value = item.partition("=")
        if not sep:
            ap.error(f"--var wants NAME=VALUE, got {item!r}")
        overrides[name.lstrip("$")] = value
    seen = set()
    try:
        for entry in entries(args.dashboard, args.alerts, overrides):
            if entry["name"] in seen:  # two panels with one title: keep names unique
                n = 2
                while f"{entry['name']}#{n}" in seen:
                    n += 1
                entry["name"] = f"{entry['name']}#{n}"
            seen.add(entry["name"])
            print(json.dumps(entry, ensure_ascii=False))
    except (OSError, ValueError, KeyError) as e:
        print(f"extract_queries: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
