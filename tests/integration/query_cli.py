#!/usr/bin/env python3
"""`cairn query`: Lake SQL over an imported generated organization, checked against the records.

Generates a small organization (3 accounts), imports it, then:
- counts, group-bys and needles agree with the records read by Python from the log files;
- --format json is GetQueryResults' shape (QueryStatus, QueryStatistics, QueryResultRows of
  single-entry objects, NULL as null); --format csv is RFC 4180 with a header;
- --account restricts every scan to one account: count(*), aggregates, joins, subqueries and
  UNNEST see only that account's events;
- refused statements, unknown stores and functions, syntax errors: exit 2 with the Lake's error
  name and line:col; the time and memory limits end the query with a clear error (exit 1).
"""
import csv
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile

CAIRN = os.environ["CAIRN_BIN"]


def run(*args, want=0, stdin=None):
    p = subprocess.run([CAIRN, *args], input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode != want:
        sys.exit(f"expected exit {want}, got {p.returncode}: cairn {' '.join(args)}\n{p.stderr}")
    return p


def main():
    with tempfile.TemporaryDirectory(prefix="cairn-query-") as tmp:
        org, data = os.path.join(tmp, "org"), os.path.join(tmp, "data")
        run("generate", "--out", org, "--accounts", "3", "--regions", "2", "--days", "2",
            "--events", "3000", "--end", "2025-01-15")
        run("import", "--data", data, org)
        stores = json.loads(run("stores", "--data", data, "--format", "json").stdout)["stores"]
        eds = [s["id"] for s in stores if s["kind"] == "event-data-store"]
        assert len(eds) == 1, stores
        eds = eds[0]

        records = []
        for root, _, files in os.walk(org):
            for f in files:
                if f.endswith(".json.gz") and "Digest" not in root:
                    records.extend(json.loads(gzip.open(os.path.join(root, f)).read())["Records"])
        by_id = {r["eventID"]: r for r in records}
        assert len(by_id) > 1000, len(by_id)

        def query(sql, *extra):
            out = run("query", "--data", data, sql, "--format", "json", *extra).stdout
            return json.loads(out)

        def rows(doc):
            return [[list(c.values())[0] for c in row] for row in doc["QueryResultRows"]]

        # count(*) and the statistics
        doc = query(f"SELECT count(*) AS n FROM {eds}")
        assert doc["QueryStatus"] == "FINISHED"
        st = doc["QueryStatistics"]
        for k in ("ResultsCount", "TotalResultsCount", "BytesScanned", "EventsMatched",
                  "EventsScanned", "ExecutionTimeInMillis"):
            assert isinstance(st[k], int), (k, st)
        assert doc["QueryResultRows"] == [[{"n": str(len(by_id))}]], doc["QueryResultRows"]
        assert st["EventsScanned"] == len(by_id) and st["BytesScanned"] > 0, st
        assert st["ResultsCount"] == 1 and st["TotalResultsCount"] == 1, st

        # group by, against Python's count
        want = {}
        for r in by_id.values():
            want[r["eventName"]] = want.get(r["eventName"], 0) + 1
        doc = query(f"SELECT eventName, count(*) FROM {eds} GROUP BY eventName ORDER BY 2 DESC, 1")
        got = {name: int(n) for name, n in rows(doc)}
        assert got == want
        assert list(doc["QueryResultRows"][0][1].keys()) == ["_col1"]

        # a needle, with timestamp rendering and NULLs
        some = sorted(by_id)[len(by_id) // 2]
        r = by_id[some]
        doc = query(f"SELECT eventTime, eventName, errorCode, userIdentity.arn FROM {eds} "
                    f"WHERE eventID = '{some}'")
        (row,) = doc["QueryResultRows"]
        assert row[0] == {"eventTime": r["eventTime"].replace("T", " ").replace("Z", "") + ".000"}, row
        assert row[1] == {"eventName": r["eventName"]}
        assert row[2] == {"errorCode": r.get("errorCode")}, row  # null when absent
        assert row[3] == {"arn": r["userIdentity"].get("arn")}, row
        assert doc["QueryStatistics"]["EventsMatched"] == 1

        # time range on string literals
        lo, hi = "2025-01-14 00:00:00", "2025-01-14 12:00:00"
        n = sum(1 for r in by_id.values() if lo <= r["eventTime"].replace("T", " ")[:19] < hi)
        doc = query(f"SELECT count(*) FROM {eds} WHERE eventTime >= '{lo}' AND eventTime < '{hi}'")
        assert rows(doc) == [[str(n)]], (rows(doc), n)

        # csv and table output
        out = run("query", "--data", data, f"SELECT eventID, errorCode FROM {eds} WHERE eventID = '{some}'",
                  "--format", "csv").stdout
        parsed = list(csv.reader(io.StringIO(out)))
        assert parsed == [["eventID", "errorCode"], [some, r.get("errorCode") or ""]], parsed
        out = run("query", "--data", data, f"SELECT eventName, count(*) AS n FROM {eds} GROUP BY 1").stdout
        assert out.splitlines()[0].split() == ["eventName", "n"], out
        assert f"({len(want)} rows;" in out, out
        # SQL from stdin
        out = run("query", "--data", data, "-", "--format", "csv", stdin=f"SELECT 1 + 1 AS two FROM {eds} LIMIT 1").stdout
        assert out.splitlines() == ["two", "2"], repr(out)

        # --account: the member account's view, enforced inside the scans
        accounts = sorted({r["recipientAccountId"] for r in by_id.values()})
        assert len(accounts) >= 2, accounts
        member = accounts[1]
        mine = [r for r in by_id.values() if r["recipientAccountId"] == member]
        queries = {
            f"SELECT count(*) FROM {eds}": len(mine),
            f"SELECT count(DISTINCT recipientAccountId) FROM {eds}": 1,
            f"SELECT count(*) FROM {eds} a JOIN {eds} b ON a.eventID = b.eventID": len(mine),
            f"SELECT count(*) FROM (SELECT eventID FROM {eds} WHERE recipientAccountId <> '{member}')": 0,
            f"SELECT count(*) FROM {eds} WHERE eventID IN (SELECT eventID FROM {eds})": len(mine),
            # a join with distinct keys runs as an IN term of the scan, the keys as a subquery
            f"SELECT count(*) FROM {eds} a JOIN (SELECT DISTINCT eventID AS k FROM {eds}) d ON a.eventID = d.k":
                len(mine),
            f"SELECT count(*) FROM {eds} a JOIN (SELECT DISTINCT userIdentity.arn AS k FROM {eds} "
            f"WHERE errorCode IS NOT NULL) d ON a.userIdentity.arn = d.k":
                sum(1 for r in mine if (r.get("userIdentity") or {}).get("arn") in
                    {(x.get("userIdentity") or {}).get("arn") for x in mine if x.get("errorCode")} - {None}),
            f"SELECT count(*) FROM {eds} CROSS JOIN UNNEST(resources) AS t(r)":
                sum(len(r.get("resources") or []) for r in mine),
            f"WITH x AS (SELECT * FROM {eds}) SELECT count(*) FROM x": len(mine),
            f"SELECT count(*) FROM {eds} UNION ALL SELECT count(*) FROM {eds}": len(mine),
        }
        for sql, n in queries.items():
            got = rows(query(sql, "--account", member))
            assert all(int(v[0]) == n for v in got), (sql, got, n)
        doc = query(f"SELECT recipientAccountId, count(*) FROM {eds} GROUP BY 1", "--account", member)
        assert rows(doc) == [[member, str(len(mine))]], rows(doc)
        assert rows(query(f"SELECT count(*) FROM {eds}", "--account", "000000000000")) == [["0"]]

        # statement errors: exit 2, the Lake's error names, positions
        def error(sql, want_rc=2):
            return run("query", "--data", data, sql, want=want_rc).stderr
        e = error(f"DELETE FROM {eds}")
        assert "InvalidQueryStatementException" in e and "line 1:1" in e, e
        e = error(f"SELECT 1 FROM {eds}; SELECT 2 FROM {eds}")
        assert "InvalidQueryStatementException" in e and "multiple statements" in e, e
        e = error("SELECT eventName FROM nosuchstore")
        assert "EventDataStoreNotFoundException" in e and "line 1:23" in e, e
        e = error(f"SELECT eventName\nFROM {eds}\nWHERE eventName = = 'x'")
        assert "InvalidQueryStatementException: line 3:" in e, e
        e = error(f"SELECT no_such_function(eventName) FROM {eds}")
        assert "InvalidQueryStatementException" in e and "not registered" in e, e
        e = error(f"SELECT 1 FROM {eds} WHERE " + " OR ".join(["eventName = 'x'"] * 700))
        assert "10000" in e, e
        # limits: the query fails, the message says which limit
        big = f"SELECT a.eventID FROM {eds} a CROSS JOIN {eds} b ORDER BY 1"
        e = run("query", "--data", data, big, "--memory-limit", "1", want=1).stderr
        assert "memory limit" in e, e
        e = run("query", "--data", data, big, "--time-limit", "0.05", want=1).stderr
        assert "time limit" in e, e
        run("query", "--data", data, "SELECT 1", "--format", "xml", want=2)
        run("query", "--data", os.path.join(tmp, "missing"), "SELECT 1", want=1)
    print("query_cli: ok")


if __name__ == "__main__":
    main()
