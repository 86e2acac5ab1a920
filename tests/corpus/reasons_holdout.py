#!/usr/bin/env python3
"""Held-out estimate of the reason patterns' precision and recall on letters they were not built from.

usage: reasons_holdout.py BINARY VOCABULARY_DIR WORK_DIR LETTER_DIR... [--independent FILE]...
                          [--min precision=0.85,recall=0.80] [--one-out] [--codes] [--features]

The reason patterns of reasons.tsv are a model: every top-level alternative of a `reason`,
`reason_rule`, `reason_scope` or `reason_not` pattern is a learned feature, and when the alternative
holds a list of words or phrases (its largest group of three or more alternatives, as in
"{NEG}{GAP}(?:urine drug screens|pain contract|...)"), each entry of that list is a feature of its own. A feature that matches the
text of only some letters may have been written for them. To score letters the patterns were not
built from, the features whose every match lies in the held-out letters are removed (a feature that
matches no letter came from general knowledge, and stays), and the held-out letters are classified
with the reduced vocabulary (`classify --vocabulary`). Rationale sentences written from REASONS.md
and general knowledge of utilization-review language, not from letters (--independent: a TSV of
treatment<TAB>codes<TAB>rationale), are independent evidence: a feature that matches one of them was not
learned from a letter and stays (a code-giving feature needs a rationale that gives a code; a scope or
a veto may match one that gives none). Without them the estimate is a lower bound.
  - halves: letters split into two halves by name order, each scored with the features of the other;
  - leave-one-letter-out (--one-out; one classify run per letter, so slower): each letter scored
    without the features only it matches.
Letter text for matching: .txt as is, .pdf through `pdftotext` (the product's own extraction differs
in line breaks only, and whitespace is flattened before matching).
Prints micro precision and recall over the codes (as score.py counts them: the `medically_necessary`
of overturned items included) in-sample and held out, per code with --codes; exits 1 when a held-out
figure is below its --min. --features lists the features only letters support (what to write
independent evidence for, or to generalise).
"""
import argparse
import collections
import glob
import json
import os
import re
import shutil
import subprocess
import sys

FEATURE_KINDS = ("reason", "reason_rule", "reason_scope", "reason_not")
REASONS = "reasons.tsv"


def letters_of(dirs, work):
    """[(letter path, stem, flattened text, [gold reason set per item])] of every gold letter."""
    letters = []
    text_dir = os.path.join(work, "text")
    os.makedirs(text_dir, exist_ok=True)
    for d in dirs:
        for gold in sorted(glob.glob(os.path.join(d, "*.gold.json"))):
            stem = os.path.basename(gold)[: -len(".gold.json")]
            source = [p for p in glob.glob(os.path.join(d, stem + ".*")) if not p.endswith(".gold.json")][0]
            if source.endswith(".pdf"):
                extracted = os.path.join(text_dir, stem + ".txt")
                subprocess.run(["pdftotext", source, extracted], check=True)
                text = open(extracted, errors="replace").read()
            else:
                text = open(source, errors="replace").read()
            text = re.sub(r"\s+", " ", text)
            reasons = [set(item["reasons"]) for item in json.load(open(gold))["items"]]
            letters.append((source, stem, text, reasons))
    return letters


# An escape, a character class, a group's opening, its closing or a bar: what gives a pattern its
# structure.
TOKEN = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]])*\]|\((?:\?:)?|[)|]")


def structure(pattern):
    """(groups, bars): the (content start, content end) of every group, and where `|` separates
    the top-level alternatives."""
    groups, bars, opened = [], [], []
    for token in TOKEN.finditer(pattern):
        text = token.group()
        if text.startswith("("):
            opened.append(token.end())
        elif text == ")" and opened:
            groups.append((opened.pop(), token.start()))
        elif text == "|" and not opened:
            bars.append(token.start())
    return groups, bars


def top_level_alternatives(pattern):
    edges = [-1] + structure(pattern)[1] + [len(pattern)]
    return [pattern[start + 1:end] for start, end in zip(edges, edges[1:])]


def widest_list(alternative):
    """(start, end, entries) of the group of `alternative` with the most alternatives (three or
    more), `alternative[start:end]` being the group's content; None without such a group."""
    best = None
    for start, end in structure(alternative)[0]:
        entries = top_level_alternatives(alternative[start:end])
        if len(entries) >= 3 and (best is None or len(entries) > len(best[2])):
            best = (start, end, entries)
    return best


def read_vocabulary(directory):
    """{file: [line]}, and the features of reasons.tsv: (line index, alternative index, list entry
    index or None, regex)."""
    files = {os.path.basename(p): open(p).read().split("\n") for p in sorted(glob.glob(os.path.join(directory, "*.tsv")))}
    rows = [line.split("\t") for line in files[REASONS]]
    terms = {f[1]: f[2] for f in rows if len(f) == 3 and f[0] == "reason_term"}

    def compiled(text):
        for name, term in terms.items():
            text = text.replace("{" + name + "}", term)
        try:
            return re.compile(text, re.I)
        except re.error:
            return None  # an RE2-only construct: kept as general

    features = []
    for n, f in enumerate(rows):
        if len(f) != 3 or f[0] not in FEATURE_KINDS or files[REASONS][n].startswith("#"):
            continue
        for a, alt in enumerate(top_level_alternatives(f[2])):
            group = widest_list(alt)
            variants = [(None, alt)] if group is None else [
                (e, alt[: group[0]] + entry + alt[group[1]:]) for e, entry in enumerate(group[2])]
            for e, text in variants:
                rx = compiled(text)
                if rx:
                    features.append((n, a, e, rx))
    return files, features


def independent_sentences(paths, coded_only=False):
    """The rationales of treatment<TAB>codes<TAB>rationale rows ("-": no code)."""
    sentences = []
    for path in paths:
        for line in open(path).read().splitlines():
            fields = line.split("\t")
            if len(fields) == 3 and not line.startswith("#") and not (coded_only and fields[1] == "-"):
                sentences.append(fields[2])
    return sentences


def write_reduced(files, features, removed, directory):
    """The vocabulary without the removed features (a list without entries, or a pattern without
    alternatives, is dropped)."""
    lines = list(files[REASONS])
    drop = {}
    for index in removed:
        n, alt, entry, _ = features[index]
        drop.setdefault(n, {}).setdefault(alt, set()).add(entry)
    for n, alts in drop.items():
        kind, code, pattern = files[REASONS][n].split("\t")
        keep = []
        for i, alt in enumerate(top_level_alternatives(pattern)):
            entries = alts.get(i, set())
            if None in entries:
                continue
            if entries:
                start, end, listed = widest_list(alt)
                kept = [e for k, e in enumerate(listed) if k not in entries]
                if not kept:
                    continue
                alt = alt[:start] + "|".join(kept) + alt[end:]
            keep.append(alt)
        lines[n] = "\t".join((kind, code, "|".join(keep))) if keep else ""
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    for name, content in files.items():
        with open(os.path.join(directory, name), "w") as out:
            out.write("\n".join(lines if name == REASONS else content))


def classify(binary, vocabulary, paths):
    """{letter stem: [reason code set per item]}, as `classify` reads them with `vocabulary`."""
    command = [binary, "classify", "--no-progress", "--no-summary", "-j", "2"]
    command += ["--vocabulary", vocabulary] if vocabulary else []
    out = subprocess.run(command + paths, capture_output=True, text=True).stdout
    records = [json.loads(line) for line in out.splitlines()]
    return {os.path.basename(r["source"]["file"]).rsplit(".", 1)[0]: [set(i.get("reasons") or []) for i in r["items"]]
            for r in records if r.get("kind") == "outcome"}


class Tally:
    def __init__(self):
        self.tp, self.fp, self.fn = collections.Counter(), collections.Counter(), collections.Counter()

    def add(self, letters, got):
        for _, stem, _, items in letters:
            predicted = got.get(stem, [])
            for k, expected in enumerate(items):
                codes = predicted[k] if k < len(predicted) else set()
                for c in expected & codes:
                    self.tp[c] += 1
                for c in codes - expected:
                    self.fp[c] += 1
                for c in expected - codes:
                    self.fn[c] += 1

    @staticmethod
    def ratios(tp, fp, fn):
        return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)

    def micro(self):
        return self.ratios(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values()))

    def line(self, label):
        precision, recall = self.micro()
        return (f"{label:<28} codes={sum(self.tp.values()) + sum(self.fn.values())} "
                f"precision={precision:.3f} recall={recall:.3f}")

    def per_code(self):
        return {c: self.ratios(self.tp[c], self.fp[c], self.fn[c]) + (self.tp[c] + self.fn[c],)
                for c in set(self.tp) | set(self.fp) | set(self.fn)}


def arguments(argv):
    parser = argparse.ArgumentParser(description="Held-out estimate of the reason patterns.")
    parser.add_argument("binary")
    parser.add_argument("vocabulary")
    parser.add_argument("work")
    parser.add_argument("dirs", nargs="+")
    parser.add_argument("--independent", action="append", default=[])
    parser.add_argument("--min", default="", help="precision=0.9,recall=0.85: floors of the held-out figures")
    parser.add_argument("--one-out", action="store_true")
    parser.add_argument("--codes", action="store_true")
    parser.add_argument("--features", action="store_true")
    return parser.parse_args(argv[1:])


def main(argv):
    args = arguments(argv)
    mins = {key: float(v) for key, v in (x.split("=") for x in args.min.split(",") if x)}
    binary, vocabulary, work, dirs, evidence = args.binary, args.vocabulary, args.work, args.dirs, args.independent
    codes, listing, one_out_wanted = args.codes, args.features, args.one_out
    letters = letters_of(dirs, work)
    files, features = read_vocabulary(vocabulary)
    independent = independent_sentences(evidence)
    coded = independent_sentences(evidence, coded_only=True)
    # A pattern that gives a code is general when a rationale that gives a code uses it; a scope or
    # a veto is general when any written rationale (one that gives nothing too) uses it.
    kinds = [files[REASONS][n].split("\t")[0] for n, *_ in features]
    general = [any(rx.search(s) for s in (coded if kind in ("reason", "reason_rule") else independent))
               for kind, (*_, rx) in zip(kinds, features)]
    supports = [set() if g else {stem for _, stem, text, _ in letters if rx.search(text)}
                for g, (*_, rx) in zip(general, features)]
    print(f"{len(independent)} independent sentences; {sum(general)} of {len(features)} features "
          f"seen in them, {sum(1 for s in supports if s)} only in letters")
    if listing:
        rows = [line.split("\t") for line in files[REASONS]]
        for (n, a, e, rx), s in zip(features, supports):
            if s:
                print(f"  {len(s):>3} letters  {rows[n][0]} {rows[n][1]} #{a}.{e}: {rx.pattern[:150]}")

    in_sample = Tally()
    in_sample.add(letters, classify(binary, vocabulary, [p for p, *_ in letters]))

    halves = Tally()
    for fold in (0, 1):
        held = [letter for k, letter in enumerate(letters) if k % 2 == fold]
        held_stems = {stem for _, stem, _, _ in held}
        removed = [i for i, s in enumerate(supports) if s and s <= held_stems]
        reduced = os.path.join(work, f"half{fold}")
        write_reduced(files, features, removed, reduced)
        halves.add(held, classify(binary, reduced, [p for p, *_ in held]))
        print(f"half {fold}: {len(held)} letters, {len(removed)} of {len(features)} features only theirs")

    one_out = Tally()
    if one_out_wanted:
        own = {stem: [i for i, s in enumerate(supports) if s == {stem}] for _, stem, _, _ in letters}
        reduced = os.path.join(work, "one_out")
        for letter in (letter for letter in letters if own[letter[1]]):
            write_reduced(files, features, own[letter[1]], reduced)
            one_out.add([letter], classify(binary, reduced, [letter[0]]))
        rest = [letter for letter in letters if not own[letter[1]]]
        one_out.add(rest, classify(binary, vocabulary, [p for p, *_ in rest]))

    tallies = (("in-sample", in_sample), ("held-out halves (2-fold)", halves))
    if one_out_wanted:
        tallies += (("leave-one-letter-out", one_out),)
    for label, tally in tallies:
        print(tally.line(label))
    if codes:
        print(f"{'code':<34} {'n':>4}  in-sample P/R   halves P/R" + ("   one-out P/R" if one_out_wanted else ""))
        table = [t.per_code() for _, t in tallies]
        for c in sorted(set().union(*table)):
            cells = "   ".join("%.2f/%.2f" % t.get(c, (1.0, 1.0, 0))[:2] for t in table)
            print(f"{c:<34} {table[0].get(c, (0, 0, 0))[2]:>4}  {cells}")
    held_out = (("halves", halves), ("one_out", one_out))[: 2 if one_out_wanted else 1]
    failed = [f"{label}.{key}={value:.3f}<{minimum}" for key, minimum in mins.items() for label, tally in held_out
              for value in [dict(zip(("precision", "recall"), tally.micro()))[key]] if value < minimum]
    if failed:
        print("FAILED: " + ", ".join(failed))
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv))
