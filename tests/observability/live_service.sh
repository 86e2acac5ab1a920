#!/usr/bin/env bash
# Live observability test against the REAL service: a Kafka broker, `imr-stream run`, and a real
# Prometheus configured from deploy/prometheus/prometheus.yml (make_test_config.sh: 1s scrape and
# rule evaluation, the service's metrics port as target).
#
#   tests/observability/live_service.sh BINARY CORPUS_DIR
#
#   1. broker (IMR_TEST_BROKERS, else an isolated scripts/kafka-local one: see live_lib.sh), unique
#      topics (raw with 3 partitions, outcomes, dead letters) and consumer group;
#   2. imr-stream run --metrics-address 127.0.0.1:<free port> --statistics-interval-ms 1000:
#      /healthz and /readyz 200, 3 partitions assigned, `promtool check metrics` on a fresh scrape;
#   3. prometheus scraping it (target up);
#   4. every corpus letter (CORPUS_DIR/seeds/*.txt, CORPUS_DIR/dwc-2016-2017/*.pdf) published with
#      kcat, one message each over the 3 partitions, in two phases (5 letters, then the rest once
#      Prometheus has scraped their series: see below); all outcomes arrive, no dead letter; the
#      counters agree with the topics;
#   5. one garbage message (random bytes, not UTF-8) -> one dead letter, code invalid_utf8;
#      dead-letter counter, lag (0 on each partition) and committed offsets (sum = records);
#   6. `promtool check metrics` on a scrape with every series; the exposed metric names and labels
#      are exactly those of docs/metrics.md;
#   7. live_queries.py: every dashboard panel and alert query (extract_queries.py) with data where
#      must_have_data (NaN counts as empty), the dead-letter queries required too, and the alert
#      ImrStreamDeadLetters firing;
#   8. SIGTERM: /readyz goes 503 or closes, exit 0 within the shutdown timeout, `service_stopped`.
#
# Prints ok/FAIL per check and "N passed, M failed"; exits 1 on any failure. Every child process
# is stopped on every exit path; logs are kept in /tmp/imr-obs-live.* on failure (IMR_OBS_KEEP=1:
# always). Never prints letter text. Needs kcat, prometheus, promtool, python3 (+ PyYAML for
# extract_queries.py), java for topic creation.
# shellcheck disable=SC2317 # functions run through check()
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=live_lib.sh
source "$here/live_lib.sh"

[[ $# -eq 2 ]] || usage "$0 BINARY CORPUS_DIR"
corpus=$2
shutdown_ms=10000

make_tmp live
need_tools kcat prometheus promtool python3 flock
take_binary "$1"

shopt -s nullglob
letters=("$corpus"/seeds/*.txt "$corpus"/dwc-2016-2017/*.pdf)
shopt -u nullglob
n=${#letters[@]}
((n > 0)) || die "no letters under $corpus/seeds/*.txt or $corpus/dwc-2016-2017/*.pdf"
info "$n corpus letters"

# ---------------------------------------------------------------------------- broker, service
broker_setup
unique_names obs.live
create_topics "$t_raw:3" "$t_out:1" "$t_dlq:1"
info "topics $t_raw (3 partitions), $t_out, $t_dlq"

mport=$(free_port)
svc=http://127.0.0.1:$mport
start_service service "$mport" "$group" "$brokers"
pid=$svc_pid

check "/healthz 200 soon after start" probe wait "$svc/healthz" 200 10
check "/readyz 200 once the group is joined" probe wait "$svc/readyz" 200 60 ||
    { show_log_problems "$tmp/service.log"; die "the service did not become ready"; }
check "3 partitions assigned (imr_assigned_partitions)" \
    probe wait-metric "$svc/metrics" max imr_assigned_partitions == 3 30

lint() { # NAME
    probe save "$svc/metrics" "$tmp/$1.prom" >/dev/null || return 1
    promtool check metrics <"$tmp/$1.prom"
}
check "promtool check metrics: fresh service" lint scrape-fresh

# ---------------------------------------------------------------------------- prometheus
"$here/make_test_config.sh" "$root/deploy/prometheus" "$tmp/prom-config" "127.0.0.1:$mport" 1s ||
    die "make_test_config.sh failed"
check "promtool check config (derived from deploy/prometheus/prometheus.yml)" \
    promtool check config "$tmp/prom-config/prometheus.yml" || die "bad Prometheus configuration"
pport=$(free_port)
prom=http://127.0.0.1:$pport
spawn "$tmp/prometheus.log" prometheus --config.file="$tmp/prom-config/prometheus.yml" \
    --storage.tsdb.path="$tmp/prom-data" --web.listen-address="127.0.0.1:$pport" --log.level=warn
info "prometheus (pid $spawned_pid) on $prom"
check "prometheus ready" probe wait "$prom/-/ready" 200 30 ||
    { tail -n 5 "$tmp/prometheus.log" | sed 's/^/#   /'; die "prometheus did not start"; }
check "prometheus scrapes the service (up == 1)" \
    probe prom-wait "$prom" 'up{job="imr-stream"} == 1' == 1 30

# ---------------------------------------------------------------------------- letters
# Two phases. The labelled counters (letters by outcome and layout, items) get a series only with
# their first letter, so a series' first sample already holds its first letters, and rate() and
# increase() cannot see them (Prometheus does not assume a new series started at 0). Had every
# letter arrived between two scrapes, every rate would be 0 and the "Overturn rate" panels 0/0 =
# NaN: phase 1 creates the series, phase 2 (the rest, after Prometheus has scraped them) moves them.
first=$((n < 5 ? n : 5))
check "phase 1: published $first letters (kcat, one message per file, partitions 0-2)" \
    publish_files "$t_raw" "${letters[@]:0:first}" || die "publishing failed"
check "phase 1: $first outcomes on $t_out" wait_count "$t_out" "$first" 60 ||
    show_log_problems "$tmp/service.log"
check "phase 1: prometheus has scraped imr_letters_total" \
    probe prom-wait "$prom" "sum(imr_letters_total) == $first" == 1 30
if ((n > first)); then
    check "phase 2: published the other $((n - first)) letters" \
        publish_files "$t_raw" "${letters[@]:first}" || die "publishing failed"
fi
check "all $n outcomes on $t_out" wait_count "$t_out" "$n" 90 ||
    show_log_problems "$tmp/service.log"
check "no dead letter for the corpus letters" wait_count "$t_dlq" 0 0
check "imr_documents_consumed_total == $n" probe wait-metric "$svc/metrics" sum imr_documents_consumed_total == "$n" 20
check "imr_documents_classified_total == $n" probe wait-metric "$svc/metrics" sum imr_documents_classified_total == "$n" 20
check "sum of imr_letters_total == $n" probe wait-metric "$svc/metrics" sum imr_letters_total == "$n" 20
check "sum of imr_letters_by_layout_total == $n" probe wait-metric "$svc/metrics" sum imr_letters_by_layout_total == "$n" 20
check "imr_end_to_end_latency_seconds_count == $n" \
    probe wait-metric "$svc/metrics" sum imr_end_to_end_latency_seconds_count == "$n" 20
check "imr_classification_duration_seconds_count == $n" \
    probe wait-metric "$svc/metrics" sum imr_classification_duration_seconds_count == "$n" 20
check "imr_items_classified_total > 0" probe wait-metric "$svc/metrics" sum imr_items_classified_total '>' 0 5
check "imr_output_bytes_total{kind=outcome} > 0" \
    probe wait-metric "$svc/metrics" sum imr_output_bytes_total '>' 0 5 kind=outcome

# ---------------------------------------------------------------------------- a dead letter
# The series exist from the start at 0 (so rate() sees the first dead letter); none is above it.
check "before the dead letter: every dead-letter series is 0 in prometheus" \
    probe prom-wait "$prom" 'imr_documents_dead_lettered_total > 0' == 0 0
check "before the dead letter: ImrStreamDeadLetters not active" \
    probe prom-wait "$prom" 'ALERTS{alertname="ImrStreamDeadLetters"}' == 0 0
python3 -c 'import os, sys; open(sys.argv[1], "wb").write(b"\xff\xfe\x00\x80" + os.urandom(4096))' "$tmp/garbage.bin"
check "published one garbage message (4 KiB, not UTF-8)" \
    timeout 30 kcat -P -b "$brokers" -t "$t_raw" -p 0 -k obs-garbage -X message.max.bytes=26214400 "$tmp/garbage.bin"
check "its dead letter on $t_dlq" wait_count "$t_dlq" 1 60
dl_code() {
    timeout 30 kcat -b "$brokers" -C -t "$t_dlq" -o beginning -e -q -f '%h\n' |
        tr ',' '\n' | sed -n 's/^imr\.error\.code=//p' | grep -x invalid_utf8
}
check "dead letter header imr.error.code=invalid_utf8" dl_code
check "imr_documents_dead_lettered_total{code=invalid_utf8} == 1" \
    probe wait-metric "$svc/metrics" sum imr_documents_dead_lettered_total == 1 20 code=invalid_utf8
check "imr_documents_consumed_total == $((n + 1))" \
    probe wait-metric "$svc/metrics" sum imr_documents_consumed_total == $((n + 1)) 20
check "imr_documents_classified_total still $n" \
    probe wait-metric "$svc/metrics" sum imr_documents_classified_total == "$n" 5
check "imr_output_bytes_total{kind=dead_letter} > 0" \
    probe wait-metric "$svc/metrics" sum imr_output_bytes_total '>' 0 10 kind=dead_letter
check "imr_produce_errors_total == 0" probe wait-metric "$svc/metrics" sum imr_produce_errors_total == 0 1
check "imr_in_flight_documents == 0" probe wait-metric "$svc/metrics" sum imr_in_flight_documents == 0 20

# statistics-derived series (every second; offsets are committed by the auto-commit timer)
check "imr_consumer_lag_messages: a series per partition of $t_raw" \
    probe wait-metric "$svc/metrics" count imr_consumer_lag_messages == 3 30 topic="$t_raw"
check "imr_consumer_lag_messages == 0 on every partition" \
    probe wait-metric "$svc/metrics" max imr_consumer_lag_messages == 0 30 topic="$t_raw"
check "imr_committed_offset: a series per partition" \
    probe wait-metric "$svc/metrics" count imr_committed_offset == 3 30 topic="$t_raw"
check "imr_committed_offset sums to $((n + 1)) (every record done)" \
    probe wait-metric "$svc/metrics" sum imr_committed_offset == $((n + 1)) 30 topic="$t_raw"
check "imr_broker_rtt_seconds for the consumer" \
    probe wait-metric "$svc/metrics" count imr_broker_rtt_seconds '>=' 1 10 client=consumer
check "imr_broker_rtt_seconds for the producer" \
    probe wait-metric "$svc/metrics" count imr_broker_rtt_seconds '>=' 1 10 client=producer
check "imr_poll_loop_last_tick_timestamp_seconds within 5s of now" \
    python3 -c '
import sys, time
sys.path.insert(0, sys.argv[2])
import live_probe
v = live_probe.aggregate(live_probe.scrape(sys.argv[1]) or [], "max", "imr_poll_loop_last_tick_timestamp_seconds", {})
print(f"{time.time() - v:.1f}s ago" if v else "absent")
sys.exit(0 if v and abs(time.time() - v) < 5 else 1)' "$svc/metrics" "$here"

check "promtool check metrics: after letters and a dead letter" lint scrape-full
check "exposed metrics and labels == docs/metrics.md" probe catalogue "$svc/metrics" "$root/docs/metrics.md"

# ---------------------------------------------------------------------------- dashboard and alerts
python3 "$here/extract_queries.py" "$root/deploy/grafana/imr-stream.json" "$root/deploy/prometheus/alerts.yml" \
    >"$tmp/queries.jsonl" || die "extract_queries.py failed"
info "$(wc -l <"$tmp/queries.jsonl") dashboard and alert queries"
run_bg "$tmp/live_queries.out" python3 "$here/live_queries.py" "$prom" "$tmp/queries.jsonl" \
    --wait 60 --nan-is-empty \
    --require 'alert/ImrStreamDeadLetters*' --require 'dashboard/Dead letters by code/*' \
    --require 'dashboard/Documents per second/C' --expect-alert ImrStreamDeadLetters
lq_status=$?
grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/live_queries.out" |
    sed -e 's/^ok   /ok   - query /' -e 's/^FAIL /FAIL - query /' -e 's/^       expr:/#       expr:/'
lq_pass=$(grep -c '^ok  ' "$tmp/live_queries.out")
lq_fail=$(grep -c '^FAIL' "$tmp/live_queries.out")
passed=$((passed + lq_pass))
failed=$((failed + lq_fail))
if [[ $lq_status -ne 0 && $lq_fail -eq 0 ]]; then
    not_ok "live_queries.py exited $lq_status"
fi

# ---------------------------------------------------------------------------- health, shutdown
check "/healthz 200 after the run" probe wait "$svc/healthz" 200 1
check "/readyz 200 after the run" probe wait "$svc/readyz" 200 1
check "SIGTERM: /readyz 503 or closed, exit within ${shutdown_ms}ms" \
    probe shutdown "$pid" "$svc/readyz" $((shutdown_ms / 1000))
reap "$pid" 5
check "exit code 0 after SIGTERM" test "$reaped_code" -eq 0 ||
    { info "exit code $reaped_code"; show_log_problems "$tmp/service.log"; }
check "logged service_stopped" logged "$tmp/service.log" service_stopped
exit 0
