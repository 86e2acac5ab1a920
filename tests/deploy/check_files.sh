#!/usr/bin/env bash
# The compose file and the systemd unit, checked by real tools:
#
#   tests/deploy/check_files.sh BINARY
#
#   - deploy/compose.yaml against the Compose specification's JSON schema kept in the repository
#     (deploy/schemas/compose-spec.json) with check-jsonschema (PyPI, in a venv under .cache/);
#     the services the README promises are there;
#   - deploy/systemd/imr-stream.service accepted by `systemd-analyze verify` (ExecStart pointed
#     at BINARY, the one thing verify needs to exist), with its hardening and restart policy.
# Prints ok/FAIL per check and "N passed, M failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$1
passed=0 failed=0
check() { # NAME COMMAND...
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then
        passed=$((passed + 1)); echo "ok   - $name"
    else
        failed=$((failed + 1)); echo "FAIL - $name"; echo "$out" | tail -n 10 | sed 's/^/#   /'
    fi
}
tmp=$(mktemp -d /tmp/imr-deploy-files.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

venv=$root/.cache/deploy-venv
check "check-jsonschema in $venv" "$root/tests/deploy/python_tools.sh" "$venv"
check "deploy/compose.yaml valid against the Compose specification" \
    "$venv/bin/check-jsonschema" --schemafile "$root/deploy/schemas/compose-spec.json" "$root/deploy/compose.yaml"
services() {
    "$venv/bin/python" - "$root/deploy/compose.yaml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
services = doc["services"]
want = {"kafka", "topics", "imr-stream", "prometheus", "grafana"}
assert want <= services.keys(), sorted(want - services.keys())
assert services["kafka"]["image"].startswith("apache/kafka:3.9"), services["kafka"]["image"]
assert services["imr-stream"]["build"]["dockerfile"] == "deploy/Dockerfile"
assert services["imr-stream"]["read_only"] is True
print("services:", ", ".join(sorted(services)))
PY
}
check "compose: kafka 3.9, topics, imr-stream from deploy/Dockerfile (read-only), prometheus, grafana" services

unit=$tmp/imr-stream.service
sed "s#^ExecStart=/usr/local/bin/imr-stream#ExecStart=$bin#" "$root/deploy/systemd/imr-stream.service" >"$unit"
check "systemd-analyze verify deploy/systemd/imr-stream.service" systemd-analyze verify "$unit"
hardened() {
    local key
    for key in Restart=on-failure EnvironmentFile= DynamicUser=yes ProtectSystem=strict \
        NoNewPrivileges=yes CapabilityBoundingSet= ; do
        grep -q "^$key" "$unit" || { echo "missing $key"; return 1; }
    done
}
check "unit: Restart=on-failure, EnvironmentFile, DynamicUser, ProtectSystem=strict, NoNewPrivileges" hardened

echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
