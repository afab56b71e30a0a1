#!/usr/bin/env bash
# `cairn generate`: exit codes, --format json, the organization-trail file layout, determinism,
# and the anomaly manifest.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$CAIRN_BIN" generate --help >/dev/null

# The small default dataset, as JSON.
"$CAIRN_BIN" generate --out "$tmp/a" --end 2025-03-10 --anomalies --format json >"$tmp/a.json" 2>"$tmp/a.err"
grep -q "generate: 100%" "$tmp/a.err" || { echo "no progress on stderr"; cat "$tmp/a.err"; exit 1; }
python3 - "$tmp/a" "$tmp/a.json" <<'PY'
import gzip, json, os, re, sys
out, summary = sys.argv[1], json.load(open(sys.argv[2]))
assert summary["out"] == out, summary["out"]
assert len(summary["accounts"]) == 3 and summary["accounts"][0]["management"]
assert summary["regions"] == ["us-east-1", "eu-west-1"], summary["regions"]
assert summary["start"] == "2025-03-08T00:00:00Z" and summary["end"] == "2025-03-10T00:00:00Z"
assert 4500 < summary["events"] - summary["anomalyEvents"] < 5500, summary["events"]
assert len(summary["bySource"]) >= 20, summary["bySource"]
assert set(summary["byCategory"]) == {"Management", "Data"}, summary["byCategory"]
assert summary["anomalies"], "no anomalies"
org = summary["organizationId"]
pat = re.compile(r"AWSLogs/(o-[a-z0-9]{10})/(\d{12})/CloudTrail/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/"
                 r"(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8})T(\d{4})Z_[A-Za-z0-9]{16}\.json\.gz$")
files = events = 0
for root, _, names in os.walk(out):
    for n in names:
        p = os.path.relpath(os.path.join(root, n), out)
        if p == "anomalies.json":
            continue
        m = pat.match(p)
        assert m, p
        assert m.group(1) == org and m.group(2) == m.group(7) and m.group(3) == m.group(8), p
        assert m.group(4) + m.group(5) + m.group(6) == m.group(9), p
        recs = json.load(gzip.open(os.path.join(root, n)))["Records"]
        assert recs, p
        for r in recs:
            assert r["recipientAccountId"] == m.group(2) and r["awsRegion"] == m.group(3), p
        files += 1
        events += len(recs)
assert files == summary["files"], (files, summary["files"])
assert events == summary["events"], (events, summary["events"])
manifest = json.load(open(os.path.join(out, "anomalies.json")))
assert manifest["organizationId"] == org
assert len(manifest["anomalies"]) == len(summary["anomalies"])
for a in manifest["anomalies"]:
    for k in ("kind", "account", "region", "eventSource", "eventName", "errorCode", "start", "end", "count"):
        assert k in a, k
PY

# Same seed and end: same bytes, whatever the thread count.
"$CAIRN_BIN" generate --out "$tmp/b" --end 2025-03-10 --anomalies --threads 1 >/dev/null 2>&1
diff -r "$tmp/a" "$tmp/b" >/dev/null || { echo "same seed gave different output"; exit 1; }
"$CAIRN_BIN" generate --out "$tmp/c" --end 2025-03-10 --seed 2 --accounts 2 --regions 1 --days 1 \
  --events 500 >"$tmp/c.txt" 2>/dev/null
grep -q "^files" "$tmp/c.txt"
[ "$(ls "$tmp/c/AWSLogs")" != "$(ls "$tmp/a/AWSLogs")" ] || { echo "another seed, same org"; exit 1; }

# --end also takes a time (rounded down to 5 minutes); `cairn version` names the generator version.
"$CAIRN_BIN" generate --out "$tmp/e" --end 2025-01-15T10:07:30Z --days 1 --events 300 --format json \
  2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["start"] == "2025-01-14T10:05:00Z" and d["end"] == "2025-01-15T10:05:00Z", (d["start"], d["end"])'
"$CAIRN_BIN" version --format json | python3 -c 'import json,sys; assert json.load(sys.stdin)["generator_version"] >= 1'

expect_rc() {
  local want=$1; shift
  set +e; "$@" >/dev/null 2>&1; local rc=$?; set -e
  [ "$rc" = "$want" ] || { echo "expected exit $want, got $rc: $*"; exit 1; }
}
expect_rc 2 "$CAIRN_BIN" generate                                   # --out is required
expect_rc 2 "$CAIRN_BIN" generate --out "$tmp/d" --regions 17
expect_rc 2 "$CAIRN_BIN" generate --out "$tmp/d" --accounts 0
expect_rc 2 "$CAIRN_BIN" generate --out "$tmp/d" --end 2025-02-30
expect_rc 2 "$CAIRN_BIN" generate --out "$tmp/d" --end yesterday
expect_rc 2 "$CAIRN_BIN" generate --out "$tmp/d" --end 2025-01-15T25:00Z
touch "$tmp/file"
expect_rc 1 "$CAIRN_BIN" generate --out "$tmp/file/x" --events 100  # cannot create the folder
