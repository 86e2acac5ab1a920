#!/usr/bin/env bash
# classify_summary.sh BINARY LETTER
# The end-of-run summary counts every input given, readable or not, and lists failures by code.
set -euo pipefail
binary=$1 letter=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
"$binary" classify --no-progress "$letter" "$work/no-such-file.txt" >"$work/out.jsonl" 2>"$work/summary" \
    || status=$?
fail() { echo "FAIL: $*" >&2; echo "--- summary:" >&2; cat "$work/summary" >&2; exit 1; }

((status == 1)) || fail "exit code $status, expected 1 (one input failed)"
(($(wc -l <"$work/out.jsonl") == 2)) || fail "expected one record per input"
grep -q '^classified 1 of 2 documents, .* 1 failed' "$work/summary" \
    || fail "summary does not count both inputs"
grep -q '^  failures by code: unreadable 1$' "$work/summary" || fail "failures by code not listed"
echo "ok: summary counts the unreadable input"
