#!/usr/bin/env bash
# The offline command against the engine alone, on the same letters, in one run.
#
#   bench/classify/offline.sh [-n COUNT] [--rounds R] [--binary PATH] [--no-pin]
#
#   -n COUNT      text letters to write (default 10000)
#   --rounds R    measure everything R times, alternating, and report medians (default 3)
#   --binary PATH the imr-stream to measure (default build/release/src/imr-stream, else build/ci);
#                 classify_bench is taken from the same build
#   --no-pin      do not pin the single-core measurements to core 1
#
# What it does:
#   1. writes COUNT text letters into a scratch directory, cycling ../shared/corpus/seeds/*.txt
#      under fresh names (letter-0000000.txt, ...);
#   2. per round, back to back:
#      (a) the engine alone: classify_bench --letters=DIR (BM_ClassifyLetters: the same files,
#          read into memory first, through the same classifier), pinned to core 1, then on two
#          threads unpinned (the most --jobs 2 can gain over --jobs 1 on this machine now);
#      (b) `imr-stream classify --jobs 1 DIR > file`, pinned to core 1;
#      (c) `imr-stream classify --jobs 2 DIR > file`, unpinned;
#   3. checks that --jobs 1 and --jobs 2 wrote identical output, one line per letter;
#   4. prints letters/s (wall time), the ratios jobs 1 / engine and jobs 2 / jobs 1 (and the
#      engine's own 2-thread / 1-thread), the same ratio by CPU time, and the load average
#      before and after (the machine may be shared).
#
# The command's wall time includes its start (building the engine, about 0.1 s): over 10,000
# letters that is a few percent of the run.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo_root=$(cd -- "$script_dir/../.." && pwd -P)
corpus=${IMR_CORPUS_DIR:-$repo_root/../shared/corpus}

count=10000 rounds=3 binary="" pin=(taskset -c 1)
while (($#)); do
    case $1 in
        -n) count=${2:?}; shift 2 ;;
        --rounds) rounds=${2:?}; shift 2 ;;
        --binary) binary=${2:?}; shift 2 ;;
        --no-pin) pin=(); shift ;;
        -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) echo "offline: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ $count =~ ^[1-9][0-9]*$ && $rounds =~ ^[1-9][0-9]*$ ]] || { echo "offline: bad -n or --rounds" >&2; exit 2; }
if [[ -z $binary ]]; then
    for candidate in "$repo_root/build/release/src/imr-stream" "$repo_root/build/ci/src/imr-stream"; do
        [[ -x $candidate ]] && { binary=$candidate; break; }
    done
fi
[[ -n $binary && -x $binary ]] || { echo "offline: no imr-stream binary (build it or pass --binary)" >&2; exit 2; }
bench_binary="$(dirname "$(dirname "$binary")")/bench/classify_bench"
[[ -x $bench_binary ]] || { echo "offline: no classify_bench beside $binary" >&2; exit 2; }

work=$(mktemp -d /tmp/imr-offline.XXXXXX)
trap 'rm -rf "$work"' EXIT
say() { echo "offline: $*" >&2; }

# 1. letters -----------------------------------------------------------------------------------
python3 - "$corpus" "$count" "$work/letters" <<'EOF'
import pathlib, sys
corpus, count, out = pathlib.Path(sys.argv[1]), int(sys.argv[2]), pathlib.Path(sys.argv[3])
seeds = [p.read_bytes() for p in sorted((corpus / "seeds").glob("*.txt"))]
if not seeds:
    sys.exit(f"no text letters under {corpus}/seeds")
out.mkdir()
for i in range(count):
    (out / f"letter-{i:07d}.txt").write_bytes(seeds[i % len(seeds)])
EOF
letters_mib=$(du -sm "$work/letters" | cut -f1)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
say "$count letters ($letters_mib MiB on disk) in $work/letters; load average $load_before"

# 2. rounds --------------------------------------------------------------------------------------
# Seconds of wall and of CPU (user + system, children included) of one command.
timed() {
    local out=$1
    shift
    /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >"$out"
    awk '{printf "%s %.2f\n", $1, $2 + $3}' "$work/time"
}

results="$work/results"
: >"$results"
for ((round = 1; round <= rounds; round++)); do
    # The engine's rates (Google Benchmark): wall and CPU letters/s on one core; wall letters/s
    # on two threads (real time per iteration counts both threads' iterations).
    read -r engine_wall engine_cpu < <(${pin[@]+"${pin[@]}"} "$bench_binary" --letters="$work/letters" \
        --benchmark_filter='^BM_ClassifyLetters$' --benchmark_min_time=3 --benchmark_format=json 2>/dev/null \
        | python3 -c 'import json,sys; b=json.load(sys.stdin)["benchmarks"][0]; print(1e6/b["real_time"], 1e6/b["cpu_time"])')
    engine2_wall=$("$bench_binary" --letters="$work/letters" --benchmark_filter='^BM_ClassifyLetters/real_time/threads:2$' \
        --benchmark_min_time=3 --benchmark_format=json 2>/dev/null \
        | python3 -c 'import json,sys; b=json.load(sys.stdin)["benchmarks"][0]; print(1e6/b["real_time"])')
    read -r j1_wall j1_cpu < <(timed "$work/jobs1.jsonl" ${pin[@]+"${pin[@]}"} "$binary" classify --jobs 1 \
        --no-progress --no-summary "$work/letters")
    read -r j2_wall j2_cpu < <(timed "$work/jobs2.jsonl" "$binary" classify --jobs 2 --no-progress --no-summary \
        "$work/letters")
    cmp -s "$work/jobs1.jsonl" "$work/jobs2.jsonl" || { say "--jobs 1 and --jobs 2 wrote different output"; exit 1; }
    lines=$(wc -l <"$work/jobs1.jsonl")
    ((lines == count)) || { say "$lines output lines for $count letters"; exit 1; }
    echo "$engine_wall $engine_cpu $j1_wall $j1_cpu $j2_wall $j2_cpu $engine2_wall" >>"$results"
    say "round $round: engine $engine_wall letters/s; jobs 1 $j1_wall s; jobs 2 $j2_wall s"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# 3. report ----------------------------------------------------------------------------------
python3 - "$results" "$count" "$(nproc)" "$load_before" "$load_after" "${#pin[@]}" <<'EOF'
import statistics, sys
path, count, cores, load_before, load_after, pinned = sys.argv[1:]
count = int(count)
rows = [list(map(float, line.split())) for line in open(path)]
print(f"\n{count} text letters, {len(rows)} rounds (medians), {cores} cores, "
      f"load average {load_before} before, {load_after} after; single-core runs "
      f"{'pinned to core 1' if int(pinned) else 'not pinned'}\n")
print("| round | engine alone, 1 thread | classify --jobs 1 | engine alone, 2 threads | classify --jobs 2 "
      "| jobs 1 / engine | jobs 2 / jobs 1 | engine 2 threads / 1 |")
print("|---|---|---|---|---|---|---|---|")
ratios1, ratios2, ratios1_cpu, ceiling = [], [], [], []
for i, (ew, ec, j1w, j1c, j2w, j2c, e2w) in enumerate(rows, 1):
    r1, r2 = count / j1w, count / j2w
    ratios1.append(r1 / ew)
    ratios2.append(r2 / r1)
    ratios1_cpu.append((count / j1c) / ec)
    ceiling.append(e2w / ew)
    print(f"| {i} | {ew:,.0f} | {r1:,.0f} | {e2w:,.0f} | {r2:,.0f} | {r1 / ew:.2f} | {r2 / r1:.2f} | {e2w / ew:.2f} |")
med = statistics.median
print(f"\nmedian: classify --jobs 1 at {med(ratios1):.2f} of the engine's rate (target >= 0.85), "
      f"--jobs 2 at {med(ratios2):.2f}x --jobs 1 (target >= 1.8); the engine alone on 2 threads "
      f"{med(ceiling):.2f}x 1 thread (this machine's ceiling at the time)")
print(f"by CPU time: the command spends {med(ratios1_cpu):.2f} of its CPU per letter in the engine "
      f"(engine CPU/letter over command CPU/letter, --jobs 1, process start included)")
EOF
echo
echo "engine:  ${pin[*]} $bench_binary --letters=DIR --benchmark_filter='^BM_ClassifyLetters\$' --benchmark_min_time=3"
echo "engine2: $bench_binary --letters=DIR --benchmark_filter='^BM_ClassifyLetters/real_time/threads:2\$' --benchmark_min_time=3"
echo "jobs 1:  ${pin[*]} $binary classify --jobs 1 --no-progress --no-summary DIR > out"
echo "jobs 2:  $binary classify --jobs 2 --no-progress --no-summary DIR > out"
