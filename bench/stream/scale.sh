#!/usr/bin/env bash
# Memory at scale: a backlog run of bench/stream/run_throughput.sh, with the service's resident
# memory and progress sampled every second, so a reader sees whether memory stays flat.
#
#   bench/stream/scale.sh [--samples FILE] [--svg FILE] [--interval S] -- RUN_THROUGHPUT_ARGS...
#
#   --samples FILE  where the samples go (TSV: seconds since start, VmRSS and VmHWM KiB of
#                   imr-stream, the same summed over its PDF helpers, CPU seconds of both, outputs
#                   so far); default: a temporary file, deleted
#   --svg FILE      also draw resident memory and letters/s over time
#   --interval S    seconds between samples (default 1)
#   e.g. bench/stream/scale.sh --svg docs/scale-1m-texts.svg -- -n 1000000 --fresh-ids
#
# run_throughput.sh publishes the backlog first; sampling starts when its imr-stream starts
# (the process is found as the child of run_throughput.sh) and ends when it exits. Prints the
# peak RSS (VmHWM) of imr-stream and of its PDF helpers (child processes, one per worker), and
# the resident memory at 10%, 50% and 90% of the outputs.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
source "$script_dir/lib.sh"

samples="" svg="" interval=1
while (($#)); do
    case $1 in
        --samples) samples=${2:?}; shift 2 ;;
        --svg) svg=${2:?}; shift 2 ;;
        --interval) interval=${2:?}; shift 2 ;;
        --) shift; break ;;
        -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) echo "scale: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
work=$(mktemp -d /tmp/imr-scale.XXXXXX)
keep=1  # bench_cleanup: the broker belongs to run_throughput.sh
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
[[ -n $samples ]] || samples="$work/samples.tsv"
say() { echo "scale: $*" >&2; }

# Its messages go to a file (shown at the end): a pipe would be held open by a broker it starts.
"$script_dir/run_throughput.sh" "$@" 2>"$work/throughput.err" &
throughput_pid=$!

# The service: run_throughput.sh's child running imr-stream (after taskset, if pinned, execs).
service=""
while kill -0 "$throughput_pid" 2>/dev/null && [[ -z $service ]]; do
    sleep 0.5
    for child in $(pgrep -P "$throughput_pid" || true); do
        [[ $(readlink "/proc/$child/exe" 2>/dev/null) == */imr-stream ]] && service=$child
    done
done
[[ -n $service ]] || { code=0; wait "$throughput_pid" || code=$?; cat "$work/throughput.err" >&2; exit "$code"; }
stamp=$(sed -n 's/.* to \(bench\.[^ ]*\)\.in$/\1/p' "$work/throughput.err" | head -1)
say "sampling imr-stream (pid $service, topics $stamp.*) every ${interval}s into $samples"

# One sample: the service and its PDF helpers (its child processes, one per worker), whose
# memory is the service's too. Prints "rss hwm helpers_rss helpers_hwm cpu_seconds".
clk=$(getconf CLK_TCK)
sample_memory() {
    local pid rss hwm tick sums=(0 0 0 0 0) first=1
    for pid in "$service" $(pgrep -P "$service" || true); do
        read -r rss hwm < <(awk '/^VmRSS:/ {r = $2} /^VmHWM:/ {h = $2} END {print r + 0, h + 0}' \
            "/proc/$pid/status" 2>/dev/null || echo 0 0)
        tick=$(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$pid/stat" 2>/dev/null || echo 0)
        if ((first)); then
            sums[0]=$rss sums[1]=$hwm
            first=0
        else
            sums[2]=$((sums[2] + rss)) sums[3]=$((sums[3] + hwm))
        fi
        sums[4]=$((sums[4] + tick))
    done
    echo "${sums[0]} ${sums[1]} ${sums[2]} ${sums[3]} $(awk -v t="${sums[4]}" -v c="$clk" 'BEGIN {printf "%.2f", t / c}')"
}

t0=$(now)
printf 'seconds\trss_kib\thwm_kib\thelpers_rss_kib\thelpers_hwm_kib\tcpu_s\toutputs\n' >"$samples"
while [[ -r /proc/$service/status ]]; do
    read -r rss hwm helpers_rss helpers_hwm cpu < <(sample_memory)
    ((rss > 0)) || break
    outputs=$(($(end_offsets "$stamp.out" 6) + $(end_offsets "$stamp.dlq" 1)))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(awk -v t="$(now)" -v t0="$t0" 'BEGIN {printf "%.1f", t - t0}')" \
        "$rss" "$hwm" "$helpers_rss" "$helpers_hwm" "$cpu" "$outputs" >>"$samples"
    sleep "$interval"
done
code=0
wait "$throughput_pid" || code=$?
cat "$work/throughput.err" >&2

python3 - "$samples" "$svg" <<'EOF'
import sys
path, svg = sys.argv[1:]
rows = [list(map(float, line.split("\t"))) for line in open(path).read().splitlines()[1:]]
rows = [r for r in rows if r[1] > 0]
if not rows:
    sys.exit("scale: no samples")
OUT = 6
total = max(r[OUT] for r in rows)
print(f"\nsamples: {len(rows)} over {rows[-1][0]:.0f} s; outputs seen {total:.0f}")
print(f"peak RSS (VmHWM): imr-stream {max(r[2] for r in rows) / 1024:.0f} MiB, its PDF helpers "
      f"{max(r[4] for r in rows) / 1024:.0f} MiB together; largest sampled sum of both "
      f"{max(r[1] + r[3] for r in rows) / 1024:.0f} MiB (VmRSS)")
for share in (0.1, 0.5, 0.9):
    at = next((r for r in rows if r[OUT] >= share * total), rows[-1])
    print(f"RSS at {share:.0%} of the outputs ({at[OUT]:.0f}, {at[0]:.0f} s): imr-stream "
          f"{at[1] / 1024:.0f} MiB, helpers {at[3] / 1024:.0f} MiB")
if not svg:
    sys.exit(0)
# Two panels sharing the time axis: resident memory, and letters/s between samples.
w, h, pad = 720, 200, 50
span = rows[-1][0] or 1
rate = [(b[0], (b[OUT] - a[OUT]) / max(b[0] - a[0], 1e-9)) for a, b in zip(rows, rows[1:])]
def panel(y0, points, top, label, unit):
    x = lambda t: pad + (w - 2 * pad) * t / span
    y = lambda v: y0 + h - (h - 20) * v / (top or 1)
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(t):.1f},{y(v):.1f}" for i, (t, v) in enumerate(points))
    return (f'<text x="{pad}" y="{y0 + 12}" font-size="12">{label}</text>'
            f'<line x1="{pad}" y1="{y0 + h}" x2="{w - pad}" y2="{y0 + h}" stroke="#999"/>'
            f'<line x1="{pad}" y1="{y0 + 20}" x2="{pad}" y2="{y0 + h}" stroke="#999"/>'
            f'<text x="{pad - 4}" y="{y0 + 24}" font-size="10" text-anchor="end">{top:.0f}</text>'
            f'<text x="{pad - 4}" y="{y0 + h}" font-size="10" text-anchor="end">0</text>'
            f'<text x="{w - pad}" y="{y0 + h + 14}" font-size="10" text-anchor="end">{span:.0f} s</text>'
            f'<path d="{path}" fill="none" stroke="#1f77b4" stroke-width="1.2"/>'
            f'<text x="{w - pad}" y="{y0 + 12}" font-size="10" text-anchor="end">{unit}</text>')
rss = [(r[0], (r[1] + r[3]) / 1024) for r in rows]
top_rss = max(256, max(v for _, v in rss))
limit_y = 10 + h - (h - 20) * 256 / top_rss
body = panel(10, rss, top_rss, "resident memory of imr-stream and its PDF helpers (VmRSS)", "MiB; dashed: 256 MiB")
body += (f'<line x1="{pad}" y1="{limit_y:.1f}" x2="{w - pad}" y2="{limit_y:.1f}" stroke="#d62728" '
         f'stroke-dasharray="4 3"/>')
body += panel(h + 40, rate, max((v for _, v in rate), default=1), "outputs per second", "letters/s")
with open(svg, "w") as f:
    f.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{2 * h + 70}" '
            f'font-family="sans-serif">{body}</svg>\n')
print(f"drew {svg}")
EOF
exit "$code"
