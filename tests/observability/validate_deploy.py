#!/usr/bin/env python3
"""Static checks of the Grafana dashboard, its provisioning and the alerting rules against the
metric catalogue of docs/metrics.md. Called by check_deploy.sh; prints one "PASS name" or
"FAIL name: why" line per check and exits 1 if any failed.

    validate_deploy.py [--root REPO] [--promtool promtool]

PromQL is parsed by promtool itself: every expression (dashboard targets with their variables
substituted, query variables, alert expressions and the selectors extract_queries.py derives) is
written as a recording rule of a scratch rule file and checked with `promtool check rules`.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import obslib  # noqa: E402
import extract_queries  # noqa: E402

DS_REF = {"type": "prometheus", "uid": "${datasource}"}


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def report(self, name: str, problems: list[str] | str | None) -> bool:
        if isinstance(problems, str):
            problems = [problems]
        if problems:
            self.failed += 1
            print(f"FAIL {name}: " + "; ".join(problems))
            return False
        self.passed += 1
        print(f"PASS {name}")
        return True


def grid_overlaps(panels: list[dict]) -> list[str]:
    cells: dict[tuple[int, int], str] = {}
    problems = []
    for p in panels:
        g = p.get("gridPos") or {}
        if not all(isinstance(g.get(k), int) for k in ("x", "y", "w", "h")):
            problems.append(f"panel {p.get('title')!r} has no complete gridPos")
            continue
        if g["x"] < 0 or g["x"] + g["w"] > 24:
            problems.append(f"panel {p.get('title')!r} is outside the 24-column grid")
        for yy in range(g["y"], g["y"] + g["h"]):
            for xx in range(g["x"], g["x"] + g["w"]):
                other = cells.get((xx, yy))
                if other is not None:
                    problems.append(f"panels {other!r} and {p.get('title')!r} overlap")
                    break
                cells[(xx, yy)] = p.get("title")
            else:
                continue
            break
    return problems


def check_dashboard(c: Checks, path: Path, series: dict[str, set[str]], catalogue: dict) -> dict | None:
    try:
        d = obslib.load_dashboard(path)
    except (OSError, ValueError) as e:
        c.report("dashboard parses as JSON", str(e))
        return None
    c.report("dashboard parses as JSON", None)

    problems = []
    if d.get("uid") != "imr-stream":
        problems.append(f"uid is {d.get('uid')!r}")
    if d.get("title") != "imr-stream":
        problems.append(f"title is {d.get('title')!r}")
    if not isinstance(d.get("schemaVersion"), int) or d["schemaVersion"] < 36:
        problems.append(f"schemaVersion is {d.get('schemaVersion')!r} (want 36 or later)")
    if d.get("id") is not None:
        problems.append("id must be null in a provisioned dashboard")
    c.report("dashboard uid, title, schemaVersion", problems)

    variables = d.get("templating", {}).get("list", [])
    ds_vars = [v for v in variables if v.get("name") == "datasource"]
    c.report("datasource template variable",
             None if ds_vars and ds_vars[0].get("type") == "datasource" and ds_vars[0].get("query") == "prometheus"
             else "no variable 'datasource' of type datasource, query prometheus")

    problems = []
    for v in variables:
        if v.get("type") == "query" and v.get("datasource") != DS_REF:
            problems.append(f"variable {v.get('name')!r} does not use ${{datasource}}")
    data_panels = [p for p in obslib.iter_panels(d) if p.get("type") != "row"]
    for p in data_panels:
        if p.get("datasource") != DS_REF:
            problems.append(f"panel {p.get('title')!r} datasource is {p.get('datasource')!r}")
        for t in p.get("targets", []) or []:
            if "datasource" in t and t["datasource"] != DS_REF:
                problems.append(f"panel {p.get('title')!r} target {t.get('refId')} datasource is {t['datasource']!r}")
    c.report("every panel and query variable uses the datasource variable", problems)

    problems = []
    ids = [p.get("id") for p in obslib.iter_panels(d)]
    if len(ids) != len(set(ids)) or None in ids:
        problems.append(f"panel ids not unique: {ids}")
    for p in data_panels:
        if p.get("type") not in ("timeseries", "stat", "gauge", "bargauge", "table", "piechart", "text"):
            problems.append(f"panel {p.get('title')!r} has type {p.get('type')!r}")
        if not p.get("title"):
            problems.append(f"panel {p.get('id')} has no title")
        targets = p.get("targets") or []
        if not targets:
            problems.append(f"panel {p.get('title')!r} has no targets")
        refs = [t.get("refId") for t in targets]
        if len(refs) != len(set(refs)) or None in refs:
            problems.append(f"panel {p.get('title')!r} refIds not unique: {refs}")
        for t in targets:
            if not (t.get("expr") or "").strip():
                problems.append(f"panel {p.get('title')!r} target {t.get('refId')} has no expr")
    titles = [p.get("title") for p in data_panels]
    if len(titles) != len(set(titles)):
        problems.append("panel titles not unique")
    problems += grid_overlaps([p for p in d.get("panels", [])])
    c.report(f"{len(data_panels)} panels: ids, types, targets with expr, layout", problems)

    values = dict(obslib.DEFAULT_VARS)
    values.update(obslib.dashboard_vars(d))
    used: set[str] = set()
    for p, t in obslib.dashboard_targets(d):
        name = f"dashboard/{p.get('title')}/{t.get('refId')}"
        try:
            expr = obslib.substitute(t.get("expr") or "", values)
        except KeyError as e:
            c.report(f"expr {name}", str(e))
            continue
        used |= obslib.scan_promql(expr).metrics
        c.report(f"expr {name}", obslib.check_expr(expr, series))
    for name, query in obslib.variable_queries(d):
        used |= obslib.scan_promql(query).metrics
        c.report(f"variable {name} query", obslib.check_expr(query, series))

    # every documented metric is shown somewhere (a histogram counts through any of its series)
    missing = []
    bases = {}
    for s in catalogue:
        base = s
        for suffix in ("_bucket", "_sum", "_count"):
            if catalogue[s].type == "histogram" and s.endswith(suffix):
                base = s[: -len(suffix)]
        bases.setdefault(base, set()).add(s)
    for base, members in sorted(bases.items()):
        if not members & used:
            missing.append(base)
    c.report("every metric of docs/metrics.md is on the dashboard",
             f"not shown: {', '.join(missing)}" if missing else None)
    return d


def check_alerts(c: Checks, path: Path, series: dict[str, set[str]]) -> None:
    try:
        rules = obslib.load_alert_rules(path)
    except Exception as e:  # noqa: BLE001 - any YAML problem is a failure
        c.report("alerts.yml loads", str(e))
        return
    expected = {"ImrStreamLagGrowing", "ImrStreamDeadLetters", "ImrStreamStalled",
                "ImrStreamLatencyHigh", "ImrStreamDown"}
    names = {r["alert"] for r in rules}
    c.report("alerts.yml has the expected alerts",
             f"missing {sorted(expected - names)}" if expected - names else None)
    for r in rules:
        problems = obslib.check_expr(r["expr"], series)
        if r.get("group") != "imr-stream":
            problems.append(f"in group {r.get('group')!r}")
        if r.get("labels", {}).get("severity") not in ("warning", "critical"):
            problems.append("severity label is not warning or critical")
        ann = r.get("annotations", {})
        for key in ("summary", "description"):
            if not (ann.get(key) or "").strip():
                problems.append(f"no {key} annotation")
        c.report(f"alert {r['alert']}: metrics, labels, annotations", problems)


def check_provisioning(c: Checks, root: Path) -> None:
    import yaml

    ds_path = root / "deploy/grafana/provisioning/datasources/prometheus.yml"
    problems = []
    try:
        doc = yaml.safe_load(ds_path.read_text(encoding="utf-8"))
        sources = [s for s in doc.get("datasources", []) if s.get("type") == "prometheus"]
        if doc.get("apiVersion") != 1:
            problems.append("apiVersion is not 1")
        if not sources:
            problems.append("no prometheus data source")
        elif sources[0].get("url") != "http://127.0.0.1:9090":
            problems.append(f"url is {sources[0].get('url')!r}")
    except Exception as e:  # noqa: BLE001
        problems.append(str(e))
    c.report("grafana datasource provisioning", problems)

    db_path = root / "deploy/grafana/provisioning/dashboards/imr-stream.yml"
    problems = []
    try:
        doc = yaml.safe_load(db_path.read_text(encoding="utf-8"))
        providers = doc.get("providers", [])
        if doc.get("apiVersion") != 1:
            problems.append("apiVersion is not 1")
        if not providers or providers[0].get("type") != "file":
            problems.append("no file provider")
        elif not (providers[0].get("options") or {}).get("path"):
            problems.append("file provider has no options.path")
    except Exception as e:  # noqa: BLE001
        problems.append(str(e))
    c.report("grafana dashboard provisioning", problems)


def check_parse(c: Checks, root: Path, promtool: str) -> None:
    """Every query extract_queries.py emits must parse: promtool check rules on a scratch file."""
    try:
        entries = list(extract_queries.entries(str(root / "deploy/grafana/imr-stream.json"),
                                               str(root / "deploy/prometheus/alerts.yml"), {}))
    except Exception as e:  # noqa: BLE001
        c.report("extract_queries.py", str(e))
        return
    c.report(f"extract_queries.py emits {len(entries)} queries",
             None if entries and all(e["expr"] for e in entries) else "no or empty queries")
    rules = [{"record": f"parse_check:q{i}", "expr": e["expr"]} for i, e in enumerate(entries)]
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "parse_check.yml"
        f.write_text(json.dumps({"groups": [{"name": "parse_check", "rules": rules}]}), encoding="utf-8")
        r = subprocess.run([promtool, "check", "rules", str(f)], capture_output=True, text=True)
    out = (r.stdout + r.stderr).strip()
    if r.returncode != 0:
        # promtool names the failing recording rule: map it back to the query's name
        out = re.sub(r'"?parse_check:q(\d+)"?', lambda m: repr(entries[int(m.group(1))]["name"]), out)
        lines = [ln.strip() for ln in out.splitlines()
                 if ln.strip() and "FAILED" not in ln and not ln.startswith("Checking")]
        c.report("every query parses (promtool check rules)", " | ".join(lines[-10:]) or out)
    else:
        c.report(f"every query parses (promtool check rules, {len(rules)} expressions)", None)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=str(Path(__file__).resolve().parents[2]))
    ap.add_argument("--promtool", default=shutil.which("promtool") or "promtool")
    args = ap.parse_args()
    root = Path(args.root)
    c = Checks()
    try:
        catalogue = obslib.load_metrics_doc(root / "docs/metrics.md")
    except (OSError, ValueError) as e:
        c.report("docs/metrics.md metric table", str(e))
        return 1
    c.report(f"docs/metrics.md metric table ({len(catalogue)} series)", None)
    series = obslib.allowed_series(catalogue)
    check_dashboard(c, root / "deploy/grafana/imr-stream.json", series, catalogue)
    check_alerts(c, root / "deploy/prometheus/alerts.yml", series)
    check_provisioning(c, root)
    check_parse(c, root, args.promtool)
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
