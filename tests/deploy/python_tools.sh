#!/usr/bin/env bash
# python_tools.sh VENV: a venv with the deploy suite's PyPI validators (check-jsonschema,
# kubernetes-validate, PyYAML), made once and reused; concurrent callers wait (flock).
set -euo pipefail
venv=$1
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock -w 600 9
[[ -x $venv/bin/check-jsonschema && -x $venv/bin/kubernetes-validate ]] && exit 0
rm -rf "$venv"
/usr/bin/python3 -m venv "$venv"
"$venv/bin/pip" install -q check-jsonschema kubernetes-validate PyYAML
