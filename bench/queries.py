#!/usr/bin/env python3
"""queries: Lake-shaped SQL queries, cairn's engine against DuckDB, hot runs on the same events.

cairn: the dataset imported once (`cairn import`) into a data folder cached beside the dataset;
each query runs through `cairn query --repeat N` (warm-up runs, then N timed runs in one process,
stores open and caches warm); the median is reported.
DuckDB: the same log files loaded once into a native table with typed columns (structs for
userIdentity, tlsDetails, resources; JSON for the free-form maps), cached as a DuckDB database
file beside the dataset; each query, adapted to DuckDB's dialect (maps are JSON: element_at
becomes json_extract_string), runs warm-up + N timed runs in one process (bench/lib/duckdb_driver.js)
with the same thread count; the median is reported.
Both sides' row counts must agree, or the run fails. Targets (issue 4): geo-mean >= 3x DuckDB,
no query slower than DuckDB, needles under 2 ms at 10M. A needle is a value that selects few
events: needle_source_ip uses an address that is rare in the data; source_ip_activity runs the same
SQL for a busy principal's address (thousands of events: not a needle, held only to beating DuckDB).
"""
import gzip
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys

import datasets
import duckdb
import options
import report
from timing import log


def sql_string(s):
    return "'" + s.replace("'", "''") + "'"


def queries(n):
    """(name, cairn SQL, DuckDB SQL) with {T} for the table; `n` holds the needles picked from the data."""
    day, week = ("'2025-01-10 00:00:00'", "'2025-01-11 00:00:00'"), ("'2025-01-07 00:00:00'", "'2025-01-14 00:00:00'")
    q = [
        ("window_count", f"SELECT count(*) FROM {{T}} WHERE eventTime >= {day[0]} AND eventTime < {day[1]}"),
        ("top_names_week", f"SELECT eventName, count(*) AS c FROM {{T}} WHERE eventTime >= {week[0]} "
                           f"AND eventTime < {week[1]} GROUP BY eventName ORDER BY c DESC, eventName LIMIT 10"),
        ("errors_by_code", "SELECT errorCode, eventSource, count(*) AS c FROM {T} WHERE errorCode IS NOT NULL "
                           "GROUP BY errorCode, eventSource ORDER BY c DESC, 1, 2"),
        ("needle_event_id", f"SELECT eventTime, eventName, userIdentity.arn FROM {{T}} WHERE eventID = {sql_string(n['event_id'])}"),
        ("needle_access_key", "SELECT eventTime, eventName, sourceIPAddress FROM {T} "
                              f"WHERE userIdentity.accessKeyId = {sql_string(n['access_key'])}"),
        # A needle: an address that few events come from (needles() picks it).
        ("needle_source_ip", f"SELECT eventTime, eventName, userIdentity.arn FROM {{T}} "
                             f"WHERE sourceIPAddress = {sql_string(n['rare_ip'])}"),
        # Not a needle: the address of an active principal (0.5% of all events, spread over
        # blocks that hold a fifth of them), the same SQL shape.
        ("source_ip_activity", f"SELECT eventTime, eventName, userIdentity.arn FROM {{T}} "
                               f"WHERE sourceIPAddress = {sql_string(n['ip'])}"),
        ("sensitive_apis", "SELECT userIdentity.arn, eventName, count(*) AS c FROM {T} WHERE eventName IN "
                           "('DeleteTrail', 'StopLogging', 'PutBucketPolicy', 'CreateAccessKey', 'AttachUserPolicy', "
                           "'DeleteBucket', 'ConsoleLogin', 'CreateUser') GROUP BY 1, 2 ORDER BY c DESC, 1, 2"),
        ("per_account_day", "SELECT recipientAccountId, date_trunc('day', eventTime) AS d, count(*) FROM {T} "
                            "GROUP BY 1, 2 ORDER BY 1, 2"),
        ("distinct_ips", "SELECT userIdentity.arn, count(DISTINCT sourceIPAddress) AS ips FROM {T} "
                         "GROUP BY 1 ORDER BY ips DESC, 1 LIMIT 20"),
        ("element_at_filter", "SELECT eventName, count(*) FROM {T} WHERE element_at(requestParameters, 'bucketName') = "
                              f"{sql_string(n['bucket'])} GROUP BY 1 ORDER BY 2 DESC, 1"),
        ("top_principal_service", "SELECT userIdentity.arn, eventSource, count(*) AS c FROM {T} "
                                  "GROUP BY 1, 2 ORDER BY c DESC, 1, 2 LIMIT 20"),
        ("user_day_records", "SELECT eventTime, eventID, eventName, eventSource, awsRegion, sourceIPAddress, "
                             "userAgent, errorCode, element_at(requestParameters, 'bucketName') FROM {T} "
                             f"WHERE userIdentity.arn = {sql_string(n['arn'])} AND eventTime >= {day[0]} "
                             f"AND eventTime < {day[1]} ORDER BY eventTime, eventID"),
        ("join_denied", "SELECT a.userIdentity.arn, count(*) AS c FROM {T} a JOIN (SELECT DISTINCT userIdentity.arn AS arn "
                        "FROM {T} WHERE errorCode IS NOT NULL) d ON a.userIdentity.arn = d.arn "
                        f"WHERE a.eventTime >= {day[0]} AND a.eventTime < {day[1]} GROUP BY 1 ORDER BY c DESC, 1 LIMIT 20"),
    ]
    out = []
    for name, sql in q:
        duck = sql.replace("element_at(requestParameters, 'bucketName')",
                           "json_extract_string(requestParameters, '$.bucketName')")
        out.append((name, sql, duck))
    return out


def needles(ds, rare_files=100):
    """Values for the needle queries, from log files in the middle of the dataset.

    event_id, access_key, arn, bucket and ip come from one record (ip is its principal's address,
    which thousands of events share: source_ip_activity). rare_ip is a needle, an address few events
    come from: of the IPv4 addresses in the `rare_files` log files at the middle of the dataset, one
    that occurs the fewest times there (the first such address in file order; deterministic). In the
    standard datasets these are private (VPC endpoint) addresses: a few events at 1M, tens at 10M.
    """
    files = datasets.log_files(ds.org)
    out = None
    for f in files[len(files) // 2:]:
        recs = json.loads(gzip.open(f).read())["Records"]
        for r in recs[len(recs) // 2:]:
            ui = r.get("userIdentity") or {}
            bucket = (r.get("requestParameters") or {}).get("bucketName")
            if ui.get("accessKeyId") and ui.get("arn") and r.get("sourceIPAddress", "").count(".") == 3:
                if bucket:
                    out = {"event_id": r["eventID"], "access_key": ui["accessKeyId"], "ip": r["sourceIPAddress"],
                           "arn": ui["arn"], "bucket": bucket}
                    break
        if out:
            break
    if not out:
        raise SystemExit("no record with an access key, an IP and a bucket found for the needles")
    counts, order = {}, []
    mid = len(files) // 2
    for f in files[max(0, mid - rare_files // 2):mid + rare_files // 2]:
        for r in json.loads(gzip.open(f).read())["Records"]:
            ip = r.get("sourceIPAddress") or ""
            if ip.count(".") == 3 and all(p.isdigit() for p in ip.split(".")):
                if ip not in counts:
                    order.append(ip)
                counts[ip] = counts.get(ip, 0) + 1
    if not order:
        raise SystemExit("no IPv4 sourceIPAddress in the middle log files for the source IP needle")
    fewest = min(counts.values())
    out["rare_ip"] = next(ip for ip in order if counts[ip] == fewest)
    return out


def cache_key(cairn):
    """The cairn data folder is reused while the binary's store format stays the same: keyed on the
    binary's version report and the size of the source files that define the on-disk formats."""
    out = subprocess.run([cairn, "version", "--format", "json"], stdout=subprocess.PIPE, text=True).stdout
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    h = hashlib.sha256(out.encode())
    fmt = os.path.join(root, "doc", "format")
    for name in sorted(os.listdir(fmt)) if os.path.isdir(fmt) else []:
        with open(os.path.join(fmt, name), "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:12]


def cairn_data(ds, cairn):
    folder = os.path.join(os.path.dirname(ds.org), f"cairn-query-{cache_key(cairn)}")
    if os.path.isdir(os.path.join(folder, "data")):
        return folder + "/data"
    for old in os.listdir(os.path.dirname(ds.org)):
        if old.startswith("cairn-query-"):
            shutil.rmtree(os.path.join(os.path.dirname(ds.org), old), ignore_errors=True)
    log(f"importing {ds.name} into a cairn data folder (cached: {folder})")
    tmp = folder + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run([cairn, "import", "--data", tmp + "/data", ds.org], check=True, stdout=subprocess.DEVNULL)
    os.rename(tmp, folder)
    return folder + "/data"


def duckdb_file(ds, threads):
    path = os.path.join(os.path.dirname(ds.org), "duckdb-events.duckdb")
    if os.path.exists(path):
        return path
    log(f"loading {ds.name} into a DuckDB table (cached: {path})")
    files = datasets.log_files(ds.org)
    tmp = path + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    file_list = "[" + ", ".join(sql_string(f) for f in files) + "]"
    # Two steps, so that the 10M load fits in memory (one CREATE TABLE ... QUALIFY over read_json
    # was killed at 20 GB): the records are unnested into a table as they stream in, then
    # deduplicated from that table with a memory cap, spilling to a folder beside the file.
    spill = path + ".spill"
    sql = f"""ATTACH {sql_string(tmp)} AS ev;
SET threads = {threads};
SET preserve_insertion_order = false;
SET memory_limit = '10GB';
SET temp_directory = {sql_string(spill)};
-- name: load
CREATE TABLE ev.raw AS
SELECT unnest(Records, max_depth := 2)
FROM read_json({file_list}, format = 'unstructured', compression = 'gzip',
               maximum_object_size = 1000000000, columns = {{'Records': '{duckdb.RECORD_TYPE}'}});
-- name: dedupe
CREATE TABLE ev.events AS
SELECT * FROM ev.raw
QUALIFY row_number() OVER (PARTITION BY eventID, recipientAccountId ORDER BY eventTime) = 1;
-- name: drop
DROP TABLE ev.raw;
-- name: checkpoint
CHECKPOINT ev;
"""
    duckdb.run_sql(sql, runs=1, warmup=0, threads=threads)
    shutil.rmtree(spill, ignore_errors=True)
    os.rename(tmp, path)
    return path


def main():
    p = options.parser(__doc__.splitlines()[0], default_runs=5)
    p.add_argument("--cairn-only", action="store_true",
                   help="time cairn alone (no DuckDB load): for sizes where loading the peer takes too long")
    args = p.parse_args()
    meta = os.path.join(os.path.dirname(os.path.abspath(args.data or ".")), "dataset.json")
    if args.data and os.path.exists(meta):
        # A cached standard dataset given by folder (no regeneration when the generator changed).
        with open(meta) as fh:
            ds = datasets.Dataset(os.path.basename(os.path.dirname(os.path.abspath(args.data))),
                                  os.path.abspath(args.data), json.load(fh))
    else:
        ds = options.dataset(args)
    log(ds.describe())
    cairn = options.cairn_bin()
    data = cairn_data(ds, cairn)
    stores = json.loads(subprocess.run([cairn, "stores", "--data", data, "--format", "json"],
                                       stdout=subprocess.PIPE, text=True, check=True).stdout)["stores"]
    eds = [s["id"] for s in stores if s["kind"] == "event-data-store"][0]
    qs = queries(needles(ds))
    peer = {}
    if not args.cairn_only:
        db = duckdb_file(ds, args.threads)
        setup = f"ATTACH {sql_string(db)} AS ev (READ_ONLY);\nUSE ev;\nSET threads = {args.threads};\n"
        blocks = "".join(f"-- name: {name}\n{duck.replace('{T}', 'events')};\n" for name, _, duck in qs)
        log(f"DuckDB: {len(qs)} queries, {args.warmup} warm-up + {args.runs} runs each")
        peer = duckdb.run_sql(setup + blocks, runs=args.runs, warmup=args.warmup, threads=args.threads)

    rows, failed = [], []
    for name, sql, _ in qs:
        log(f"cairn: {name}")
        argv = [cairn, "query", "--data", data, sql.replace("{T}", eds), "--format", "json",
                "--repeat", str(args.warmup + args.runs)]
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"cairn query {name} failed:\n{proc.stderr}")
        times = json.loads(proc.stderr.strip().splitlines()[-1])["runs_ms"][args.warmup:]
        ours = len(json.loads(proc.stdout)["QueryResultRows"])
        if name in peer and ours != peer[name]["row_count"]:
            failed.append(f"{name}: cairn {ours} rows, DuckDB {peer[name]['row_count']}")
        rows.append({"name": name, "cairn_ms": statistics.median(times),
                     "peer_ms": peer[name]["median_ms"] if name in peer else None})
    print(f"# {ds.describe()}; threads {args.threads}; median of {args.runs} hot runs after {args.warmup} warm-up")
    print(report.comparison_table(rows))
    if failed:
        print("row counts differ:\n  " + "\n  ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
