#!/usr/bin/env bash
# The container image built and run for real (podman + runc, no Docker engine, no registry):
#
#   tests/deploy/image_test.sh CORPUS_DIR
#
#   1. base image localhost/debian:bookworm-slim from debootstrap (scripts/container-base; cached
#      in podman's storage), then `podman build --format docker -f deploy/Dockerfile` (layers and
#      the ccache/apt cache mounts are reused: a rerun after a source change compiles what changed);
#   2. the image's metadata: non-root numeric user, ENTRYPOINT/CMD, HEALTHCHECK, EXPOSE, size;
#   3. the container on the host network against the broker (IMR_TEST_BROKERS, else an isolated
#      scripts/kafka-local one), configured by IMR_* variables only, --read-only, all capabilities
#      dropped, a Kafka property read from a mounted secret file (IMR_KAFKA_..._FILE);
#   4. /healthz, /readyz, `podman healthcheck run`, process uid, writes to / refused;
#   5. corpus letters published -> one outcome each (schemas/outcome.schema.json), no dead letter,
#      the metrics agree; the secret appears in neither the logs nor /metrics;
#   6. `podman stop` (SIGTERM): exit 0 and `service_stopped`.
#
# Prints ok/FAIL per check and "N passed, M failed". Needs root, podman, runc, debootstrap.
# IMR_IMAGE_MAX_MB (default 160) bounds the image size.
# shellcheck disable=SC2317 # functions run through check()
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../observability/live_lib.sh
source "$here/../observability/live_lib.sh"

[[ $# -eq 1 ]] || usage "$0 CORPUS_DIR"
corpus=$1
image=localhost/imr-stream:deploy-test
base=localhost/debian:bookworm-slim
max_mb=${IMR_IMAGE_MAX_MB:-160}
container=""
# podman's default ulimits are refused here and crun fails on cgroups: runc, explicit limits
# (no systemd here for podman's healthcheck timers: `podman healthcheck run` runs it on demand)
podman_run=(podman --runtime runc run --network host --ulimit nofile=1024:1024
    --ulimit nproc=1024:1024 --health-interval disable)

make_tmp image
need_tools podman runc debootstrap kcat python3

remove_container() {
    local code=$?
    if [[ -n $container ]]; then
        podman logs "$container" >"$tmp/container.log" 2>&1
        podman rm -f -t 5 "$container" >/dev/null 2>&1
    fi
    (exit "$code")
    cleanup
}
trap remove_container EXIT

# ---------------------------------------------------------------------------- build
t0=$SECONDS
check "base image $base (debootstrap, cached)" "$root/scripts/container-base" "$base" ||
    die "no base image"
info "base image: $((SECONDS - t0))s"
t0=$SECONDS
build() {
    podman build --format docker --network host --build-arg BASE="$base" \
        -f "$root/deploy/Dockerfile" -t "$image" "$root" >"$tmp/build.log" 2>&1 ||
        { tail -n 20 "$tmp/build.log"; return 1; }
    grep -c -- '--> Using cache' "$tmp/build.log" | sed 's/$/ cached steps/'
}
check "podman build -f deploy/Dockerfile" build || die "the image does not build"
info "image build: $((SECONDS - t0))s"

inspect() { podman image inspect -f "$1" "$image"; }
check "runs as the numeric non-root user 10001" test "$(inspect '{{.Config.User}}')" = 10001:10001
check 'ENTRYPOINT ["imr-stream"], CMD ["run"]' \
    test "$(inspect '{{json .Config.Entrypoint}} {{json .Config.Cmd}}')" = '["imr-stream"] ["run"]'
has() { [[ $(inspect "$1") == *"$2"* ]]; } # TEMPLATE TEXT
check "HEALTHCHECK probes /healthz" has '{{json .Config.Healthcheck}}' /healthz
check "EXPOSE 9464" has '{{json .Config.ExposedPorts}}' 9464/tcp
image_size() {
    local bytes
    bytes=$(inspect '{{.Size}}')
    echo "$((bytes / 1000000)) MB (limit $max_mb MB)"
    ((bytes <= max_mb * 1000000))
}
check "image size" image_size
check "no compiler in the runtime image" \
    bash -c "! ${podman_run[*]} --rm --entrypoint sh $image -c 'command -v g++ cc cmake' "
check "imr-stream --version in the image" "${podman_run[@]}" --rm "$image" --version

# ---------------------------------------------------------------------------- run
broker_setup
unique_names deploy.image
create_topics "$t_raw:3" "$t_out:1" "$t_dlq:1"
mport=$(free_port)
svc=http://127.0.0.1:$mport
secret="imr-deploy-secret-$RANDOM$RANDOM"
printf '%s\n' "$secret" >"$tmp/sasl-password"
chmod 644 "$tmp/sasl-password"
container=imr-deploy-test-$$
# sasl.password is unused on a PLAINTEXT listener but still goes through the whole path:
# file -> property -> librdkafka configuration.
# --read-only-tmpfs=false: like Kubernetes' readOnlyRootFilesystem, no writable /tmp or /run.
"${podman_run[@]}" -d --name "$container" --read-only --read-only-tmpfs=false --cap-drop ALL \
    --security-opt no-new-privileges \
    -v "$tmp/sasl-password:/run/secrets/kafka/sasl-password:ro" \
    -e IMR_BROKERS="$brokers" -e IMR_GROUP="$group" -e IMR_INPUT_TOPIC="$t_raw" \
    -e IMR_OUTCOMES_TOPIC="$t_out" -e IMR_DLQ_TOPIC="$t_dlq" \
    -e IMR_METRICS_ADDRESS="127.0.0.1:$mport" -e IMR_STATISTICS_INTERVAL_MS=1000 \
    -e IMR_WORKERS=2 -e IMR_SHUTDOWN_TIMEOUT_MS=10000 \
    -e IMR_KAFKA_SASL_PASSWORD_FILE=/run/secrets/kafka/sasl-password \
    -e IMR_KAFKA_CONSUMER_CLIENT_ID=imr-deploy-test \
    "$image" >"$tmp/run.out" 2>&1 || { cat "$tmp/run.out"; die "podman run failed"; }
info "container $container, metrics on $svc"

check "/healthz 200" probe wait "$svc/healthz" 200 30 ||
    { podman logs "$container" 2>&1 | tail -n 5; die "the container does not serve /healthz"; }
check "/readyz 200 once the group is joined" probe wait "$svc/readyz" 200 60 ||
    { podman logs "$container" 2>&1 | tail -n 5; die "the service did not become ready"; }
check "podman healthcheck run (the image's HEALTHCHECK)" podman healthcheck run "$container"
process_uid() {
    local pid
    pid=$(podman inspect -f '{{.State.Pid}}' "$container")
    awk '/^Uid:/ {print "uid " $2; exit ($2 == 10001 ? 0 : 1)}' "/proc/$pid/status"
}
check "the process runs as uid 10001 (host view)" process_uid
check "read-only root: writing / or /tmp fails" \
    bash -c "! podman exec $container sh -c 'touch /probe || touch /tmp/probe' 2>/dev/null"
check "container started read-only" test "$(podman inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$container")" = true

# ---------------------------------------------------------------------------- letters
shopt -s nullglob
letters=("$corpus"/seeds/*.txt)
pdfs=("$corpus"/dwc-2016-2017/*.pdf)
shopt -u nullglob
((${#pdfs[@]} > 0)) && letters+=("${pdfs[@]:0:3}")
n=${#letters[@]}
((n > 0)) || die "no letters under $corpus"
check "published $n letters (kcat)" publish_files "$t_raw" "${letters[@]}" || die "publishing failed"
check "$n outcomes on $t_out" wait_count "$t_out" "$n" 120 ||
    { podman logs "$container" 2>&1 | grep -E '"level":"(warn|error)"' | tail -n 5 | cut -c1-300; }
check "no dead letter" wait_count "$t_dlq" 0 0
outcomes_valid() {
    timeout 30 kcat -C -b "$brokers" -t "$t_out" -e -q -f '%s\n' >"$tmp/outcomes.jsonl" || return 1
    python3 "$here/check_records.py" outcomes "$root/schemas" "$tmp/outcomes.jsonl"
}
check "every outcome valid against schemas/outcome.schema.json" outcomes_valid
check "imr_documents_classified_total == $n" \
    probe wait-metric "$svc/metrics" sum imr_documents_classified_total == "$n" 20
check "imr_assigned_partitions == 3" probe wait-metric "$svc/metrics" max imr_assigned_partitions == 3 10
no_secret() {
    probe save "$svc/metrics" "$tmp/metrics.prom" >/dev/null || return 1
    podman logs "$container" >"$tmp/container.log" 2>&1
    ! grep -q -- "$secret" "$tmp/metrics.prom" "$tmp/container.log" || return 1
    echo "$(wc -l <"$tmp/container.log") log lines, $(wc -l <"$tmp/metrics.prom") metric lines"
}
check "the secret is in neither the logs nor /metrics" no_secret

# The Helm chart's memory limit, read from its values, must stay well above what the image uses.
chart_limit_mib=$(awk '/^  limits:/ {l = 1} l && /memory:/ {sub(/Mi$/, "", $2); print $2; exit}' \
    "$here/../../deploy/helm/imr-stream/values.yaml")
memory_high_water() {
    local pid kb
    pid=$(podman inspect -f '{{.State.Pid}}' "$container")
    kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
    echo "VmHWM $((kb / 1024)) MiB after $n letters, chart limit ${chart_limit_mib:-?} MiB"
    [[ $chart_limit_mib =~ ^[0-9]+$ ]] && ((kb < chart_limit_mib * 1024 / 2))
}
check "resident memory high-water mark under half the chart's memory limit" memory_high_water

# ---------------------------------------------------------------------------- stop
stop_clean() {
    podman stop -t 30 "$container" >/dev/null || return 1
    local code
    code=$(podman inspect -f '{{.State.ExitCode}}' "$container")
    echo "exit $code"
    [[ $code == 0 ]] && podman logs "$container" 2>&1 | grep -q '"event":"service_stopped"'
}
check "podman stop (SIGTERM): exit 0, service_stopped logged" stop_clean
