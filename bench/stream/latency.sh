#!/usr/bin/env bash
# End-to-end latency of `imr-stream run` at a steady offered rate (not a backlog).
#
#   bench/stream/latency.sh [--rate R] [--seconds S] [--warmup W] [--pdf] [--workers N]
#                           [--binary PATH] [--producer PATH] [--svg FILE] [--keep] [-- RUN_ARGS...]
#
#   --rate R       letters offered per second (default 500)
#   --seconds S    how long the measured part lasts (default 30)
#   --warmup W     seconds offered first at the same rate and left out of the figures
#                  (default 2): the producer's own start (connection, producer id) and the
#                  service's first fetches are not the steady state
#   --pdf          cycle the corpus PDFs with the texts (default: texts only)
#   --svg FILE     also draw the latency distribution as an SVG histogram
#
# What it does: an isolated broker (scripts/kafka-local, IMR_KAFKA_PORT default 39092), fresh
# topics (the outcomes topic with message.timestamp.type=LogAppendTime, so an outcome's timestamp
# is when the broker appended it: its acknowledgement), `imr-stream run` until /readyz answers
# and it owns all 6 input partitions (imr_assigned_partitions: a letter sent before the group
# join would wait for it), then bench's paced_producer offers R letters/s for W + S seconds.
# Latency of a letter = the outcome's append time - the input record's timestamp (the outcome's
# source.timestamp_ms); letters offered in the first W seconds are left out. Prints p50, p90,
# p99, p99.9 and max, the machine's load average before and after (the machine may be shared),
# and where the time went: the service's own imr_stage_latency_seconds histograms (fetch:
# input timestamp to taken by the service; queue: to a worker; process; release: to the
# producer; acknowledge: to the delivery report), scraped at the end of the warm-up and at
# the end, so the difference covers about the measured letters; a stage's p50 and p99 are
# interpolated within its histogram's buckets, as Prometheus' histogram_quantile does.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
source "$script_dir/lib.sh"

rate=500 seconds=30 warmup=2 with_pdf=0 workers=0 keep=0 binary="" producer="" svg="" run_args=()
while (($#)); do
    case $1 in
        --rate) rate=${2:?}; shift 2 ;;
        --seconds) seconds=${2:?}; shift 2 ;;
        --warmup) warmup=${2:?}; shift 2 ;;
        --pdf) with_pdf=1; shift ;;
        --workers) workers=${2:?}; shift 2 ;;
        --binary) binary=${2:?}; shift 2 ;;
        --producer) producer=${2:?}; shift 2 ;;
        --svg) svg=${2:?}; shift 2 ;;
        --keep) keep=1; shift ;;
        --) shift; run_args=("$@"); break ;;
        -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) echo "latency: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
say() { echo "latency: $*" >&2; }
binary=$(find_binary "$binary")
[[ -n $binary && -x $binary ]] || { say "no imr-stream binary (build it or pass --binary)"; exit 2; }
[[ -n $producer ]] || producer="$(dirname "$(dirname "$binary")")/bench/paced_producer"
[[ -x $producer ]] || { say "no paced_producer at $producer (build the bench targets)"; exit 2; }

work=$(mktemp -d /tmp/imr-latency.XXXXXX)
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

ensure_broker
stamp="latency.$(date +%Y%m%d%H%M%S).$$"
in_topic="$stamp.in" out_topic="$stamp.out" dlq_topic="$stamp.dlq"
create_topics "$in_topic:6" "$dlq_topic:1"
IMR_KAFKA_TOPIC_CONFIGS="message.timestamp.type=LogAppendTime" create_topics "$out_topic:6"

letters=("$corpus"/seeds/*.txt)
((with_pdf)) && letters+=("$corpus"/dwc-2016-2017/*.pdf)

metrics_port=$(free_port)
run_cmd=("$binary" run --brokers "$brokers" --group "$stamp.g" --input-topic "$in_topic"
    --outcomes-topic "$out_topic" --dlq-topic "$dlq_topic" --workers "$workers"
    --metrics-address "127.0.0.1:$metrics_port" --log-level warn ${run_args[@]+"${run_args[@]}"})
"${run_cmd[@]}" 2>"$work/run.log" &
service_pid=$!
assigned() {
    local metrics  # read whole first: grep -q would end the pipe early (SIGPIPE under pipefail)
    curl -sf "http://127.0.0.1:$metrics_port/readyz" >/dev/null 2>&1 &&
        metrics=$(curl -sf "http://127.0.0.1:$metrics_port/metrics") &&
        grep -q '^imr_assigned_partitions 6$' <<<"$metrics"
}
for _ in $(seq 1 600); do
    assigned && break
    kill -0 "$service_pid" 2>/dev/null || { say "imr-stream exited:"; tail -5 "$work/run.log" >&2; exit 1; }
    sleep 0.1
done
assigned || { say "imr-stream did not get the 6 input partitions in 60 s"; exit 1; }
say "offering $rate letters/s for $warmup s (warm-up, left out) + $seconds s"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
scrape() { curl -sf "http://127.0.0.1:$metrics_port/metrics" | grep '^imr_stage_latency_seconds' >"$1" || true; }
(sleep "$warmup" && scrape "$work/stages-warm.prom") &
scraper_pid=$!
"$producer" "$brokers" "$in_topic" "$rate" "$(python3 -c "print($warmup + $seconds)")" "${letters[@]}" >&2
count=$(end_offsets "$in_topic" 6)
deadline=$((SECONDS + 300))
while (($(end_offsets "$out_topic" 6) + $(end_offsets "$dlq_topic" 1) < count)); do
    ((SECONDS < deadline)) || { say "timed out waiting for the outputs"; exit 1; }
    sleep 0.3
done
hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$service_pid/status")
wait "$scraper_pid" || true
scrape "$work/stages-end.prom"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
kill -TERM "$service_pid"
wait "$service_pid" || true
service_pid=""

kcat -C -b "$brokers" -t "$out_topic" -o beginning -e -q -f '%T\t%s\n' >"$work/outcomes.tsv"
python3 - "$work/outcomes.tsv" "$rate" "$seconds" "$hwm_kb" "$svg" "$with_pdf" "$warmup" \
    "$work/stages-warm.prom" "$work/stages-end.prom" "$load_before" "$load_after" <<'EOF'
import json, math, os, re, sys
path, rate, seconds, hwm_kb, svg, with_pdf, warmup, warm_prom, end_prom, load_before, load_after = sys.argv[1:]
pairs = []
for line in open(path, encoding="utf-8"):
    appended, _, value = line.rstrip("\n").partition("\t")
    sent = json.loads(value)["source"]["timestamp_ms"]
    pairs.append((sent, int(appended) - sent))
start = min(sent for sent, _ in pairs) + float(warmup) * 1000
lat = sorted(latency for sent, latency in pairs if sent >= start)
print(f"left out: {len(pairs) - len(lat)} letters of the {warmup} s warm-up")
def pct(p):
    return lat[max(math.ceil(p / 100 * len(lat)), 1) - 1]
kind = "texts and PDFs" if with_pdf == "1" else "texts"
print(f"\n{len(lat)} outcomes at {rate} letters/s offered for {seconds} s ({kind}); peak RSS {int(hwm_kb) / 1024:.0f} MiB")
print("| offered letters/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |")
print("|---|---|---|---|---|---|")
print(f"| {rate} | {pct(50)} | {pct(90)} | {pct(99)} | {pct(99.9)} | {lat[-1]} |")
print(f"load average (1, 5, 15 min) before: {load_before}, after: {load_after}")

def histograms(file):
    """{stage: ({le: cumulative count}, sum)} from imr_stage_latency_seconds lines."""
    out = {}
    if not os.path.exists(file):
        return out
    for line in open(file):
        m = re.match(r'imr_stage_latency_seconds_(bucket|sum|count)\{(.*)\} (\S+)$', line.strip())
        if not m:
            continue
        kind, labels, value = m.group(1), dict(re.findall(r'(\w+)="([^"]*)"', m.group(2))), float(m.group(3))
        buckets, total = out.setdefault(labels["stage"], ({}, [0.0]))
        if kind == "bucket":
            buckets[float(labels["le"])] = value
        elif kind == "sum":
            total[0] = value
    return out

warm, end = histograms(warm_prom), histograms(end_prom)
if end:
    print("\nwhere the time went (the service's stage histograms, measured letters only):")
    print("| stage | letters | mean ms | p50 ms | p99 ms |")
    print("|---|---|---|---|---|")
    for stage in ("fetch", "queue", "process", "release", "acknowledge"):
        if stage not in end:
            continue
        buckets, total = end[stage]
        before, before_total = warm.get(stage, ({}, [0.0]))
        counts = {le: n - before.get(le, 0) for le, n in buckets.items()}
        n = counts.get(math.inf, 0)
        if n <= 0:
            continue
        def quantile(q):  # as Prometheus' histogram_quantile: linear within the bucket
            lower, below = 0.0, 0.0
            for le in sorted(counts):
                if counts[le] >= q * n:
                    if le == math.inf:
                        return f"> {lower * 1000:g}"
                    share = (q * n - below) / (counts[le] - below) if counts[le] > below else 1
                    return f"{(lower + (le - lower) * share) * 1000:.2f}"
                lower, below = le, counts[le]
        mean = (total[0] - before_total[0]) / n * 1000
        print(f"| {stage} | {n:.0f} | {mean:.2f} | {quantile(0.5)} | {quantile(0.99)} |")
if svg:
    edges = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10 ** 9]
    counts = [sum(1 for v in lat if lo <= v < hi) for lo, hi in zip(edges, edges[1:])]
    labels = [f"<{hi} ms" if hi < 10 ** 9 else f">={lo} ms" for lo, hi in zip(edges, edges[1:])]
    top, width, row = max(counts) or 1, 420, 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 {len(counts) * row + 40}" font-family="sans-serif" font-size="12">',
             f'<text x="10" y="16" font-weight="bold">imr-stream end-to-end latency at {rate} letters/s ({kind}): '
             f'p50 {pct(50)} ms, p99 {pct(99)} ms, p99.9 {pct(99.9)} ms</text>']
    for i, (label, c) in enumerate(zip(labels, counts)):
        y = 30 + i * row
        parts.append(f'<text x="90" y="{y + 13}" text-anchor="end">{label}</text>')
        parts.append(f'<rect x="100" y="{y}" width="{c / top * width:.1f}" height="{row - 4}" fill="#4c78a8"/>')
        parts.append(f'<text x="{106 + c / top * width:.1f}" y="{y + 13}">{c}</text>')
    parts.append("</svg>")
    open(svg, "w").write("\n".join(parts) + "\n")
    print(f"histogram: {svg}")
EOF
echo "imr-stream: ${run_cmd[*]}"
