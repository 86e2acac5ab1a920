#!/usr/bin/env bash
# Derives a test Prometheus configuration from deploy/prometheus/prometheus.yml by substitution,
# so tests run the production file, not a copy of it:
#   the target "127.0.0.1:9464"                  -> TARGET
#   scrape_interval / evaluation_interval "15s"  -> INTERVAL
# and copies alerts.yml beside it (rule_files is relative to the configuration file).
#
#   make_test_config.sh PROM_DIR OUT_DIR TARGET INTERVAL
#   e.g. make_test_config.sh deploy/prometheus /tmp/p 127.0.0.1:19464 1s
set -euo pipefail
if [[ $# -ne 4 ]]; then
    echo "usage: $0 PROM_DIR OUT_DIR TARGET INTERVAL" >&2
    exit 2
fi
src=$1 out=$2 target=$3 interval=$4
mkdir -p "$out"
sed -e "s/\"127\.0\.0\.1:9464\"/\"${target}\"/" \
    -e "s/^\(  *\)\(scrape_interval\|evaluation_interval\): 15s/\1\2: ${interval}/" \
    "$src/prometheus.yml" >"$out/prometheus.yml"
cp "$src/alerts.yml" "$out/alerts.yml"
# the substitutions must have happened: fail loudly if prometheus.yml changed its literals
for want in "\"${target}\"" "scrape_interval: ${interval}" "evaluation_interval: ${interval}"; do
    if ! grep -qF -- "$want" "$out/prometheus.yml"; then
        echo "make_test_config: '$want' not in the generated configuration;" \
            "does $src/prometheus.yml still contain \"127.0.0.1:9464\" and the 15s intervals?" >&2
        exit 1
    fi
done
