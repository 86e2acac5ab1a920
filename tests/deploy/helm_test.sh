#!/usr/bin/env bash
# The Helm chart deploy/helm/imr-stream, checked by real tools:
#
#   tests/deploy/helm_test.sh
#
#   - helm v3.22.0 built once from the Go module proxy (`go install helm.sh/helm/v3/cmd/helm`,
#     a Go >= 1.24 toolchain on PATH or /usr/local/go) into ~/.cache/imr-stream/helm-v3.22.0;
#   - `helm lint` and `helm template` with the default values and with
#     tests/deploy/helm-all-values.yaml (every option on);
#   - every rendered Kubernetes object validated by kubernetes-validate (PyPI, in the venv of
#     python_tools.sh); the KEDA ScaledObject and the ServiceMonitor (CRDs, which it does not
#     know) checked for their required fields by check_chart.py;
#   - the chart refuses a grace period not above the shutdown budget and more KEDA replicas
#     than partitions.
# Prints ok/FAIL per check and "N passed, M failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
chart=$root/deploy/helm/imr-stream
passed=0 failed=0
check() { # NAME COMMAND...
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then
        passed=$((passed + 1)); echo "ok   - $name${out:+: $(tail -n 1 <<<"$out")}"
    else
        failed=$((failed + 1)); echo "FAIL - $name"; echo "$out" | tail -n 10 | sed 's/^/#   /'
    fi
}
finish() { echo "$passed passed, $failed failed"; [[ $failed -eq 0 && $passed -gt 0 ]]; }
tmp=$(mktemp -d /tmp/imr-deploy-helm.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

helm_dir=${XDG_CACHE_HOME:-$HOME/.cache}/imr-stream/helm-v3.22.0
helm=$helm_dir/helm
build_helm() {
    [[ -x $helm ]] && return 0
    local go
    for go in go /usr/local/go/bin/go; do
        command -v "$go" >/dev/null || continue
        # helm 3.22 needs Go >= 1.24
        if "$go" version | grep -Eq 'go1\.(2[4-9]|[3-9][0-9])'; then
            GOBIN=$helm_dir "$go" install helm.sh/helm/v3/cmd/helm@v3.22.0 && return 0
        fi
    done
    echo "no Go >= 1.24 toolchain to build helm with"
    return 1
}
check "helm v3.22.0 (cached in $helm_dir)" build_helm || { finish; exit 1; }
venv=$root/.cache/deploy-venv
check "kubernetes-validate in $venv" "$here/python_tools.sh" "$venv" || { finish; exit 1; }

for case in default all-options; do
    values=()
    [[ $case == all-options ]] && values=(-f "$here/helm-all-values.yaml")
    check "helm lint ($case values)" "$helm" lint --strict "$chart" "${values[@]}"
    check "helm template ($case values)" \
        bash -c '"$@" >"'"$tmp/$case.yaml"'"' _ "$helm" template demo "$chart" "${values[@]}"
    check "objects valid (kubernetes-validate; KEDA, ServiceMonitor fields) ($case values)" \
        "$venv/bin/python" "$here/check_chart.py" "$case" "$tmp/$case.yaml"
done

refuses() { # WHAT --set...
    local what=$1
    shift
    if "$helm" template demo "$chart" "$@" >"$tmp/refused.yaml" 2>"$tmp/refused.err"; then
        echo "rendered despite $what"
        return 1
    fi
    grep -o 'must .*' "$tmp/refused.err" | head -n 1
}
check "refuses terminationGracePeriodSeconds <= shutdown budget" \
    refuses "a short grace period" --set terminationGracePeriodSeconds=20
check "refuses keda.maxReplicaCount > input partitions" \
    refuses "too many replicas" --set keda.enabled=true --set keda.maxReplicaCount=12
finish
