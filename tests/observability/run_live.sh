#!/usr/bin/env bash
# Live test of the monitoring deployment: a real Prometheus, configured from
# deploy/prometheus/prometheus.yml (make_test_config.sh: 1s intervals, another target), scrapes
# either fake_exporter.py (default) or a running imr-stream (--target), then every dashboard and
# alert query (extract_queries.py) is run through the HTTP API (live_queries.py).
#
#   tests/observability/run_live.sh [--target HOST:PORT] [--wait SECONDS] [--keep]
#                                   [-- extra live_queries.py arguments]
#
# Without --target, fake_exporter.py serves the metrics; its first dead letter appears
# DEAD_LETTER_AFTER (25) seconds after it starts, as a new series with the value 1. The test
# checks that there is no dead-letter series and no ImrStreamDeadLetters alert before then, and
# that the alert fires after it (live_queries.py --expect-alert).
# With --target, nothing is started but Prometheus; pass e.g. `-- --expect-alert ...` yourself.
#
# Needs prometheus, promtool, python3 with PyYAML. Stops every process it started (by PID).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the source tree
root=$(cd "$here/../.." && pwd)

target="" wait_s=90 keep=0 extra=()
DEAD_LETTER_AFTER=${DEAD_LETTER_AFTER:-25}
while [[ $# -gt 0 ]]; do
    case $1 in
        --target) target=$2; shift 2 ;;
        --wait) wait_s=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        --) shift; extra=("$@"); break ;;
        *) echo "usage: $0 [--target HOST:PORT] [--wait SECONDS] [--keep] [-- live_queries args]" >&2; exit 2 ;;
    esac
done

tmp=$(mktemp -d /tmp/imr-observability.XXXXXX)
pids=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [[ $keep -eq 1 ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { # URL SECONDS
    python3 - "$1" "$2" <<'PY'
import sys, time, urllib.request
url, limit = sys.argv[1], float(sys.argv[2])
end = time.monotonic() + limit
while True:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        pass
    if time.monotonic() > end:
        sys.exit(f"{url} not ready after {limit}s")
    time.sleep(0.2)
PY
}
instant() { # PROM EXPR -> number of series
    python3 - "$1" "$2" "$here" <<'PY'
import sys
sys.path.insert(0, sys.argv[3])
import live_queries
print(live_queries.query(sys.argv[1], sys.argv[2])[0])
PY
}

fake=0
if [[ -z $target ]]; then
    fake=1
    eport=$(free_port)
    target=127.0.0.1:$eport
    python3 "$here/fake_exporter.py" --port "$eport" --dead-letter-after "$DEAD_LETTER_AFTER" \
        >"$tmp/exporter.log" 2>&1 &
    pids+=($!)
    exporter_started=$(date +%s)
    wait_http "http://$target/metrics" 10
    echo "fake_exporter.py on $target (pid ${pids[-1]}), first dead letter after ${DEAD_LETTER_AFTER}s"
fi

"$here/make_test_config.sh" "$root/deploy/prometheus" "$tmp/config" "$target" 1s
promtool check config "$tmp/config/prometheus.yml" >/dev/null

pport=$(free_port)
prom=http://127.0.0.1:$pport
prometheus --config.file="$tmp/config/prometheus.yml" --storage.tsdb.path="$tmp/data" \
    --web.listen-address="127.0.0.1:$pport" --log.level=warn >"$tmp/prometheus.log" 2>&1 &
pids+=($!)
if ! wait_http "$prom/-/ready" 30; then
    cat "$tmp/prometheus.log" >&2
    exit 1
fi
echo "prometheus on $prom (pid ${pids[-1]}), config $tmp/config/prometheus.yml"

python3 "$here/extract_queries.py" "$root/deploy/grafana/imr-stream.json" "$root/deploy/prometheus/alerts.yml" \
    >"$tmp/queries.jsonl"
echo "$(wc -l <"$tmp/queries.jsonl") queries in $tmp/queries.jsonl"

args=(--wait "$wait_s")
if [[ $fake -eq 1 ]]; then
    # before the first dead letter: scraped (Prometheus applies its targets ~5s after start),
    # but no dead-letter series and no alert
    for _ in $(seq 50); do
        [[ $(instant "$prom" 'up{job="imr-stream"} == 1') -eq 1 ]] && break
        sleep 0.5
    done
    sleep 2 # a few more scrapes and rule evaluations
    if (($(date +%s) - exporter_started >= DEAD_LETTER_AFTER - 2)); then
        echo "FAIL: too slow to check the state before the first dead letter" >&2
        exit 1
    fi
    n_up=$(instant "$prom" 'up{job="imr-stream"} == 1')
    n_dl=$(instant "$prom" 'imr_documents_dead_lettered_total')
    n_alert=$(instant "$prom" 'ALERTS{alertname="ImrStreamDeadLetters"}')
    echo "before the first dead letter: up series $n_up, dead-letter series $n_dl, ImrStreamDeadLetters alerts $n_alert"
    if [[ $n_up -ne 1 || $n_dl -ne 0 || $n_alert -ne 0 ]]; then
        echo "FAIL: expected 1 target up, no dead-letter series and no alert yet" >&2
        exit 1
    fi
    args+=(--expect-alert ImrStreamDeadLetters --require 'alert/ImrStreamDeadLetters/*')
fi

status=0
python3 "$here/live_queries.py" "$prom" "$tmp/queries.jsonl" "${args[@]}" "${extra[@]}" || status=$?
if [[ $fake -eq 1 && $status -eq 0 ]]; then
    python3 - "$prom" <<'PY'
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/api/v1/alerts") as r:
    for a in json.load(r)["data"]["alerts"]:
        if a["labels"]["alertname"] == "ImrStreamDeadLetters":
            print(f"ImrStreamDeadLetters {a['state']} since {a['activeAt']}: {a['labels']} {a['annotations']['summary']}")
PY
fi
exit $status
