#!/usr/bin/env bash
# One bounded libFuzzer run of a target, as ctest's fuzz.run.* tests and scripts/fuzz do it.
#
# usage: run_fuzzer.sh NAME FUZZER SEEDS_DIR DICT WORK_DIR SECONDS [libFuzzer flags or more seed dirs...]
#
# New inputs go to WORK_DIR/corpus (kept between runs, so coverage accumulates), the seeds are
# read but never written, findings land in WORK_DIR/artifacts/. SECONDS=0 runs until stopped.
# Limits: IMR_FUZZ_TIMEOUT seconds per input (default 30), IMR_FUZZ_RSS_MB (default 2048).
set -euo pipefail

if (($# < 6)); then
    sed -n '2,8p' "$0" >&2
    exit 2
fi
name=$1 fuzzer=$2 seeds=$3 dict=$4 work=$5 seconds=$6
shift 6

mkdir -p "$work/corpus" "$work/artifacts"
# A sanitizer report stops the run at once and is the failure, with a stack trace.
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

flags=(-timeout="${IMR_FUZZ_TIMEOUT:-30}" -rss_limit_mb="${IMR_FUZZ_RSS_MB:-2048}"
       -dict="$dict" -artifact_prefix="$work/artifacts/" -print_final_stats=1)
((seconds > 0)) && flags+=(-max_total_time="$seconds")

echo "fuzz $name: ${seconds}s, corpus $work/corpus + seeds $seeds"
status=0
"$fuzzer" "${flags[@]}" "$work/corpus" "$seeds" "$@" || status=$?
if ((status != 0)); then
    echo "fuzz $name: FAILED (exit $status). Findings:" >&2
    ls -l "$work/artifacts/" >&2
    echo "Reproduce: $fuzzer ARTIFACT. Keep it as a regression test:" \
         "cp ARTIFACT tests/fuzz/regressions/$name/<what-it-is>" >&2
fi
exit "$status"
