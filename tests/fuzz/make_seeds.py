#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from the reference letters, at run time (the
letters live outside the repository, in ../shared/corpus):

  OUT/engine/    the seed letters' text, and the text of every published PDF (pdftotext -layout)
  OUT/envelope/  envelopes made from them: string and integer ids, text and pdf_base64
  OUT/pdf/       the published PDFs

usage: make_seeds.py CORPUS_DIR OUT_DIR
"""
import base64
import json
import pathlib
import shutil
import subprocess
import sys


def letters(corpus: pathlib.Path, suffix: str) -> list[pathlib.Path]:
    return sorted(p for p in corpus.rglob(f"*{suffix}") if ".gold." not in p.name)


def pdf_text(pdf: pathlib.Path) -> bytes:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    return done.stdout


def write(directory: pathlib.Path, name: str, data: bytes) -> None:
    (directory / name).write_bytes(data)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    corpus, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    texts, pdfs = letters(corpus, ".txt"), letters(corpus, ".pdf")
    if not texts or not pdfs:
        print(f"make_seeds: no .txt or .pdf letters under {corpus}", file=sys.stderr)
        return 1

    shutil.rmtree(out, ignore_errors=True)
    engine, envelope, pdf = out / "engine", out / "envelope", out / "pdf"
    for directory in (engine, envelope, pdf):
        directory.mkdir(parents=True)

    letter_texts = {path.stem: path.read_bytes() for path in texts}
    for path in pdfs:
        shutil.copyfile(path, pdf / path.name)
        letter_texts[path.stem] = pdf_text(path)
    for stem, text in letter_texts.items():
        write(engine, stem + ".txt", text)

    # Envelopes of the seed letters and of a few PDF letters' text.
    for number, stem in enumerate(list(letter_texts)[: len(texts) + 10]):
        text = letter_texts[stem].decode("utf-8")
        # Alternate string and integer ids, as producers send both, and escaped and raw UTF-8.
        document_id = stem if number % 2 == 0 else number
        envelope_json = json.dumps({"id": document_id, "text": text}, ensure_ascii=number % 3 == 0)
        write(envelope, stem + ".json", envelope_json.encode())
    smallest = min(pdfs, key=lambda p: p.stat().st_size)
    encoded = base64.b64encode(smallest.read_bytes()).decode()
    write(envelope, smallest.stem + ".json",
          json.dumps({"id": smallest.stem, "pdf_base64": encoded}).encode())
    write(envelope, "minimal.json", b'{"id":"x","text":"IMR ISSUES, DECISIONS AND RATIONALES"}')

    counts = {d.name: sum(1 for _ in d.iterdir()) for d in (engine, envelope, pdf)}
    print("make_seeds: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
