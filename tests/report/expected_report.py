"""An independent computation of every figure of `imr-stream report` from outcome JSON lines.

The report's C++ code and this module share only the written rules (README, report.json
"rules"): duplicates by source position then case number, the first record kept; error
records and lines that are not records skipped; medians and nearest-rank p90.
"""
import json
import math
from collections import Counter, defaultdict
from datetime import date

SMALL = 10


def load_letters(lines):
    """Returns (kept outcome records, skipped counts)."""
    letters, seen_sources, seen_cases = [], set(), set()
    skipped = Counter()
    errors = Counter()
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            skipped["lines_not_records"] += 1
            continue
        if not isinstance(record, dict):
            skipped["lines_not_records"] += 1
            continue
        kind = record.get("kind")
        if kind == "error":
            errors[(record.get("error") or {}).get("code", "unknown")] += 1
            continue
        if kind != "outcome":
            skipped["lines_not_records"] += 1
            continue
        src = record.get("source") or {}
        key = (src.get("topic"), src.get("partition"), src.get("offset"))
        has_key = all(isinstance(v, (str, int)) for v in key) and not isinstance(key[1], bool)
        case = record.get("case_number")
        if has_key and key in seen_sources:
            skipped["duplicate_source_offsets"] += 1
            continue
        if case is not None and case in seen_cases:
            skipped["duplicate_case_numbers"] += 1
            continue
        if has_key:
            seen_sources.add(key)
        if case is not None:
            seen_cases.add(case)
        letters.append(record)
    out = {
        "error_records": sum(errors.values()),
        "duplicate_source_offsets": skipped["duplicate_source_offsets"],
        "duplicate_case_numbers": skipped["duplicate_case_numbers"],
        "lines_not_records": skipped["lines_not_records"],
    }
    for code in sorted(errors):
        out[f"error:{code}"] = errors[code]
    return letters, out


def items_of(letters):
    for letter in letters:
        for item in letter.get("items", []):
            yield letter, item


def overturned(item):
    return item.get("decision") == "overturned"


def decision_row(items, partial=False):
    n = len(items)
    over = sum(1 for i in items if overturned(i))
    row = {"items": n, "upheld": n - over, "overturned": over,
           "overturn_rate": (over / n) if n else None}
    if partial:
        row["partial_authorizations"] = sum(1 for i in items if isinstance(i.get("modification"), dict))
    row["small_group"] = "yes" if n < SMALL else "no"
    return row


def ranked(groups):
    """Most items first, ties in key order (the C++ side sorts a std::map stably)."""
    return sorted(sorted(groups.items(), key=lambda kv: kv[0]), key=lambda kv: -len(kv[1]))


def median(values):
    v = sorted(values)
    n = len(v)
    return float(v[n // 2]) if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2.0


def p90(values):
    v = sorted(values)
    return v[max(math.ceil(0.9 * len(v)), 1) - 1]


def month_of(letter):
    d = (letter.get("dates") or {}).get("decision")
    return d[:7] if isinstance(d, str) and len(d) >= 7 else "unknown"


def treatment(item):
    t = item.get("treatment")
    return t if isinstance(t, dict) else {}


def compute(lines):
    letters, skipped = load_letters(lines)
    all_items = [i for _, i in items_of(letters)]
    n_over = sum(1 for i in all_items if overturned(i))
    totals = {"letters": len(letters), "items": len(all_items), "upheld": len(all_items) - n_over,
              "overturned": n_over,
              "letters_with_warnings": sum(1 for l in letters if l.get("warnings"))}
    tables = {}

    # decisions by month
    by_month, letters_by_month = defaultdict(list), Counter()
    for letter in letters:
        m = month_of(letter)
        letters_by_month[m] += 1
        by_month[m].extend(letter.get("items", []))
    months = sorted(m for m in by_month if m != "unknown") + (["unknown"] if "unknown" in by_month else [])
    tables["decisions_by_month"] = [{"month": m, "letters": letters_by_month[m], **decision_row(by_month[m])}
                                    for m in months]

    cat, sub = defaultdict(list), defaultdict(list)
    for i in all_items:
        cat[i.get("category")].append(i)
        sub[(i.get("category"), i.get("subcategory"))].append(i)
    tables["outcomes_by_category"] = [{"category": k, **decision_row(v, partial=True)} for k, v in ranked(cat)]
    tables["outcomes_by_subcategory"] = [{"category": k[0], "subcategory": k[1], **decision_row(v, partial=True)}
                                         for k, v in ranked(sub)]

    drugs = defaultdict(list)
    for i in all_items:
        drug = treatment(i).get("drug")
        for ingredient in (drug or {}).get("ingredients", []) if isinstance(drug, dict) else []:
            drugs[ingredient].append(i)
    tables["top_drugs"] = [{"ingredient": k, **decision_row(v)} for k, v in ranked(drugs)[:25]]

    sessions = defaultdict(list)
    for i in all_items:
        s = treatment(i).get("sessions")
        if isinstance(s, int) and not isinstance(s, bool):
            sessions[(i.get("category"), i.get("subcategory"))].append(s)
    rows = [{"category": k[0], "subcategory": k[1], "items_with_sessions": len(v), "sessions_total": sum(v),
             "sessions_median": median(v), "sessions_max": max(v)} for k, v in sorted(sessions.items())]
    tables["therapy_sessions"] = sorted(rows, key=lambda r: -r["sessions_total"])

    spec_items, spec_letters = defaultdict(list), Counter()
    for letter in letters:
        for s in (letter.get("reviewer") or {}).get("specialties") or ["(not stated)"]:
            spec_letters[s] += 1
            spec_items[s].extend(letter.get("items", []))
    tables["outcomes_by_specialty"] = [{"specialty": k, "letters": spec_letters[k], **decision_row(v)}
                                       for k, v in ranked(spec_items)]

    def sources(i, side):
        return (i.get("guideline_sources") or {}).get(side) or []

    def cites(srcs, s):
        return not srcs if s == "none" else s in srcs

    tables["guideline_sources"] = [
        {"source": s,
         "claims_administrator_items": sum(1 for i in all_items if cites(sources(i, "claims_administrator"), s)),
         "reviewer_items": sum(1 for i in all_items if cites(sources(i, "reviewer"), s))}
        for s in ["MTUS", "ODG", "ACOEM", "other", "none"]]
    differ = sum(1 for i in all_items
                 if sorted(set(sources(i, "claims_administrator"))) != sorted(set(sources(i, "reviewer"))))
    n = len(all_items)
    tables["guideline_agreement"] = [
        {"comparison": "sources differ", "items": differ, "of_items": n, "share": differ / n if n else None},
        {"comparison": "sources agree", "items": n - differ, "of_items": n, "share": (n - differ) / n if n else None}]

    upheld = [i for i in all_items if not overturned(i)]
    reasons = Counter(r for i in upheld for r in i.get("reasons", []))
    rows = [{"reason": r, "items": c, "upheld_items": len(upheld), "share": c / len(upheld)}
            for r, c in sorted(reasons.items())]
    tables["reasons"] = sorted(rows, key=lambda r: -r["items"])
    by_cat = defaultdict(list)
    for i in upheld:
        by_cat[i.get("category")].append(i)
    rows = []
    for c in sorted(by_cat):
        whole = len(by_cat[c])
        counts = Counter(r for i in by_cat[c] for r in i.get("reasons", []))
        part = [{"category": c, "reason": r, "items": k, "upheld_items": whole, "share": k / whole,
                 "small_group": "yes" if whole < SMALL else "no"} for r, k in sorted(counts.items())]
        rows.extend(sorted(part, key=lambda r: -r["items"]))
    tables["reasons_by_category"] = rows

    days_all, days_month = [], defaultdict(list)
    for letter in letters:
        d = letter.get("dates") or {}
        try:
            a, b = date.fromisoformat(d.get("assigned")), date.fromisoformat(d.get("decision"))
        except (TypeError, ValueError):
            continue
        if b < a:
            continue
        days_all.append((b - a).days)
        days_month[month_of(letter)].append((b - a).days)
    rows = []
    if days_all:
        rows.append({"month": "all", "letters": len(days_all), "median_days": median(days_all), "p90_days": p90(days_all)})
    for m in sorted(days_month):
        v = days_month[m]
        rows.append({"month": m, "letters": len(v), "median_days": median(v), "p90_days": p90(v)})
    tables["review_days"] = rows

    warnings = Counter()
    for letter in letters:
        for code in {w.split(":", 1)[0] for w in letter.get("warnings", [])}:
            warnings[code] += 1
    tables["warnings"] = sorted([{"warning": w, "letters": c} for w, c in sorted(warnings.items())],
                                key=lambda r: -r["letters"])
    return {"totals": totals, "skipped": skipped, "tables": tables}
