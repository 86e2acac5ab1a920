#!/usr/bin/env python3
"""Checks that envelopes following schemas/envelope.schema.json are what the product reads.

usage: envelope_roundtrip.py SCHEMA_DIR BINARY WORKDIR INPUT [INPUT ...]

For every letter (.txt or .pdf; directories are searched, *.gold.* files skipped), writes
an envelope into WORKDIR: text letters as {"id": <integer>, "text": ..., "metadata": {...}},
PDF letters as {"id": "<name>", "pdf_base64": <base64 in 76-character lines>}. Each envelope
must pass the envelope schema. Then `BINARY classify` reads the letters and the envelopes,
and for each letter the envelope's record must be a schema-valid outcome whose
document_id is the envelope's id (as a string), whose source.format is envelope_text or
envelope_pdf, and which otherwise equals the record of the bare letter.

Prints one line per failed check, then "N passed, M failed" as its last line; exits 1 on
any failure.
"""

import base64
import json
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import schema_tools  # noqa: E402


def letters(inputs):
    out = []
    for name in inputs:
        path = Path(name)
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".txt", ".pdf")
                          and ".gold." not in p.name)
        else:
            out.append(path)
    return out


def classify(binary, files):
    run = subprocess.run([binary, "classify", "--no-progress", *map(str, files)],
                         stdout=subprocess.PIPE, check=False)
    if run.returncode not in (0, 1):
        raise SystemExit(f"error: {binary} classify exited with {run.returncode}")
    return [json.loads(line) for line in run.stdout.decode("utf-8").splitlines()]


def main(argv):
    if len(argv) < 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    schema_dir, binary, workdir, inputs = argv[0], argv[1], Path(argv[2]), argv[3:]
    schemas = schema_tools.load_schemas(schema_dir)
    envelope_schema = schema_tools.make_validator(schemas, "envelope.schema.json")
    outcome_schema = schema_tools.make_validator(schemas, "outcome.schema.json")

    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {what}")

    sources = letters(inputs)
    check(bool(sources), f"no letters in {inputs}")
    workdir.mkdir(parents=True, exist_ok=True)
    envelopes = []
    for number, letter in enumerate(sources, 1):
        data = letter.read_bytes()
        if letter.suffix == ".pdf":
            encoded = base64.b64encode(data).decode("ascii")
            envelope = {"id": letter.stem,
                        "pdf_base64": "\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76))}
            expected_format = "envelope_pdf"
        else:
            envelope = {"id": 1000 + number, "text": data.decode("utf-8"),
                        "metadata": {"producer": "envelope_roundtrip.py", "file": letter.name}}
            expected_format = "envelope_text"
        problems = [schema_tools.describe(e) for e in schema_tools.errors_of(envelope_schema, envelope)]
        check(not problems, f"envelope of {letter} does not follow the envelope schema: {problems}")
        path = workdir / f"{number:03d}-{letter.stem}.json"
        path.write_text(json.dumps(envelope), encoding="utf-8")
        envelopes.append((letter, path, str(envelope["id"]), expected_format))

    bare = classify(binary, sources)
    wrapped = classify(binary, [path for _, path, _, _ in envelopes])
    check(len(bare) == len(sources) and len(wrapped) == len(sources),
          f"{len(sources)} letters gave {len(bare)} records bare and {len(wrapped)} as envelopes")

    for (letter, _, document_id, expected_format), plain, record in zip(envelopes, bare, wrapped):
        check(record.get("kind") == "outcome", f"{letter} as an envelope: {record.get('error')}")
        if record.get("kind") != "outcome":
            continue
        problems = [schema_tools.describe(e) for e in schema_tools.errors_of(outcome_schema, record)]
        check(not problems, f"{letter} as an envelope: {problems}")
        check(record.get("document_id") == document_id,
              f"{letter} as an envelope: document_id {record.get('document_id')!r}, expected {document_id!r}")
        check(record["source"].get("format") == expected_format,
              f"{letter} as an envelope: source.format {record['source'].get('format')!r}, expected {expected_format!r}")
        same = {k: v for k, v in record.items() if k not in ("source", "document_id")} == \
               {k: v for k, v in plain.items() if k not in ("source", "document_id")}
        check(same, f"{letter}: the envelope's record differs from the bare letter's beyond source/document_id")

    print(f"jsonschema {schema_tools.jsonschema_version()}; {len(sources)} letters")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
