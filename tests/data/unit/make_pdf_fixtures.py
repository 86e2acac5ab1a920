#!/usr/bin/env python3
"""Writes the PDF fixtures of the unit tests (no PDF tool needed, stdlib only).

    python3 tests/data/unit/make_pdf_fixtures.py

letter.pdf         a two-page synthetic fdl-2015 letter: header table in two columns (as the
                   DWC prints it), labelled credentials, one item per page, and a request that
                   wraps across the page break. Objects are written catalog-last, like most
                   PDF producers, so its first 2 KB are a truncated PDF that cannot be opened.
envelope_pdf.json  {"id": ..., "pdf_base64": ...} carrying letter.pdf.

The expected values live in the tests (document_decoder_test, engine_test); keep them in step.
"""
import base64
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
LEFT, RIGHT = 72, 330  # x of the two header columns

PAGE_1 = [
    [(LEFT, "Case Number:"), (LEFT + 95, "CM15-0654321")],
    [(LEFT, "Date Assigned:"), (LEFT + 95, "05/11/2015"), (RIGHT, "Date of Injury:"), (RIGHT + 95, "09/23/2012")],
    [(LEFT, "Decision Date:"), (LEFT + 95, "06/02/2015"), (RIGHT, "UR Denial Date:"), (RIGHT + 95, "04/17/2015")],
    [(LEFT, "Priority:"), (LEFT + 95, "Expedited"), (RIGHT, "Application"), (RIGHT + 95, "04/28/2015")],
    [(RIGHT, "Received:")],
    [],
    [(180, "HOW THE IMR FINAL DETERMINATION WAS MADE")],
    [(LEFT, "MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no")],
    [(LEFT, "affiliation with the employer, employee, providers or the claims administrator.")],
    [],
    [(LEFT, "The Expert Reviewer has the following credentials:")],
    [(LEFT, "State(s) of Licensure: Oregon,Washington")],
    [(LEFT, "Certification(s)/Specialty: Orthopaedic Surgery")],
    [],
    [(230, "CLINICAL CASE SUMMARY")],
    [(LEFT, "The expert reviewer developed the following clinical case summary based on a review of the")],
    [(LEFT, "case file, including all medical records:")],
    [],
    [(LEFT, "The injured worker is a 39 year old male who sustained an industrial injury on 09-23-12")],
    [(LEFT, "when he slipped on a wet floor. He was being treated for right shoulder impingement.")],
    [],
    [(190, "IMR ISSUES, DECISIONS AND RATIONALES")],
    [(LEFT, "The Final Determination was based on decisions for the disputed items/services set forth below:")],
    [],
    [(LEFT, "MRI of the right shoulder without contrast: Overturned")],
    [],
    [(LEFT, "Claims Administrator guideline: Decision based on MTUS Shoulder Complaints 2004.")],
    [],
    [(LEFT, "MAXIMUS guideline: Decision based on MTUS Shoulder Complaints 2004, Section(s):")],
    [(LEFT, "Special Studies.")],
    [],
    [(LEFT, "Decision rationale: Imaging is supported when conservative care has failed and surgery")],
    [(LEFT, "is considered. Both conditions are documented. The request is medically necessary.")],
    [],
    [(LEFT, "Physical therapy 2 times a week for 4 weeks for the")],
]

PAGE_2 = [
    [(LEFT, "right shoulder: Upheld")],
    [],
    [(LEFT, "Claims Administrator guideline: Decision based on MTUS Shoulder Complaints 2004.")],
    [],
    [(LEFT, "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines,")],
    [(LEFT, "Section(s): Physical Medicine, Page(s): 98-99.")],
    [],
    [(LEFT, "Decision rationale: The worker already completed 24 sessions without documented")],
    [(LEFT, "functional improvement. The request is not medically necessary.")],
]


def pdf_string(text):
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def content_stream(lines):
    ops = ["BT", "/F1 10 Tf"]
    y = 740
    for line in lines:
        for x, text in line:
            ops.append(f"1 0 0 1 {x} {y} Tm {pdf_string(text)} Tj")
        y -= 14
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def build_pdf(pages):
    # Object numbers: 1 font, then one content stream per page, then the pages, the page
    # tree and the catalog last.
    objects = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    contents = []
    for lines in pages:
        data = content_stream(lines)
        objects.append(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
        contents.append(len(objects))
    tree = len(objects) + len(pages) + 1
    kids = []
    for content in contents:
        objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 1 0 R >> >> /Contents %d 0 R >>" % (tree, content))
        kids.append(len(objects))
    objects.append(b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) +
                   b"] /Count %d >>" % len(kids))
    objects.append(b"<< /Type /Catalog /Pages %d 0 R >>" % tree)
    return pdf_file(objects, root=len(objects))


def pdf_file(objects: list, root: int) -> bytes:
    """A PDF whose object i+1 is objects[i], with a correct xref table (also used by
    tests/hostile/hostile_files.py)."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, xref)
    return bytes(out)


def main():
    pdf = build_pdf([PAGE_1, PAGE_2])
    (HERE / "letter.pdf").write_bytes(pdf)
    envelope = {"id": "env-0042", "pdf_base64": base64.b64encode(pdf).decode("ascii")}
    (HERE / "envelope_pdf.json").write_text(json.dumps(envelope) + "\n")


if __name__ == "__main__":
    main()
