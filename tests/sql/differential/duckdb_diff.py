#!/usr/bin/env python3
"""Differential test of cairn's Lake SQL against DuckDB on the same generated events.

    tests/sql/differential/duckdb_diff.py [--events N] [--generated N] [--seed S] [--keep DIR]

Generates an organization (`cairn generate`), imports it (`cairn import`), loads the same log files
into a DuckDB table with typed columns, then runs every query — hand-written ones and `--generated`
random ones built from the values in the data — through both (`cairn query --format json`, and
DuckDB with the query adapted to its dialect: see to_duckdb). Results must be equal as multisets of
rows (in order when the query's ORDER BY fixes it); numbers compare as numbers, timestamps in one
form. A mismatch prints the query and both sides; the exit status is 1 if any query differs.

make test runs a small size (tests/integration/sql_differential.sh); run a larger one by hand, e.g.
--events 200000 --generated 1000.
"""
import argparse
import gzip
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
NODE_PATH = os.path.join(ROOT, ".deps", "node", "node_modules")

# The records' type for DuckDB is the benchmarks' (bench/lib/duckdb.py).
sys.path.insert(0, os.path.join(ROOT, "bench", "lib"))
from duckdb import RECORD_TYPE as DUCKDB_RECORD  # noqa: E402


def to_duckdb(sql, table):
    """The same query in DuckDB's dialect: maps are JSON there, and a few functions differ in name."""
    s = sql.replace("{T}", table)
    s = re.sub(r"element_at\((\w+), '([A-Za-z0-9_]+)'\)", r"json_extract_string(\1, '$.\2')", s)
    s = re.sub(r"(\w+)\['([A-Za-z0-9_]+)'\]", r"json_extract_string(\1, '$.\2')", s)
    s = s.replace("day_of_week(", "isodow(").replace("regexp_like(", "regexp_matches(")
    s = s.replace("cardinality(", "len(").replace("day_of_year(", "dayofyear(")
    return s


def hand_written():
    """Queries written by hand: (sql, ordered). {T} is the table."""
    q = [
        ("SELECT count(*) FROM {T}", False),
        ("SELECT eventName, count(*) FROM {T} GROUP BY eventName", False),
        ("SELECT eventSource, eventName, count(*) AS c FROM {T} GROUP BY 1, 2 ORDER BY c DESC, 1, 2 LIMIT 15", True),
        ("SELECT awsRegion, recipientAccountId, count(*) FROM {T} GROUP BY awsRegion, recipientAccountId", False),
        ("SELECT errorCode, eventSource, count(*) FROM {T} WHERE errorCode IS NOT NULL GROUP BY 1, 2", False),
        ("SELECT count(*) FROM {T} WHERE errorCode IS NULL", False),
        ("SELECT min(eventTime), max(eventTime) FROM {T}", False),
        ("SELECT date_trunc('hour', eventTime) AS h, count(*) FROM {T} GROUP BY 1 ORDER BY 1", True),
        ("SELECT date_trunc('day', eventTime), recipientAccountId, count(*) FROM {T} GROUP BY 1, 2", False),
        ("SELECT hour(eventTime), count(*) FROM {T} GROUP BY 1", False),
        ("SELECT day_of_week(eventTime), count(*) FROM {T} GROUP BY 1", False),
        ("SELECT userIdentity.type, count(*) FROM {T} GROUP BY 1", False),
        ("SELECT userIdentity.arn, count(DISTINCT sourceIPAddress) FROM {T} GROUP BY 1", False),
        ("SELECT userIdentity.sessionContext.sessionIssuer.userName, count(*) FROM {T} GROUP BY 1", False),
        ("SELECT userIdentity.sessionContext.sessionIssuer.arn, eventSource, count(*) AS c FROM {T} "
         "GROUP BY 1, 2 ORDER BY c DESC, 1, 2 LIMIT 10", True),
        ("SELECT count(DISTINCT eventName), count(DISTINCT userIdentity.arn), count(DISTINCT sourceIPAddress) FROM {T}", False),
        ("SELECT readOnly, managementEvent, count(*) FROM {T} GROUP BY 1, 2", False),
        ("SELECT eventCategory, eventType, count(*) FROM {T} GROUP BY 1, 2", False),
        ("SELECT tlsDetails.tlsVersion, count(*) FROM {T} GROUP BY 1", False),
        ("SELECT element_at(requestParameters, 'bucketName') AS b, count(*) FROM {T} "
         "WHERE element_at(requestParameters, 'bucketName') IS NOT NULL GROUP BY 1", False),
        ("SELECT requestParameters['roleSessionName'], count(*) FROM {T} WHERE eventName = 'AssumeRole' GROUP BY 1", False),
        ("SELECT eventID, eventTime, eventName FROM {T} ORDER BY eventTime DESC, eventID LIMIT 20", True),
        ("SELECT eventID FROM {T} ORDER BY eventID LIMIT 5", True),
        ("SELECT r.type, count(*) FROM {T} CROSS JOIN UNNEST(resources) AS t(r) GROUP BY 1", False),
        ("SELECT count(*) FROM {T} CROSS JOIN UNNEST(resources) AS t(r) WHERE r.arn LIKE 'arn:aws:s3%'", False),
        ("SELECT cardinality(resources), count(*) FROM {T} GROUP BY 1", False),
        ("SELECT count(*) FROM {T} a JOIN {T} b ON a.eventID = b.eventID", False),
        ("SELECT a.eventName, count(*) FROM {T} a JOIN {T} b ON a.requestID = b.requestID "
         "AND a.eventID <> b.eventID GROUP BY 1", False),
        ("SELECT count(*) FROM {T} a LEFT JOIN (SELECT eventID FROM {T} WHERE errorCode IS NOT NULL) e "
         "ON a.eventID = e.eventID WHERE e.eventID IS NULL", False),
        ("SELECT eventName FROM {T} WHERE errorCode IS NOT NULL UNION SELECT eventName FROM {T} WHERE readOnly = false", False),
        ("SELECT eventSource FROM {T} EXCEPT SELECT eventSource FROM {T} WHERE readOnly", False),
        ("SELECT eventSource FROM {T} WHERE errorCode IS NOT NULL INTERSECT SELECT eventSource FROM {T} WHERE readOnly", False),
        ("SELECT count(*) FROM (SELECT eventName FROM {T} UNION ALL SELECT eventName FROM {T})", False),
        ("WITH e AS (SELECT eventName, count(*) AS n FROM {T} GROUP BY 1) SELECT max(n), min(n), sum(n) FROM e", False),
        ("SELECT count(*) FROM {T} WHERE userIdentity.arn IN (SELECT userIdentity.arn FROM {T} WHERE errorCode IS NOT NULL)", False),
        # joins with distinct keys (run as IN terms of the scan), DISTINCT as a GROUP BY
        ("SELECT a.userIdentity.arn, count(*) AS c FROM {T} a JOIN (SELECT DISTINCT userIdentity.arn AS arn FROM {T} "
         "WHERE errorCode IS NOT NULL) d ON a.userIdentity.arn = d.arn GROUP BY 1", False),
        ("SELECT d.s, a.eventName, count(*) FROM (SELECT eventSource AS s FROM {T} WHERE readOnly = false GROUP BY 1) d "
         "JOIN {T} a ON d.s = a.eventSource GROUP BY 1, 2", False),
        ("SELECT a.eventID, d.arn FROM {T} a JOIN (SELECT DISTINCT userIdentity.arn AS arn FROM {T} WHERE eventName = "
         "'ConsoleLogin') d ON a.userIdentity.arn = d.arn ORDER BY 1 LIMIT 25", True),
        ("SELECT DISTINCT eventSource, eventName FROM {T} WHERE errorCode IS NOT NULL", False),
        ("SELECT eventName, count(*) FROM {T} GROUP BY eventName HAVING count(*) > 20", False),
        ("SELECT CASE WHEN errorCode IS NULL THEN 'ok' WHEN errorCode LIKE '%Denied%' THEN 'denied' ELSE 'error' END, count(*) FROM {T} GROUP BY 1", False),
        ("SELECT coalesce(errorCode, 'none'), count(*) FROM {T} GROUP BY 1", False),
        ("SELECT IF(readOnly, 'read', 'write'), count(*) FROM {T} GROUP BY 1", False),
        ("SELECT lower(eventName), upper(awsRegion), length(eventID), substr(eventSource, 1, 5), "
         "strpos(eventSource, '.'), split_part(eventSource, '.', 1) FROM {T} ORDER BY eventID LIMIT 30", True),
        ("SELECT replace(eventSource, '.amazonaws.com', ''), count(*) FROM {T} GROUP BY 1", False),
        ("SELECT concat(eventSource, ':', eventName) AS api, count(*) FROM {T} GROUP BY 1", False),
        ("SELECT eventSource || '/' || eventName, count(*) FROM {T} GROUP BY 1", False),
        ("SELECT count(*) FROM {T} WHERE regexp_like(userAgent, '^aws-cli')", False),
        ("SELECT count(*) FROM {T} WHERE sourceIPAddress LIKE '%.amazonaws.com'", False),
        ("SELECT trim(' ' || eventName || ' ') = eventName, count(*) FROM {T} GROUP BY 1", False),
        ("SELECT max_by(eventName, eventID), min_by(eventSource, eventID) FROM {T}", False),
        ("SELECT recipientAccountId, max_by(eventID, eventID), min(eventID) FROM {T} GROUP BY 1", False),
        ("SELECT sum(length(eventName)), avg(length(eventName)) FROM {T}", False),
        ("SELECT eventName, avg(length(sourceIPAddress)) FROM {T} GROUP BY 1", False),
        ("SELECT eventID, row_number() OVER (PARTITION BY recipientAccountId ORDER BY eventID) FROM {T} ORDER BY 1 LIMIT 40", True),
        ("SELECT eventName, rank() OVER (ORDER BY c DESC) FROM (SELECT eventName, count(*) AS c FROM {T} GROUP BY 1) ORDER BY 1", True),
        ("SELECT DISTINCT awsRegion FROM {T}", False),
        ("SELECT DISTINCT eventSource, readOnly FROM {T}", False),
        ("SELECT count(*) FROM {T} WHERE eventTime BETWEEN '2025-01-13 00:00:00' AND '2025-01-13 12:00:00'", False),
        ("SELECT count(*) FROM {T} WHERE eventTime > '2025-01-14' AND eventTime <= '2025-01-14 06:30:00'", False),
        ("SELECT count(*) FROM {T} WHERE NOT (readOnly OR errorCode IS NOT NULL)", False),
        ("SELECT count(*) FROM {T} WHERE vpcEndpointId IS NOT NULL AND vpcEndpointAccountId IS NULL", False),
        ("SELECT count(*) FROM {T} WHERE userIdentity.invokedBy IS NOT NULL OR userIdentity.type = 'AWSService'", False),
        ("SELECT eventName FROM {T} WHERE eventName NOT IN ('AssumeRole', 'Decrypt', 'GetObject') GROUP BY 1 ORDER BY 1", True),
        ("SELECT userIdentity.sessionContext.attributes.mfaAuthenticated, count(*) FROM {T} GROUP BY 1", False),
        ("SELECT date_trunc('minute', userIdentity.sessionContext.attributes.creationDate) IS NULL, count(*) FROM {T} GROUP BY 1", False),
    ]
    return q


class Pools:
    """Values seen in the data, to build predicates that select something."""

    def __init__(self, records):
        def values(get):
            vs = sorted({v for v in (get(r) for r in records) if isinstance(v, str)})
            return vs or ["none"]
        self.names = values(lambda r: r.get("eventName"))
        self.sources = values(lambda r: r.get("eventSource"))
        self.regions = values(lambda r: r.get("awsRegion"))
        self.accounts = values(lambda r: r.get("recipientAccountId"))
        self.errors = values(lambda r: r.get("errorCode"))
        self.ips = values(lambda r: r.get("sourceIPAddress"))
        self.arns = values(lambda r: (r.get("userIdentity") or {}).get("arn"))
        self.types = values(lambda r: (r.get("userIdentity") or {}).get("type"))
        self.ids = values(lambda r: r.get("eventID"))
        self.keys = values(lambda r: (r.get("userIdentity") or {}).get("accessKeyId"))
        self.buckets = values(lambda r: (r.get("requestParameters") or {}).get("bucketName"))
        times = sorted(r["eventTime"] for r in records)
        self.times = [t.replace("T", " ").replace("Z", "") for t in times]


def q(s):
    return "'" + s.replace("'", "''") + "'"


def generated(pools, n, seed):
    rnd = random.Random(seed)

    def pred():
        k = rnd.randrange(16)
        if k == 0:
            return f"eventName = {q(rnd.choice(pools.names))}"
        if k == 1:
            return "eventName IN (" + ", ".join(q(x) for x in rnd.sample(pools.names, min(3, len(pools.names)))) + ")"
        if k == 2:
            return f"eventSource = {q(rnd.choice(pools.sources))}"
        if k == 3:
            return f"awsRegion = {q(rnd.choice(pools.regions))}"
        if k == 4:
            return f"recipientAccountId = {q(rnd.choice(pools.accounts))}"
        if k == 5:
            return rnd.choice(["errorCode IS NULL", "errorCode IS NOT NULL", f"errorCode = {q(rnd.choice(pools.errors))}"])
        if k == 6:
            return rnd.choice(["readOnly", "NOT readOnly", "readOnly = true", "managementEvent = false"])
        if k == 7:
            a, b = sorted(rnd.sample(pools.times, 2))
            return f"eventTime >= {q(a)} AND eventTime < {q(b)}"
        if k == 8:
            return f"eventTime > {q(rnd.choice(pools.times))}"
        if k == 9:
            return f"userIdentity.type = {q(rnd.choice(pools.types))}"
        if k == 10:
            return f"userIdentity.arn = {q(rnd.choice(pools.arns))}"
        if k == 11:
            return f"eventSource LIKE {q(rnd.choice(pools.sources)[:3] + '%')}"
        if k == 12:
            return f"sourceIPAddress = {q(rnd.choice(pools.ips))}"
        if k == 13:
            return f"element_at(requestParameters, 'bucketName') = {q(rnd.choice(pools.buckets))}"
        if k == 14:
            return f"(eventName = {q(rnd.choice(pools.names))} OR awsRegion = {q(rnd.choice(pools.regions))})"
        return f"NOT (eventSource = {q(rnd.choice(pools.sources))})"

    def where():
        k = rnd.randrange(4)
        return "" if k == 0 else " WHERE " + " AND ".join(pred() for _ in range(k))

    keys = ["eventName", "eventSource", "awsRegion", "recipientAccountId", "errorCode", "userIdentity.type",
            "userIdentity.arn", "readOnly", "date_trunc('hour', eventTime)", "hour(eventTime)",
            "userIdentity.sessionContext.sessionIssuer.userName", "element_at(requestParameters, 'bucketName')",
            "eventCategory", "tlsDetails.tlsVersion"]
    aggs = ["count(*)", "count(DISTINCT sourceIPAddress)", "count(errorCode)", "min(eventTime)", "max(eventTime)",
            "count(DISTINCT eventName)", "min(eventID)", "max(userIdentity.arn)", "sum(length(eventName))",
            "count(DISTINCT userIdentity.arn)"]
    out = []
    for i in range(n):
        shape = rnd.randrange(7)
        w = where()
        if shape == 0:
            out.append((f"SELECT count(*) FROM {{T}}{w}", False))
        elif shape == 1:
            k = rnd.choice(keys)
            a = ", ".join(rnd.sample(aggs, rnd.randint(1, 3)))
            out.append((f"SELECT {k}, {a} FROM {{T}}{w} GROUP BY {k}", False))
        elif shape == 2:
            k1, k2 = rnd.sample(keys, 2)
            out.append((f"SELECT {k1}, {k2}, count(*) AS c FROM {{T}}{w} GROUP BY 1, 2 ORDER BY c DESC, 1, 2 LIMIT 10",
                        True))
        elif shape == 3:
            out.append((f"SELECT eventID, eventTime, eventName, userIdentity.arn, errorCode FROM {{T}}{w} "
                        f"ORDER BY eventTime DESC, eventID LIMIT {rnd.choice([1, 5, 20])}", True))
        elif shape == 4:
            a = ", ".join(rnd.sample(aggs, 3))
            out.append((f"SELECT {a} FROM {{T}}{w}", False))
        elif shape == 5:
            needle = rnd.choice([f"eventID = {q(rnd.choice(pools.ids))}",
                                 f"userIdentity.accessKeyId = {q(rnd.choice(pools.keys))}",
                                 f"sourceIPAddress = {q(rnd.choice(pools.ips))}"])
            out.append((f"SELECT eventID, eventName, eventTime, recipientAccountId FROM {{T}} WHERE {needle}", False))
        else:
            k = rnd.choice(keys)
            out.append((f"SELECT {k}, count(*) FROM {{T}}{w} GROUP BY {k} HAVING count(*) > {rnd.choice([1, 2, 5, 10])}",
                        False))
    return out


TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?Z?$")


def norm(v):
    """One comparable form for a cell from either side."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return ("num", float(f"{float(v):.9g}"))
    if isinstance(v, list):
        return "[" + ", ".join("null" if x is None else str(norm(x) if not isinstance(x, str) else x) for x in v) + "]"
    if isinstance(v, str):
        m = TIMESTAMP.match(v)
        if m:
            frac = (m.group(3) or ".0")[1:]
            return f"{m.group(1)} {m.group(2)}.{int(frac.ljust(3, '0')[:3]):03d}"
        try:
            if re.match(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$", v):
                return ("num", float(f"{float(v):.9g}"))
        except ValueError:
            pass
        return v
    return str(v)


def run(argv, **kw):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])} failed ({p.returncode}):\n{p.stderr}")
    return p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=3000)
    ap.add_argument("--generated", type=int, default=260)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", help="keep the data in this folder")
    ap.add_argument("--cairn", default=os.environ.get("CAIRN_BIN", os.path.join(ROOT, "build", "cairn")))
    args = ap.parse_args()
    tmp = args.keep or tempfile.mkdtemp(prefix="cairn-diff-")
    try:
        return compare(args, tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def compare(args, tmp):
    org, data = os.path.join(tmp, "org"), os.path.join(tmp, "data")
    if not os.path.isdir(org):
        run([args.cairn, "generate", "--out", org, "--accounts", "3", "--regions", "2", "--days", "3",
             "--events", str(args.events), "--end", "2025-01-15", "--seed", str(args.seed)])
    if not os.path.isdir(data):
        run([args.cairn, "import", "--data", data, org])
    stores = json.loads(run([args.cairn, "stores", "--data", data, "--format", "json"]))["stores"]
    eds = [s["id"] for s in stores if s["kind"] == "event-data-store"][0]

    files, records = [], []
    for root, _, names in os.walk(org):
        for f in sorted(names):
            if f.endswith(".json.gz") and "Digest" not in root:
                files.append(os.path.join(root, f))
                records.extend(json.loads(gzip.open(files[-1]).read())["Records"])
    file_list = "[" + ", ".join(q(f) for f in files) + "]"
    setup = os.path.join(tmp, "setup.sql")
    with open(setup, "w") as fh:
        # One row per (eventID, account), as cairn's import deduplicates.
        fh.write(f"""CREATE TABLE events AS
SELECT * FROM (SELECT unnest(Records, max_depth := 2)
               FROM read_json({file_list}, format = 'unstructured', compression = 'gzip',
                              maximum_object_size = 1000000000, columns = {{'Records': '{DUCKDB_RECORD}'}}))
QUALIFY row_number() OVER (PARTITION BY eventID, recipientAccountId ORDER BY eventTime) = 1;
""")

    queries = hand_written() + generated(Pools(records), args.generated, args.seed)
    qfile = os.path.join(tmp, "queries.json")
    with open(qfile, "w") as fh:
        json.dump([{"name": str(i), "sql": to_duckdb(s, "events")} for i, (s, _) in enumerate(queries)], fh)
    env = dict(os.environ, NODE_PATH=NODE_PATH)
    duck = json.loads(run(["node", os.path.join(HERE, "duckdb_rows.js"), setup, qfile], env=env))

    def cairn_rows(i):
        sql = queries[i][0].replace("{T}", eds)
        p = subprocess.run([args.cairn, "query", "--data", data, sql, "--format", "json"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            return {"error": p.stderr.strip()}
        doc = json.loads(p.stdout)
        return {"rows": [[list(c.values())[0] for c in row] for row in doc["QueryResultRows"]]}

    with ThreadPoolExecutor(max_workers=1) as pool:  # one process at a time may open a data folder
        ours = list(pool.map(cairn_rows, range(len(queries))))

    failures = 0
    for i, (sql, ordered) in enumerate(queries):
        a, b = ours[i], duck[str(i)]
        if "error" in a or "error" in b:
            failures += 1
            print(f"--- query {i} failed\n{sql.replace('{T}', eds)}\ncairn: {a.get('error')}\nduckdb: {b.get('error')}\n"
                  f"duckdb sql: {to_duckdb(sql, 'events')}")
            continue
        ra = [tuple(norm(v) for v in r) for r in a["rows"]]
        rb = [tuple(norm(v) for v in r) for r in b["rows"]]
        if not ordered:
            ra, rb = sorted(ra, key=repr), sorted(rb, key=repr)
        if ra != rb:
            failures += 1
            print(f"--- query {i} differs\n{sql.replace('{T}', eds)}\nduckdb sql: {to_duckdb(sql, 'events')}")
            print(f"cairn ({len(ra)} rows):")
            for r in ra[:20]:
                print("   ", r)
            print(f"duckdb ({len(rb)} rows):")
            for r in rb[:20]:
                print("   ", r)
    nonempty = sum(1 for i in range(len(queries)) if ours[i].get("rows"))
    print(f"differential: {len(queries)} queries ({len(hand_written())} hand-written, {args.generated} generated) "
          f"over {len(records):,} records; {nonempty} with rows; {failures} differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
