#!/usr/bin/env bash
# `make demo`'s serve block end to end (DEMO_SMOKE=1, a free port): the demo generates and imports
# an organization, starts `cairn serve`, runs its aws CLI examples (lookup-events as admin and as a
# member-reader, a refused cross-account call, create-trail/describe-trails, start-query +
# get-query-results, the self-recorded calls) and stops the server; every step must succeed and
# the server must be gone afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(DEMO_SMOKE=1 DEMO_PORT=0 scripts/demo "$CAIRN_BIN" 2>&1) || { echo "$out" | tail -40; exit 1; }
for want in "endpoint: " "AccessDeniedException" "org-audit" "status FINISHED" "StartQuery" \
            "stopping cairn serve"; do
  if ! grep -q "$want" <<<"$out"; then
    echo "demo output lacks '$want':"; echo "$out" | tail -40; exit 1
  fi
done
endpoint=$(sed -n 's/^endpoint: *\(http:[^ ]*\).*/\1/p' <<<"$out")
if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/health", timeout=2)' \
    "$endpoint" 2>/dev/null; then
  echo "cairn serve still answers at $endpoint after the demo"; exit 1
fi
echo ok
