#!/usr/bin/env bash
# The benchmark harness still works end to end: `bench/run parse --size tiny` generates the tiny
# dataset (into a temporary cache), runs both sides once and prints the ratio table; asking for the
# dataset again reuses the cache. Asserts the shape of the output, never a timing.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
if [ ! -d "$ROOT/.deps/node/node_modules/@duckdb/node-api" ] && [ "${CAIRN_SKIP_NPM:-0}" = 1 ]; then
  echo "SKIP: DuckDB not installed (CAIRN_SKIP_NPM=1)"; exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export BENCH_DATA_DIR="$tmp/data"

run() {
  CAIRN_BIN="$CAIRN_BIN" "$ROOT/bench/run" parse --size tiny --runs 1 --warmup 0 >"$tmp/out" 2>"$tmp/err" || {
    echo "bench/run parse failed:"; cat "$tmp/err" "$tmp/out"; exit 1; }
}
expect() {  # expect REGEX: some line of the table matches
  grep -Eq "$1" "$tmp/out" || { echo "no line matching /$1/ in:"; cat "$tmp/out"; exit 1; }
}

run
grep -q "generating dataset tiny" "$tmp/err" || { echo "the tiny dataset was not generated:"; cat "$tmp/err"; exit 1; }
num='[0-9][0-9,]*\.[0-9]'
expect '^query +cairn ms +duckdb ms +ratio$'
expect "^gunzip +$num +$num +[0-9.]+x$"
expect "^gunzip\+parse +$num +$num +[0-9.]+x$"
expect '^geo-mean +[0-9.]+x$'
expect '^throughput \(JSON\) +cairn MB/s +cairn events/s +duckdb MB/s +duckdb events/s$'

again="$(CAIRN_BIN="$CAIRN_BIN" python3 "$ROOT/bench/lib/datasets.py" tiny 2>"$tmp/err2")"
if grep -q "generating dataset" "$tmp/err2"; then echo "the cached tiny dataset was generated again"; exit 1; fi
[ -d "$again" ] || { echo "datasets.py printed no folder: $again"; exit 1; }
echo "ok"
