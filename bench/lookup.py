#!/usr/bin/env python3
"""lookup: LookupEvents p50/p99 per lookup attribute over the imported dataset: cairn against DuckDB.

cairn: `cairn import` of the dataset into a data folder (built once per dataset and cairn binary,
then reused), then build/bench/lookup (bench/lookup.cc): in process, --lookups lookups for EACH of
the eight attributes on randomly chosen account+region histories, values sampled from the
histories (mixed hits and misses), half of them with a time range; each lookup is one first page
(MaxResults 50) with the original records rebuilt. Clock set to the dataset's end (--as-of).
DuckDB: the same lookups, replayed in the same order as prepared SQL statements over a table of
the same management events (bench/lib/lookup_duckdb.js), warm. The run fails unless both sides
return the same number of events, with the same newest event, for every lookup.
"""
import json
import os
import shutil
import subprocess
import sys
import time

import datasets
import duckdb
import options
import report
from timing import log

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
LIB_DIR = os.path.join(BENCH_DIR, "lib")
ATTRIBUTES = ["EventId", "EventName", "EventSource", "ReadOnly", "Username", "ResourceType",
              "ResourceName", "AccessKeyId"]


def sql_string(s):
    return "'" + s.replace("'", "''") + "'"


# The table of management events a lookup reads, with the derived fields as cairn derives them
# (spec event-history.md §6: Username; account = recipientAccountId, else userIdentity.accountId).
HISTORY_SQL = """
SET threads = ${THREADS};
SET preserve_insertion_order = false;
-- name: load
-- before: DROP TABLE IF EXISTS history
CREATE TABLE history AS
SELECT coalesce(r.recipientAccountId, r.userIdentity.accountId) AS account,
       r.awsRegion AS region, r.eventTime AS eventTime, r.eventID AS eventID,
       r.eventName AS eventName, r.eventSource AS eventSource, r.readOnly AS readOnly,
       r.userIdentity.accessKeyId AS accessKeyId,
       CASE
         WHEN r.userIdentity.type IS NULL THEN r.userIdentity.userName
         WHEN r.userIdentity.type = 'Root' THEN 'root'
         WHEN r.userIdentity.type = 'IAMUser' THEN r.userIdentity.userName
         WHEN r.userIdentity.type IN ('AssumedRole', 'FederatedUser') THEN
           CASE WHEN strpos(r.userIdentity.principalId, ':') > 0
                THEN substr(r.userIdentity.principalId, strpos(r.userIdentity.principalId, ':') + 1)
                ELSE r.userIdentity.sessionContext.sessionIssuer.userName END
         WHEN r.userIdentity.type = 'IdentityCenterUser' THEN r.userIdentity.onBehalfOf.userId
         WHEN r.userIdentity.type = 'AWSService' THEN r.userIdentity.invokedBy
         ELSE r.userIdentity.userName
       END AS username,
       r.resources AS resources
FROM (SELECT unnest(Records) AS r
      FROM read_json(${FILES}, format = '${FORMAT}', compression = 'gzip',
                     maximum_object_size = ${MAX_OBJECT},
                     columns = {'Records': 'STRUCT(
  eventTime TIMESTAMP, eventID VARCHAR, eventName VARCHAR, eventSource VARCHAR, awsRegion VARCHAR,
  readOnly BOOLEAN, recipientAccountId VARCHAR, eventCategory VARCHAR, managementEvent BOOLEAN,
  eventType VARCHAR,
  userIdentity STRUCT(type VARCHAR, principalId VARCHAR, accountId VARCHAR, accessKeyId VARCHAR,
    userName VARCHAR, invokedBy VARCHAR,
    sessionContext STRUCT(sessionIssuer STRUCT(userName VARCHAR)),
    onBehalfOf STRUCT(userId VARCHAR)),
  resources STRUCT("ARN" VARCHAR, "type" VARCHAR)[])[]'}))
WHERE coalesce(r.eventCategory,
               CASE WHEN r.managementEvent = false THEN 'Data' ELSE 'Management' END)
      = 'Management';
-- name: checkpoint
CHECKPOINT;
-- name: count
SELECT count(*) FROM history;
"""


def ensure_cairn_store(args, ds, cairn, folder):
    """The data folder with the dataset imported, reused when it was built from the same dataset
    by the same cairn binary."""
    marker = os.path.join(folder, "imported.json")
    # Keyed on the store format (like the queries benchmark), not on the binary: a rebuilt cairn
    # reads the same folder, and a 10M import is not repeated for a change that does not touch
    # the format.
    import queries
    stamp = {"dataset": ds.org, "store": queries.cache_key(cairn), "as_of": args.as_of}
    if os.path.exists(marker) and not args.rebuild:
        with open(marker) as fh:
            if json.load(fh) == stamp:
                log(f"cairn: reusing the imported data folder {folder}/cairn-data")
                return
    data = os.path.join(folder, "cairn-data")
    shutil.rmtree(data, ignore_errors=True)
    if os.path.exists(marker):
        os.remove(marker)
    log(f"cairn: importing the dataset into {data}")
    t0 = time.perf_counter()
    proc = subprocess.run([cairn, "import", ds.org, "--data", data, "--as-of", args.as_of,
                           "--threads", str(args.threads), "--format", "json"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"cairn import: exit {proc.returncode}\n{proc.stderr[-3000:]}")
    log(f"cairn: imported in {time.perf_counter() - t0:.1f} s")
    with open(marker, "w") as fh:
        json.dump(stamp, fh)


def ensure_duckdb_table(args, ds, folder):
    db = os.path.join(folder, "history.duckdb")
    marker = os.path.join(folder, "duckdb.json")
    stamp = {"dataset": ds.org}
    if os.path.exists(marker) and os.path.exists(db) and not args.rebuild:
        with open(marker) as fh:
            if json.load(fh) == stamp:
                log(f"duckdb: reusing {db}")
                return db
    for f in (db, db + ".wal", marker):
        if os.path.exists(f):
            os.remove(f)
    import parse as parse_bench
    files_expr, files = parse_bench.duckdb_files(ds)
    max_file = max(os.path.getsize(f) for f in files)
    variables = {"THREADS": args.threads, "FILES": files_expr,
                 "FORMAT": parse_bench.envelope_format(files),
                 "MAX_OBJECT": max(64 << 20, max_file * 64)}
    sql = HISTORY_SQL.replace("SET preserve_insertion_order = false;",
                              "SET preserve_insertion_order = false;\n"
                              f"ATTACH {sql_string(db)} AS lookup;\nUSE lookup;")
    log(f"duckdb: loading the management events into {db}")
    dk = duckdb.run_sql(sql, variables, runs=1, warmup=0, threads=args.threads)
    log(f"duckdb: {dk['count']['first_row'][0]:,} rows in {dk['load']['median_ms'] / 1000:.1f} s")
    with open(marker, "w") as fh:
        json.dump(stamp, fh)
    return db


def percentile(xs, p):
    s = sorted(xs)
    if not s:
        return 0.0
    i = int(round(p / 100.0 * (len(s) - 1)))
    return s[min(i, len(s) - 1)]


def main():
    p = options.parser(__doc__.splitlines()[0], default_runs=1)
    p.add_argument("--lookups", type=int, default=1000, help="lookups per attribute (default 1000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--as-of", default=datasets.END + "T00:00:00Z",
                   help="the data folder's clock (default: the datasets' end)")
    p.add_argument("--rebuild", action="store_true", help="import and load again, even if cached")
    p.add_argument("--no-duckdb", action="store_true", help="measure cairn only")
    args = p.parse_args()
    ds = options.dataset(args)
    log(ds.describe())
    cairn = options.cairn_bin()
    lookup_bin = options.bench_program("lookup")
    folder = os.path.join(datasets.DATA_DIR, "lookup-" + os.path.basename(os.path.dirname(ds.org)))
    os.makedirs(folder, exist_ok=True)
    ensure_cairn_store(args, ds, cairn, folder)
    db = None if args.no_duckdb else ensure_duckdb_table(args, ds, folder)

    lookups_file = os.path.join(folder, "lookups.json")
    load_before = os.getloadavg()[0]
    log(f"cairn: {args.lookups} lookups per attribute")
    proc = subprocess.run([lookup_bin, "--data", os.path.join(folder, "cairn-data"), "--as-of",
                           args.as_of, "--lookups", str(args.lookups), "--seed", str(args.seed),
                           "--out", lookups_file], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    if proc.returncode != 0:
        raise SystemExit(f"bench/lookup: exit {proc.returncode}\n{proc.stderr[-3000:]}")
    summary = json.loads(proc.stdout)
    with open(lookups_file) as fh:
        cairn_lookups = json.load(fh)["lookups"]

    duck = None
    if db:
        log("duckdb: the same lookups")
        env = dict(os.environ)
        dproc = subprocess.run(["node", os.path.join(LIB_DIR, "lookup_duckdb.js"), "--db", db,
                                "--lookups", lookups_file, "--threads", str(args.threads)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        if dproc.returncode != 0:
            raise SystemExit(f"lookup_duckdb.js: exit {dproc.returncode}\n{dproc.stderr[-3000:]}")
        duck = json.loads(dproc.stdout)
        mismatches = [(c, d) for c, d in zip(cairn_lookups, duck["lookups"])
                      if c["events"] != d["events"] or c["first_event_id"] != d["first_event_id"]]
        if len(duck["lookups"]) != len(cairn_lookups) or mismatches:
            for c, d in mismatches[:5]:
                log(f"  {c['attribute']}={c['value']!r} in {c['account']}/{c['region']} "
                    f"{c.get('start', '')}..{c.get('end', '')}: cairn {c['events']} events "
                    f"(newest {c['first_event_id']}), duckdb {d['events']} ({d['first_event_id']})")
            raise SystemExit(f"{len(mismatches)} of {len(cairn_lookups)} lookups differ between "
                             "cairn and DuckDB: not the same answers")

    print(ds.describe())
    print(f"{summary['history_events']:,} events in {summary['histories']} event histories; "
          f"{args.lookups:,} lookups per attribute (first page, MaxResults 50), "
          f"{sum(a['with_time_range'] for a in summary['attributes']):,} of them with a time range; "
          f"cairn in process (bench/lookup), --as-of {args.as_of}"
          + (f"; DuckDB {duck['version']} (threads={duck['threads']}), prepared statements, warm"
             if duck else "")
          + f"; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print()
    rows = []
    for a in summary["attributes"]:
        name = a["attribute"]
        row = [name, f"{a['with_results']}/{a['lookups']}", a["p50_ms"], a["p99_ms"], a["max_ms"]]
        if duck:
            d = [x["ms"] for x in duck["lookups"] if x["attribute"] == name]
            dp50, dp99 = percentile(d, 50), percentile(d, 99)
            row += [dp50, dp99, f"{dp50 / a['p50_ms']:.1f}x" if a["p50_ms"] else "",
                    f"{dp99 / a['p99_ms']:.1f}x" if a["p99_ms"] else ""]
        rows.append(row)
    headers = ["attribute", "hits", "cairn p50 ms", "cairn p99 ms", "cairn max ms"]
    if duck:
        headers += ["duckdb p50 ms", "duckdb p99 ms", "ratio p50", "ratio p99"]
    print(format_ms_table(headers, rows))
    worst = max(summary["attributes"], key=lambda a: a["p99_ms"])
    print()
    print(f"worst cairn p99: {worst['p99_ms']:.2f} ms ({worst['attribute']})")


def format_ms_table(headers, rows):
    fmt = [[r[0], r[1]] + [f"{v:,.3f}" if isinstance(v, float) else v for v in r[2:]]
           for r in rows]
    return report.format_table(headers, fmt)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
