# shellcheck shell=bash
# Shared by live_service.sh and health_lifecycle.sh (sourced, not run): results, child processes
# that are always cleaned up, the Kafka broker (external or an isolated one of our own), topics,
# and `imr-stream run` instances.
#
# Broker selection (broker_setup):
#   IMR_TEST_BROKERS set      use it (e.g. the ctest fixture's 127.0.0.1:39092); nothing is started
#                             or stopped. Topics are created with Kafka's TopicCommand from the jar
#                             cache of scripts/kafka-local (IMR_KAFKA_HOME, default .cache/kafka).
#   otherwise                 an isolated scripts/kafka-local broker on IMR_KAFKA_PORT (default
#                             49092) with state in IMR_KAFKA_STATE_DIR (default /tmp/kafka-obs):
#                             used if it runs, started if not. A broker these scripts started is
#                             stopped by the last of them to finish (a shared flock counts the
#                             users; a marker file says who started it); one that was running
#                             before is left running.
#
# Results: ok/not_ok/check print "ok   - ..." / "FAIL - ..."; the EXIT trap prints
# "N passed, M failed" and exits 1 if anything failed (or nothing passed).
# Never print letter text: only counts, offsets, partitions, metric values, header codes and the
# service's own JSON log lines (which never carry letter text).

# shellcheck disable=SC2034 # variables for the scripts that source this (reaped_code, ...)
set -uo pipefail
obs_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$obs_dir/../.." && pwd)
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the source tree

passed=0 failed=0
t_begin=$SECONDS
pids=()          # every background child, killed on exit
tmp=""           # scratch dir, kept on failure
keep_tmp=${IMR_OBS_KEEP:-0}
brokers=""
kafka_port="" kafka_state="" broker_lock_held=0 # fd 7: shared lock "users of the isolated
# broker", held while the script runs; closed for every child (7>&-) so that none inherits it

probe() { python3 "$obs_dir/live_probe.py" "$@"; }
info() { echo "# $*"; }
ok() {
    passed=$((passed + 1))
    echo "ok   - $1${2:+: $2}"
}
not_ok() {
    failed=$((failed + 1))
    echo "FAIL - $1${2:+: $2}"
}
# run_bg OUT COMMAND...: runs COMMAND (a function too) as a background job, output to OUT, and
# waits for it. A trapped signal interrupts `wait` at once (it would wait for a foreground
# command to finish), so interrupting the script is prompt even during a long bounded wait.
run_bg() {
    local out=$1
    shift
    "$@" >"$out" 2>&1 7>&- &
    local job=$!
    pids+=("$job")
    wait "$job"
}
# check NAME COMMAND...: one result; the last lines of the command's output are the detail
check() {
    local name=$1 rc
    shift
    run_bg "$tmp/check.out" "$@"
    rc=$?
    local detail
    detail=$(tail -n 3 "$tmp/check.out" | tr '\n' ' ' | sed 's/ *$//')
    if [[ $rc -eq 0 ]]; then
        ok "$name" "$detail"
        return 0
    fi
    not_ok "$name" "$detail"
    return 1
}
# die MESSAGE: a precondition failed; counted as a failure, then the EXIT trap cleans up
die() {
    not_ok "$1" "${2:-}"
    exit 1
}

usage() { # TEXT: bad arguments, exit 2 (no summary line)
    trap - EXIT
    echo "usage: $1" >&2
    exit 2
}

elapsed() { echo $((SECONDS - t_begin)); }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

need_tools() {
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null || die "$t is not installed (scripts/setup installs it)"
    done
}

make_tmp() {
    tmp=$(mktemp -d "/tmp/imr-obs-$1.XXXXXX")
}

# ------------------------------------------------------------------------------ child processes

setpriv_bin=$(command -v setpriv || true)

# spawn LOG COMMAND...: runs COMMAND in the background (stdout+stderr to LOG); spawned_pid is its
# pid. With setpriv the child also gets SIGKILL if this shell dies (even by SIGKILL).
spawn() {
    local log=$1
    shift
    if [[ -n $setpriv_bin ]]; then
        "$setpriv_bin" --pdeathsig KILL -- "$@" </dev/null >"$log" 2>&1 7>&- &
    else
        "$@" </dev/null >"$log" 2>&1 7>&- &
    fi
    spawned_pid=$!
    pids+=("$spawned_pid")
}

alive() { # PID: running and not a zombie
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

# reap PID TIMEOUT: waits up to TIMEOUT seconds for PID to exit (SIGKILL after that);
# reaped_code is its exit status (137 if it had to be killed).
reap() {
    local pid=$1 limit=$2 deadline
    deadline=$(($(date +%s%N) + limit * 1000000000))
    while alive "$pid"; do
        if (($(date +%s%N) > deadline)); then
            kill -KILL "$pid" 2>/dev/null
            break
        fi
        sleep 0.05
    done
    wait "$pid" 2>/dev/null
    reaped_code=$?
}

# the service's log without letter text (it never logs any): warnings and errors, last few
show_log_problems() { # LOG
    [[ -f $1 ]] || return 0
    grep -E '"level":"(warn|error)"' "$1" | tail -n 8 | cut -c1-400 | sed 's/^/#     /'
}

kill_tree() { # SIGNAL PID: the process and its descendants, children first
    local child
    for child in $(pgrep -P "$2" 2>/dev/null); do
        kill_tree "$1" "$child"
    done
    kill "-$1" "$2" 2>/dev/null
}

cleanup() {
    local code=$? pid
    trap - EXIT INT TERM HUP
    for pid in "${pids[@]}"; do
        alive "$pid" && kill_tree TERM "$pid"
    done
    for pid in "${pids[@]}"; do
        reap "$pid" 10 >/dev/null 2>&1
    done
    broker_release
    if [[ $passed -eq 0 && $failed -eq 0 ]]; then
        not_ok "no check ran" "exit status $code"
    fi
    if [[ -n $tmp ]]; then
        if [[ $failed -gt 0 || $keep_tmp -eq 1 ]]; then
            info "logs kept in $tmp"
        else
            rm -rf "$tmp"
        fi
    fi
    info "$(basename "$0"): $(elapsed)s"
    echo "$passed passed, $failed failed"
    [[ $failed -eq 0 && $passed -gt 0 ]] && exit 0
    exit 1
}
on_signal() {
    not_ok "interrupted by SIG$1"
    exit 1
}
trap cleanup EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP

# ------------------------------------------------------------------------------ broker and topics

kafka_local() { # runs scripts/kafka-local for our isolated broker
    IMR_KAFKA_PORT=$kafka_port IMR_KAFKA_STATE_DIR=$kafka_state "$root/scripts/kafka-local" "$@" 7>&-
}

broker_answers() { # BROKERS
    timeout 10 kcat -b "$1" -L -m 3 2>/dev/null | grep -q "broker .* at"
}

broker_setup() {
    if [[ -n ${IMR_TEST_BROKERS:-} ]]; then
        brokers=$IMR_TEST_BROKERS
        info "broker: $brokers (IMR_TEST_BROKERS; not started or stopped here)"
    else
        kafka_port=${IMR_KAFKA_PORT:-49092}
        kafka_state=${IMR_KAFKA_STATE_DIR:-/tmp/kafka-obs}
        brokers=127.0.0.1:$kafka_port
        mkdir -p "$kafka_state"
        exec 7>>"$kafka_state/.observability-users"
        flock -w 300 -s 7 || die "timed out waiting for $kafka_state/.observability-users"
        broker_lock_held=1
        if kafka_local status >/dev/null 2>&1; then
            info "broker: $brokers (isolated, already running from $kafka_state)"
        elif (exec 3<>"/dev/tcp/127.0.0.1/$kafka_port") 2>/dev/null && broker_answers "$brokers"; then
            info "broker: $brokers (a broker already answers on that port; used, not stopped)"
        else
            info "broker: starting an isolated one on $brokers (state $kafka_state)"
            kafka_local start >"$tmp/kafka-local.log" 2>&1 || {
                sed 's/^/#   /' "$tmp/kafka-local.log" | tail -n 20
                die "scripts/kafka-local start failed"
            }
            touch "$kafka_state/.observability-started"
        fi
    fi
    local i
    for i in $(seq 30); do
        broker_answers "$brokers" && return 0
        sleep 1
    done
    die "no Kafka broker answers at $brokers"
}

# Stops the isolated broker if these scripts started it and no other run of them still uses it.
broker_release() {
    [[ $broker_lock_held -eq 1 ]] || return 0
    broker_lock_held=0
    if flock -n -x 7 && [[ -f $kafka_state/.observability-started ]]; then
        info "stopping the isolated broker on $brokers (started by these tests)"
        kafka_local stop >/dev/null 2>&1 || info "scripts/kafka-local stop failed"
        rm -f "$kafka_state/.observability-started"
    fi
    exec 7>&-
}

# create_topics NAME:PARTITIONS...: in parallel, then waits until the broker's metadata shows them
create_topics() {
    local libs=${IMR_KAFKA_HOME:-$root/.cache/kafka}/libs spec name parts java=java
    [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]] && java=$JAVA_HOME/bin/java
    local jobs=()
    for spec in "$@"; do
        name=${spec%%:*} parts=${spec##*:}
        if compgen -G "$libs/kafka_2.13-*.jar" >/dev/null; then
            spawn "$tmp/topic-$name.log" "$java" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
                -Djava.awt.headless=true -cp "$libs/*" org.apache.kafka.tools.TopicCommand \
                --bootstrap-server "$brokers" --create --if-not-exists --topic "$name" \
                --partitions "$parts" --replication-factor 1 --config max.message.bytes=26214400
        elif [[ -n $kafka_state ]]; then
            spawn "$tmp/topic-$name.log" env IMR_KAFKA_PORT="$kafka_port" IMR_KAFKA_STATE_DIR="$kafka_state" \
                "$root/scripts/kafka-local" create-topic "$name" "$parts"
        else
            die "no Kafka jars in $libs to create topics with (run scripts/kafka-local start once, or set IMR_KAFKA_HOME)"
        fi
        jobs+=("$spawned_pid:$name")
    done
    local job
    for job in "${jobs[@]}"; do
        reap "${job%%:*}" 120
        if [[ $reaped_code -ne 0 ]]; then
            grep -v -e '^log4j:' -e 'WARNING: Due to limitations' "$tmp/topic-${job#*:}.log" | tail -n 5 | sed 's/^/#   /'
            die "creating topic ${job#*:} failed (exit $reaped_code)"
        fi
    done
    for spec in "$@"; do
        name=${spec%%:*} parts=${spec##*:}
        local have="" i
        for i in $(seq 20); do
            have=$(timeout 10 kcat -b "$brokers" -L -t "$name" -m 5 2>/dev/null |
                sed -n "s/^  topic \"$name\" with \([0-9]*\) partitions.*/\1/p")
            [[ $have == "$parts" ]] && break
            sleep 0.5
        done
        [[ $have == "$parts" ]] || die "topic $name: $parts partitions wanted, the broker shows '${have}'"
    done
}

# ------------------------------------------------------------------------------ imr-stream

# start_service LABEL PORT GROUP BROKERS [extra args...]: svc_pid is the pid; log $tmp/LABEL.log;
# uses bin, t_raw, t_out, t_dlq and shutdown_ms (milliseconds) of the calling script
start_service() {
    local label=$1 port=$2 group=$3 svc_brokers=$4
    shift 4
    spawn "$tmp/$label.log" "$bin" run --brokers "$svc_brokers" --group "$group" \
        --input-topic "$t_raw" --outcomes-topic "$t_out" --dlq-topic "$t_dlq" \
        --metrics-address "127.0.0.1:$port" --statistics-interval-ms 1000 \
        --shutdown-timeout-ms "${shutdown_ms:?}" --workers 2 "$@"
    svc_pid=$spawned_pid
    info "$label: imr-stream run (pid $svc_pid) on 127.0.0.1:$port, group $group, brokers $svc_brokers"
}

logged() { # LOG EVENT: the service logged that event
    grep -q "\"event\":\"$2\"" "$1"
}

# copy of the binary: others may relink build/ci/src/imr-stream while we run
take_binary() { # PATH
    [[ -x $1 ]] || die "not an executable: $1"
    cp "$1" "$tmp/imr-stream" || die "cannot copy $1"
    bin=$tmp/imr-stream
}

unique_names() { # PREFIX
    local token
    token=$(date +%s)-$$-$RANDOM
    t_raw=$1.$token.raw t_out=$1.$token.outcomes t_dlq=$1.$token.dlq group=$1.$token.group
}

# publish_files TOPIC FILE...: one message per file (the whole file), round-robin over the
# partitions 0..2, keys obs-<n>; no output (kcat would print nothing of the values anyway)
publish_files() {
    local topic=$1 p i
    shift
    local files=("$@")
    for p in 0 1 2; do
        local part=()
        for ((i = p; i < ${#files[@]}; i += 3)); do part+=("${files[i]}"); done
        ((${#part[@]})) || continue
        timeout 60 kcat -P -b "$brokers" -t "$topic" -p "$p" -X message.max.bytes=26214400 \
            "${part[@]}" 2>"$tmp/kcat-produce.err" || {
            head -c 600 "$tmp/kcat-produce.err"
            return 1
        }
    done
}

# wait_count TOPIC N TIMEOUT: until the topic holds N records; prints the count
wait_count() {
    local topic=$1 want=$2 limit=$3 n deadline=$((SECONDS + $3))
    while :; do
        n=$(probe topic-count "$brokers" "$topic")
        if [[ $n == "$want" ]]; then
            echo "$n records"
            return 0
        fi
        if ((SECONDS >= deadline)); then
            echo "$n records, not $want, after ${limit}s"
            return 1
        fi
        sleep 0.5
    done
}
