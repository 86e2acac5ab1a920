"""Loading the record schemas and building validators that resolve their $refs locally.

Works with jsonschema 4.10 (Debian 12's python3-jsonschema: RefResolver) and with
jsonschema >= 4.18 (the `referencing` library). Nothing is ever fetched over the network:
a $ref to a schema that is not in the schemas directory is an error.
"""

import json
import sys
from pathlib import Path

try:
    import jsonschema
except ImportError:  # pragma: no cover - depends on the machine
    sys.stderr.write(
        "error: the Python module jsonschema is missing (Debian: apt-get install python3-jsonschema; "
        "scripts/setup installs it)\n")
    sys.exit(2)

DIALECT = "https://json-schema.org/draft/2020-12/schema"
VALIDATOR = jsonschema.Draft202012Validator


def jsonschema_version():
    try:
        from importlib.metadata import version
        return version("jsonschema")
    except Exception:  # noqa: BLE001 - only informative
        return "unknown"


def format_checker():
    checker = getattr(VALIDATOR, "FORMAT_CHECKER", None)  # jsonschema >= 4.5
    if checker is None:
        checker = jsonschema.draft202012_format_checker
    return checker


def load_schemas(schema_dir):
    """Every *.schema.json of schema_dir, by file name."""
    schemas = {}
    for path in sorted(Path(schema_dir).glob("*.schema.json")):
        with open(path, encoding="utf-8") as f:
            schemas[path.name] = json.load(f)
    if not schemas:
        raise SystemExit(f"error: no *.schema.json in {schema_dir}")
    return schemas


def _refuse_remote(uri):
    raise LookupError(f"refusing to fetch {uri}: every schema must come from the schemas directory")


def make_validator(schemas, name):
    """A Draft 2020-12 validator for schemas[name], with format checking, resolving $refs
    against the other schemas of the same directory by their $id."""
    schema = schemas[name]
    checker = format_checker()
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012
    except ImportError:
        Registry = None
    if Registry is not None:
        resources = [(s["$id"], Resource.from_contents(s, default_specification=DRAFT202012))
                     for s in schemas.values() if "$id" in s]
        registry = Registry(retrieve=_refuse_remote).with_resources(resources)
        try:
            return VALIDATOR(schema, registry=registry, format_checker=checker)
        except TypeError:
            pass  # `referencing` is installed but this jsonschema predates it
    store = {s["$id"]: s for s in schemas.values() if "$id" in s}
    resolver = jsonschema.RefResolver(
        base_uri=schema.get("$id", ""), referrer=schema, store=store,
        handlers={"http": _refuse_remote, "https": _refuse_remote})
    return VALIDATOR(schema, resolver=resolver, format_checker=checker)


def describe(error):
    """One line for a validation error: where in the instance, what failed."""
    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
    schema_where = "/".join(str(p) for p in error.absolute_schema_path)
    message = error.message if len(error.message) < 300 else error.message[:300] + "..."
    return f"{where}: {message} [schema: {schema_where}]"


def errors_of(validator, instance):
    return sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
