#!/usr/bin/env bash
# `imr-stream publish` against a real broker (IMR_TEST_BROKERS, else an isolated kafka-local one):
#
#   tests/deploy/publish_test.sh BINARY CORPUS_DIR
#
#   1. a directory of letters (text and PDF) plus an empty and a non-UTF-8 file: exit 0, the
#      report counts them; one record per letter, key = sha256 of the file, value an envelope
#      valid against schemas/envelope.schema.json with id = file name;
#   2. a broker that does not answer: exit 1 and "not acknowledged" in the report.
# Prints ok/FAIL per check and "N passed, M failed". Never prints letter text.
# shellcheck disable=SC2317 # functions run through check()
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../observability/live_lib.sh
source "$here/../observability/live_lib.sh"

[[ $# -eq 2 ]] || usage "$0 BINARY CORPUS_DIR"
corpus=$2
make_tmp publish
need_tools kcat python3 sha256sum
take_binary "$1"
broker_setup
unique_names deploy.publish
create_topics "$t_raw:3"

mkdir -p "$tmp/in/sub"
shopt -s nullglob
seeds=("$corpus"/seeds/*.txt)
pdfs=("$corpus"/dwc-2016-2017/*.pdf)
shopt -u nullglob
((${#seeds[@]} > 0)) || die "no letters under $corpus/seeds"
cp "${seeds[@]}" "$tmp/in/"
((${#pdfs[@]} > 0)) && cp "${pdfs[0]}" "$tmp/in/sub/"
: >"$tmp/in/empty.txt"
printf '\xff\xfe\x00bad' >"$tmp/in/sub/binary.txt"
n=$((${#seeds[@]} + (${#pdfs[@]} > 0 ? 1 : 0)))

publish_dir() {
    "$bin" publish "$tmp/in" --brokers "$brokers" --topic "$t_raw" >"$tmp/publish.out" 2>&1
    local rc=$?
    tail -n 1 "$tmp/publish.out"
    [[ $rc -eq 0 ]] && grep -q "^published $n, skipped 2 empty=1 not_utf8_text=1, not acknowledged 0" "$tmp/publish.out"
}
check "publish DIR: exit 0, published $n, skipped 2 (empty, not UTF-8)" publish_dir
check "$n records on the topic" wait_count "$t_raw" "$n" 30

envelopes_valid() {
    timeout 30 kcat -C -b "$brokers" -t "$t_raw" -e -q -f '%k\t%s\n' >"$tmp/records.tsv" || return 1
    python3 "$here/check_records.py" envelopes "$root/schemas" "$tmp/records.tsv" "$tmp/in"
}
check "keys are sha256 of the files, values valid envelopes with id = file name" envelopes_valid

unreachable() {
    timeout 60 "$bin" publish "$tmp/in" --brokers 127.0.0.1:1 --topic "$t_raw" --timeout 3 \
        >"$tmp/unreachable.out" 2>&1
    local rc=$?
    tail -n 1 "$tmp/unreachable.out"
    [[ $rc -eq 1 ]] && grep -q "not acknowledged $n" "$tmp/unreachable.out"
}
check "no broker: exit 1, every document reported not acknowledged" unreachable
