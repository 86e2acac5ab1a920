# Sourced by the scripts: run_step prints one line per step and sends the step's own output
# to a log file, whose path and last lines are printed only when the step fails.
#
#   steps_log=.cache/logs/demo.log      (set before the first run_step; default below)
#   run_step "building imr-stream" cmake --build --preset release

steps_log=${steps_log:-.cache/logs/steps.log}

run_step() {
    local title=$1
    shift
    mkdir -p "$(dirname "$steps_log")"
    printf '%s ... ' "$title"
    printf '\n==> %s\n' "$title" >>"$steps_log"
    local started=$SECONDS status=0
    "$@" >>"$steps_log" 2>&1 || status=$?
    if ((status != 0)); then
        echo "failed (exit $status)"
        echo "--- last lines of $steps_log:" >&2
        tail -n 30 "$steps_log" >&2
        echo "--- full output: $steps_log" >&2
        return "$status"
    fi
    echo "done ($((SECONDS - started)) s)"
}
