#!/usr/bin/env bash
# Differential test of the Lake SQL engine against DuckDB at a small size (3,000 generated events,
# 322 queries: hand-written and generated): every query must give the same rows in cairn and in
# DuckDB. tests/sql/differential/duckdb_diff.py runs larger sizes (--events, --generated).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
if [ ! -d "$ROOT/.deps/node/node_modules/@duckdb/node-api" ]; then
  if [ "${CAIRN_SKIP_NPM:-0}" = 1 ]; then echo "SKIP: DuckDB not installed (CAIRN_SKIP_NPM=1)"; exit 0; fi
  "$ROOT/bench/setup" >/dev/null
fi
python3 "$ROOT/tests/sql/differential/duckdb_diff.py" --cairn "$CAIRN_BIN" --events 3000 --generated 260
