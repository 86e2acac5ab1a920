# Sourced by the stream benchmarks (with script_dir set to bench/stream): where things are, an
# isolated broker, fresh topics, end offsets, the service. The caller then sets work (a scratch
# dir), keep (0/1) and `say`; bench_cleanup (trap EXIT) kills the service, resets a broker the
# script started and removes $work.

repo_root=$(cd -- "$script_dir/../.." && pwd -P)
corpus=${IMR_CORPUS_DIR:-$repo_root/../shared/corpus}
kafka_local="$repo_root/scripts/kafka-local"
export IMR_KAFKA_PORT=${IMR_KAFKA_PORT:-39092}
export IMR_KAFKA_STATE_DIR=${IMR_KAFKA_STATE_DIR:-/tmp/imr-bench-kafka}
brokers="127.0.0.1:$IMR_KAFKA_PORT"

service_pid=""
started_broker=0

bench_cleanup() {
    local code=$?
    if [[ -n $service_pid ]] && kill -0 "$service_pid" 2>/dev/null; then
        kill -KILL "$service_pid" 2>/dev/null || true
        wait "$service_pid" 2>/dev/null || true
    fi
    if ((started_broker && !keep)); then
        "$kafka_local" reset >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
    exit "$code"
}

now() { date +%s.%N; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

ensure_broker() {
    if "$kafka_local" status >/dev/null 2>&1; then
        say "using the broker already running on $brokers ($IMR_KAFKA_STATE_DIR); its topics are left in place"
    else
        "$kafka_local" start >&2
        started_broker=1
    fi
}

# create_topics NAME:PARTITIONS... (in parallel: each call starts a JVM)
create_topics() {
    local pids=() spec pid
    for spec in "$@"; do
        "$kafka_local" create-topic "${spec%:*}" "${spec##*:}" >/dev/null &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
}

# Sum of the end offsets of a topic's partitions (every topic here starts at offset 0).
end_offsets() {
    local topic=$1 parts=$2 args=() p
    for ((p = 0; p < parts; p++)); do args+=(-t "$topic:$p:-1"); done
    kcat -Q -b "$brokers" "${args[@]}" 2>/dev/null | awk '/offset/ {s += $NF} END {print s + 0}'
}

# The imr-stream binary: the one given, else the release build, else the ci build.
find_binary() {
    local given=$1 candidate
    if [[ -n $given ]]; then
        echo "$given"
        return
    fi
    for candidate in "$repo_root/build/release/src/imr-stream" "$repo_root/build/ci/src/imr-stream"; do
        [[ -x $candidate ]] && { echo "$candidate"; return; }
    done
}
