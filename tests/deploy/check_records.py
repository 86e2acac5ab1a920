#!/usr/bin/env python3
"""Records read back from Kafka by the deploy tests, against the schemas of SCHEMA_DIR ($refs
resolved there by tests/schema/schema_tools.py). Prints counts or the first failure's record
number and path, never a record's text.

    check_records.py outcomes SCHEMA_DIR JSONL            every line a valid outcome record
    check_records.py envelopes SCHEMA_DIR TSV INPUT_DIR   every KEY<TAB>VALUE line an envelope
                                                          whose id names a file of INPUT_DIR and
                                                          whose key is that file's SHA-256
"""
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "schema"))
import schema_tools  # noqa: E402


def check_all(schema_dir, schema_name, lines, check_one):
    """check_one(number, key, record) returns a failure text or None."""
    validator = schema_tools.make_validator(schema_tools.load_schemas(schema_dir), schema_name)
    count = 0
    for number, (key, value) in enumerate(lines, 1):
        record = json.loads(value)
        errors = schema_tools.errors_of(validator, record)
        if errors:
            where = "/".join(str(p) for p in errors[0].absolute_path) or "(root)"
            print(f"record {number}: {where}: {errors[0].validator} failed")
            return 1
        failure = check_one(number, key, record)
        if failure:
            print(f"record {number}: {failure}")
            return 1
        count += 1
    print(f"{count} valid records ({schema_name})")
    return 0 if count else 1


def outcomes(schema_dir, jsonl):
    lines = [("", l) for l in Path(jsonl).read_text(encoding="utf-8").splitlines() if l.strip()]
    return check_all(schema_dir, "outcome.schema.json", lines, lambda *_: None)


def envelopes(schema_dir, tsv, input_dir):
    files = {p.name: p for p in Path(input_dir).rglob("*") if p.is_file()}
    lines = [l.partition("\t")[::2] for l in Path(tsv).read_text(encoding="utf-8").splitlines()]

    def same_file(_number, key, envelope):
        path = files.get(envelope["id"])
        if path is None:
            return "id names no input file"
        if hashlib.sha256(path.read_bytes()).hexdigest() != key:
            return f"key is not the SHA-256 of {path.name}"
        return None

    return check_all(schema_dir, "envelope.schema.json", lines, same_file)


if __name__ == "__main__":
    commands = {"outcomes": outcomes, "envelopes": envelopes}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    sys.exit(commands[sys.argv[1]](*sys.argv[2:]))
