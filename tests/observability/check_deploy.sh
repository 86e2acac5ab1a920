#!/usr/bin/env bash
# Static checks of the monitoring deployment (no server is started):
#   promtool check config deploy/prometheus/prometheus.yml
#   promtool check rules  deploy/prometheus/alerts.yml
#   promtool test rules   deploy/prometheus/alerts_test.yml
#   the test configuration make_test_config.sh derives from prometheus.yml is valid
#   fake_exporter.py's exposition is valid and has exactly the metrics of docs/metrics.md
#   validate_deploy.py: the Grafana dashboard, its provisioning and the alert metadata against
#     docs/metrics.md, and every query extract_queries.py emits parses (promtool)
# Prints PASS/FAIL per check and a final line "N passed, M failed"; exits 1 on any failure.
#
#   tests/observability/check_deploy.sh          (from anywhere)
# The live counterpart, with a real Prometheus: tests/observability/run_live.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the source tree
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 2

passed=0 failed=0
tmp=$(mktemp -d /tmp/imr-check-deploy.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

check() { # NAME COMMAND...
    local name=$1
    shift
    if "$@" >"$tmp/out" 2>&1; then
        passed=$((passed + 1))
        echo "PASS $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        sed 's/^/    /' "$tmp/out"
    fi
}

for tool in promtool python3; do
    if ! command -v "$tool" >/dev/null; then
        echo "FAIL $tool is not installed"
        echo "0 passed, 1 failed"
        exit 1
    fi
done

check "promtool check config deploy/prometheus/prometheus.yml" \
    promtool check config deploy/prometheus/prometheus.yml
check "promtool check rules deploy/prometheus/alerts.yml" \
    promtool check rules deploy/prometheus/alerts.yml
check "promtool test rules deploy/prometheus/alerts_test.yml" \
    promtool test rules deploy/prometheus/alerts_test.yml

derived_config() {
    "$here/make_test_config.sh" deploy/prometheus "$tmp/config" 127.0.0.1:19464 1s &&
        promtool check config "$tmp/config/prometheus.yml"
}
check "test configuration derived from prometheus.yml (make_test_config.sh)" derived_config

fixture() {
    python3 "$here/fake_exporter.py" --print --dead-letter-after 0 >"$tmp/fixture.prom" &&
        promtool check metrics <"$tmp/fixture.prom" &&
        python3 - "$tmp/fixture.prom" <<PY
import re, sys
sys.path.insert(0, "$here")
import obslib
documented = set(obslib.load_metrics_doc("docs/metrics.md"))
exposed = {re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0)
           for line in open(sys.argv[1]) if line.strip() and not line.startswith("#")}
problems = []
if documented - exposed:
    problems.append(f"not exposed: {sorted(documented - exposed)}")
if exposed - documented:
    problems.append(f"not documented: {sorted(exposed - documented)}")
sys.exit("; ".join(problems) or None)
PY
}
check "fake_exporter.py exposition: valid, exactly the metrics of docs/metrics.md" fixture

python3 "$here/validate_deploy.py" --root "$root" >"$tmp/validate" 2>&1
validate_status=$?
cat "$tmp/validate"
v_pass=$(grep -c '^PASS ' "$tmp/validate")
v_fail=$(grep -c '^FAIL ' "$tmp/validate")
passed=$((passed + v_pass))
failed=$((failed + v_fail))
if [[ $validate_status -ne 0 && $v_fail -eq 0 ]]; then
    echo "FAIL validate_deploy.py exited $validate_status"
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
