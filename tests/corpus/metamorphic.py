#!/usr/bin/env python3
"""Metamorphic test: a letter classifies the same whatever PDF extraction did to its layout.

usage: metamorphic.py IMR_STREAM LETTER_DIR... --work DIR

For every text letter (and the text poppler extracts from every PDF, via the binary's own
output being compared, not poppler-utils), writes variants -- CRLF line endings, doubled line
breaks, doubled breaks undone, trailing blanks, tabs for spaces, a UTF-8 byte-order mark,
and the text wrapped in a JSON envelope -- classifies them all, and requires each variant's
outcome to equal the original's (ignoring `source` and `document_id`).

Then, for every item of every letter, damages its decision word (a typo such as "Overtruned",
or a stray character before "Upheld") and requires the same items with the same decisions,
the damaged one's taken from its rationale with a `decision_from_rationale` warning: an
unreadable decision word never makes an item disappear.
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


DECISION_WORD = re.compile(r"(:|\bis)([ \t]*\n?[ \t]*)(Upheld|Overturned)\b")
DAMAGES = [
    lambda word: word[:-4] + word[-3] + word[-4] + word[-2:],  # "Overtruned", "Uphled"
    lambda word: "x" + word,  # a stray character before the word
    lambda word: word[:2] + " " + word[2:],  # "Ov erturned": a space inside
]


def damaged_variants(text):
    """One variant per decision word, that word damaged (damage kinds taken in turn)."""
    for index, match in enumerate(DECISION_WORD.finditer(text)):
        word = match.group(3)
        damaged = DAMAGES[index % len(DAMAGES)](word)
        yield index + 1, text[:match.start(3)] + damaged + text[match.end(3):]


def check_damaged(binary, originals, base, work):
    variant_paths = []
    for path in originals:
        text = open(path, encoding="utf-8").read()
        for number, body in damaged_variants(text):
            vpath = os.path.join(work, f"{os.path.basename(path)}.damaged{number}")
            with open(vpath, "w", encoding="utf-8", newline="") as f:
                f.write(body)
            variant_paths.append((path, number, vpath))
    results = classify(binary, [v for _, _, v in variant_paths])
    passed = failed = 0
    for (original, number, _), record in zip(variant_paths, results):
        want = base[original]
        got_items = [(i.get("decision")) for i in record.get("items") or []]
        want_items = [(i["decision"]) for i in want["items"]]
        warned = any(w.startswith("decision_from_rationale:") for w in record.get("warnings") or [])
        if record.get("kind") == "outcome" and got_items == want_items and warned:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {os.path.basename(original)} [decision word {number} damaged]: "
                  f"{record.get('kind')} {got_items} != {want_items}, warned={warned}")
    print(f"damaged decision words: {passed} passed, {failed} failed")
    return passed, failed


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
    damaged_passed, damaged_failed = check_damaged(binary, originals, base, work)
    if not damaged_passed:
        print("FAIL no decision word found to damage")
        return 1
    return 1 if failed or damaged_failed else 0


if __name__ == "__main__":
    sys.exit(main())
