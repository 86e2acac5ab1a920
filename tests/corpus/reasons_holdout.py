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


def top_level_alternatives(pattern):
    parts, depth, in_class, start, i = [], 0, False, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def widest_list(alternative):
    """(start, end, entries) of the group of `alternative` with the most alternatives (three or
    more), `alternative[start:end]` being the group's content; None without such a group."""
    best, stack, in_class, i = None, [], False, 0
    while i < len(alternative):
        c = alternative[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            stack.append(i + 3 if alternative.startswith("(?:", i) else i + 1)
        elif c == ")" and stack:
            start = stack.pop()
            entries = top_level_alternatives(alternative[start:i])
            if len(entries) >= 3 and (best is None or len(entries) > len(best[2])):
                best = (start, i, entries)
        i += 1
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
    if os.path.isdir(directory):
        shutil.rmtree(directory)
    os.makedirs(directory)
    for name, content in files.items():
        open(os.path.join(directory, name), "w").write("\n".join(lines if name == REASONS else content))


def classify(binary, vocabulary, paths):
    args = [binary, "classify", "--no-progress", "--no-summary", "-j", "2"]
    if vocabulary:
        args += ["--vocabulary", vocabulary]
    out = subprocess.run(args + paths, capture_output=True, text=True).stdout
    got = {}
    for line in out.splitlines():
        record = json.loads(line)
        if record.get("kind") == "outcome":
            stem = os.path.basename(record["source"]["file"]).rsplit(".", 1)[0]
            got[stem] = [set(i.get("reasons") or []) for i in record["items"]]
    return got


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


def main(argv):
    mins, evidence = {}, []
    codes, listing, one_out_wanted = "--codes" in argv, "--features" in argv, "--one-out" in argv
    argv = [a for a in argv if a not in ("--codes", "--features", "--one-out")]
    if "--min" in argv:
        k = argv.index("--min")
        mins = {key: float(v) for key, v in (x.split("=") for x in argv[k + 1].split(","))}
        argv = argv[:k] + argv[k + 2:]
    while "--independent" in argv:
        k = argv.index("--independent")
        evidence.append(argv[k + 1])
        argv = argv[:k] + argv[k + 2:]
    binary, vocabulary, work, dirs = argv[1], argv[2], argv[3], argv[4:]
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
    unchanged = []
    for letter in letters if one_out_wanted else []:
        removed = [i for i, s in enumerate(supports) if s == {letter[1]}]
        if not removed:
            unchanged.append(letter)
            continue
        reduced = os.path.join(work, "one_out")
        write_reduced(files, features, removed, reduced)
        one_out.add([letter], classify(binary, reduced, [letter[0]]))
    if unchanged:
        one_out.add(unchanged, classify(binary, vocabulary, [p for p, *_ in unchanged]))

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
    failed = []
    for key, minimum in mins.items():
        for label, tally in (("halves", halves), ("one_out", one_out))[: 2 if one_out_wanted else 1]:
            value = dict(zip(("precision", "recall"), tally.micro()))[key]
            if value < minimum:
                failed.append(f"{label}.{key}={value:.3f}<{minimum}")
    if failed:
        print("FAILED: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
