#!/usr/bin/env python3
"""Builds the hostile inputs of the `hostile` suite (issue 8): files that try to take a worker's
time or memory, or to slip past detection. Each case names what `imr-stream classify` must
answer (a set of acceptable results: an error code, or "outcome") and the wall-time and
peak-RSS bounds it must stay within.

Files are written once into a cache directory and rebuilt only when this generator changes
(the biggest take a few seconds to compress).
"""

from __future__ import annotations

import hashlib
import json
import struct
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data" / "unit"))
import make_pdf_fixtures  # noqa: E402  (its PDF writer)

MIB = 1 << 20
GIB = 1 << 30

# Bounds shared by the cases: the per-document budget is 2 s of CPU (killed at 10 s of wall
# time when starved) and 256 MiB for a PDF's helper; the machine is shared, hence the margins.
BUDGET_WALL_S = 25.0
QUICK_WALL_S = 10.0
HELPER_RSS_MIB = 256 + 64  # the helper's budget over its own size, plus that size
TEXT_RSS_MIB = 200         # a 16 MiB text, normalized, sectioned and classified
READ_RSS_MIB = 80          # reading stops one byte past the 16 MiB size limit


@dataclass
class Case:
    name: str
    data: bytes | None  # None: the input is `path` as given (e.g. /dev/zero)
    expect: set[str]
    wall_s: float = QUICK_WALL_S
    rss_mib: float = TEXT_RSS_MIB
    path: str | None = None
    stdin: bool = False  # sent on standard input rather than as a file
    extra_args: list[str] = field(default_factory=list)
    message: str | None = None  # a fragment the error message must contain
    warning: str | None = None  # a warning an outcome must carry (its code, before any ':')
    file_name: str | None = None  # the file's name in the cache directory, if not NAME.bin


# ---------------------------------------------------------------------------------------------
# PDF building blocks


def deflate_repeated(chunk: bytes, total: int, prefix: bytes = b"", suffix: bytes = b"") -> bytes:
    """zlib stream of prefix + chunk repeated up to `total` bytes + suffix, in about a second
    for a GiB: one block of repeats is deflated once, flushed to a byte boundary with a fresh
    dictionary (Z_FULL_FLUSH), and that compressed block is repeated."""
    block = chunk * max(1, MIB // len(chunk))
    count, rest = divmod(total, len(block))

    def raw(data: bytes, mode: int) -> bytes:
        z = zlib.compressobj(9, zlib.DEFLATED, -15)
        return z.compress(data) + z.flush(mode)

    checksum = zlib.adler32(prefix)
    for _ in range(count):
        checksum = zlib.adler32(block, checksum)
    checksum = zlib.adler32(block[:rest] + suffix, checksum)
    return (b"\x78\xda" + raw(prefix, zlib.Z_FULL_FLUSH) + raw(block, zlib.Z_FULL_FLUSH) * count
            + raw(block[:rest] + suffix, zlib.Z_FINISH) + struct.pack(">I", checksum))


def stream(body: bytes, flate: bool = False, extra: bytes = b"") -> bytes:
    filt = b"/Filter /FlateDecode " if flate else b""
    return b"<< /Length %d %s%s>>\nstream\n" % (len(body), filt, extra) + body + b"\nendstream"


def build_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF whose object i+1 is objects[i], with a correct xref table."""
    return make_pdf_fixtures.pdf_file(objects, root)


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pages_pdf(contents: list[bytes], content_streams: list[bytes], page_count: int = 1) -> bytes:
    """Catalog, page tree of `page_count` pages sharing the contents array `contents`,
    then the content stream objects (numbered from 4 + page_count)."""
    first_page = 4
    first_stream = first_page + page_count
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(page_count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, page_count),
        FONT,
    ]
    refs = b" ".join(b"%d 0 R" % (first_stream + i) for i in range(len(content_streams)))
    contents_ref = contents or [refs]
    for _ in range(page_count):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents [%s] >>"
                       % b" ".join(contents_ref))
    objects.extend(content_streams)
    return build_pdf(objects)


def text_pdf(lines: list[str]) -> bytes:
    ops = [b"BT /F1 10 Tf 50 750 Td 12 TL"]
    for line in lines:
        escaped = line.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(b"(%s) '" % escaped)
    ops.append(b"ET")
    return pages_pdf([], [stream(b"\n".join(ops))])


# ---------------------------------------------------------------------------------------------
# the cases


def letter_text(corpus: Path) -> str:
    return sorted((corpus / "seeds").glob("*.txt"))[0].read_text()


def pdf_cases() -> list[Case]:
    cases = []
    # Defect 1: a stream inflating to 1 GiB of spaces, referenced 100 times from /Contents.
    spaces = deflate_repeated(b" ", GIB)
    bomb = pages_pdf([b"4 0 R"] * 100, [stream(spaces, flate=True)])
    bomb = bomb.replace(b"/Contents [4 0 R", b"/Contents [5 0 R").replace(b" 4 0 R", b" 5 0 R")
    cases.append(Case("flate_bomb_referenced_100_times", bomb, {"too_complex"}, BUDGET_WALL_S,
                      HELPER_RSS_MIB, message="limit"))
    # Defect 2: ~270 MB of text-showing operators, and one 1 GiB string literal.
    operators = deflate_repeated(b"(IMR) Tj ", 270 * 1000 * 1000, prefix=b"BT /F1 1 Tf ",
                                 suffix=b" ET")
    cases.append(Case("text_operators_270mb", pages_pdf([], [stream(operators, flate=True)]),
                      {"too_complex"}, BUDGET_WALL_S, HELPER_RSS_MIB, message="limit"))
    literal = deflate_repeated(b"a", GIB, prefix=b"BT /F1 1 Tf (", suffix=b") Tj ET")
    cases.append(Case("string_literal_1gib", pages_pdf([], [stream(literal, flate=True)]),
                      {"too_complex", "bad_pdf", "empty"}, BUDGET_WALL_S, HELPER_RSS_MIB))
    # Many pages, each with a little text: the work grows with the page count.
    small = stream(b"BT /F1 10 Tf 50 750 Td (Independent Medical Review page) Tj ET")
    many = pages_pdf([b"%d 0 R" % (4 + 20000)], [small], page_count=20000)
    cases.append(Case("pages_20000", many, {"too_complex", "not_a_determination"},
                      BUDGET_WALL_S, HELPER_RSS_MIB))
    # Deep nesting inside a content stream and inside an object.
    deep_ops = deflate_repeated(b"[", 8 * MIB, prefix=b"BT /F1 1 Tf ", suffix=b" ET")
    cases.append(Case("content_array_nesting_8m", pages_pdf([], [stream(deep_ops, flate=True)]),
                      {"too_complex", "bad_pdf", "empty"}, BUDGET_WALL_S, HELPER_RSS_MIB))
    deep_obj = build_pdf([b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 200000 + b"]" * 200000 + b" >>",
                          b"<< /Type /Pages /Kids [] /Count 0 >>"])
    cases.append(Case("object_nesting_200k", deep_obj, {"too_complex", "bad_pdf", "empty"},
                      BUDGET_WALL_S, HELPER_RSS_MIB))
    # Encrypted (a Standard security handler with a user password we do not have).
    encrypted = text_pdf(["Independent Medical Review"]).replace(
        b"/Root 1 0 R ", b"/Root 1 0 R /Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 /P -4 "
        b"/O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >> /ID [<0123456789abcdef0123456789abcdef> "
        b"<0123456789abcdef0123456789abcdef>] ")
    cases.append(Case("encrypted", encrypted, {"bad_pdf"}, message="encrypted"))
    # Truncated: the header and half an object.
    cases.append(Case("truncated", text_pdf(["Independent Medical Review"])[:60], {"bad_pdf"}))
    # Looping xref: the trailer's /Prev points at its own table.
    plain = text_pdf(["Independent Medical Review Determination"])
    start = int(plain.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    looping = plain.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % start)
    cases.append(Case("looping_xref", looping, {"not_a_determination", "bad_pdf"}))
    # Damaged: no xref, 12 MB of object-like garbage poppler scans to reconstruct one.
    garbage = b"".join(b"%d 0 obj << /Type /Page /Parent %d 0 R >> endobj\n" % (i, i + 1)
                       for i in range(1, 240000))
    damaged = b"%PDF-1.4\n" + garbage + b"trailer << /Root 1 0 R >>\n%%EOF\n"
    cases.append(Case("damaged_no_xref_12mb", damaged, {"too_complex", "bad_pdf", "empty"},
                      BUDGET_WALL_S, HELPER_RSS_MIB))
    # A PDF after a few bytes of junk is still a PDF.
    cases.append(Case("pdf_after_junk", b"junk\r\n" + plain, {"not_a_determination"}))
    return cases


def text_cases(corpus: Path) -> list[Case]:
    letter = letter_text(corpus)
    cases = []
    # Defect 3: reading stops one byte past --max-bytes.
    cases.append(Case("dev_zero", None, {"too_large"}, path="/dev/zero", rss_mib=READ_RSS_MIB))
    cases.append(Case("stdin_64mib", b"\0" * (64 * MIB), {"too_large"}, stdin=True,
                      rss_mib=READ_RSS_MIB))
    # Defect 4: "%PDF-" inside a text letter's first kilobyte is not a PDF.
    lines = letter.split("\n")
    quoting = "\n".join(lines[:2] + ["Attachment: scan.pdf (%PDF-1.4)"] + lines[2:])
    cases.append(Case("text_quoting_pdf_header", quoting.encode(), {"outcome"}))
    envelope = json.dumps({"id": "h-1", "text": letter}).encode()
    cases.append(Case("envelope_then_second_object", envelope + b'\n{"id": "h-2", "text": "x"}',
                      {"bad_envelope"}))
    cases.append(Case("envelope_then_text", envelope + b" trailing words", {"bad_envelope"}))
    deep = b'{"id": "h-3", "meta": ' + b"[" * 100000 + b"]" * 100000 + b', "text": "x"}'
    cases.append(Case("envelope_deep_nesting", deep, {"bad_envelope"}, message="deeper"))
    escapes = b'{"id": "h-4", "text": "' + b"\\u0041" * (2 * MIB) + b'"}'
    cases.append(Case("envelope_huge_escapes", escapes, {"not_a_determination"}))
    # NULs and overlong UTF-8.
    cases.append(Case("nuls_1mib", b"\0" * MIB, {"not_a_determination"}))
    cases.append(Case("letter_with_nuls", letter.encode().replace(b"\n", b"\0\n"),
                      {"outcome", "not_a_determination", "no_decisions_found"}))
    # Defect 4: a file name that is not UTF-8 (byte 0xFF) must not make the record invalid.
    cases.append(Case("file_name_not_utf8", letter.encode(), {"outcome"},
                      file_name="letter-" + bytes([0xFF]).decode("utf-8", "surrogateescape") + ".txt"))
    cases.append(Case("overlong_utf8", b"IMR \xc0\xaf \xe0\x80\xaf letter\n" * 100, {"invalid_utf8"}))
    # 16 MiB on one line, plain and made of letters; then several letters in one document.
    cases.append(Case("one_line_16mib", b"a" * (16 * MIB - 1), {"not_a_determination"}))
    flat = letter.replace("\n", " ").encode()
    one_line_letters = (flat * (16 * MIB // len(flat) + 1))[: 16 * MIB - 1]
    cases.append(Case("one_line_16mib_of_letters", one_line_letters,
                      {"outcome", "too_complex", "not_a_determination", "no_decisions_found"},
                      BUDGET_WALL_S))
    repeated = (letter.encode() + b"\n\n") * (10 * MIB // (len(letter) + 2))
    cases.append(Case("letter_repeated_10mb", repeated, {"outcome", "too_complex"}, BUDGET_WALL_S,
                      warning="multiple_letters"))
    return cases


def all_cases(corpus: Path) -> list[Case]:
    return pdf_cases() + text_cases(corpus)


def write_cases(corpus: Path, directory: Path) -> list[dict]:
    """Writes every case's file, unless the files of this very generator are there already;
    returns the manifest: one dict per case (its fields, `path` set, `data` left out)."""
    stamp = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    manifest_path = directory / f"manifest-{stamp}.json"
    if manifest_path.exists():
        return json.loads(manifest_path.read_text())
    directory.mkdir(parents=True, exist_ok=True)
    manifest = []
    for case in all_cases(corpus):
        path = Path(case.path) if case.path else directory / (case.file_name or f"{case.name}.bin")
        if case.data is not None:
            path.write_bytes(case.data)
        entry = {k: v for k, v in vars(case).items() if k != "data"}
        entry["path"] = str(path)
        entry["expect"] = sorted(case.expect)
        manifest.append(entry)
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return manifest


if __name__ == "__main__":
    import sys
    # The runner calls this as a separate process: building the files takes a few hundred
    # MiB, which would otherwise count in the peak RSS of every process it starts.
    print(json.dumps(write_cases(Path(sys.argv[1]), Path(sys.argv[2]))))
