#!/usr/bin/env bash
# Runs `imr-stream classify` and validates every record it writes against the schemas.
#
# usage: run_corpus_validation.sh BINARY SCHEMA_DIR OUT [--expect-errors N] CLASSIFY_ARGS...
#
# CLASSIFY_ARGS are passed to `BINARY classify --no-progress` (inputs: files, directories, "-",
# and classify's own options). The records go to OUT, then tests/schema/validate_records.py
# checks them. classify exits 1 when some input fails: that is accepted when, and only when,
# OUT holds error records; any other exit status (a crash, a usage error) fails the test.
# OUT must hold one record per input file. With --expect-errors N, exactly N records must be
# error records. The Python interpreter is $PYTHON (default: python3).
set -uo pipefail

if (($# < 4)); then
    echo "usage: $0 BINARY SCHEMA_DIR OUT [--expect-errors N] CLASSIFY_ARGS..." >&2
    exit 2
fi
binary=$1 schema_dir=$2 out=$3
shift 3
expect=()
if [[ ${1:-} == --expect-errors ]]; then
    expect=(--expect-errors "$2")
    shift 2
fi
python=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)

# How many records classify must write: one per file argument, one per letter file
# (.txt/.pdf/.json, not *.gold.*) under a directory argument, as classify expands them.
expected_records=0
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    arg=${args[i]}
    case $arg in
        -j | --jobs | --vocabulary | --max-bytes) ((i++)); continue ;;
        -) ((expected_records++)); continue ;;
        -*) continue ;;
    esac
    if [[ -d $arg ]]; then
        n=$(find -L "$arg" -type f \( -name '*.txt' -o -name '*.pdf' -o -name '*.json' \) ! -path '*.gold.*' | wc -l)
        ((expected_records += n))
    else
        ((expected_records++))
    fi
done

mkdir -p "$(dirname "$out")"
"$binary" classify --no-progress "$@" >"$out"
status=$?
records=$(wc -l <"$out")
errors=$(grep -c '"kind":"error"' "$out")
echo "classify exited with $status: $records records ($errors error records) for $expected_records inputs in $out"

failed=0
if ((status != 0 && status != 1)); then
    echo "FAIL: classify exited with $status (0 or 1 expected)"
    failed=1
elif ((status == 1 && errors == 0)); then
    echo "FAIL: classify exited with 1 but wrote no error record"
    failed=1
elif ((status == 0 && errors > 0)); then
    echo "FAIL: classify exited with 0 but wrote $errors error records"
    failed=1
fi
if ((records != expected_records)); then
    echo "FAIL: $records records for $expected_records inputs"
    failed=1
fi

"$python" "$here/validate_records.py" "$schema_dir" "$out" "${expect[@]}"
validated=$?
if ((failed != 0)); then
    echo "FAIL: classify's exit status or record count is wrong (see above)"
    exit 1
fi
exit "$validated"
