#!/usr/bin/env python3
"""check_envelopes.py SCHEMA_DIR RECORDS_TSV INPUT_DIR: each record (key TAB value) read back
from the input topic is an envelope valid against SCHEMA_DIR/envelope.schema.json whose id names
a file under INPUT_DIR and whose key is the SHA-256 of that file. Prints counts, never text."""
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "schema"))
import schema_tools  # noqa: E402


def main(schema_dir: str, records: str, input_dir: str) -> int:
    validator = schema_tools.make_validator(schema_tools.load_schemas(schema_dir),
                                            "envelope.schema.json")
    files = {p.name: p for p in Path(input_dir).rglob("*") if p.is_file()}
    count = 0
    for number, line in enumerate(Path(records).read_text(encoding="utf-8").splitlines(), 1):
        key, _, value = line.partition("\t")
        envelope = json.loads(value)
        if schema_tools.errors_of(validator, envelope):
            print(f"record {number}: not a valid envelope")
            return 1
        path = files.get(envelope["id"])
        if path is None:
            print(f"record {number}: id names no input file")
            return 1
        if hashlib.sha256(path.read_bytes()).hexdigest() != key:
            print(f"record {number}: key is not the SHA-256 of {path.name}")
            return 1
        count += 1
    print(f"{count} envelopes checked")
    return 0 if count else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
