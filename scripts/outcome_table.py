#!/usr/bin/env python3
"""Prints outcome records as a short table: letter, items, upheld/overturned, categories.

stdin: JSON lines (imr-stream classify), or with --keyed "KEY<TAB>JSON" lines (kcat -f '%k\\t%s\\n'),
where the latest record of each key is shown once.
"""
import json
import os
import sys


def name_of(record):
    source = record.get("source", {})
    if source.get("file"):
        return os.path.basename(source["file"])
    return f"{source.get('topic')}[{source.get('partition')}]@{source.get('offset')}"


def main() -> int:
    keyed = "--keyed" in sys.argv[1:]
    latest = {}
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            continue
        key, _, body = line.partition("\t") if keyed else ("", "", line)
        record = json.loads(body)
        latest[key or name_of(record)] = record
    print(f"{'letter':30} {'items':>5} {'upheld':>6} {'overt.':>6}  categories")
    for name, record in latest.items():
        if record.get("kind") == "error":
            print(f"{name[:30]:30} error: {record['error']['code']}")
            continue
        summary = record["summary"]
        categories = sorted({f"{i['category']}/{i['subcategory']}" for i in record["items"]})
        print(f"{name[:30]:30} {summary['items']:>5} {summary['upheld']:>6} {summary['overturned']:>6}  {', '.join(categories)}")
    print(f"{len(latest)} letters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
