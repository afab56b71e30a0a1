#!/usr/bin/env bash
# The CLI convention: --help everywhere, exit 2 for usage errors, --format json is JSON.
set -euo pipefail
"$CAIRN_BIN" --help >/dev/null
"$CAIRN_BIN" version --help >/dev/null
"$CAIRN_BIN" version --format json | python3 -c 'import json,sys; assert json.load(sys.stdin)["version"]'
set +e
"$CAIRN_BIN" no-such-command >/dev/null 2>&1; rc=$?
set -e
[ "$rc" = 2 ] || { echo "expected exit 2 for an unknown command, got $rc"; exit 1; }
