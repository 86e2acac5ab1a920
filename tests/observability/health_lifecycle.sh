#!/usr/bin/env bash
# /healthz and /readyz of the REAL service through its lifecycle: start, group join, a rebalance
# by a second instance, SIGTERM of one, and a start against an unreachable broker.
#
#   tests/observability/health_lifecycle.sh BINARY CORPUS_DIR
#
#   A   imr-stream run (unique topics, raw with 3 partitions, unique group):
#       /healthz 200 soon after start; the first answer of /readyz is 503 with a reason (broker
#       not seen / not in the group yet); it turns 200 within a bounded wait; 3 partitions assigned
#   B   a second instance in the same group (another metrics port) forces a rebalance: A's
#       imr_rebalances_total increases, the partitions are split (A + B = 3, each >= 1), both
#       /readyz 200 once it settles; the seed letters (CORPUS_DIR/seeds/*.txt) are processed
#   B   SIGTERM: its /readyz answers 503 or the port closes (no 200 after 0.5s), it exits 0
#       within the shutdown timeout (10s), logging `service_stopped`; A stays ready, takes the 3
#       partitions back (another rebalance) and processes the seed letters again
#   C   an instance against an unreachable broker (--brokers 127.0.0.1:1): /healthz 200, /readyz
#       503 with a reason, for several statistics intervals; SIGTERM: exit 0
#   A   SIGTERM: the same shutdown checks
#
# Broker: IMR_TEST_BROKERS, else an isolated scripts/kafka-local one (see live_lib.sh).
# Prints ok/FAIL per check and "N passed, M failed"; exits 1 on any failure; stops every child on
# every exit path; never prints letter text. Needs kcat, python3, java (topic creation).
# shellcheck disable=SC2317 # functions run through check()
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=live_lib.sh
source "$here/live_lib.sh"

[[ $# -eq 2 ]] || usage "$0 BINARY CORPUS_DIR"
corpus=$2
shutdown_ms=10000

make_tmp health
need_tools kcat python3 flock
take_binary "$1"
shopt -s nullglob
seeds=("$corpus"/seeds/*.txt)
shopt -u nullglob
((${#seeds[@]} > 0)) || die "no seed letters under $corpus/seeds/*.txt"

broker_setup
unique_names obs.health
create_topics "$t_raw:3" "$t_out:1" "$t_dlq:1"
info "topics $t_raw (3 partitions), $t_out, $t_dlq; group $group"

metric() { # URL AGG NAME [LABEL=VALUE...]: the value, or "absent"
    probe metric "$@" 2>/dev/null
}

# ---------------------------------------------------------------------------- C: no broker
# started first: it runs beside the others, and is checked at the end
portc=$(free_port)
svcc=http://127.0.0.1:$portc
start_service unreachable "$portc" "$group.unreachable" 127.0.0.1:1
pidc=$svc_pid

# ---------------------------------------------------------------------------- A: start
porta=$(free_port)
svca=http://127.0.0.1:$porta
start_service a "$porta" "$group" "$brokers"
pida=$svc_pid
check "A: /healthz 200 soon after start" probe wait "$svca/healthz" 200 5
run_bg "$tmp/ready-start.json" probe ready-start "$svca/readyz" "$svca/metrics" 60
ready_rc=$?
out=$(cat "$tmp/ready-start.json")
if [[ $ready_rc -eq 0 ]]; then
    ok "A: /readyz turns 200 (bounded wait 60s)" "$out"
else
    not_ok "A: /readyz turns 200 (bounded wait 60s)" "$out"
    show_log_problems "$tmp/a.log"
    die "A never became ready"
fi
first_status=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["first_status"])' "$out")
first_reason=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["first_reason"])' "$out")
assigned_at_ready=$(python3 -c 'import json,sys; print(int(json.loads(sys.argv[1])["assigned_at_ready"]))' "$out")
# Never ready before joining: either the first answer is a 503 with a reason, or the service
# had already joined (and owned all 3 partitions) when the probe first asked.
check "A: not ready before the group is joined" \
    test \( "$first_status" = 503 -a -n "$first_reason" -a "$first_reason" != ok \) -o "$assigned_at_ready" = 3
check "A: 3 partitions assigned" probe wait-metric "$svca/metrics" max imr_assigned_partitions == 3 30
check "A: logged partitions_assigned" logged "$tmp/a.log" partitions_assigned
check "A: /readyz still 200" probe stays "$svca/readyz" 200 1
rebal_a0=$(metric "$svca/metrics" max imr_rebalances_total)
info "A: imr_rebalances_total $rebal_a0 after joining"

# ---------------------------------------------------------------------------- B: rebalance
portb=$(free_port)
svcb=http://127.0.0.1:$portb
start_service b "$portb" "$group" "$brokers"
pidb=$svc_pid
check "B: /healthz 200 soon after start" probe wait "$svcb/healthz" 200 5
check "B: /readyz 200 (bounded wait 60s)" probe wait "$svcb/readyz" 200 60 || show_log_problems "$tmp/b.log"
check "A: imr_rebalances_total increases (was $rebal_a0)" \
    probe wait-metric "$svca/metrics" max imr_rebalances_total '>' "$rebal_a0" 30
split_settled() { # A and B own the 3 partitions between them, each at least one
    local a b
    for _ in $(seq 120); do
        a=$(metric "$svca/metrics" max imr_assigned_partitions)
        b=$(metric "$svcb/metrics" max imr_assigned_partitions)
        if [[ $a =~ ^[0-9]+$ && $b =~ ^[0-9]+$ ]] && ((a >= 1 && b >= 1 && a + b == 3)); then
            echo "A owns $a, B owns $b"
            return 0
        fi
        sleep 0.25
    done
    echo "A owns $a, B owns $b after 30s"
    return 1
}
check "rebalance settles: partitions split between A and B" split_settled
check "A: /readyz 200 after the rebalance" probe stays "$svca/readyz" 200 2
check "B: /readyz 200 after the rebalance" probe stays "$svcb/readyz" 200 2
check "A and B: seed letters published" publish_files "$t_raw" "${seeds[@]}"
check "A and B: ${#seeds[@]} outcomes" wait_count "$t_out" "${#seeds[@]}" 60
consumed_split() {
    local a b
    a=$(metric "$svca/metrics" sum imr_documents_consumed_total)
    b=$(metric "$svcb/metrics" sum imr_documents_consumed_total)
    echo "A consumed $a, B consumed $b"
    [[ $a =~ ^[0-9]+$ && $b =~ ^[0-9]+$ ]] && ((a + b == ${#seeds[@]}))
}
check "A and B: consumed counters add up to ${#seeds[@]}" consumed_split

# ---------------------------------------------------------------------------- B: SIGTERM
rebal_a1=$(metric "$svca/metrics" max imr_rebalances_total)
check "B: SIGTERM: /readyz 503 or closed, exit within ${shutdown_ms}ms" \
    probe shutdown "$pidb" "$svcb/readyz" $((shutdown_ms / 1000))
reap "$pidb" 5
check "B: exit code 0" test "$reaped_code" -eq 0 || { info "B: exit code $reaped_code"; show_log_problems "$tmp/b.log"; }
check "B: logged signal_received" logged "$tmp/b.log" signal_received
check "B: logged service_stopped" logged "$tmp/b.log" service_stopped
check "A: imr_rebalances_total increases again (was $rebal_a1)" \
    probe wait-metric "$svca/metrics" max imr_rebalances_total '>' "$rebal_a1" 30
check "A: owns the 3 partitions again" probe wait-metric "$svca/metrics" max imr_assigned_partitions == 3 30
check "A: /readyz stays 200 after B left" probe stays "$svca/readyz" 200 3
check "A: seed letters published again" publish_files "$t_raw" "${seeds[@]}"
check "A: processes them alone ($((2 * ${#seeds[@]})) outcomes)" wait_count "$t_out" $((2 * ${#seeds[@]})) 60

# ---------------------------------------------------------------------------- C: unreachable broker
check "C (--brokers 127.0.0.1:1): /healthz 200" probe wait "$svcc/healthz" 200 10
not_ready_with_reason() { # URL: 503 and a reason other than ok
    local got
    got=$(probe get "$1")
    echo "$got"
    [[ $got == "503 '"* && $got != "503 'ok'" ]]
}
check "C: /readyz 503 with a reason" not_ready_with_reason "$svcc/readyz"
check "C: /readyz stays 503 over 3 statistics intervals" probe stays "$svcc/readyz" 503 3
check "C: /healthz stays 200" probe stays "$svcc/healthz" 200 1
check "C: SIGTERM: exit within ${shutdown_ms}ms" probe shutdown "$pidc" "$svcc/readyz" $((shutdown_ms / 1000))
reap "$pidc" 5
check "C: exit code 0" test "$reaped_code" -eq 0 || info "C: exit code $reaped_code"
check "C: logged service_stopped" logged "$tmp/unreachable.log" service_stopped

# ---------------------------------------------------------------------------- A: SIGTERM
check "A: SIGTERM: /readyz 503 or closed, exit within ${shutdown_ms}ms" \
    probe shutdown "$pida" "$svca/readyz" $((shutdown_ms / 1000))
reap "$pida" 5
check "A: exit code 0" test "$reaped_code" -eq 0 || { info "A: exit code $reaped_code"; show_log_problems "$tmp/a.log"; }
check "A: logged service_stopped" logged "$tmp/a.log" service_stopped
exit 0
