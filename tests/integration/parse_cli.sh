#!/usr/bin/env bash
# `cairn parse`: exit codes (0 clean, 1 rejected input, 2 usage), --format json, --records NDJSON,
# stdin, gzip, an AWSLogs tree with digest and Insights files, errors naming file and record.
set -euo pipefail
STRATUS="$CAIRN_SHARED_DATA/cloudtrail-real/stratus-red-team/detonation-logs"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

expect_rc() {  # expect_rc WANT CMD...
  local want=$1; shift
  set +e; "$@" >"$TMP/out" 2>"$TMP/err"; local rc=$?; set -e
  if [ "$rc" != "$want" ]; then
    echo "expected exit $want, got $rc: $*"; cat "$TMP/err"; exit 1
  fi
}
json_get() {  # json_get FILE KEY
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

# The real corpus parses cleanly: 310 records.
expect_rc 0 "$CAIRN_BIN" parse "$STRATUS"
grep -q "records accepted *310" "$TMP/out"
expect_rc 0 "$CAIRN_BIN" parse "$STRATUS" --format json --threads 2
[ "$(json_get "$TMP/out" events)" = 310 ]
[ "$(json_get "$TMP/out" files_read)" = 35 ]

# --records: one compact JSON object per line, 310 lines; the summary goes to stderr.
expect_rc 0 "$CAIRN_BIN" parse "$STRATUS" --records
[ "$(wc -l <"$TMP/out")" = 310 ]
python3 - "$TMP/out" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
for line in lines:
    rec = json.loads(line)
    assert isinstance(rec, dict) and rec["eventID"], line[:80]
    assert "\n" not in line and not line.startswith(" ")
assert len({json.loads(l)["eventID"] for l in lines}) == 310
EOF
grep -q "records accepted" "$TMP/err"

# stdin, and a gzip'd S3 delivery file in an AWSLogs tree (both layouts) beside a digest and an
# Insights file, which are counted, not parsed.
one="$STRATUS/aws.defense-evasion.cloudtrail-stop.json"
expect_rc 0 "$CAIRN_BIN" parse - --format json <"$one"
[ "$(json_get "$TMP/out" events)" = 1 ]
acct="$TMP/bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2024/07/31"
org="$TMP/bucket/AWSLogs/o-abcdefghij/444455556666/CloudTrail/eu-west-1/2024/07/31"
dig="$TMP/bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/07/31"
ins="$TMP/bucket/AWSLogs/o-abcdefghij/444455556666/CloudTrail-Insight/eu-west-1/2024/07/31"
mkdir -p "$acct" "$org" "$dig" "$ins"
python3 - "$STRATUS" "$acct" "$org" "$dig" "$ins" <<'EOF'
import glob, gzip, json, os, sys
stratus, acct, org, dig, ins = sys.argv[1:]
recs = []
for f in sorted(glob.glob(os.path.join(stratus, "*.json"))):
    recs += json.load(open(f))
def put(path, obj):
    with gzip.open(path, "wt") as fh:
        json.dump(obj, fh, separators=(",", ":"))
put(os.path.join(acct, "111122223333_CloudTrail_us-east-1_20240731T1305Z_AAAAAAAAAAAAAAAA.json.gz"), {"Records": recs[:100]})
put(os.path.join(org, "444455556666_CloudTrail_eu-west-1_20240731T1310Z_BBBBBBBBBBBBBBBB.json.gz"), {"Records": recs[100:]})
put(os.path.join(dig, "111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240731T130500Z.json.gz"), {"awsAccountId": "111122223333"})
put(os.path.join(ins, "444455556666_CloudTrail-Insight_eu-west-1_20240731T1330Z_CCCCCCCCCCCCCCCC.json.gz"), {"Records": []})
EOF
expect_rc 0 "$CAIRN_BIN" parse "$TMP/bucket" --format json
[ "$(json_get "$TMP/out" events)" = 310 ]
[ "$(json_get "$TMP/out" files_read)" = 2 ]
[ "$(json_get "$TMP/out" digest_files_skipped)" = 1 ]
[ "$(json_get "$TMP/out" insight_files_skipped)" = 1 ]

# Rejected input: exit 1, the good records still counted, errors name file, record and reason.
printf '[{"eventTime":"2024-01-01T00:00:00Z","eventID":"a"},{"eventID":"b"},42,{"eventTime":"2024-01-01T00:00:00Z","eventID":"c","eventName":7}]' >"$TMP/bad.json"
expect_rc 1 "$CAIRN_BIN" parse "$TMP/bad.json" --format json
[ "$(json_get "$TMP/out" accepted)" = 1 ]
[ "$(json_get "$TMP/out" rejected)" = 3 ]
grep -q "bad.json: record 1 (offset [0-9]*): eventTime is missing" "$TMP/err"
grep -q "bad.json: record 2 (offset [0-9]*): the record is a number, not a JSON object" "$TMP/err"
grep -q "bad.json: record 3 (offset [0-9]*): eventName is a number, expected a string" "$TMP/err"
# Truncated file: the records before the damage come through, one error with the offset.
head -c 40000 "$STRATUS/aws.credential-access.ec2-get-password-data.json" >"$TMP/cut.json"
expect_rc 1 "$CAIRN_BIN" parse "$TMP/cut.json" --format json
[ "$(json_get "$TMP/out" rejected)" = 1 ]
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["accepted"] > 5 and d["rejected_by_reason"]["truncated"] == 1' "$TMP/out"
grep -q "cut.json: offset [0-9]*: record [0-9]* is not closed" "$TMP/err"
expect_rc 1 "$CAIRN_BIN" parse "$TMP/no-such-file.json"
grep -q "no-such-file.json: no such file or folder" "$TMP/err"

# Usage errors.
expect_rc 2 "$CAIRN_BIN" parse
expect_rc 2 "$CAIRN_BIN" parse "$STRATUS" --format xml
expect_rc 2 "$CAIRN_BIN" parse "$STRATUS" --no-such-flag
"$CAIRN_BIN" parse --help >/dev/null
echo "parse_cli: ok"
