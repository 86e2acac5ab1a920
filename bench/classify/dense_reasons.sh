#!/usr/bin/env bash
# The engine's cost on letters whose rationales are dense with the reason patterns' words,
# against the same letters as they are: the figure to set --max-cpu-ms and plan capacity by.
#
#   bench/classify/dense_reasons.sh [-n COUNT] [--sentences S] [--seed N] [--run-on] [--binary PATH] [--no-pin]
#
#   -n COUNT       letters of each kind (default 300)
#   --sentences S  sentences added to each rationale (default 25)
#   --seed N       the sentences' random seed (default 9)
#   --run-on       start the sentences in lower case, so that the splitter reads the added text
#                  of a rationale as one run (cut every 4 KiB): longer sentences, more patterns
#                  whose words meet in one, the harsher case
#   --binary PATH  the imr-stream to measure (default build/release/src/imr-stream, else build/ci)
#   --no-pin       do not pin to core 1
#
# What it does:
#   1. writes COUNT letters cycling ../shared/corpus/seeds/*.txt as they are, and COUNT in which
#      each of the first three "Decision rationale:" paragraphs starts with S sentences of 8-20
#      pieces drawn from the literal phrases of data/vocabulary/reasons.tsv (60%), negations
#      (20%) and "the". The required words of nearly every reason pattern then occur in every
#      sentence, so every pattern is searched and its bounded gaps confirmed: the reason
#      reader's worst case, which ordinary rationales never approach;
#   2. classifies each directory with `imr-stream classify --jobs 1` (pinned) and prints the
#      worker time per letter from the command's summary, the ratio, and the peak RSS.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo_root=$(cd -- "$script_dir/../.." && pwd -P)
corpus=${IMR_CORPUS_DIR:-$repo_root/../shared/corpus}

count=300 sentences=25 seed=9 run_on=0 binary="" pin=(taskset -c 1)
while (($#)); do
    case $1 in
        -n) count=${2:?}; shift 2 ;;
        --sentences) sentences=${2:?}; shift 2 ;;
        --seed) seed=${2:?}; shift 2 ;;
        --run-on) run_on=1; shift ;;
        --binary) binary=${2:?}; shift 2 ;;
        --no-pin) pin=(); shift ;;
        -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) echo "dense_reasons: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
for value in "$count" "$sentences" "$seed"; do
    [[ $value =~ ^[0-9]+$ ]] || { echo "dense_reasons: bad number '$value'" >&2; exit 2; }
done
if [[ -z $binary ]]; then
    for candidate in "$repo_root/build/release/src/imr-stream" "$repo_root/build/ci/src/imr-stream"; do
        [[ -x $candidate ]] && { binary=$candidate; break; }
    done
fi
[[ -n $binary && -x $binary ]] || { echo "dense_reasons: no imr-stream binary (build it or pass --binary)" >&2; exit 2; }

work=$(mktemp -d /tmp/imr-dense.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 - "$corpus" "$repo_root/data/vocabulary/reasons.tsv" "$count" "$sentences" "$seed" "$run_on" "$work" <<'EOF'
import pathlib, random, re, sys
corpus, vocabulary, count, sentences, seed, run_on, work = sys.argv[1:]
count, sentences = int(count), int(sentences)
random.seed(int(seed))
patterns = [line.rstrip("\n").split("\t", 2)[2] for line in open(vocabulary)
            if not line.startswith("#") and line.count("\t") >= 2]
# The literal runs of the patterns: what lies between their operators and escapes.
phrases = set()
for pattern in patterns:
    for run in re.split(r"[|()\[\]?*+{}^$.]", re.sub(r"\\[A-Za-z]", "|", pattern)):
        run = run.strip().lower()
        if len(run) >= 3 and re.fullmatch(r"[a-z][a-z '/-]*", run):
            phrases.add(run)
phrases = sorted(phrases)
negations = ["no", "not", "without", "lack of", "insufficient", "never", "cannot", "unclear"]
def sentence():
    pieces = []
    for _ in range(random.randint(8, 20)):
        draw = random.random()
        pieces.append(random.choice(phrases) if draw < 0.6 else
                      random.choice(negations) if draw < 0.8 else "the")
    text = " ".join(pieces)
    if run_on == "0":
        text = text[0].upper() + text[1:]  # a capital, so the splitter ends the one before
    return text + "."
seeds = [p.read_text(errors="replace") for p in sorted((pathlib.Path(corpus) / "seeds").glob("*.txt"))]
if not seeds or not phrases:
    sys.exit("dense_reasons: no seed letters or no phrases")
plain, dense = pathlib.Path(work, "plain"), pathlib.Path(work, "dense")
plain.mkdir(); dense.mkdir()
for i in range(count):
    text = seeds[i % len(seeds)]
    (plain / f"letter-{i:06d}.txt").write_text(text)
    added = " ".join(sentence() for _ in range(sentences))
    (dense / f"letter-{i:06d}.txt").write_text(
        text.replace("Decision rationale:", f"Decision rationale: {added} ", 3))
print(f"dense_reasons: {len(phrases)} phrases from {len(patterns)} reason patterns", file=sys.stderr)
EOF

# Worker microseconds per letter (the command's summary) and peak RSS in KiB.
measure() {
    ${pin[@]+"${pin[@]}"} /usr/bin/time -f 'peak_kib %M' "$binary" classify --jobs 1 --no-progress \
        "$work/$1" 2>"$work/$1.err" >/dev/null
    local per_letter peak
    per_letter=$(sed -n 's/.* \([0-9][0-9]*\) us per document.*/\1/p' "$work/$1.err")
    peak=$(sed -n 's/^peak_kib //p' "$work/$1.err")
    [[ -n $per_letter && -n $peak ]] || { echo "dense_reasons: no summary from classify" >&2; exit 1; }
    echo "$per_letter $peak"
}
read -r plain_us plain_kib < <(measure plain)
read -r dense_us dense_kib < <(measure dense)

echo "$count letters each, $sentences sentences added per rationale$( ((run_on)) && echo ' (run-on)'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| letters | worker time per letter | peak RSS |"
echo "|---|---|---|"
printf '| as they are | %s us | %s MiB |\n' "$plain_us" $((plain_kib / 1024))
printf '| dense with reason words | %s us (%sx) | %s MiB |\n' "$dense_us" \
    "$(awk -v a="$dense_us" -v b="$plain_us" 'BEGIN {printf "%.0f", a / b}')" $((dense_kib / 1024))
echo "command: ${pin[*]} $binary classify --jobs 1 --no-progress DIR"
