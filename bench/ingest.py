#!/usr/bin/env python3
"""ingest: durable import of trail log files into a fresh store: cairn against DuckDB.

cairn, a whole process timed from outside (start-up included), into a fresh data folder:
  cairn import DIR --data FRESH --as-of END --threads N --format json
  (gunzip, parse, dedupe, route into the organization store and the event histories, WAL fsyncs,
  flush of every store into segments before it exits).
DuckDB, hot, inside one process: the fastest typed formulation of the parse benchmark
(parse_extract in bench/parse.sql) as CREATE TABLE in a database file, then CHECKPOINT (durable
in the file). Both read the same files from the page cache with the same thread count.
Reported: events/s (wall and CPU), the ratio, bytes on disk per event (cairn's organization store,
which holds every event with its original record; the event histories' extra copies of management
events separately; DuckDB's database file), and cairn's peak RSS.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import datasets
import duckdb
import options
import report
from timing import log

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))


def sql_string(s):
    return "'" + s.replace("'", "''") + "'"


def folder_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total


def measure_cairn(cairn, ds, work, args):
    """One import into a fresh folder: wall and CPU seconds, peak RSS and the bytes it wrote."""
    data = os.path.join(work, "cairn-data")
    shutil.rmtree(data, ignore_errors=True)
    argv = [cairn, "import", ds.org, "--data", data, "--as-of", args.as_of, "--threads",
            str(args.threads), "--format", "json"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err)
        # wait4 gives this child's own rusage: its CPU time and its peak RSS (ru_maxrss, KiB).
        _, status, ru = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"cairn import: exit {proc.returncode}\n{stderr[-3000:]}")
    summary = json.loads(stdout)
    org_id = summary["organization_store"]
    return {"seconds": seconds, "cpu": ru.ru_utime + ru.ru_stime, "rss": ru.ru_maxrss * 1024,
            "summary": summary, "org_bytes": folder_bytes(os.path.join(data, "eds", org_id)),
            "history_bytes": folder_bytes(os.path.join(data, "history")),
            "total_bytes": folder_bytes(data)}


def parse_sql_block(name):
    """The SQL of block `name` in bench/parse.sql, and the file's setup text."""
    with open(os.path.join(BENCH_DIR, "parse.sql")) as fh:
        text = fh.read()
    setup, _, rest = text.partition("-- name:")
    m = re.search(r"^-- name: " + re.escape(name) + r"\s*$(.*?)(?=^-- name:|\Z)", text,
                  re.M | re.S)
    if not m:
        raise SystemExit(f"bench/parse.sql has no block {name}")
    body = "\n".join(l for l in m.group(1).splitlines() if not l.startswith("--"))
    return setup, body.strip()


def main():
    p = options.parser(__doc__.splitlines()[0], default_runs=1)
    p.set_defaults(warmup=0)
    p.add_argument("--as-of", default=datasets.END + "T00:00:00Z",
                   help="the data folder's clock (default: the datasets' end), so the 90-day "
                        "event history holds the dataset's management events")
    p.add_argument("--work", metavar="DIR",
                   help="where the fresh data folder and DuckDB file go (default: a temporary "
                        "folder beside the dataset cache, removed at the end)")
    p.add_argument("--no-duckdb", action="store_true", help="measure cairn only")
    args = p.parse_args()
    ds = options.dataset(args)
    log(ds.describe())
    cairn = options.cairn_bin()
    os.makedirs(datasets.DATA_DIR, exist_ok=True)
    work = args.work or tempfile.mkdtemp(prefix="ingest-", dir=datasets.DATA_DIR)
    os.makedirs(work, exist_ok=True)
    try:
        run(args, ds, cairn, work)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


def run(args, ds, cairn, work):
    load_before = os.getloadavg()[0]
    results = []
    for i in range(args.warmup + args.runs):
        log(f"cairn: import run {i + 1} of {args.warmup + args.runs}"
            f"{' (warm-up)' if i < args.warmup else ''}")
        r = measure_cairn(cairn, ds, work, args)
        if i >= args.warmup:
            results.append(r)
    results.sort(key=lambda r: r["seconds"])
    c = results[len(results) // 2]
    s = c["summary"]
    events = s["events"]
    if s["rejected"]:
        raise SystemExit(f"cairn import rejected {s['rejected']} records: {s['errors'][:5]}")
    if ds.meta.get("events") not in (None, events):
        raise SystemExit(f"cairn imported {events} events; the generator wrote {ds.meta['events']}")
    if s["accepted"] != events:
        raise SystemExit(f"cairn accepted {s['accepted']} of {events} events in a fresh folder")

    duck = None
    if not args.no_duckdb:
        duck = run_duckdb(args, ds, work)
        if duck["rows"] != events:
            raise SystemExit(f"DuckDB loaded {duck['rows']} rows, cairn {events}: not the same work")

    print(ds.describe())
    print(f"{events:,} events; {args.threads} threads each; median of {args.runs} run(s) after "
          f"{args.warmup} warm-up; cairn --as-of {args.as_of}; "
          + (f"DuckDB {duck['version']} (threads={duck['threads']}); " if duck else "")
          + f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print()
    cairn_ms, cairn_cpu_ms = c["seconds"] * 1000, c["cpu"] * 1000
    rows = [{"name": "import (wall)", "cairn_ms": cairn_ms, "peer_ms": duck and duck["ms"]},
            {"name": "import (cpu)", "cairn_ms": cairn_cpu_ms, "peer_ms": duck and duck["cpu_ms"]}]
    print(report.comparison_table(rows, title="durable load"))
    print()
    per_s = lambda ms: int(round(events / (ms / 1000.0))) if ms else None
    tput = [["cairn", per_s(cairn_ms), per_s(cairn_cpu_ms),
             ds.meta["json_bytes"] / 1e6 / (cairn_ms / 1000.0)]]
    if duck:
        tput.append(["duckdb", per_s(duck["ms"]), per_s(duck["cpu_ms"]),
                     ds.meta["json_bytes"] / 1e6 / (duck["ms"] / 1000.0)])
    print(report.format_table(["throughput", "events/s", "events per cpu-s", "JSON MB/s"], tput))
    print()
    hist = s["history"]["accepted"]
    size_rows = [
        ["cairn organization store (every event, original records kept)", c["org_bytes"],
         c["org_bytes"] / events],
        [f"cairn event histories ({s['history']['stores']} stores, {hist:,} management events)",
         c["history_bytes"], c["history_bytes"] / max(1, hist)],
        ["cairn data folder, all", c["total_bytes"], c["total_bytes"] / events],
        ["gzip JSON input", ds.meta["gzip_bytes"], ds.meta["gzip_bytes"] / events],
    ]
    if duck:
        size_rows.append(["duckdb table, typed columns, no raw JSON (database file)",
                          duck["bytes"], duck["bytes"] / events])
    print(report.format_table(["bytes on disk", "bytes", "bytes/event"], size_rows))
    print()
    print(f"cairn peak RSS: {c['rss'] / 2**20:,.0f} MiB")
    if len(results) > 1:
        print()
        print(report.format_table(["cairn runs", "wall s", "cpu s", "peak RSS MiB"],
                                  [[f"run {i + 1}", r["seconds"], r["cpu"], r["rss"] / 2**20]
                                   for i, r in enumerate(results)]))


def run_duckdb(args, ds, work):
    db = os.path.join(work, "duckdb-ingest.duckdb")
    for f in (db, db + ".wal"):
        if os.path.exists(f):
            os.remove(f)
    setup, load_sql = parse_sql_block("parse_extract")
    files = datasets.log_files(ds.org)
    # The parse benchmark's variables: see bench/parse.py.
    import parse as parse_bench
    files_expr, _ = parse_bench.duckdb_files(ds)
    max_file = max(os.path.getsize(f) for f in files)
    variables = {"THREADS": args.threads, "FILES": files_expr,
                 "FORMAT": parse_bench.envelope_format(files),
                 "MAX_OBJECT": max(64 << 20, max_file * 64)}
    sql = (setup.strip() + "\n" + f"ATTACH {sql_string(db)} AS ingest;\nUSE ingest;\n"
           "-- name: load\n-- before: DROP TABLE IF EXISTS events_extract\n" + load_sql + "\n"
           "-- name: checkpoint\nCHECKPOINT;\n"
           "-- name: count\nSELECT count(*) FROM events_extract;\n")
    log(f"duckdb: {args.warmup}+{args.runs} runs of CREATE TABLE (parse_extract) + CHECKPOINT "
        f"into {db}")
    dk = duckdb.run_sql(sql, variables, runs=args.runs, warmup=args.warmup, threads=args.threads)
    doc = dk[None]
    return {"ms": dk["load"]["median_ms"] + dk["checkpoint"]["median_ms"],
            "cpu_ms": dk["load"]["median_cpu_ms"] + dk["checkpoint"]["median_cpu_ms"],
            "rows": dk["count"]["first_row"][0],
            "bytes": sum(os.path.getsize(f) for f in (db, db + ".wal") if os.path.exists(f)),
            "version": doc["version"], "threads": doc["threads"]}


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
