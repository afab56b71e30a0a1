#!/usr/bin/env python3
"""generate: `cairn generate` events/s against DuckDB writing the same records as gzip JSON.

cairn: `cairn generate` with the dataset's parameters (--size; default 1M: 4 accounts, 3 regions,
14 days, 48k files), --threads N, into a fresh folder under --out-root (default /dev/shm, tmpfs:
on this VM's ext4 disk file creation alone costs ~300 us of kernel CPU per file, see
doc/format/generator.md §7), a whole process timed from outside; the folder is removed between
runs, untimed. The run fails unless every run writes the dataset's event count.
DuckDB (bench/generate.sql): the same records, loaded once (untimed) into a table of typed
columns, written with COPY ... (FORMAT JSON, COMPRESSION GZIP) under --out-root, hot, in process.
"""
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import datasets
import duckdb
import options
import report
from timing import log
from parse import duckdb_files, envelope_format

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))


def records_schema():
    """parse.sql's parse_struct schema of `Records` (a STRUCT(...)[] type), to load the same fields."""
    with open(os.path.join(BENCH_DIR, "parse.sql")) as fh:
        m = re.search(r"columns = \{'Records': '(STRUCT\(.*?\)\[\])'\}", fh.read(), re.S)
    if not m:
        raise SystemExit("bench/parse.sql: no parse_struct Records schema found")
    return " ".join(m.group(1).split())


def time_generate(argv, out, runs, warmup):
    """Runs the generator warmup+runs times into a fresh `out`; returns (wall ms, cpu ms, last doc)."""
    walls, cpus, doc = [], [], None
    for i in range(warmup + runs):
        shutil.rmtree(out, ignore_errors=True)
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ms = (time.perf_counter() - t0) * 1000.0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(argv)}: exit {proc.returncode}\n{proc.stderr}")
        doc = json.loads(proc.stdout)
        if i >= warmup:
            walls.append(ms)
            cpus.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000.0)
    shutil.rmtree(out, ignore_errors=True)
    return walls, cpus, doc


def main():
    p = options.parser(__doc__.splitlines()[0], default_runs=3)
    p.add_argument("--out-root", default="/dev/shm" if os.path.isdir("/dev/shm") else None,
                   help="where both sides write (default /dev/shm)")
    args = p.parse_args()
    if args.data:
        raise SystemExit("generate: --data is not supported (the generator needs --size parameters)")
    ds = options.dataset(args)
    params = ds.meta["params"]
    log(ds.describe())
    cairn = options.cairn_bin()
    work = tempfile.mkdtemp(prefix="cairn-bench-generate-", dir=args.out_root)
    try:
        out = os.path.join(work, "cairn")
        argv = [cairn, "generate", "--out", out, "--accounts", str(params["accounts"]),
                "--regions", str(params["regions"]), "--days", str(params["days"]),
                "--events", str(params["events"]), "--seed", str(params["seed"]),
                "--end", params["end"], "--threads", str(args.threads), "--format", "json"]
        load_before = os.getloadavg()[0]
        log(f"cairn: generate, {args.warmup}+{args.runs} runs into {work}")
        walls, cpus, doc = time_generate(argv, out, args.runs, args.warmup)
        events = doc["events"]
        if ds.meta.get("events") not in (None, events):
            raise SystemExit(f"cairn generate wrote {events} events; the dataset has {ds.meta['events']}")

        log(f"duckdb: load the records (untimed), then {args.warmup}+{args.runs} runs of COPY")
        files_expr, files = duckdb_files(ds)
        with open(os.path.join(BENCH_DIR, "generate.sql")) as fh:
            sql = fh.read()
        max_file = max(os.path.getsize(f) for f in files)
        variables = {"THREADS": args.threads, "FILES": files_expr, "FORMAT": envelope_format(files),
                     "MAX_OBJECT": max(64 << 20, max_file * 64), "RECORDS": records_schema(),
                     "OUT": os.path.join(work, "duckdb")}
        dk = duckdb.run_sql(sql, variables, runs=args.runs, warmup=args.warmup, threads=args.threads)
        st = dk["write_gzip_json"]
        if st["first_row"][0] != events:
            raise SystemExit(f"duckdb wrote {st['first_row'][0]} records, cairn {events}: not the same work")
        duck_bytes = sum(os.path.getsize(os.path.join(dp, f))
                         for dp, _, fs in os.walk(os.path.join(work, "duckdb")) for f in fs)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(ds.describe())
    print(f"{events:,} events; {args.threads} threads each; median of {args.runs} runs after "
          f"{args.warmup} warm-up; written to {args.out_root}; DuckDB {dk[None]['version']} "
          f"(threads={dk[None]['threads']}); load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after")
    print()
    print(report.comparison_table([{"name": "generate", "cairn_ms": wall, "peer_ms": st["median_ms"]}]))
    print()
    print(report.comparison_table([{"name": "generate", "cairn_ms": cpu, "peer_ms": st["median_cpu_ms"]}],
                                  title="cpu (user+sys)"))
    print()
    print(report.format_table(
        ["throughput", "events/s", "events per cpu-s", "gzip B/event", "files"],
        [["cairn generate", int(events / (wall / 1000)), int(events / (cpu / 1000)),
          round(doc["gzipBytes"] / events, 1), doc["files"]],
         ["duckdb COPY", int(events / (st["median_ms"] / 1000)),
          int(events / (st["median_cpu_ms"] / 1000)), round(duck_bytes / events, 1), "1 per thread"]]))
    print()
    print(report.format_table(["runs", "min ms", "median ms", "median cpu ms"],
                              [["cairn generate", min(walls), wall, cpu],
                               ["duckdb write_gzip_json", st["min_ms"], st["median_ms"],
                                st["median_cpu_ms"]]]))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
