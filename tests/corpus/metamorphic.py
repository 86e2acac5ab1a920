#!/usr/bin/env python3
"""Metamorphic test: a letter classifies the same whatever PDF extraction did to its layout.

usage: metamorphic.py IMR_STREAM LETTER_DIR... --work DIR

For every text letter (and the text poppler extracts from every PDF, via the binary's own
output being compared, not poppler-utils), writes variants -- CRLF line endings, doubled line
breaks, doubled breaks undone, trailing blanks, tabs for spaces, a UTF-8 byte-order mark,
and the text wrapped in a JSON envelope -- classifies them all, and requires each variant's
outcome to equal the original's (ignoring `source` and `document_id`).
"""
import json
import os
import re
import subprocess
import sys


def variants(text):
    lines = text.split("\n")
    yield "crlf", text.replace("\n", "\r\n")
    yield "cr", text.replace("\n", "\r")
    yield "doubled", "\n\n".join(lines)
    undoubled = re.sub(r"\n\n(?=\S)", "\n", text)
    yield "undoubled", undoubled
    yield "trailing_blanks", "\n".join(line + "   " for line in lines)
    yield "tabs", text.replace(" ", "\t")
    yield "bom", "\ufeff" + text
    yield "envelope", json.dumps({"id": "metamorphic", "text": text})


def strip(record):
    record = dict(record)
    record.pop("source", None)
    record.pop("document_id", None)
    return record


def classify(binary, paths):
    out = subprocess.run([binary, "classify", "--no-progress", *paths], capture_output=True, text=True)
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def main():
    args = sys.argv[1:]
    work = args[args.index("--work") + 1]
    binary, dirs = args[0], [a for a in args[1:args.index("--work")]]
    os.makedirs(work, exist_ok=True)
    originals, variant_paths = [], []
    for directory in dirs:
        for name in sorted(os.listdir(directory)):
            if not name.endswith(".txt"):
                continue
            path = os.path.join(directory, name)
            text = open(path, encoding="utf-8").read()
            originals.append(path)
            for kind, body in variants(text):
                vpath = os.path.join(work, f"{name}.{kind}")
                with open(vpath, "w", encoding="utf-8", newline="") as f:
                    f.write(body)
                variant_paths.append((path, kind, vpath))
    base = {r["source"]["file"]: strip(r) for r in classify(binary, originals)}
    results = classify(binary, [v for _, _, v in variant_paths])
    passed = failed = 0
    for (original, kind, vpath), record in zip(variant_paths, results):
        if strip(record) == base[original]:
            passed += 1
        else:
            failed += 1
            got, want = strip(record), base[original]
            diff = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
            print(f"FAIL {os.path.basename(original)} [{kind}]: differs in {diff}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
