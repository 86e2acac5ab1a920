#!/usr/bin/env python3
"""Prints outcome JSON lines (stdin) as a short table: letter, items, upheld/overturned, categories."""
import json
import os
import sys


def main() -> int:
    rows = 0
    print(f"{'letter':28} {'items':>5} {'upheld':>6} {'overt.':>6}  categories")
    for line in sys.stdin:
        record = json.loads(line)
        source = record.get("source", {})
        name = os.path.basename(source.get("file") or f"{source.get('topic')}/{source.get('partition')}@{source.get('offset')}")
        if record.get("kind") == "error":
            print(f"{name:28} error: {record['error']['code']}")
            continue
        summary = record["summary"]
        categories = sorted({item["subcategory"] for item in record["items"]})
        print(f"{name:28} {summary['items']:>5} {summary['upheld']:>6} {summary['overturned']:>6}  {', '.join(categories)}")
        rows += 1
    print(f"{rows} letters classified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
