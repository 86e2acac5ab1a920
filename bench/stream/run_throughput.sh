#!/usr/bin/env bash
# End-to-end throughput of `imr-stream run` against a real Kafka broker, next to the I/O ceiling
# of the same broker and client library (kcat).
#
#   bench/stream/run_throughput.sh [-n COUNT] [--pdf] [--workers N] [--binary PATH] [--keep] [-- RUN_ARGS...]
#
#   -n COUNT       letters to publish (default 100000)
#   --pdf          mix the corpus PDFs in with the texts (default: texts only); the letters are
#                  then cycled over seeds/*.txt and dwc-2016-2017/*.pdf alike
#   --workers N    imr-stream --workers (default 0: one per core)
#   --binary PATH  the imr-stream to measure (default build/release/src/imr-stream, else build/ci)
#   --keep         leave a broker this script started running, with its data
#   --fresh-ids    wrap every letter in a JSON envelope with its own id (bench-<i>; PDFs as
#                  pdf_base64), so a large replay (e.g. -n 1000000) is that many distinct documents
#   --unseen       texts only: every letter a variant the engine has not read before (about one
#                  word in eight of a seed letter replaced by a word drawn from the seeds; 20,000
#                  variants, then cycled), as a service meets them; without it the few seed
#                  letters repeat and every regex automaton the engine builds stays warm
#   --pin          pin imr-stream to core 0 and the broker to core 1 (taskset), and measure the
#                  engine alone on core 0 on the same letters (classify_bench SeedTexts): prints
#                  the pipeline efficiency, stream letters/s over engine letters/s (use --workers 1)
#   --svg FILE     also draw the outcomes per second over the run (100 ms bins, from the outcome
#                  records' own timestamps) as an SVG line chart
#   -- RUN_ARGS    further arguments for `imr-stream run` (e.g. -- --max-in-flight 4096)
#
# What it does:
#   1. starts an isolated broker (scripts/kafka-local; IMR_KAFKA_PORT default 39092,
#      IMR_KAFKA_STATE_DIR default /tmp/imr-bench-kafka) unless one already runs there;
#   2. creates fresh topics bench.<stamp>.{in (6 partitions), out (6), dlq (1), copy (6)};
#   3. publishes COUNT letters (cycling the corpus, keys k<i>) with ONE kcat -P in batch mode:
#      letters are framed with -D (a record separator that no letter contains) and -K;
#   4. (a) runs `imr-stream run` (fresh group) until COUNT outputs exist (outcomes + dead letters,
#      from the topics' end offsets); letters/s = COUNT / (last - first outcome timestamp),
#      from the records' own timestamps; peak RSS = VmHWM of the process, CPU = utime+stime;
#      "busy while the backlog lasts" = the service's CPU from its first output to its last over
#      that wall time (startup and the group join left out), "stalled" = the share of 100 ms
#      bins between the first and the last outcome with no outcome at all, and "workers
#      running or runnable" = the imr-worker threads' time on a core plus their time waiting
#      for one (/proc/PID/task/*/schedstat) over that wall time per worker: what is left is
#      time a worker slept for want of work, whatever the load of the machine;
#   5. (b) the I/O ceiling: `kcat -C ... -e -D -K | kcat -P ... -D -K` copies the input topic to
#      another topic; letters/s = COUNT / wall time of the pipe;
#   6. prints a table and the command lines; stops and resets the broker if it started it.
#
# Needs kcat, python3, curl and the broker's prerequisites (java 17, mvn the first time). The corpus
# is read from ../shared/corpus beside the repository (IMR_CORPUS_DIR overrides).
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
source "$script_dir/lib.sh"

count=100000
with_pdf=0
workers=0
keep=0
pin=0
fresh_ids=0
unseen=0
binary=""
svg=""
run_args=()
while (($#)); do
    case $1 in
        -n) count=${2:?}; shift 2 ;;
        --pdf) with_pdf=1; shift ;;
        --workers) workers=${2:?}; shift 2 ;;
        --binary) binary=${2:?}; shift 2 ;;
        --keep) keep=1; shift ;;
        --pin) pin=1; shift ;;
        --fresh-ids) fresh_ids=1; shift ;;
        --unseen) unseen=1; shift ;;
        --svg) svg=${2:?}; shift 2 ;;
        --) shift; run_args=("$@"); break ;;
        -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) echo "run_throughput: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ $count =~ ^[1-9][0-9]*$ ]] || { echo "run_throughput: bad -n '$count'" >&2; exit 2; }
((unseen && (with_pdf || pin))) && {
    echo "run_throughput: --unseen varies text letters; --pdf and --pin's engine figure use the letters as they are" >&2
    exit 2
}
binary=$(find_binary "$binary")
[[ -n $binary && -x $binary ]] || { echo "run_throughput: no imr-stream binary (build it or pass --binary)" >&2; exit 2; }
for tool in kcat python3 curl; do
    command -v "$tool" >/dev/null || { echo "run_throughput: '$tool' not found" >&2; exit 2; }
done

work=$(mktemp -d /tmp/imr-bench.XXXXXX)
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "run_throughput: $*" >&2; }

# 1. broker ------------------------------------------------------------------------------------
ensure_broker
pin_service=()
if ((pin)); then
    taskset -a -p -c 1 "$(cat "$IMR_KAFKA_STATE_DIR/kafka.pid")" >/dev/null
    pin_service=(taskset -c 0)
fi

# 2. topics ------------------------------------------------------------------------------------
stamp="bench.$(date +%Y%m%d%H%M%S).$$"
in_topic="$stamp.in" out_topic="$stamp.out" dlq_topic="$stamp.dlq" copy_topic="$stamp.copy"
create_topics "$in_topic:6" "$out_topic:6" "$dlq_topic:1" "$copy_topic:6"

# 3. letters -------------------------------------------------------------------------------------
# Record separator: one byte (\x1e) for texts (kcat splits fast on it); for PDFs, which may contain
# any byte, a 16-byte separator that no corpus file contains (kcat's multi-byte split is slower).
letters="$work/letters.bin"
delim_hex=$(python3 - "$corpus" "$count" "$with_pdf" "$letters" "$fresh_ids" "$unseen" <<'EOF'
import base64, json, pathlib, random, re, secrets, sys
corpus, count, with_pdf, out = pathlib.Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4]
fresh_ids, unseen = sys.argv[5] == "1", sys.argv[6] == "1"
files = sorted((corpus / "seeds").glob("*.txt"))
if with_pdf:
    files += sorted((corpus / "dwc-2016-2017").glob("*.pdf"))
if not files:
    sys.exit(f"no letters under {corpus}")
data = [f.read_bytes() for f in files]
delim = b"\x1e"
if with_pdf or any(delim in d for d in data):
    while True:
        # no NUL: kcat reads -D as a C string
        delim = b"\x1e" + bytes(1 + secrets.randbelow(255) for _ in range(14)) + b"\x1e"
        if not any(delim in d for d in data):
            break
if unseen:
    # Words of four or more lower-case letters may be replaced; headers, dates, numbers and
    # decision words in capitals stay, so most variants still classify.
    word = re.compile(rb"(?<![A-Za-z])[a-z]{4,}(?![A-Za-z])")
    pieces = [word.split(d) for d in data]
    words = [[m.group() for m in word.finditer(d)] for d in data]
    pool = sorted({w for ws in words for w in ws})

def variant(i):
    seed = i % len(data)
    if not unseen:
        return data[seed]
    rng = random.Random(i % 20000)
    out = [pieces[seed][0]]
    for w, rest in zip(words[seed], pieces[seed][1:]):
        out.append(rng.choice(pool) if rng.random() < 0.125 else w)
        out.append(rest)
    return b"".join(out)

with open(out, "wb") as f:
    for i in range(count):
        if i:
            f.write(delim)
        f.write(b"k%d\x1f" % i)
        letter = variant(i)
        if fresh_ids:
            body = ({"pdf_base64": base64.b64encode(letter).decode()} if letter.startswith(b"%PDF")
                    else {"text": letter.decode("utf-8")})
            letter = json.dumps({"id": f"bench-{i}", **body}).encode()
        f.write(letter)
print("".join(f"\\x{b:02x}" for b in delim))
EOF
)
letters_bytes=$(stat -c %s "$letters")
say "publishing $count letters ($((letters_bytes / 1048576)) MiB, pdf=$with_pdf) to $in_topic"
t0=$(now)
kcat -P -b "$brokers" -t "$in_topic" -D "$delim_hex" -K '\x1f' -X message.max.bytes=26214400 \
    -X queue.buffering.max.kbytes=1048576 -X linger.ms=50 -l "$letters"
t1=$(now)
publish_s=$(python3 -c "print(f'{$t1 - $t0:.1f}')")

have=$(end_offsets "$in_topic" 6)
[[ $have == "$count" ]] || { say "the input topic holds $have records, expected $count"; exit 1; }

# 4. imr-stream run -------------------------------------------------------------------------
metrics_port=$(free_port)
run_cmd=("$binary" run --brokers "$brokers" --group "$stamp.g" --input-topic "$in_topic"
    --outcomes-topic "$out_topic" --dlq-topic "$dlq_topic" --workers "$workers"
    --metrics-address "127.0.0.1:$metrics_port" --log-level warn ${run_args[@]+"${run_args[@]}"})
say "running imr-stream until $count outputs exist"
${pin_service[@]+"${pin_service[@]}"} "${run_cmd[@]}" 2>"$work/run.log" &
service_pid=$!
run_t0=$(now)
deadline=$((SECONDS + 1800))
rss_peak_kb=0
cpu_ticks() { awk '{print $14 + $15}' "/proc/$service_pid/stat"; }
# ns on a core + ns runnable, summed over the worker threads, and how many there are (builds
# before the threads had names: the --workers busiest unnamed threads other than the main one)
worker_sched() {
    local task name=imr-worker
    grep -qx imr-worker /proc/$service_pid/task/*/comm 2>/dev/null || name=imr-stream
    for task in /proc/$service_pid/task/*; do
        [[ ${task##*/} != "$service_pid" && $(cat "$task/comm" 2>/dev/null) == "$name" ]] || continue
        cat "$task/schedstat" 2>/dev/null
    done | sort -k1,1nr | head -n "$([[ $name == imr-worker || $workers == 0 ]] && echo 64 || echo "$workers")" |
        awk '{r += $1; w += $2; n++} END {printf "%.0f %.0f %d\n", r, w, n}'
}
first_ticks="" first_t="" first_sched=""
while :; do
    kill -0 "$service_pid" 2>/dev/null || { say "imr-stream exited early:"; tail -5 "$work/run.log" >&2; exit 1; }
    hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$service_pid/status" 2>/dev/null || echo 0)
    ((hwm > rss_peak_kb)) && rss_peak_kb=$hwm
    done_count=$(($(end_offsets "$out_topic" 6) + $(end_offsets "$dlq_topic" 1)))
    if [[ -z $first_ticks ]] && ((done_count > 0)); then
        first_ticks=$(cpu_ticks) first_t=$(now) first_sched=$(worker_sched)
    fi
    ((done_count >= count)) && break
    ((SECONDS < deadline)) || { say "timed out with $done_count/$count outputs"; exit 1; }
    sleep 0.5
done
run_t1=$(now)
last_ticks=$(cpu_ticks) last_sched=$(worker_sched)
read -r utime stime < <(awk '{print $14, $15}' "/proc/$service_pid/stat")
clk=$(getconf CLK_TCK)
hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$service_pid/status")
((hwm > rss_peak_kb)) && rss_peak_kb=$hwm
kill -TERM "$service_pid"
run_exit=0
wait "$service_pid" || run_exit=$?
service_pid=""
dead=$(end_offsets "$dlq_topic" 1)
# first and last outcome by the records' own (producer create) timestamps
kcat -C -b "$brokers" -t "$out_topic" -o beginning -e -q -f '%T %S\n' >"$work/outcomes.txt"
read -r first_ms last_ms outcome_bytes < <(awk 'NR == 1 || $1 < lo {lo = $1} $1 > hi {hi = $1} {b += $2} END {printf "%s %s %.0f\n", lo, hi, b}' \
    "$work/outcomes.txt")

# 5. I/O ceiling: consume the input topic and produce it again, kcat to kcat -------------------
say "copying $in_topic with kcat (I/O ceiling)"
copy_cmd="kcat -C -b $brokers -t $in_topic -o beginning -e -q -D '$delim_hex' -K '\\x1f' | kcat -P -b $brokers -t $copy_topic -D '$delim_hex' -K '\\x1f' -X message.max.bytes=26214400"
c0=$(now)
kcat -C -b "$brokers" -t "$in_topic" -o beginning -e -q -D "$delim_hex" -K '\x1f' \
    -X fetch.message.max.bytes=26214400 \
    | kcat -P -b "$brokers" -t "$copy_topic" -D "$delim_hex" -K '\x1f' -X message.max.bytes=26214400 \
        -X queue.buffering.max.kbytes=1048576 -X linger.ms=50
c1=$(now)
copied=$(end_offsets "$copy_topic" 6)

# 5b. the engine alone on the service's core, on the same letters ----------------------------------
engine_rate=0
if ((pin)); then
    bench_binary="$(dirname "$(dirname "$binary")")/bench/classify_bench"
    [[ -x $bench_binary ]] || { say "no classify_bench beside $binary"; exit 2; }
    engine_rate=$(taskset -c 0 "$bench_binary" --benchmark_filter=BM_ClassifySeedTexts \
        --benchmark_min_time=3 --benchmark_format=json 2>/dev/null \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["benchmarks"][0]["items_per_second"])')
fi

# 6. report -------------------------------------------------------------------------------------
python3 - "$count" "$letters_bytes" "$publish_s" "$first_ms" "$last_ms" "$run_t0" "$run_t1" \
    "$rss_peak_kb" "$utime" "$stime" "$clk" "$c0" "$c1" "$copied" "$dead" "$run_exit" "$outcome_bytes" \
    "$with_pdf" "$(nproc)" "$engine_rate" "$first_ticks" "$first_t" "$last_ticks" "$work/outcomes.txt" \
    "$svg" "$workers" "$pin" "$first_sched" "$last_sched" <<'EOF'
import sys
(count, in_bytes, publish_s, first_ms, last_ms, t0, t1, rss_kb, ut, st, clk, c0, c1, copied, dead, run_exit,
 out_bytes, with_pdf, cores, engine_rate, first_ticks, first_t, last_ticks, outcomes, svg, workers,
 pin, first_sched, last_sched) = sys.argv[1:]
count, in_bytes = int(count), int(in_bytes)
span = (int(last_ms) - int(first_ms)) / 1000
wall = float(t1) - float(t0)
cpu = (int(ut) + int(st)) / int(clk)
copy_s = float(c1) - float(c0)
mib = in_bytes / 1048576
print(f"\nletters: {count} ({'texts and PDFs' if with_pdf == '1' else 'texts'}), {mib:.0f} MiB in, "
      f"published in {publish_s}s; {cores} cores; dead letters {dead}; imr-stream exit {run_exit}; copied {copied}")
print()
print(f"| {'measurement':<44} | {'seconds':>8} | {'letters/s':>9} | {'MiB/s in':>8} | {'peak RSS':>9} | {'CPU s':>6} |")
print(f"|{'-' * 46}|{'-' * 10}|{'-' * 11}|{'-' * 10}|{'-' * 11}|{'-' * 8}|")
print(f"| {'imr-stream run, first to last outcome':<44} | {span:8.1f} | {count / span:9.0f} | {mib / span:8.1f} | "
      f"{int(rss_kb) / 1024:5.0f} MiB | {cpu:6.1f} |")
print(f"| {'imr-stream run, start to last output (wall)':<44} | {wall:8.1f} | {count / wall:9.0f} | {mib / wall:8.1f} | "
      f"{'':>9} | {'':>6} |")
print(f"| {'kcat consume -> kcat produce (I/O ceiling)':<44} | {copy_s:8.1f} | {int(copied) / copy_s:9.0f} | "
      f"{mib / copy_s:8.1f} | {'':>9} | {'':>6} |")
print(f"\noutcome JSON: {int(out_bytes or 0) / 1048576:.0f} MiB; CPU per letter {cpu / count * 1e3:.2f} ms; "
      f"service CPU busy {cpu / wall:.0%} of the wall time")
backlog_wall = float(t1) - float(first_t)
backlog_cpu = (int(last_ticks) - int(first_ticks)) / int(clk)
stamps = sorted(int(line.split()[0]) for line in open(outcomes))
bins = [0] * ((stamps[-1] - stamps[0]) // 100 + 1)
for ms in stamps:
    bins[(ms - stamps[0]) // 100] += 1
stalled = sum(1 for b in bins if b == 0) / len(bins)
print(f"while the backlog lasted (first output to last): service CPU busy {backlog_cpu / backlog_wall:.0%} "
      f"of {backlog_wall:.1f} s; stalled (100 ms with no outcome) {stalled:.0%} of the time")
(ran0, waited0, _), (ran1, waited1, n_workers) = ([int(v) for v in s.split()] for s in (first_sched, last_sched))
if n_workers:
    ran, waited = (ran1 - ran0) / 1e9 / n_workers, (waited1 - waited0) / 1e9 / n_workers
    print(f"workers ({n_workers}) running {ran / backlog_wall:.0%} + runnable, waiting for a core, "
          f"{waited / backlog_wall:.0%} of that time; asleep for want of work "
          f"{max(0.0, 1 - (ran + waited) / backlog_wall):.0%}")
if float(engine_rate) > 0:
    print(f"engine alone on the same core and letters: {float(engine_rate):.0f} letters/s; "
          f"pipeline efficiency {count / span / float(engine_rate):.2f}")
if svg:
    width, height, left, bottom = 640, 240, 60, 200
    per_s = [b * 10 for b in bins]
    top = max(per_s + [float(engine_rate)]) * 1.1 or 1
    x = lambda i: left + i * (width - left - 10) / max(len(per_s) - 1, 1)
    y = lambda v: bottom - v / top * (bottom - 30)
    kind = "texts and PDFs" if with_pdf == "1" else "texts"
    setup = (f"--workers {workers}" + (", pinned to one core" if pin == "1" else ", unpinned"))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
             f'<text x="10" y="16" font-weight="bold">imr-stream outcomes per second over a backlog of {count} letters ({kind}, {setup})</text>',
             f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="black"/>',
             f'<line x1="{left}" y1="30" x2="{left}" y2="{bottom}" stroke="black"/>',
             f'<text x="{left - 4}" y="{y(0) + 4}" text-anchor="end">0</text>',
             f'<text x="{left - 4}" y="{y(top / 1.1) + 4}" text-anchor="end">{top / 1.1:.0f}</text>',
             f'<text x="{left}" y="{bottom + 16}">0 s</text>',
             f'<text x="{width - 10}" y="{bottom + 16}" text-anchor="end">{len(per_s) / 10:.1f} s</text>',
             f'<text x="{left + 4}" y="{bottom + 32}">outcomes per second, 100 ms bins; stalled {stalled:.0%} of the time</text>']
    if float(engine_rate) > 0:
        parts.append(f'<line x1="{left}" y1="{y(float(engine_rate)):.1f}" x2="{width - 10}" y2="{y(float(engine_rate)):.1f}" '
                     f'stroke="#e45756" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{width - 12}" y="{y(float(engine_rate)) - 4:.1f}" text-anchor="end" fill="#e45756">'
                     f'engine alone, same core: {float(engine_rate):.0f}/s</text>')
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(per_s))
    parts.append(f'<polyline fill="none" stroke="#4c78a8" stroke-width="1.5" points="{points}"/>')
    parts.append("</svg>")
    open(svg, "w").write("\n".join(parts) + "\n")
    print(f"chart: {svg}")
EOF
echo
echo "imr-stream: ${run_cmd[*]}"
echo "ceiling:    $copy_cmd"
