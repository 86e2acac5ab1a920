#!/usr/bin/env python3
"""Held-out estimate of the treatment vocabulary's category accuracy on letters it was not built from.

usage: vocabulary_holdout.py BINARY VOCABULARY_DIR WORK_DIR LETTER_DIR... [--independent FILE]...
                             [--min category=0.97,...] [--misses]

The vocabulary is a model: every top-level alternative of a service/fallback rule and every drug,
topical or ingredient name is a learned feature. A feature that matches the requests of only some
letters may have been written for them. To score letters the vocabulary was not built from, the
features whose every match lies in the held-out letters are removed (features that match no letter
at all came from the taxonomy and general knowledge, and stay), and the held-out letters are
classified with the reduced vocabulary (`classify --vocabulary`). Requests written from the
taxonomy and general knowledge, not from letters (--independent: a TSV of expected<TAB>request, a
unit test's {"request", "category", "subcategory"} lists, or the taxonomy table of a README.md with
each subcategory's examples), are independent evidence: a feature
that matches one of them was not learned from a letter and stays. Without them the estimate is a
lower bound (every feature only the held-out letters use counts as learned from them).
  - halves: letters split into two halves by name order, each scored with the features of the other;
  - leave-one-letter-out: each letter scored without the features only it supports.
Prints in-sample and held-out accuracy of category and subcategory and the other/other count
(--misses: also each held-out item classified wrongly, as letter, item number, expected and got);
exits 1 when a held-out figure is below its --min.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

PREFIX = re.compile(r"^(associated surgical services?:?|retrospective( request for)?|retro|prospective"
                    r"( request for)?|pre-?op(erative)?|post-?op(erative)?)[\s:,-]*", re.I)
NAME_KINDS = {"drug": 2, "topical": 2, "ingredients": 1}  # kind -> field holding the name


def letters_of(dirs):
    """[(letter path, stem, [(service text, category/subcategory)])] of every gold letter."""
    letters = []
    for d in dirs:
        for gold in sorted(glob.glob(os.path.join(d, "*.gold.json"))):
            stem = os.path.basename(gold)[: -len(".gold.json")]
            source = [p for p in glob.glob(os.path.join(d, stem + ".*")) if not p.endswith(".gold.json")]
            items = []
            for item in json.load(open(gold))["items"]:
                text = (item.get("modification") or {}).get("original") or item["request"]
                while PREFIX.match(text) and PREFIX.sub("", text, count=1) != text:
                    text = PREFIX.sub("", text, count=1)
                items.append((text, item["category"] + "/" + item["subcategory"]))
            letters.append((source[0], stem, items))
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


def read_vocabulary(directory):
    """{file: [line]}, and the features: (file, line index, alternative index or None, regex)."""
    files, features = {}, []
    for path in sorted(glob.glob(os.path.join(directory, "*.tsv"))):
        name = os.path.basename(path)
        files[name] = open(path).read().split("\n")
        for n, line in enumerate(files[name]):
            f = line.split("\t")
            if len(f) != 3 or line.startswith("#"):
                continue
            if f[0] in ("service", "fallback"):
                for a, alt in enumerate(top_level_alternatives(f[2])):
                    try:
                        features.append((name, n, a, re.compile(alt, re.I)))
                    except re.error:
                        pass  # an RE2-only construct: kept as general
            elif f[0] in NAME_KINDS:
                term = f[NAME_KINDS[f[0]]]
                features.append((name, n, None, re.compile(r"\b" + re.escape(term) + r"\b", re.I)))
    return files, features


def independent_requests(paths):
    requests = []
    for path in paths:
        text = open(path).read()
        if path.endswith(".md"):
            # The taxonomy table of the corpus README: each subcategory's examples, as written.
            for line in text.splitlines():
                if line.startswith("| `"):
                    requests += [p.strip() for p in re.split(r"[,:()/|]", line) if p.strip()]
        elif path.endswith(".tsv"):
            requests += [line.split("\t", 1)[1] for line in text.splitlines()
                         if "\t" in line and not line.startswith("#")]
        else:
            requests += re.findall(r'\{"([^"]+)", "[a-z_]+", "[a-z_]+"\}', text)
    return requests


def support(features, letters):
    return [{stem for _, stem, items in letters for text, _ in items if rx.search(text)}
            for *_, rx in features]


def write_reduced(files, features, removed, directory):
    """The vocabulary without the removed features (a rule without alternatives is dropped)."""
    lines = {name: list(content) for name, content in files.items()}
    drop_alt = {}
    for index in removed:
        name, n, alt, _ = features[index]
        if alt is None:
            lines[name][n] = ""
        else:
            drop_alt.setdefault((name, n), set()).add(alt)
    for (name, n), alts in drop_alt.items():
        kind, code, pattern = files[name][n].split("\t")
        keep = [a for i, a in enumerate(top_level_alternatives(pattern)) if i not in alts]
        lines[name][n] = "\t".join((kind, code, "|".join(keep))) if keep else ""
    if os.path.isdir(directory):
        shutil.rmtree(directory)
    os.makedirs(directory)
    for name, content in lines.items():
        open(os.path.join(directory, name), "w").write("\n".join(content))


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
            got[stem] = [(i["category"], i["subcategory"]) for i in record["items"]]
    return got


class Tally:
    def __init__(self, label="", show_misses=False):
        self.items = self.category = self.subcategory = self.other = 0
        self.label, self.show_misses = label, show_misses

    def add(self, letters, got):
        for _, stem, items in letters:
            predicted = got.get(stem, [])
            for k, (_, expected) in enumerate(items):
                category, subcategory = predicted[k] if k < len(predicted) else ("", "")
                self.items += 1
                self.category += category == expected.split("/")[0]
                self.subcategory += f"{category}/{subcategory}" == expected
                self.other += (category, subcategory) == ("other", "other") and expected != "other/other"
                if self.show_misses and f"{category}/{subcategory}" != expected:
                    print(f"miss {self.label}: {stem} item {k + 1}: {expected} <- {category}/{subcategory}")

    def line(self, label):
        n = max(self.items, 1)
        return (f"{label:<28} items={self.items} category={self.category / n:.3f} "
                f"subcategory={self.subcategory / n:.3f} other_other={self.other}")


def main(argv):
    mins = {}
    if "--min" in argv:
        k = argv.index("--min")
        mins = {key: float(v) for key, v in (x.split("=") for x in argv[k + 1].split(","))}
        argv = argv[:k] + argv[k + 2:]
    show_misses = "--misses" in argv
    argv = [a for a in argv if a != "--misses"]
    evidence = []
    while "--independent" in argv:
        k = argv.index("--independent")
        evidence.append(argv[k + 1])
        argv = argv[:k] + argv[k + 2:]
    binary, vocabulary, work, dirs = argv[1], argv[2], argv[3], argv[4:]
    letters = letters_of(dirs)
    files, features = read_vocabulary(vocabulary)
    supports = support(features, letters)
    independent = independent_requests(evidence)
    general = [any(rx.search(r) for r in independent) for *_, rx in features]
    supports = [set() if g else s for s, g in zip(supports, general)]
    print(f"{len(independent)} independent requests; {sum(general)} of {len(features)} features "
          "seen in them")

    in_sample = Tally()
    in_sample.add(letters, classify(binary, None, [p for p, _, _ in letters]))

    halves = Tally("halves", show_misses)
    for fold in (0, 1):
        held = [letter for k, letter in enumerate(letters) if k % 2 == fold]
        held_stems = {stem for _, stem, _ in held}
        removed = [i for i, s in enumerate(supports) if s and s <= held_stems]
        reduced = os.path.join(work, f"half{fold}")
        write_reduced(files, features, removed, reduced)
        halves.add(held, classify(binary, reduced, [p for p, _, _ in held]))
        print(f"half {fold}: {len(held)} letters, {len(removed)} of {len(features)} features only theirs")

    one_out = Tally("leave-one-out", show_misses)
    unchanged = []
    for letter in letters:
        removed = [i for i, s in enumerate(supports) if s == {letter[1]}]
        if not removed:
            unchanged.append(letter)
            continue
        reduced = os.path.join(work, "one_out")
        write_reduced(files, features, removed, reduced)
        one_out.add([letter], classify(binary, reduced, [letter[0]]))
    if unchanged:
        one_out.add(unchanged, classify(binary, None, [p for p, _, _ in unchanged]))

    print(in_sample.line("in-sample"))
    print(halves.line("held-out halves (2-fold)"))
    print(one_out.line("leave-one-letter-out"))
    failed = []
    for key, minimum in mins.items():
        for label, tally in (("halves", halves), ("one_out", one_out)):
            value = getattr(tally, key) / max(tally.items, 1)
            if value < minimum:
                failed.append(f"{label}.{key}={value:.3f}<{minimum}")
    if failed:
        print("FAILED: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
