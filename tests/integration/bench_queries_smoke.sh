#!/usr/bin/env bash
# `bench/run queries` still works end to end on the tiny dataset (in a temporary cache): both sides
# run every query, the row counts agree (or the run fails), and the table has a ratio per query
# and a geo-mean. Asserts the shape of the output, never a timing.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
if [ ! -d "$ROOT/.deps/node/node_modules/@duckdb/node-api" ] && [ "${CAIRN_SKIP_NPM:-0}" = 1 ]; then
  echo "SKIP: DuckDB not installed (CAIRN_SKIP_NPM=1)"; exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export BENCH_DATA_DIR="$tmp/data"
CAIRN_BIN="$CAIRN_BIN" "$ROOT/bench/run" queries --size tiny --runs 1 --warmup 0 --threads 2 >"$tmp/out" 2>"$tmp/err" || {
  echo "bench/run queries failed:"; cat "$tmp/err" "$tmp/out"; exit 1; }
for q in window_count top_names_week errors_by_code needle_event_id needle_access_key needle_source_ip source_ip_activity \
         sensitive_apis per_account_day distinct_ips element_at_filter top_principal_service \
         user_day_records join_denied; do
  grep -Eq "^$q +[0-9.,]+ +[0-9.,]+ +[0-9.]+x" "$tmp/out" || { echo "no row for $q:"; cat "$tmp/out"; exit 1; }
done
grep -Eq "^geo-mean +[0-9.]+x" "$tmp/out" || { echo "no geo-mean:"; cat "$tmp/out"; exit 1; }
echo "bench queries smoke: ok"
