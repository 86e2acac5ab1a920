#!/usr/bin/env bash
# classify_jobs_order.sh BINARY LETTERS_DIR PDF
# `classify` writes one record per input in input order, whatever the number of jobs: the same
# bytes for --jobs 1, 2 and 3 over a directory of letters of unequal cost (texts, a PDF, empty
# and unreadable inputs, a file larger than the read buffer's first block), more inputs than
# one chunk per job, and inputs given on the command line out of name order.
set -euo pipefail
binary=$1 letters=$2 pdf=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 300 inputs: the test letters cycled, every 37th a PDF, one empty, one unreadable (a
# directory named like a letter is skipped by the walk, so an unreadable file is given
# by name below), one of 200 KB (a letter repeated).
mkdir "$work/in"
sources=("$letters"/*.txt)
for ((i = 0; i < 300; i++)); do
    name=$(printf '%s/in/l%04d' "$work" "$i")
    if ((i % 37 == 5)); then
        cp "$pdf" "$name.pdf"
    else
        cp "${sources[i % ${#sources[@]}]}" "$name.txt"
    fi
done
: >"$work/in/l0100.txt"
for ((k = 0; k < 100; k++)); do cat "${sources[0]}"; done >"$work/in/l0200.txt"

run() {
    local jobs=$1 out=$2
    shift 2
    local status=0
    "$binary" classify --jobs "$jobs" --no-progress --no-summary "$@" >"$out" || status=$?
    ((status <= 1)) || fail "--jobs $jobs exited with $status"
}
run 1 "$work/j1" "$work/in"
run 2 "$work/j2" "$work/in"
run 3 "$work/j3" "$work/in"
(($(wc -l <"$work/j1") == 300)) || fail "$(wc -l <"$work/j1") records for 300 inputs"
cmp "$work/j1" "$work/j2" || fail "--jobs 2 differs from --jobs 1"
cmp "$work/j1" "$work/j3" || fail "--jobs 3 differs from --jobs 1"

# Records in input order: the n-th names the n-th file of the sorted walk.
python3 - "$work/j1" "$work/in" <<'EOF' || fail "records out of input order"
import json, pathlib, sys
names = [json.loads(line)["source"]["file"] for line in open(sys.argv[1])]
expected = sorted(str(p) for p in pathlib.Path(sys.argv[2]).iterdir())
sys.exit(0 if names == expected else 1)
EOF

# Command-line order is kept, an unreadable input gets its record in place, stdin too (a pipe
# larger than the reader's first block for a pipe).
given=("$work/in/l0007.txt" "$work/in/l0002.txt" "$work/missing.txt" - "$work/in/l0005.pdf"
    "$work/in/l0200.txt" "$work/in/l0001.txt")
cat "$work/in/l0200.txt" | run 1 "$work/g1" "${given[@]}"
cat "$work/in/l0200.txt" | run 2 "$work/g2" "${given[@]}"
cmp "$work/g1" "$work/g2" || fail "--jobs 2 differs from --jobs 1 on inputs given by name"
python3 - "$work/g1" "${given[@]}" <<'EOF' || fail "inputs given by name: wrong records"
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
given = sys.argv[2:]
assert len(records) == len(given), (len(records), len(given))
for record, name in zip(records, given):
    if name == "-":
        assert record["kind"] == "outcome" and record["source"]["file"] == "-", record["source"]
        assert record["source"]["bytes"] > 200000, record["source"]
    elif name.endswith("missing.txt"):
        assert record["kind"] == "error" and record["error"]["code"] == "unreadable", record
    else:
        assert record["source"]["file"] == name, (record["source"], name)
big = records[given.index(next(n for n in given if n.endswith("l0200.txt")))]
assert big["source"]["bytes"] > 200000, big["source"]
EOF
echo "ok: --jobs 1, 2 and 3 write the same records in input order"
