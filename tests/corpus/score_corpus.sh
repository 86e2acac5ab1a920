#!/usr/bin/env bash
# score_corpus.sh BINARY SCORER LETTER_DIR OUT.jsonl MINIMUMS
# Classifies every letter of LETTER_DIR and scores the result against its gold files.
set -euo pipefail
binary=$1 scorer=$2 letters=$3 out=$4 minimums=$5

status=0
"$binary" classify --no-progress "$letters" > "$out" || status=$?
if ((status != 0)); then
    echo "classify failed on some letters (exit $status):" >&2
    grep '"kind":"error"' "$out" >&2 || true
    exit 1
fi
python3 "$scorer" "$letters" "$out" --min "$minimums"
