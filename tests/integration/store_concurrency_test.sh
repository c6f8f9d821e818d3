#!/usr/bin/env bash
# 8 processes append 200 events each to one audit log at the same time; the
# log must hold exactly 1,600 lines, each writer's 200 events, and an intact
# chain as `tryaudex audit verify` sees it.
# Usage: store_concurrency_test.sh AUDIT_APPEND_HELPER TRYAUDEX
set -euo pipefail
helper=$1
tryaudex=$2
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT

pids=()
for writer in 0 1 2 3 4 5 6 7; do
  "$helper" "$state" 200 "writer$writer" &
  pids+=($!)
done
for pid in "${pids[@]}"; do
  wait "$pid" || { echo "FAIL: a writer failed"; exit 1; }
done

lines=$(wc -l <"$state/audit.jsonl")
[[ $lines -eq 1600 ]] || { echo "FAIL: $lines lines, expected 1600"; exit 1; }
for writer in 0 1 2 3 4 5 6 7; do
  count=$(grep -c "\"session_id\":\"writer$writer\"" "$state/audit.jsonl")
  [[ $count -eq 200 ]] || { echo "FAIL: writer$writer has $count lines"; exit 1; }
done
# Sequence numbers 1..1600, each once, in file order.
seqs=$(sed -E 's/^\{"seq":([0-9]+),.*/\1/' "$state/audit.jsonl" | tr '\n' ' ')
[[ $seqs == "$(seq 1 1600 | tr '\n' ' ')" ]] || { echo "FAIL: seq is not 1..1600 in order"; exit 1; }

out=$(AUDEX_HOME=$state "$tryaudex" audit verify)
[[ $out == "OK: 1600 events, chain intact" ]] || { echo "FAIL: audit verify said: $out"; exit 1; }

# And the same log with one byte changed is caught, by line.
sed -i '800s/writer/wrIter/' "$state/audit.jsonl"
set +e
out=$(AUDEX_HOME=$state "$tryaudex" audit verify)
status=$?
set -e
[[ $status -eq 1 && $out == "BROKEN: line 800 of "* ]] || {
  echo "FAIL: tampered log: status $status, output: $out"
  exit 1
}
echo "PASS: 8 x 200 concurrent appends, 1600 lines, chain intact"
