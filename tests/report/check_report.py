#!/usr/bin/env python3
"""check_report.py IMR_STREAM CORPUS WORK_DIR [--screenshot PNG]

`imr-stream report` against an independent computation (expected_report.py):
  1. a fixture of outcome records built here with counts known by construction (duplicates by
     source position and by case number, error records, lines that are not records, small
     groups, several months, drugs, sessions, specialties, warnings);
  2. the outcomes `imr-stream classify` gives for the reference letters.
For each: every figure of report.json equals the independent one, each CSV holds its table's
rows, and the HTML page, opened in headless Chromium, renders every chart with its bars and no
text wider than the page.
"""
import argparse
import csv
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import expected_report  # noqa: E402

failures = 0
passed = 0


def check(ok, what, detail=""):
    global failures, passed
    if ok:
        passed += 1
    else:
        failures += 1
        print(f"FAIL: {what} {detail}", flush=True)


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=1e-5, abs_tol=1e-9)
    return a == b


def compare_rows(table, got, want):
    check(len(got) == len(want), f"{table}: row count", f"{len(got)} != {len(want)}")
    for i, (g, w) in enumerate(zip(got, want)):
        for key, value in w.items():
            check(key in g and same(g[key], value), f"{table} row {i} {key}", f"{g.get(key)!r} != {value!r}")


def fixture_lines():
    """Outcome records with known counts; returns (lines, facts known by construction)."""
    rng = random.Random(7)
    lines, facts = [], {"letters": 0, "items": 0, "overturned": 0}
    cats = [("pharmaceuticals", "opioids", {"drug": {"ingredients": ["acetaminophen", "hydrocodone"],
                                                      "quantity": 60, "refills": None}, "sessions": None}),
            ("pharmaceuticals", "muscle_relaxants", {"drug": {"ingredients": ["cyclobenzaprine"],
                                                               "quantity": 30, "refills": 0}, "sessions": None}),
            ("rehabilitation", "physical_occupational_therapy", {"drug": None, "sessions": 12}),
            ("rehabilitation", "acupuncture", {"drug": None, "sessions": 6}),
            ("diagnostic_testing", "imaging", {"drug": None, "sessions": None}),
            ("surgery", "spine", None)]  # an outcome from before item.treatment existed
    specialties = [["Orthopedic Surgery"], ["Internal Medicine", "Pain Medicine"], []]
    sources = [["MTUS"], ["ODG"], ["MTUS", "ODG"], [], ["ACOEM"]]
    reasons = ["no_functional_improvement", "not_recommended_by_guideline", "insufficient_documentation"]
    for n in range(120):
        month = ["2017-01", "2017-02", "2017-03"][n % 3]
        items = []
        for k in range(1 + n % 3):
            c, s, t = cats[(n + k) % len(cats)]
            over = (n * 7 + k) % 5 == 0
            item = {"request": f"request {k}", "decision": "overturned" if over else "upheld",
                    "medically_necessary": over, "category": c, "subcategory": s,
                    "modification": {"original": "x", "authorized": None, "remaining": "x"} if (n + k) % 11 == 0 else None,
                    "qualifiers": [],
                    "guideline_sources": {"claims_administrator": sources[n % 5], "reviewer": sources[(n + k) % 5]},
                    "guidelines": {"claims_administrator": [], "reviewer": []},
                    "reasons": ["medically_necessary"] if over else rng.sample(reasons, 1 + k % 2)}
            if t is not None:
                item["treatment"] = {**t, "body_regions": [], "laterality": None}
            if n == 50 and k == 0:  # the only item of its category: a small group
                item.update(category="transportation", subcategory="transportation")
            items.append(item)
            facts["items"] += 1
            facts["overturned"] += over
        record = {"schema_version": "1.0.0", "kind": "outcome",
                  "source": {"topic": "imr.determinations.raw", "partition": n % 4, "offset": n},
                  "layout": "fdl-2015", "case_number": f"CM17-{n:07d}" if n % 10 else None,
                  "dates": {"assigned": f"{month}-0{1 + n % 5}" if n % 6 else None,
                            "decision": f"{month}-{10 + n % 17}", "injury": None, "ur_denial": None,
                            "application_received": None},
                  "priority": "standard", "reviewer": {"licensed_states": ["CA"], "specialties": specialties[n % 3]},
                  "patient": {}, "items": items, "summary": {},
                  "warnings": ["category_guessed:item=1"] if n % 13 == 0 else []}
        if n == 5:
            record["dates"]["decision"] = None  # counted under 'unknown'
        lines.append(json.dumps(record))
        facts["letters"] += 1
    # 4 duplicates by source position (any case number), 3 by case number (another position).
    for n in (1, 2, 3, 4):
        lines.append(lines[n])
    for n in (11, 12, 13):
        record = json.loads(lines[n])
        record["source"]["offset"] += 100000
        lines.append(json.dumps(record))
    lines.append(json.dumps({"schema_version": "1.0.0", "kind": "error", "source": {},
                             "error": {"code": "bad_pdf", "message": "x"}}))
    lines.append(json.dumps({"schema_version": "1.0.0", "kind": "error", "source": {},
                             "error": {"code": "empty", "message": "x"}}))
    lines.append("this is not JSON")
    lines.append("")
    facts.update(duplicate_source_offsets=4, duplicate_case_numbers=3, error_records=2, lines_not_records=1)
    return lines, facts


def run_report(binary, lines, out_dir):
    src = out_dir.parent / (out_dir.name + ".jsonl")
    src.write_text("\n".join(lines) + "\n")
    proc = subprocess.run([binary, "report", str(src), "--out", str(out_dir)], capture_output=True, timeout=120)
    check(proc.returncode == 0, "report exits 0", proc.stderr.decode(errors="replace"))
    return json.loads((out_dir / "report.json").read_text())


def compare_report(name, got, want):
    for key in ("totals", "skipped"):
        for k, v in want[key].items():
            check(got[key].get(k) == v, f"{name}: {key}.{k}", f"{got[key].get(k)} != {v}")
    check(set(got["tables"]) == set(want["tables"]), f"{name}: table set", f"{sorted(got['tables'])}")
    for table, rows in want["tables"].items():
        compare_rows(f"{name}:{table}", got["tables"].get(table, {}).get("rows", []), rows)


def compare_csv(name, out_dir, got):
    for table_id, table in got["tables"].items():
        with open(out_dir / f"{table_id}.csv", newline="") as f:
            rows = list(csv.reader(f))
        check(rows and rows[0] == table["columns"], f"{name}: {table_id}.csv header")
        check(len(rows) - 1 == len(table["rows"]), f"{name}: {table_id}.csv row count")
        for row, want in zip(rows[1:], table["rows"]):
            for text, column in zip(row, table["columns"]):
                value = want[column]
                if value is None:
                    ok = text == ""
                elif isinstance(value, (int, float)):
                    ok = math.isclose(float(text), float(value), rel_tol=1e-5, abs_tol=1e-9)
                else:
                    ok = text == value
                check(ok, f"{name}: {table_id}.csv {column}", f"{text!r} vs {value!r}")


# Injected into a copy of the page: measures overflow and counts the bars of every chart, and
# writes the result into the DOM, which --dump-dom prints.
PROBE = """<script>
window.addEventListener('load', () => {
  const width = document.documentElement.clientWidth;
  let overflow = [];
  if (document.documentElement.scrollWidth > width) overflow.push('page ' + document.documentElement.scrollWidth);
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1) overflow.push(e.tagName + ' ' + Math.round(r.right));
  }
  const charts = [...document.querySelectorAll('section')].map(s => {
    const svg = s.querySelector('svg.chart');
    return {id: s.id, bars: svg ? svg.querySelectorAll('rect.bar').length : -1,
            drawn: svg ? [...svg.querySelectorAll('rect.bar')].filter(r => r.getBoundingClientRect().width > 0).length : -1};
  });
  const pre = document.createElement('pre');
  pre.id = 'probe-result';
  pre.textContent = JSON.stringify({width, overflow: overflow.slice(0, 10), charts});
  document.body.appendChild(pre);
});
</script>"""


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chrome_args(browser, profile):
    return [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", f"--user-data-dir={profile}", "--window-size=1000,1400"]


def expected_bars(table):
    """Bars a chart must draw: one per non-zero value segment (from report.json's rows)."""
    spec = {"decisions_by_month": ["upheld", "overturned"], "outcomes_by_category": ["upheld", "overturned"],
            "outcomes_by_subcategory": ["upheld", "overturned"], "top_drugs": ["upheld", "overturned"],
            "therapy_sessions": ["sessions_total"], "outcomes_by_specialty": ["upheld", "overturned"],
            "guideline_sources": ["claims_administrator_items", "reviewer_items"],
            "guideline_agreement": ["items"], "reasons": ["items"], "review_days": ["median_days"],
            "warnings": ["letters"]}.get(table["id"])
    if spec is None:
        return -1
    return sum(1 for row in table["rows"] for c in spec if (row[c] or 0) > 0)


def check_html(name, out_dir, got, screenshot=None):
    browser = chromium()
    check(browser is not None, "chromium is installed (scripts/setup installs it)")
    if browser is None:
        return
    html = (out_dir / "report.html").read_text()
    check("<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", ""),
          f"{name}: page is self-contained, without scripts or remote resources")
    probe = out_dir / "probe.html"
    probe.write_text(html.replace("</body>", PROBE + "</body>"))
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(chrome_args(browser, profile) + ["--dump-dom", probe.as_uri()],
                              capture_output=True, timeout=120)
    dom = proc.stdout.decode(errors="replace")
    m = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S)
    check(m is not None, f"{name}: page rendered in chromium", proc.stderr.decode(errors="replace")[-500:])
    if not m:
        return
    result = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    check(not result["overflow"], f"{name}: nothing wider than the page", str(result["overflow"]))
    charts = {c["id"]: c for c in result["charts"] if c["id"]}
    for table_id, table in got["tables"].items():
        want = expected_bars(table)
        if want < 0 or not table["rows"]:
            continue
        chart = charts.get(table_id, {})
        check(chart.get("bars") == want, f"{name}: chart {table_id} has its {want} bars", str(chart))
        check(chart.get("drawn") == want, f"{name}: chart {table_id} bars are drawn", str(chart))
    if screenshot:
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(chrome_args(browser, profile) + ["--hide-scrollbars", f"--screenshot={screenshot}",
                                                             (out_dir / "report.html").as_uri()],
                           capture_output=True, timeout=120)
        check(Path(screenshot).is_file() and Path(screenshot).stat().st_size > 10000, f"{name}: screenshot taken")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("imr_stream")
    p.add_argument("corpus")
    p.add_argument("work_dir")
    p.add_argument("--screenshot", help="also save a PNG of the corpus report here")
    a = p.parse_args()
    work = Path(a.work_dir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    lines, facts = fixture_lines()
    got = run_report(a.imr_stream, lines, work / "fixture")
    want = expected_report.compute(lines)
    for key in ("letters", "items", "overturned"):
        check(got["totals"][key] == facts[key], f"fixture: totals.{key} known by construction",
              f"{got['totals'][key]} != {facts[key]}")
    for key in ("duplicate_source_offsets", "duplicate_case_numbers", "error_records", "lines_not_records"):
        check(got["skipped"][key] == facts[key], f"fixture: skipped.{key} known by construction",
              f"{got['skipped'][key]} != {facts[key]}")
    check(any(r["small_group"] == "yes" for r in got["tables"]["outcomes_by_specialty"]["rows"]) or
          any(r["small_group"] == "yes" for r in got["tables"]["outcomes_by_subcategory"]["rows"]),
          "fixture: small groups are marked")
    compare_report("fixture", got, want)
    compare_csv("fixture", work / "fixture", got)
    check_html("fixture", work / "fixture", got)

    letters = sorted((Path(a.corpus) / "seeds").glob("*.txt")) + sorted((Path(a.corpus) / "dwc-2016-2017").glob("*.pdf"))
    proc = subprocess.run([a.imr_stream, "classify", "--no-progress", "--no-summary", *map(str, letters)],
                          capture_output=True, timeout=600)
    corpus_lines = proc.stdout.decode().splitlines()
    check(len(corpus_lines) == len(letters), "corpus: one record per letter")
    got = run_report(a.imr_stream, corpus_lines, work / "corpus")
    compare_report("corpus", got, expected_report.compute(corpus_lines))
    check(got["totals"]["letters"] == len(letters), "corpus: every letter counted")
    compare_csv("corpus", work / "corpus", got)
    check_html("corpus", work / "corpus", got, a.screenshot)

    print(f"{passed} passed, {failures} failed")
    return 0 if failures == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
