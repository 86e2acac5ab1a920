#!/usr/bin/env python3
"""validate_outcomes.py SCHEMA_DIR JSONL: every line is an outcome record valid against
SCHEMA_DIR/outcome.schema.json ($refs resolved in SCHEMA_DIR by tests/schema/schema_tools.py).
Prints a count, or the first error's path and keyword (never the record's text)."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "schema"))
import schema_tools  # noqa: E402


def main(schema_dir: str, records_path: str) -> int:
    validator = schema_tools.make_validator(schema_tools.load_schemas(schema_dir),
                                            "outcome.schema.json")
    count = 0
    with open(records_path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            errors = schema_tools.errors_of(validator, json.loads(line))
            if errors:
                where = "/".join(str(p) for p in errors[0].absolute_path) or "(root)"
                print(f"record {number}: {where}: {errors[0].validator} failed")
                return 1
            count += 1
    print(f"{count} valid outcome records")
    return 0 if count else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
