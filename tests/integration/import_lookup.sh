#!/usr/bin/env bash
# `cairn import`, `cairn lookup`, `cairn stores`: import trail logs (the Stratus corpus, and a
# generated organization when `cairn generate` exists), re-import (all duplicates), LookupEvents
# output checked with python3 against the imported records (shape of spec event-history.md §5,
# newest first, paging to the end, attributes), validation errors, `stores` listing.
set -euo pipefail
STRATUS="$CAIRN_SHARED_DATA/cloudtrail-real/stratus-red-team/detonation-logs"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
AS_OF=2024-09-01T00:00:00Z  # the Stratus detonations happened in August 2024

expect_rc() {  # expect_rc WANT CMD...
  local want=$1; shift
  set +e; "$@" >"$TMP/out" 2>"$TMP/err"; local rc=$?; set -e
  if [ "$rc" != "$want" ]; then
    echo "expected exit $want, got $rc: $*"; cat "$TMP/err"; exit 1
  fi
}
json_get() {  # json_get FILE KEY[.KEY]
  python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[k]
print(v)' "$1" "$2"
}

# Checks every history of DATA against the records under INPUT: pages through LookupEvents with
# `cairn lookup` and compares with the records of that account and region (90-day window as of
# AS_OF_ARG, or now when empty).
check_histories() {  # check_histories DATA INPUT AS_OF_ARG
  python3 - "$CAIRN_BIN" "$1" "$2" "${3:-}" <<'EOF'
import gzip, json, os, subprocess, sys, datetime
cairn, data, inputs, as_of = sys.argv[1:5]
extra = ["--as-of", as_of] if as_of else []
def ts(s):
    return int(datetime.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp())
now = ts(as_of) if as_of else int(datetime.datetime.now(datetime.timezone.utc).timestamp())
records = []
for root, _, files in os.walk(inputs):
    for f in files:
        p = os.path.join(root, f)
        if not (f.endswith(".json") or f.endswith(".json.gz")) or "Digest" in p or "Insight" in p:
            continue
        raw = gzip.open(p).read() if f.endswith(".gz") else open(p, "rb").read()
        doc = json.loads(raw)
        recs = doc["Records"] if isinstance(doc, dict) and "Records" in doc else doc
        records.extend(recs if isinstance(recs, list) else [recs])
want = {}
for r in records:
    cat = r.get("eventCategory") or ("Data" if r.get("managementEvent") is False else "Management")
    if cat != "Management" or ts(r["eventTime"]) < now - 90 * 86400:
        continue
    acct = r.get("recipientAccountId") or (r.get("userIdentity") or {}).get("accountId")
    want.setdefault((acct, r["awsRegion"]), {})[r["eventID"]] = r
stores = json.loads(subprocess.check_output([cairn, "stores", "--data", data, "--format", "json"]))["stores"]
hist = {(s["account"], s["region"]): s for s in stores if s["kind"] == "history"}
assert set(hist) == set(want), (sorted(hist)[:3], sorted(want)[:3])
checked = 0
for (acct, region), recs in sorted(want.items()):
    assert hist[(acct, region)]["events"] == len(recs), (acct, region)
    got, token, pages = [], None, 0
    while True:
        cmd = [cairn, "lookup", "--data", data, "--account", acct, "--region", region,
               "--format", "json", "--max", "7"] + extra
        if token:
            cmd += ["--next-token", token]
        page = json.loads(subprocess.check_output(cmd))
        pages += 1
        assert set(page) <= {"Events", "NextToken"}, page.keys()
        assert len(page["Events"]) <= 7
        got.extend(page["Events"])
        token = page.get("NextToken")
        if not token:
            break
    # EndTime defaults to now: events stamped later than now are in the store but not listed.
    recs = {k: r for k, r in recs.items() if ts(r["eventTime"]) <= now}
    assert len(got) == len(recs), (acct, region, len(got), len(recs))
    keys = [(e["EventTime"], e["EventId"]) for e in got]
    assert keys == sorted(keys, reverse=True), "not newest first"
    for e in got:
        r = recs[e["EventId"]]
        assert json.loads(e["CloudTrailEvent"]) == r
        assert e["EventName"] == r["eventName"] and e["EventSource"] == r["eventSource"]
        assert e["EventTime"] == ts(r["eventTime"])
        assert e["ReadOnly"] == ("true" if r["readOnly"] else "false")
        ak = (r.get("userIdentity") or {}).get("accessKeyId")
        assert e.get("AccessKeyId") == ak, (e.get("AccessKeyId"), ak)
        assert isinstance(e["Resources"], list)
        for res, rr in zip(e["Resources"], r.get("resources") or []):
            assert res.get("ResourceName") == rr.get("ARN") and res.get("ResourceType") == rr.get("type")
    # One attribute lookup per history: EventName of the newest event.
    if not got:
        continue
    name = got[0]["EventName"]
    page = json.loads(subprocess.check_output(
        [cairn, "lookup", "--data", data, "--account", acct, "--region", region, "--format", "json",
         "--attribute", "EventName=" + name] + extra))
    n = sum(1 for r in recs.values() if r["eventName"] == name)
    assert len(page["Events"]) == min(n, 50) and all(e["EventName"] == name for e in page["Events"])
    checked += len(got)
print("checked", checked, "events in", len(want), "histories")
EOF
}

# --- Stratus corpus, as of its own date ---------------------------------------------------------
D="$TMP/stratus"
expect_rc 0 "$CAIRN_BIN" import "$STRATUS" --data "$D" --as-of "$AS_OF" --format json
[ "$(json_get "$TMP/out" accepted)" = 310 ]
[ "$(json_get "$TMP/out" duplicates)" = 0 ]
[ "$(json_get "$TMP/out" history.accepted)" -gt 0 ]
HIST=$(json_get "$TMP/out" history.accepted)
# Re-import: everything is a duplicate, nothing new anywhere.
expect_rc 0 "$CAIRN_BIN" import "$STRATUS" --data "$D" --as-of "$AS_OF" --format json
[ "$(json_get "$TMP/out" accepted)" = 0 ]
[ "$(json_get "$TMP/out" duplicates)" = 310 ]
[ "$(json_get "$TMP/out" history.accepted)" = 0 ]
[ "$(json_get "$TMP/out" history.duplicates)" = "$HIST" ]
check_histories "$D" "$STRATUS" "$AS_OF"

# stores: one organization store with every event, histories adding up.
expect_rc 0 "$CAIRN_BIN" stores --data "$D" --format json
python3 - "$TMP/out" "$HIST" <<'EOF'
import json, sys
stores = json.load(open(sys.argv[1]))["stores"]
eds = [s for s in stores if s["kind"] == "event-data-store"]
assert len(eds) == 1 and eds[0]["events"] == 310 and eds[0]["name"] == "organization", eds
assert len(eds[0]["id"]) == 36 and eds[0]["bytes_on_disk"] > 0
assert sum(s["events"] for s in stores if s["kind"] == "history") == int(sys.argv[2])
EOF
expect_rc 0 "$CAIRN_BIN" stores --data "$D"
grep -q "event-data-store" "$TMP/out"

# Without --as-of the Stratus events are more than 90 days old: not in event history.
expect_rc 0 "$CAIRN_BIN" import "$STRATUS" --data "$TMP/now" --format json
[ "$(json_get "$TMP/out" history.accepted)" = 0 ]
[ "$(json_get "$TMP/out" history.older_than_90_days)" = 310 ]

# Lookup: table output, unknown account (empty), validation errors named as AWS names them.
ACCT=$(python3 -c 'import json,sys; print([s for s in json.load(open(sys.argv[1]))["stores"] if s["kind"]=="history"][0]["account"])' <("$CAIRN_BIN" stores --data "$D" --format json))
REGION=$(python3 -c 'import json,sys; print([s for s in json.load(open(sys.argv[1]))["stores"] if s["kind"]=="history"][0]["region"])' <("$CAIRN_BIN" stores --data "$D" --format json))
L=("$CAIRN_BIN" lookup --data "$D" --account "$ACCT" --region "$REGION" --as-of "$AS_OF")
expect_rc 0 "${L[@]}" --max 2
grep -q "EVENT NAME" "$TMP/out"
grep -q "next token:" "$TMP/out" || [ "$(grep -c amazonaws "$TMP/out")" -le 2 ]
expect_rc 0 "$CAIRN_BIN" lookup --data "$D" --account 999999999999 --region us-east-1 --format json
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["Events"]))' "$TMP/out")" = 0 ]
expect_rc 2 "${L[@]}" --max 51
grep -q InvalidMaxResultsException "$TMP/err"
expect_rc 2 "${L[@]}" --max 0
grep -q InvalidMaxResultsException "$TMP/err"
expect_rc 2 "${L[@]}" --attribute Color=red
grep -q InvalidLookupAttributesException "$TMP/err"
expect_rc 2 "${L[@]}" --attribute EventName=A --attribute EventSource=B
grep -q InvalidLookupAttributesException "$TMP/err"
expect_rc 2 "${L[@]}" --category insight --attribute Username=alice
grep -q InvalidLookupAttributesException "$TMP/err"
expect_rc 2 "${L[@]}" --category management
grep -q InvalidEventCategoryException "$TMP/err"
expect_rc 2 "${L[@]}" --start 2024-08-02T00:00:00Z --end 2024-08-01T00:00:00Z
grep -q InvalidTimeRangeException "$TMP/err"
expect_rc 2 "${L[@]}" --next-token garbage
grep -q InvalidNextTokenException "$TMP/err"
# A real token, tampered, or sent with other parameters.
expect_rc 0 "${L[@]}" --max 1 --format json
TOKEN=$(json_get "$TMP/out" NextToken)
expect_rc 0 "${L[@]}" --max 1 --next-token "$TOKEN"
BAD="${TOKEN:0:5}$( [ "${TOKEN:5:1}" = A ] && echo B || echo A )${TOKEN:6}"
expect_rc 2 "${L[@]}" --max 1 --next-token "$BAD"
grep -q InvalidNextTokenException "$TMP/err"
expect_rc 2 "${L[@]}" --max 1 --next-token "$TOKEN" --attribute EventName=ListBuckets
grep -q InvalidNextTokenException "$TMP/err"
# Usage errors and missing things.
expect_rc 2 "$CAIRN_BIN" lookup --data "$D" --account "$ACCT"
expect_rc 1 "$CAIRN_BIN" lookup --data "$TMP/none" --account 1 --region r
expect_rc 1 "$CAIRN_BIN" stores --data "$TMP/none"
expect_rc 2 "$CAIRN_BIN" import "$STRATUS" --data "$D" --as-of yesterday
expect_rc 1 "$CAIRN_BIN" import "$TMP/no-such-file.json" --data "$TMP/d2"

# --- a generated organization, if `cairn generate` is available --------------------------------
if "$CAIRN_BIN" --help 2>/dev/null | grep -qw generate; then
  G="$TMP/gen"
  "$CAIRN_BIN" generate --out "$G" --accounts 3 --regions 2 --days 2 --events 4000 --seed 7 >/dev/null
  expect_rc 0 "$CAIRN_BIN" import "$G" --data "$TMP/g" --format json
  N=$(json_get "$TMP/out" events)
  [ "$N" -gt 3000 ]
  [ "$(json_get "$TMP/out" accepted)" = "$N" ]
  expect_rc 0 "$CAIRN_BIN" import "$G" --data "$TMP/g" --format json
  [ "$(json_get "$TMP/out" duplicates)" = "$N" ]
  [ "$(json_get "$TMP/out" accepted)" = 0 ]
  check_histories "$TMP/g" "$G" ""
fi
echo OK
