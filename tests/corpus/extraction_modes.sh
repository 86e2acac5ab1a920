#!/usr/bin/env bash
# extraction_modes.sh BINARY SCORER PDF_DIR WORK_DIR
# Letters reach the product as text extracted by other tools too. Extracts every PDF with
# pdftotext in its three modes (reading order, -layout, -raw: the header table comes out
# row-wise or column-wise), classifies the texts and scores them against the gold files.
set -euo pipefail
binary=$1 scorer=$2 pdfs=$3 work=$4
minimums="letters=1,item_count=1,decision=1,request=1,category=1,subcategory=1,layout=1,case_number=1,priority=1,dates.assigned=1,dates.decision=1,dates.injury=1,dates.ur_denial=1,dates.application_received=1,states=1,specialties=1"

failed=0
for mode in default layout raw; do
    dir="$work/$mode"
    rm -rf "$dir" && mkdir -p "$dir"
    for pdf in "$pdfs"/*.pdf; do
        name=$(basename "$pdf" .pdf)
        flag=(); [[ $mode == default ]] || flag=("-$mode")
        pdftotext "${flag[@]}" "$pdf" "$dir/$name.txt"
        cp "$pdfs/$name.gold.json" "$dir/"
    done
    "$binary" classify --no-progress "$dir" > "$work/$mode.jsonl" || true
    if python3 "$scorer" "$dir" "$work/$mode.jsonl" --min "$minimums" > "$work/$mode.score"; then
        echo "pdftotext $mode: $(tail -1 "$work/$mode.score")"
    else
        echo "pdftotext $mode FAILED: $(tail -1 "$work/$mode.score")"
        failed=$((failed + 1))
    fi
done
echo "$((3 - failed)) passed, $failed failed"
exit $((failed > 0))
