"""Shared helpers of the observability checks: the metric catalogue of docs/metrics.md, the
PromQL expressions of the Grafana dashboard and of the alerting rules, and a small PromQL scanner
that finds the metric names, label names and functions an expression uses.

Standard library only, except PyYAML (python3-yaml) to read the rule file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

# ------------------------------------------------------------------------------------ catalogue

# Labels every scraped series carries besides the ones documented per metric.
TARGET_LABELS = {"job", "instance"}
# Series produced by Prometheus itself that the deployment may use (not in docs/metrics.md).
PROMETHEUS_SERIES = {"up": {"job", "instance"}}

# Labelled counters whose series the service creates only with the first event of their kind, and
# which a healthy run need not have: imr_documents_dead_lettered_total gets a series per error code
# at the first dead letter with that code (src/observe/classification_metrics.cpp), so a run
# without dead letters has none and a query made of these metrics alone may return nothing.
# (imr_produce_errors_total and imr_output_bytes_total are created at start for both kinds; the
# letter, layout and item counters appear with the first letter, which a live run must have.)
MAY_BE_ABSENT = {"imr_documents_dead_lettered_total"}


@dataclass
class Metric:
    name: str
    type: str
    labels: set[str] = field(default_factory=set)


def load_metrics_doc(path: str | Path) -> dict[str, Metric]:
    """Reads the metric table of docs/metrics.md: | `name` | type | labels | meaning |.

    Histograms contribute their _bucket (with `le`), _sum and _count series."""
    metrics: dict[str, Metric] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4:
            continue
        m = re.fullmatch(r"`([a-zA-Z_:][a-zA-Z0-9_:]*)`", cells[0])
        if not m:
            continue
        name, mtype = m.group(1), cells[1].split()[0] if cells[1] else ""
        # label names are the backticked words outside parentheses (those list label values)
        label_cell = re.sub(r"\([^)]*\)", "", cells[2])
        labels = set(re.findall(r"`([a-zA-Z_][a-zA-Z0-9_]*)`", label_cell))
        if mtype == "histogram":
            metrics[name + "_bucket"] = Metric(name + "_bucket", "histogram", labels | {"le"})
            metrics[name + "_sum"] = Metric(name + "_sum", "histogram", set(labels))
            metrics[name + "_count"] = Metric(name + "_count", "histogram", set(labels))
        else:
            metrics[name] = Metric(name, mtype, labels)
    if not metrics:
        raise ValueError(f"{path}: no metric table found")
    return metrics


def allowed_series(metrics: dict[str, Metric]) -> dict[str, set[str]]:
    """Series name -> label names it may carry (documented labels plus target labels)."""
    out = {name: m.labels | TARGET_LABELS for name, m in metrics.items()}
    out.update(PROMETHEUS_SERIES)
    return out


# ------------------------------------------------------------------------------------ PromQL scan

PROMQL_FUNCTIONS = {
    # aggregation operators
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk",
    "topk", "quantile",
    # functions (Prometheus 2.42)
    "abs", "absent", "absent_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min",
    "day_of_month", "day_of_week", "day_of_year", "days_in_month", "delta", "deriv", "exp",
    "floor", "histogram_count", "histogram_fraction", "histogram_quantile", "histogram_sum",
    "holt_winters", "hour", "idelta", "increase", "irate", "label_join", "label_replace", "ln",
    "log2", "log10", "minute", "month", "predict_linear", "rate", "resets", "round", "scalar",
    "sgn", "sort", "sort_desc", "sqrt", "time", "timestamp", "vector", "year",
    "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time",
    "quantile_over_time", "stddev_over_time", "stdvar_over_time", "last_over_time",
    "present_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "sin",
    "sinh", "tan", "tanh", "deg", "rad", "pi",
}
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "inf", "nan", "atan2"}
GROUPING = ("by", "without", "on", "ignoring", "group_left", "group_right")

_STRING = r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`'
_IDENT = r"(?<![\w.:])[a-zA-Z_:][a-zA-Z0-9_:]*"


@dataclass
class Scan:
    metrics: set[str] = field(default_factory=set)      # series names used
    labels: set[str] = field(default_factory=set)       # label names in matchers and grouping
    functions: set[str] = field(default_factory=set)    # functions / aggregations called
    unknown: set[str] = field(default_factory=set)      # identifiers called that are no function
    selectors: list[str] = field(default_factory=list)  # vector selectors, e.g. up{job="x"}
    problems: list[str] = field(default_factory=list)


def _mask(text: str, pattern: str, keep_ends: bool = False) -> str:
    """Replaces every match of pattern by spaces of the same length (positions are kept)."""
    def repl(m: re.Match) -> str:
        g = m.group(0)
        if keep_ends and len(g) >= 2:
            return g[0] + " " * (len(g) - 2) + g[-1]
        return " " * len(g)
    return re.sub(pattern, repl, text)


def scan_promql(expr: str) -> Scan:
    """A lexical scan of a PromQL expression (not a parser: promtool parses)."""
    s = Scan()
    no_strings = _mask(expr, _STRING, keep_ends=True)
    # label names in matchers
    for block in re.finditer(r"\{[^}]*\}", no_strings):
        for lm in re.finditer(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)", block.group(0)):
            s.labels.add(lm.group(1))
    body = _mask(no_strings, r"\{[^}]*\}", keep_ends=True)
    body = _mask(body, r"\[[^\]]*\]")
    # grouping label lists
    group_re = r"\b(" + "|".join(GROUPING) + r")\s*\(([^)]*)\)"
    for gm in re.finditer(group_re, body):
        for lab in re.split(r"\s*,\s*", gm.group(2).strip()):
            if lab:
                if not re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", lab):
                    s.problems.append(f"bad label in {gm.group(1)}(): {lab!r}")
                s.labels.add(lab)
    body = re.sub(group_re, lambda m: m.group(1) + " " * (len(m.group(0)) - len(m.group(1))), body)
    for im in re.finditer(_IDENT, body):
        ident = im.group(0)
        after = body[im.end():]
        if ident in KEYWORDS:
            continue
        if re.match(r"\s*(?:(?:by|without)\s*)?\(", after):
            (s.functions if ident in PROMQL_FUNCTIONS else s.unknown).add(ident)
            continue
        s.metrics.add(ident)
        sel = ident
        mm = re.match(r"\s*\{[^}]*\}", no_strings[im.end():])
        if mm:
            sel += expr[im.end():im.end() + mm.end()].strip()
        if sel not in s.selectors:
            s.selectors.append(sel)
    if no_strings.count("(") != no_strings.count(")"):
        s.problems.append("unbalanced parentheses")
    return s


def check_expr(expr: str, series: dict[str, set[str]]) -> list[str]:
    """Problems of an expression against the catalogue: unknown metrics, labels, functions."""
    s = scan_promql(expr)
    problems = list(s.problems)
    for name in sorted(s.metrics - series.keys()):
        problems.append(f"metric not in docs/metrics.md: {name}")
    for name in sorted(s.unknown):
        problems.append(f"unknown function: {name}")
    known = s.metrics & series.keys()
    allowed = set().union(*(series[m] for m in known)) if known else set()
    for lab in sorted(s.labels - allowed):
        problems.append(f"label {lab!r} is not a label of {', '.join(sorted(known)) or 'any metric used'}")
    if not s.metrics:
        problems.append("uses no metric")
    return problems


# ------------------------------------------------------------------------------------ variables

DEFAULT_VARS = {
    "__rate_interval": "5m",
    "__interval": "1m",
    "__interval_ms": "60000",
    "__range": "1h",
    "__range_s": "3600",
    "__range_ms": "3600000",
}


def dashboard_vars(dashboard: dict) -> dict[str, str]:
    """Values for the dashboard's own template variables: the 'All' value, or a match-all regex."""
    out = {}
    for var in dashboard.get("templating", {}).get("list", []):
        name = var.get("name")
        if not name:
            continue
        if var.get("type") == "datasource":
            out[name] = "prometheus"
        elif var.get("allValue"):
            out[name] = var["allValue"]
        else:
            out[name] = ".+"
    return out


_VAR = re.compile(r"\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]|\$(\w+)")


def substitute(expr: str, values: dict[str, str]) -> str:
    def repl(m: re.Match) -> str:
        name = m.group(1) or m.group(2) or m.group(3)
        if name not in values:
            raise KeyError(f"no value for variable ${name}")
        return values[name]
    return _VAR.sub(repl, expr)


# ------------------------------------------------------------------------------------ sources

def load_dashboard(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def iter_panels(dashboard: dict):
    """Every panel, rows' collapsed children included."""
    for p in dashboard.get("panels", []):
        yield p
        for child in p.get("panels", []) or []:
            yield child


def dashboard_targets(dashboard: dict):
    """(panel, target) for every query target of every non-row panel."""
    for p in iter_panels(dashboard):
        if p.get("type") == "row":
            continue
        for t in p.get("targets", []) or []:
            yield p, t


def label_values_query(query: str) -> str | None:
    """Grafana's label_values(selector, label) as an equivalent PromQL query."""
    m = re.fullmatch(r"\s*label_values\(\s*(.+?)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*", query)
    if m:
        return f"count by ({m.group(2)}) ({m.group(1)})"
    m = re.fullmatch(r"\s*(?:query_result|metrics)\((.*)\)\s*", query)
    return m.group(1) if m else None


def variable_queries(dashboard: dict):
    """(variable name, PromQL) for the dashboard's query variables."""
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("type") != "query":
            continue
        q = var.get("query")
        if isinstance(q, dict):
            q = q.get("query")
        q = q or var.get("definition") or ""
        yield var.get("name"), label_values_query(q) or q


def load_alert_rules(path: str | Path) -> list[dict]:
    import yaml  # python3-yaml

    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    rules = []
    for group in doc.get("groups", []):
        for rule in group.get("rules", []):
            if "alert" in rule:
                rules.append(dict(rule, group=group.get("name")))
    return rules


def one_line(expr: str) -> str:
    return " ".join(expr.split())
