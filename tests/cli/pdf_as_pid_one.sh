#!/usr/bin/env bash
# pdf_as_pid_one.sh BINARY PDF
# In a container the service is PID 1, so its PDF helper's parent is PID 1: PDFs must still be
# read (a helper that took "my parent is PID 1" for "my parent died" read none). A new PID
# namespace (util-linux unshare, as root) makes imr-stream PID 1 without a container engine.
set -euo pipefail
binary=$1 pdf=$2
if [[ $(id -u) -ne 0 ]]; then
    echo "FAIL: needs root for a PID namespace (unshare --pid)" >&2
    exit 1
fi
out=$(unshare --fork --pid --mount-proc "$binary" classify --no-progress --no-summary "$pdf") || true
if ! grep -q '"kind":"outcome"' <<<"$out"; then
    echo "FAIL: the PDF was not read when imr-stream is PID 1:" >&2
    echo "$out" | cut -c1-300 >&2
    exit 1
fi
echo "ok: a PDF is read when imr-stream is PID 1"
