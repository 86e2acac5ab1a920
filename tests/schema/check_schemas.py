#!/usr/bin/env python3
"""Checks the record schemas themselves, without running the product.

usage: check_schemas.py SCHEMA_DIR [--vocabulary DIR]

- every *.schema.json is a valid Draft 2020-12 schema (check_schema), declares the dialect
  and a unique $id, and every property has a description (the schemas are the public contract);
- hand-written envelopes, outcome and error records: the good ones are accepted, each bad one
  is rejected (which proves the schemas are as strict as they claim, $refs and formats included);
- schema-valid but inconsistent outcomes are caught by the semantic checks of validate_records.py;
- with --vocabulary DIR (data/vocabulary): the schema enums of reason codes, body regions and
  injury mechanisms are exactly the codes of reasons.tsv (its reason_code lines), regions.tsv and mechanisms.tsv, in
  file order, and every category/subcategory of services.tsv and drugs.tsv is allowed.

Prints one line per failed check, then "N passed, M failed" as its last line; exits 1 on any
failure.
"""

import argparse
import base64
import copy
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import schema_tools  # noqa: E402

RECORD_SCHEMAS = ["common.schema.json", "outcome.schema.json", "error.schema.json", "envelope.schema.json"]


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {what}")


def walk(node, path=""):
    """Yields (path, schema) for every subschema-bearing dict in a schema document."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from walk(value, f"{path}/{n}")


def resolve_local(schemas, name, schema):
    """The target of a $ref (same file or a sibling file), for description look-ups."""
    ref = schema.get("$ref")
    if not ref:
        return schema
    file, _, pointer = ref.partition("#")
    target = schemas[file or name]
    for part in [p for p in pointer.split("/") if p]:
        target = target[part]
    return target


def check_documents(checks, schemas):
    for name in RECORD_SCHEMAS:
        checks.check(name in schemas, f"{name}: missing")
    ids = set()
    for name, schema in schemas.items():
        try:
            schema_tools.VALIDATOR.check_schema(schema)
            ok, why = True, ""
        except Exception as e:  # noqa: BLE001 - SchemaError, or a bad format in newer versions
            ok, why = False, str(e).split("\n")[0]
        checks.check(ok, f"{name}: not a valid Draft 2020-12 schema: {why}")
        checks.check(schema.get("$schema") == schema_tools.DIALECT, f"{name}: $schema is not {schema_tools.DIALECT}")
        sid = schema.get("$id", "")
        checks.check(sid.endswith("/" + name), f"{name}: $id {sid!r} does not end with /{name}")
        checks.check(sid not in ids, f"{name}: $id {sid!r} used twice")
        ids.add(sid)
        checks.check(bool(schema.get("description")), f"{name}: no top-level description")
        for path, node in walk(schema):
            props = node.get("properties")
            # Properties under if/then/else/not only constrain members described elsewhere.
            if not isinstance(props, dict) or {"if", "then", "else", "not"} & set(path.split("/")):
                continue
            for prop, sub in props.items():
                described = bool(sub.get("description")) or bool(resolve_local(schemas, name, sub).get("description"))
                checks.check(described, f"{name}{path}/properties/{prop}: no description")


# ---------------------------------------------------------------------------------------
# Hand-written instances

def good_outcome():
    return {
        "schema_version": "1.0.0",
        "kind": "outcome",
        "source": {"topic": "imr.letters", "partition": 3, "offset": 1200, "timestamp_ms": 1484870400000,
                   "format": "envelope_pdf", "bytes": 183422},
        "document_id": "letter-0001",
        "layout": "fdl-2015",
        "case_number": "CM17-0001749",
        "dates": {"assigned": "2017-01-06", "decision": "2017-02-02", "injury": "2016-10-17",
                  "ur_denial": "2016-12-21", "application_received": "2017-01-03"},
        "priority": "standard",
        "reviewer": {"licensed_states": ["CA", "DC"], "specialties": ["Orthopaedic Surgery"]},
        "patient": {"age": 54, "sex": "female", "injury_mechanism": "fall",
                    "diagnoses": ["lumbar strain"], "body_regions": ["lumbar_spine", "psyche"]},
        "items": [
            {
                "request": "Retrospective Norco 10/325mg #60",
                "decision": "upheld",
                "medically_necessary": False,
                "category": "pharmaceuticals",
                "subcategory": "opioids",
                "modification": {"original": "Norco 10/325mg #60", "authorized": "Norco 10/325mg #25",
                                 "remaining": "Norco 10/325mg #35"},
                "qualifiers": ["retrospective"],
                "guideline_sources": {"claims_administrator": ["MTUS"], "reviewer": ["ODG", "ACOEM"]},
                "guidelines": {
                    "claims_administrator": [{"source": "MTUS", "title": "Opioids", "year": 2009,
                                              "sections": ["Opioids, ongoing management"], "pages": ["78-80"]}],
                    "reviewer": [
                        {"source": "ODG", "title": "Pain", "year": None, "sections": [], "pages": []},
                        {"source": "ACOEM", "title": "Pain", "year": None, "sections": [], "pages": []},
                    ],
                },
                "reasons": ["no_functional_improvement", "opioid_monitoring_missing"],
                "treatment": {"drug": {"ingredients": ["acetaminophen", "hydrocodone"], "quantity": 35,
                                       "refills": None},
                              "sessions": None, "body_regions": [], "laterality": None},
            },
            {
                "request": "Gym membership",
                "decision": "overturned",
                "medically_necessary": True,
                "category": "other",
                "subcategory": "other",
                "modification": None,
                "qualifiers": [],
                "guideline_sources": {"claims_administrator": [], "reviewer": ["other"]},
                "guidelines": {"claims_administrator": [],
                               "reviewer": [{"source": "other", "title": "", "year": None, "sections": [],
                                             "pages": []}]},
                "reasons": ["medically_necessary"],
                "treatment": {"drug": None, "sessions": 12, "body_regions": ["lumbar_spine", "knee"],
                              "laterality": "left"},
            },
        ],
        "summary": {"items": 2, "upheld": 1, "overturned": 1, "outcome": "partially_overturned"},
        "warnings": ["category_guessed:item=2"],
    }


def good_error():
    return {"schema_version": "1.0.0", "kind": "error",
            "source": {"file": "letters/a.txt", "format": "text", "bytes": 120},
            "error": {"code": "not_a_determination", "message": "no IMR determination markers found in the text"}}


def mutated(base, path, value):
    """A copy of base with the member at path set to value (or deleted when value is DELETE)."""
    out = copy.deepcopy(base)
    node = out
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return out


DELETE = object()

BAD_OUTCOMES = [
    ("extra top-level member", ["extra"], 1),
    ("missing warnings", ["warnings"], DELETE),
    ("kind error", ["kind"], "error"),
    ("schema_version 1.0", ["schema_version"], "1.0"),
    ("unknown layout", ["layout"], "fdl-2016"),
    ("lower-case case number", ["case_number"], "cm17-0001749"),
    ("short case number", ["case_number"], "CM17-001749"),
    ("case number with a trailing newline", ["case_number"], "CM17-0001749\n"),
    ("date with a trailing newline", ["dates", "decision"], "2017-02-02\n"),
    ("state with a trailing newline", ["reviewer", "licensed_states"], ["CA\n"]),
    ("non-ASCII digits in the case number", ["case_number"], "CM\u0661\u0667-0001749"),
    ("US date", ["dates", "decision"], "02/02/2017"),
    ("impossible date", ["dates", "decision"], "2017-02-30"),
    ("date missing", ["dates", "injury"], DELETE),
    ("extra date", ["dates", "hearing"], None),
    ("priority urgent", ["priority"], "urgent"),
    ("lower-case state", ["reviewer", "licensed_states"], ["ca"]),
    ("repeated state", ["reviewer", "licensed_states"], ["CA", "CA"]),
    ("age as string", ["patient", "age"], "54"),
    ("age 0", ["patient", "age"], 0),
    ("sex F", ["patient", "sex"], "F"),
    ("unknown mechanism", ["patient", "injury_mechanism"], "explosion"),
    ("unknown region", ["patient", "body_regions"], ["spleen"]),
    ("no items", ["items"], []),
    ("subcategory of another category", ["items", 0, "subcategory"], "imaging"),
    ("unknown category", ["items", 0, "category"], "medications"),
    ("upheld but medically necessary", ["items", 0, "medically_necessary"], True),
    ("overturned but not medically necessary", ["items", 1, "medically_necessary"], False),
    ("overturned with a rationale reason", ["items", 1, "reasons"], ["no_red_flags"]),
    ("upheld with medically_necessary reason", ["items", 0, "reasons"], ["medically_necessary"]),
    ("unknown reason", ["items", 0, "reasons"], ["too_expensive"]),
    ("decision denied", ["items", 0, "decision"], "denied"),
    ("unknown qualifier", ["items", 0, "qualifiers"], ["urgent"]),
    ("item without treatment", ["items", 0, "treatment"], DELETE),
    ("drug without ingredients", ["items", 0, "treatment", "drug", "ingredients"], []),
    ("drug quantity as string", ["items", 0, "treatment", "drug", "quantity"], "#35"),
    ("negative sessions", ["items", 1, "treatment", "sessions"], -2),
    ("treatment region psyche", ["items", 1, "treatment", "body_regions"], ["psyche"]),
    ("laterality both", ["items", 1, "treatment", "laterality"], "both"),
    ("unknown guideline source", ["items", 0, "guideline_sources", "reviewer"], ["AMA"]),
    ("citation year as string", ["items", 0, "guidelines", "claims_administrator", 0, "year"], "2009"),
    ("citation without pages", ["items", 0, "guidelines", "claims_administrator", 0, "pages"], DELETE),
    ("modification without remaining", ["items", 0, "modification", "remaining"], DELETE),
    ("extra item member", ["items", 0, "cost"], 10),
    ("summary outcome mixed", ["summary", "outcome"], "mixed"),
    ("negative source bytes ($ref to common)", ["source", "bytes"], -1),
    ("unknown source format ($ref to common)", ["source", "format"], "docx"),
    ("outcome without source format", ["source", "format"], DELETE),
    ("extra source member ($ref to common)", ["source", "host"], "a"),
    ("numeric document_id", ["document_id"], 42),
    ("letter text in warnings", ["warnings"], ["Patient is a 54-year-old"]),
]

BAD_ERRORS = [
    ("unknown code", ["error", "code"], "timeout"),
    ("empty message", ["error", "message"], ""),
    ("extra error member", ["error", "letter"], "x"),
    ("outcome kind", ["kind"], "outcome"),
    ("missing source", ["source"], DELETE),
    ("source without bytes", ["source", "bytes"], DELETE),
    ("decode error with a format", ["error", "code"], "bad_envelope"),
]

PDF_BASE64 = base64.b64encode(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n").decode()

GOOD_ENVELOPES = [
    ("string id, text", {"id": "letter-17", "text": "HOW THE IMR FINAL DETERMINATION WAS MADE ..."}),
    ("integer id, text", {"id": 20170001, "text": "IMR ISSUES, DECISIONS AND RATIONALES\nMRI: Upheld"}),
    ("pdf_base64", {"id": "a", "pdf_base64": PDF_BASE64}),
    ("pdf_base64 without padding", {"id": "a", "pdf_base64": PDF_BASE64.rstrip("=")}),
    ("pdf_base64 with line breaks", {"id": "a", "pdf_base64": "\n".join(
        PDF_BASE64[i:i + 20] for i in range(0, len(PDF_BASE64), 20)) + "\n"}),
    ("metadata", {"id": 7, "text": "letter", "metadata": {"source": "scanner-3", "tags": ["a"]}}),
]

BAD_ENVELOPES = [
    ("not an object", ["id", "text"]),
    ("no id", {"text": "letter"}),
    ("empty id", {"id": "", "text": "letter"}),
    ("null id", {"id": None, "text": "letter"}),
    ("object id", {"id": {"n": 1}, "text": "letter"}),
    ("fractional id", {"id": 1.5, "text": "letter"}),
    ("neither text nor pdf_base64", {"id": "a"}),
    ("both text and pdf_base64", {"id": "a", "text": "letter", "pdf_base64": PDF_BASE64}),
    ("text not a string", {"id": "a", "text": 7}),
    ("blank text", {"id": "a", "text": " \n\t "}),
    ("empty pdf_base64", {"id": "a", "pdf_base64": ""}),
    ("url-safe base64", {"id": "a", "pdf_base64": "JVBERi0xLjQK-_8="}),
    ("base64 with a dangling character", {"id": "a", "pdf_base64": "JVBERi0xL"}),
    ("base64 with data after padding", {"id": "a", "pdf_base64": "JVBE=Ri0x"}),
    ("unknown member", {"id": "a", "text": "letter", "priority": "expedited"}),
    ("metadata not an object", {"id": "a", "text": "letter", "metadata": "x"}),
]


def check_instances(checks, schemas):
    outcome = schema_tools.make_validator(schemas, "outcome.schema.json")
    error = schema_tools.make_validator(schemas, "error.schema.json")
    envelope = schema_tools.make_validator(schemas, "envelope.schema.json")

    def accepted(validator, instance, what):
        problems = [schema_tools.describe(e) for e in schema_tools.errors_of(validator, instance)]
        checks.check(not problems, f"{what}: rejected: {'; '.join(problems)}")

    def rejected(validator, instance, what):
        checks.check(not validator.is_valid(instance), f"{what}: accepted, should be rejected")

    accepted(outcome, good_outcome(), "good outcome")
    no_optional = mutated(mutated(good_outcome(), ["document_id"], DELETE), ["source"],
                          {"format": "text", "bytes": 0})
    accepted(outcome, no_optional, "outcome without document_id and Kafka source")
    for what, path, value in BAD_OUTCOMES:
        rejected(outcome, mutated(good_outcome(), path, value), f"bad outcome ({what})")

    accepted(error, good_error(), "good error")
    for code in ["empty", "invalid_utf8", "too_large", "bad_pdf", "bad_envelope", "unreadable", "internal"]:
        record = mutated(mutated(good_error(), ["error", "code"], code), ["source"], {"file": "x", "bytes": 0})
        accepted(error, record, f"error {code} without format")
    accepted(error, mutated(good_error(), ["document_id"], "17"), "error with document_id")
    for what, path, value in BAD_ERRORS:
        rejected(error, mutated(good_error(), path, value), f"bad error ({what})")
    rejected(error, mutated(good_error(), ["source", "format"], DELETE),
             "bad error (not_a_determination without format)")
    rejected(outcome, good_error(), "error record against the outcome schema")
    rejected(error, good_outcome(), "outcome record against the error schema")

    for what, instance in GOOD_ENVELOPES:
        accepted(envelope, instance, f"good envelope ({what})")
    for what, instance in BAD_ENVELOPES:
        rejected(envelope, instance, f"bad envelope ({what})")


# The checks of validate_records.py that a schema cannot express: records that are
# schema-valid but inconsistent.
SEMANTICALLY_BAD_OUTCOMES = [
    ("summary item count", ["summary", "items"], 3),
    ("summary upheld count", ["summary", "upheld"], 2),
    ("summary overturned count", ["summary", "overturned"], 0),
    ("summary outcome", ["summary", "outcome"], "upheld"),
    ("guideline_sources not the cited sources", ["items", 0, "guideline_sources", "reviewer"], ["ODG"]),
    ("guideline_sources out of order", ["items", 0, "guideline_sources", "reviewer"], ["ACOEM", "ODG"]),
    ("drug on a service item", ["items", 1, "treatment", "drug"],
     {"ingredients": ["unknown"], "quantity": None, "refills": None}),
    ("drug ingredients not sorted", ["items", 0, "treatment", "drug", "ingredients"],
     ["hydrocodone", "acetaminophen"]),
    ("reasons out of vocabulary order", ["items", 0, "reasons"],
     ["opioid_monitoring_missing", "no_functional_improvement"]),
    ("empty request without warning", ["items", 0, "request"], ""),
    ("age null without warning", ["patient", "age"], None),
    ("warning without missing field", ["warnings"], ["category_guessed:item=2", "patient_sex_not_found"]),
    ("category_guessed for a classified item", ["warnings"], ["category_guessed:item=1"]),
    ("category_guessed for no item", ["warnings"], ["category_guessed:item=3"]),
    ("reasons_unread for an item with reasons", ["warnings"], ["reasons_unread:item=1"]),
    ("item without reasons and without warning", ["items", 0, "reasons"], []),
    ("decision before assignment", ["dates", "decision"], "2017-01-05"),
    ("injury after UR denial", ["dates", "injury"], "2016-12-22"),
]


def check_semantics(checks, schemas):
    import validate_records
    outcome = schema_tools.make_validator(schemas, "outcome.schema.json")
    order = schemas["outcome.schema.json"]["$defs"]["reason_code"]["enum"]
    problems = validate_records.semantic_problems(good_outcome(), order)
    checks.check(not problems, f"good outcome: semantic problems {problems}")
    for what, path, value in SEMANTICALLY_BAD_OUTCOMES:
        record = mutated(good_outcome(), path, value)
        valid = outcome.is_valid(record)
        checks.check(valid, f"semantically bad outcome ({what}): should pass the schema")
        checks.check(not valid or validate_records.semantic_problems(record, order),
                     f"semantically bad outcome ({what}): not caught by validate_records.py")


# ---------------------------------------------------------------------------------------
# Vocabulary agreement

def tsv_codes(path, kind, column=1):
    codes = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) > column and fields[0] == kind:
                codes.append(fields[column])
    return codes


def allowed_pairs(outcome_schema):
    """category -> allowed subcategories, read from the item's if/then rules."""
    pairs = {}
    for rule in outcome_schema["$defs"]["item"]["allOf"]:
        category = rule["if"]["properties"].get("category", {}).get("const")
        if category is None:
            continue
        sub = rule["then"]["properties"]["subcategory"]
        pairs[category] = sub["enum"] if "enum" in sub else [sub["const"]]
    return pairs


def check_vocabulary(checks, schemas, vocabulary):
    vocabulary = Path(vocabulary)
    outcome = schemas["outcome.schema.json"]
    props = outcome["properties"]

    reasons = outcome["$defs"]["reason_code"]["enum"]
    expected = tsv_codes(vocabulary / "reasons.tsv", "reason_code") + ["medically_necessary"]
    checks.check(reasons == expected, f"reason_code enum {reasons} != reasons.tsv codes + medically_necessary {expected}")

    regions = props["patient"]["properties"]["body_regions"]["items"]["enum"]
    expected = tsv_codes(vocabulary / "regions.tsv", "region")
    checks.check(regions == expected, f"body_regions enum {regions} != regions.tsv codes {expected}")

    mechanisms = props["patient"]["properties"]["injury_mechanism"]["enum"]
    expected = tsv_codes(vocabulary / "mechanisms.tsv", "mechanism") + [None]
    checks.check(mechanisms == expected, f"injury_mechanism enum {mechanisms} != mechanisms.tsv codes + null {expected}")

    pairs = allowed_pairs(outcome)
    categories = outcome["$defs"]["item"]["properties"]["category"]["enum"]
    checks.check(sorted(pairs) == sorted(categories), f"if/then rules cover {sorted(pairs)}, categories are {categories}")
    for kind in ("service", "fallback"):
        for target in tsv_codes(vocabulary / "services.tsv", kind):
            category, _, subcategory = target.partition("/")
            checks.check(subcategory in pairs.get(category, []),
                         f"services.tsv {kind} rule files under {target}, which the schema does not allow")
    for subcategory in sorted(set(tsv_codes(vocabulary / "drugs.tsv", "drug"))):
        checks.check(subcategory in pairs["pharmaceuticals"],
                     f"drugs.tsv files drugs under pharmaceuticals/{subcategory}, which the schema does not allow")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("schema_dir")
    parser.add_argument("--vocabulary", metavar="DIR", help="data/vocabulary, to compare the enums with")
    args = parser.parse_args(argv)

    checks = Checks()
    schemas = schema_tools.load_schemas(args.schema_dir)
    check_documents(checks, schemas)
    if all(name in schemas for name in RECORD_SCHEMAS):
        check_instances(checks, schemas)
        check_semantics(checks, schemas)
    if args.vocabulary:
        check_vocabulary(checks, schemas, args.vocabulary)
    print(f"jsonschema {schema_tools.jsonschema_version()}")
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
