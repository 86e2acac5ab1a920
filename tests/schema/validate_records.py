#!/usr/bin/env python3
"""Validates imr-stream output records (JSON lines) against the record schemas.

usage: validate_records.py SCHEMA_DIR FILE.jsonl [FILE.jsonl ...] [--expect-errors N]

Each line must be one JSON object. Lines with "kind": "outcome" are validated against
SCHEMA_DIR/outcome.schema.json, lines with "kind": "error" against SCHEMA_DIR/error.schema.json
(Draft 2020-12, format checking on). Outcome records then get the checks a schema cannot
express: the summary agrees with the items, guideline_sources agrees with guidelines, reason
codes come in vocabulary order, the warnings agree with what is missing, the dates are in the
order the IMR process imposes.

With --expect-errors N, the number of error records must be N (counted as one more check:
a mismatch is one more failure). Prints one line per failure, then "N passed, M failed" as
its last line; exits 1 on any failure, 2 on bad usage.
"""

import argparse
import json
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import schema_tools  # noqa: E402

# The IMR process, in order: injury, utilization review denial, IMR application, assignment
# to the IMR organization, final determination. A date out of this order in an outcome is
# almost always a field read from the wrong cell of a scrambled header table.
DATE_ORDER = ["injury", "ur_denial", "application_received", "assigned", "decision"]

# warning code -> predicate on the outcome telling that the warning must be present.
PRESENCE_WARNINGS = {
    "patient_age_not_found": lambda r: r["patient"]["age"] is None,
    "patient_sex_not_found": lambda r: r["patient"]["sex"] is None,
    "injury_date_not_found": lambda r: r["dates"]["injury"] is None,
    "reviewer_states_not_found": lambda r: not r["reviewer"]["licensed_states"],
    "reviewer_specialties_not_found": lambda r: not r["reviewer"]["specialties"],
}


def distinct_in_order(values):
    out = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def semantic_problems(record, reason_order):
    """Problems a JSON Schema cannot express. Assumes the record passed the schema."""
    problems = []
    items = record["items"]
    summary = record["summary"]
    upheld = sum(1 for i in items if i["decision"] == "upheld")
    overturned = sum(1 for i in items if i["decision"] == "overturned")

    if summary["items"] != len(items):
        problems.append(f"summary/items is {summary['items']} but there are {len(items)} items")
    if summary["upheld"] != upheld:
        problems.append(f"summary/upheld is {summary['upheld']} but {upheld} items are upheld")
    if summary["overturned"] != overturned:
        problems.append(f"summary/overturned is {summary['overturned']} but {overturned} items are overturned")
    if summary["upheld"] + summary["overturned"] != summary["items"]:
        problems.append("summary: upheld + overturned != items")
    expected = "upheld" if overturned == 0 else "overturned" if upheld == 0 else "partially_overturned"
    if summary["outcome"] != expected:
        problems.append(f"summary/outcome is {summary['outcome']!r} but the items make it {expected!r}")

    for n, item in enumerate(items):
        where = f"items/{n}"
        if item["medically_necessary"] != (item["decision"] == "overturned"):
            problems.append(f"{where}: medically_necessary is {item['medically_necessary']} "
                            f"for decision {item['decision']!r}")
        for side in ("claims_administrator", "reviewer"):
            cited = distinct_in_order(c["source"] for c in item["guidelines"][side])
            if item["guideline_sources"][side] != cited:
                problems.append(f"{where}/guideline_sources/{side} is {item['guideline_sources'][side]} "
                                f"but guidelines/{side} cite {cited}")
        ranks = [reason_order.index(code) for code in item["reasons"] if code in reason_order]
        if ranks != sorted(ranks):
            problems.append(f"{where}/reasons {item['reasons']} are not in vocabulary order")
        if item["request"] == "" and "item_request_not_found" not in record["warnings"]:
            problems.append(f"{where}: empty request without an item_request_not_found warning")
        mod = item["modification"]
        if mod is not None and mod["original"] == "":
            problems.append(f"{where}/modification/original is empty")
        drug = item["treatment"]["drug"]
        if (drug is not None) != (item["category"] == "pharmaceuticals"):
            problems.append(f"{where}/treatment/drug is {'set' if drug else 'null'} "
                            f"for category {item['category']!r}")
        if drug is not None and drug["ingredients"] != sorted(drug["ingredients"]):
            problems.append(f"{where}/treatment/drug/ingredients {drug['ingredients']} are not sorted")

    warnings = record["warnings"]
    for code, missing in PRESENCE_WARNINGS.items():
        if missing(record) != (code in warnings):
            state = "missing" if missing(record) else "present"
            problems.append(f"warnings: {code} is {'absent' if code not in warnings else 'given'} "
                            f"though the field is {state}")
    if len(set(warnings)) != len(warnings):
        problems.append(f"warnings repeat a code: {warnings}")
    for warning in warnings:
        if warning.startswith("category_guessed:item="):
            number = int(warning.split("=", 1)[1])
            if not 1 <= number <= len(items):
                problems.append(f"warnings: {warning} names no item (there are {len(items)})")
            elif (items[number - 1]["category"], items[number - 1]["subcategory"]) != ("other", "other"):
                problems.append(f"warnings: {warning} but that item is filed under "
                                f"{items[number - 1]['category']}/{items[number - 1]['subcategory']}")

        if warning.startswith("reasons_unread:item="):
            number = int(warning.split("=", 1)[1])
            if not 1 <= number <= len(items) or items[number - 1]["reasons"]:
                problems.append(f"warnings: {warning} names no item without reasons")
    for number, item in enumerate(items, 1):
        if not item["reasons"] and f"reasons_unread:item={number}" not in warnings:
            problems.append(f"items/{number - 1} has no reasons and no reasons_unread warning")

    dated = [(name, record["dates"][name]) for name in DATE_ORDER if record["dates"][name] is not None]
    for (earlier, a), (later, b) in zip(dated, dated[1:]):
        if a > b:  # ISO dates compare as strings
            problems.append(f"dates: {earlier} {a} is after {later} {b}")
    return problems


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("schema_dir")
    parser.add_argument("files", nargs="+", metavar="FILE.jsonl")
    parser.add_argument("--expect-errors", type=int, metavar="N",
                        help="the number of error records the files must hold")
    args = parser.parse_args(argv)

    schemas = schema_tools.load_schemas(args.schema_dir)
    validators = {
        "outcome": schema_tools.make_validator(schemas, "outcome.schema.json"),
        "error": schema_tools.make_validator(schemas, "error.schema.json"),
    }
    reason_order = schemas["outcome.schema.json"]["$defs"]["reason_code"]["enum"]

    passed = failed = 0
    kinds = {"outcome": 0, "error": 0}
    error_codes = {}
    for file in args.files:
        with open(file, encoding="utf-8", errors="strict") as f:
            lines = f.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()  # the newline that ends the last record
        for number, line in enumerate(lines, 1):
            where = f"{file}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                print(f"FAIL {where}: not JSON: {e}")
                failed += 1
                continue
            kind = record.get("kind") if isinstance(record, dict) else None
            if kind not in validators:
                print(f"FAIL {where}: kind is {kind!r}, neither 'outcome' nor 'error'")
                failed += 1
                continue
            problems = [schema_tools.describe(e) for e in schema_tools.errors_of(validators[kind], record)]
            if not problems and kind == "outcome":
                problems = semantic_problems(record, reason_order)
            label = record.get("source", {}).get("file") or record.get("document_id") or ""
            if problems:
                failed += 1
                print(f"FAIL {where} ({kind} {label}):")
                for problem in problems:
                    print(f"    {problem}")
                continue
            passed += 1
            kinds[kind] += 1
            if kind == "error":
                code = record["error"]["code"]
                error_codes[code] = error_codes.get(code, 0) + 1

    total = passed + failed
    print(f"jsonschema {schema_tools.jsonschema_version()}; {total} records: "
          f"{kinds['outcome']} valid outcomes, {kinds['error']} valid errors "
          f"{dict(sorted(error_codes.items()))}")
    if total == 0:
        print("FAIL: no records at all")
        failed += 1
    if args.expect_errors is not None:
        errors = kinds["error"]
        if errors != args.expect_errors:
            print(f"FAIL: expected {args.expect_errors} valid error records, found {errors}")
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
