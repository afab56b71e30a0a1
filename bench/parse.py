#!/usr/bin/env python3
"""parse: gunzip, and gunzip + parse into columns, of trail log files: cairn against DuckDB.

cairn, as whole processes timed from outside (start-up included):
  gunzip        build/bench/gunzip DIR --threads N   (bench/gunzip.cc: cairn::gzip::Inflate per file)
  gunzip+parse  cairn parse DIR --format json --threads N  (every record parsed into Event columns)
DuckDB, hot, inside one process (bench/parse.sql says exactly what it is asked):
  gunzip        read_json(Records JSON[]) -> unnest -> count(*)
  gunzip+parse  CREATE TABLE AS with the records' typed columns; the faster of two formulations
Both sides read the same files from the page cache, with the same thread count. The run fails if
the two sides count different numbers of events.
"""
import glob
import gzip
import json
import os
import sys

import datasets
import duckdb
import options
import report
from timing import log, time_command

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))


def sql_string(s):
    return "'" + s.replace("'", "''") + "'"


def duckdb_files(ds):
    """The dataset's log files, and a DuckDB expression naming them: a glob, or a list when other
    *.json.gz files (digests) sit beside them."""
    files = datasets.log_files(ds.org)
    all_gz = glob.glob(os.path.join(ds.org, "**", "*.json.gz"), recursive=True)
    if len(all_gz) == len(files):
        return sql_string(os.path.join(ds.org, "**", "*.json.gz")), files
    return "[" + ", ".join(sql_string(f) for f in files) + "]", files


def envelope_format(files):
    """newline_delimited when each file is one JSON line (what CloudTrail writes), else unstructured."""
    for f in files[:20]:
        with gzip.open(f, "rb") as fh:
            if fh.read().rstrip(b"\n").count(b"\n"):
                return "unstructured"
    return "newline_delimited"


def main():
    p = options.parser(__doc__.splitlines()[0], default_runs=3)
    args = p.parse_args()
    ds = options.dataset(args)
    log(ds.describe())
    files_expr, files = duckdb_files(ds)
    if not files:
        raise SystemExit(f"no *.json.gz log files under {ds.org}")
    json_bytes = ds.meta["json_bytes"]
    cairn = options.cairn_bin()
    gunzip_bin = options.bench_program("gunzip")

    load_before = os.getloadavg()[0]
    log(f"cairn: gunzip, {args.warmup}+{args.runs} runs")
    gz = time_command([gunzip_bin, ds.org, "--threads", str(args.threads)], args.runs, args.warmup)
    gz_out = json.loads(gz.stdout)
    log(f"cairn: gunzip+parse, {args.warmup}+{args.runs} runs")
    pr = time_command([cairn, "parse", ds.org, "--format", "json", "--threads", str(args.threads)],
                      args.runs, args.warmup)
    parse_out = json.loads(pr.stdout)
    cairn_events = parse_events(parse_out)
    if parse_out.get("rejected"):
        raise SystemExit(f"cairn parse rejected {parse_out['rejected']} records: {parse_out.get('errors')}")
    if ds.meta.get("events") not in (None, cairn_events):
        raise SystemExit(f"cairn parse found {cairn_events} events; the generator wrote {ds.meta['events']}")

    log(f"duckdb: {args.warmup}+{args.runs} runs of each statement in bench/parse.sql")
    with open(os.path.join(BENCH_DIR, "parse.sql")) as fh:
        sql = fh.read()
    max_file = max(os.path.getsize(f) for f in files)
    variables = {"THREADS": args.threads, "FILES": files_expr, "FORMAT": envelope_format(files),
                 # JSON grows ~10-30x over gzip; DuckDB needs the largest object to fit.
                 "MAX_OBJECT": max(64 << 20, max_file * 64)}
    dk = duckdb.run_sql(sql, variables, runs=args.runs, warmup=args.warmup, threads=args.threads)
    duck_events = dk["gunzip"]["first_row"][0]
    for name in ("parse_struct", "parse_extract"):
        if dk[name]["first_row"][0] != duck_events:
            raise SystemExit(f"duckdb {name} made {dk[name]['first_row'][0]} rows, not {duck_events}")
    if gz_out["json_bytes"] != json_bytes:
        raise SystemExit(f"cairn gunzip saw {gz_out['json_bytes']} JSON bytes, the dataset has {json_bytes}")
    if cairn_events != duck_events:
        raise SystemExit(f"cairn parsed {cairn_events} events, DuckDB {duck_events}: not the same work")
    best = min(("parse_struct", "parse_extract"), key=lambda n: dk[n]["median_ms"])

    rows = [
        {"name": "gunzip", "cairn_ms": gz.median_ms, "peer_ms": dk["gunzip"]["median_ms"]},
        {"name": "gunzip+parse", "cairn_ms": pr.median_ms, "peer_ms": dk[best]["median_ms"]},
    ]
    cpu_rows = [
        {"name": "gunzip", "cairn_ms": gz.median_cpu_ms, "peer_ms": dk["gunzip"]["median_cpu_ms"]},
        {"name": "gunzip+parse", "cairn_ms": pr.median_cpu_ms, "peer_ms": dk[best]["median_cpu_ms"]},
    ]
    doc = dk[None]
    print(ds.describe())
    print(f"{cairn_events:,} events; {args.threads} threads each; median of {args.runs} runs after "
          f"{args.warmup} warm-up; DuckDB {doc['version']} (threads={doc['threads']}); "
          f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print()
    print(report.comparison_table(rows))
    print()
    print(report.comparison_table(cpu_rows, title="cpu (user+sys)"))
    print()
    tput = []
    for r in rows:
        tput.append([r["name"], mbps(json_bytes, r["cairn_ms"]), per_s(cairn_events, r["cairn_ms"]),
                     mbps(json_bytes, r["peer_ms"]), per_s(cairn_events, r["peer_ms"])])
    print(report.format_table(["throughput (JSON)", "cairn MB/s", "cairn events/s", "duckdb MB/s",
                               "duckdb events/s"], tput))
    print()
    details = [["cairn gunzip", gz.min_ms, gz.median_ms, gz.median_cpu_ms],
               ["cairn gunzip+parse", pr.min_ms, pr.median_ms, pr.median_cpu_ms]]
    for name in ("gunzip", "parse_struct", "parse_extract"):
        st = dk[name]
        details.append([f"duckdb {name}" + (" (peer)" if name == best else ""), st["min_ms"],
                        st["median_ms"], st["median_cpu_ms"]])
    print(report.format_table(["runs", "min ms", "median ms", "median cpu ms"], details))


def parse_events(doc):
    """The event count from `cairn parse --format json`."""
    for key in ("events", "accepted"):
        if isinstance(doc.get(key), int):
            return doc[key]
    raise SystemExit(f"cairn parse --format json printed no event count: {json.dumps(doc)[:300]}")


def mbps(nbytes, ms):
    return nbytes / 1e6 / (ms / 1000.0)


def per_s(n, ms):
    return int(round(n / (ms / 1000.0)))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
