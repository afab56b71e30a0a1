#!/usr/bin/env python3
"""LookupEvents over HTTP (cairn serve, SigV4, 16+ clients) vs the same lookups in-process.

Imports the dataset into a fresh data folder, picks the busiest account+region history and a mix
of LookupEvents requests from its own events (no attribute, EventName, Username, EventSource,
ResourceName, ReadOnly, a time window; pages of 50), then runs build/bench/api_load twice with the
same clients and duration: against `cairn serve` (HTTP/1.1 keep-alive, every request signed with
SigV4, self-recording on) and in-process (parse the request, EventHistory::Lookup, render the
response). Prints requests/s and p50/p99 latency of both, and the ratio that is the server's
overhead. Target (issue 5): >= 5,000 LookupEvents/s over HTTP on 2 cores.

    bench/run api [--size 1M] [--clients 16] [--seconds 10] [--server-threads N] [--perf FILE]

The imported data folder is cached beside the dataset (api-<dataset>/cairn-<key>, keyed like the
queries benchmark's on the binary's version and doc/format) and copied for each run, since the
server's self-recording writes into it. --perf FILE records `perf record -g` of the server process
during the HTTP run (for `perf report -i FILE --no-children`).
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
import options
import queries
from timing import log

AS_OF = "2025-01-15T00:00:00Z"  # the standard datasets end here


def run_json(argv):
    p = subprocess.run(argv, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({p.returncode}):\n{p.stderr}{p.stdout}")
    return json.loads(p.stdout)


def process_cpu_seconds(pid):
    """user+system CPU seconds of a running process (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def request_mix(cairn, data, account, region):
    """LookupEvents bodies drawn from the history's own newest events."""
    page = run_json([cairn, "lookup", "--data", data, "--account", account, "--region", region,
                     "--max", "50", "--as-of", AS_OF, "--format", "json"])["Events"]
    names = sorted({e["EventName"] for e in page if e.get("EventName")})[:4]
    users = sorted({e["Username"] for e in page if e.get("Username")})[:3]
    sources = sorted({e["EventSource"] for e in page if e.get("EventSource")})[:2]
    resources = sorted({r["ResourceName"] for e in page for r in e.get("Resources", [])
                        if r.get("ResourceName")})[:2]
    newest = max(e["EventTime"] for e in page)
    bodies = [{}, {"MaxResults": 50}]
    bodies += [{"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": n}]}
               for n in names]
    bodies += [{"LookupAttributes": [{"AttributeKey": "Username", "AttributeValue": u}]}
               for u in users]
    bodies += [{"LookupAttributes": [{"AttributeKey": "EventSource", "AttributeValue": s}]}
               for s in sources]
    bodies += [{"LookupAttributes": [{"AttributeKey": "ResourceName", "AttributeValue": r}]}
               for r in resources]
    bodies += [{"LookupAttributes": [{"AttributeKey": "ReadOnly", "AttributeValue": "false"}]},
               {"StartTime": newest - 6 * 3600, "EndTime": newest - 3600, "MaxResults": 20}]
    return [json.dumps(b) for b in bodies]


def imported_folder(ds, cairn):
    """A data folder with the dataset imported (--as-of the datasets' end), built once per store
    format and reused."""
    parent = os.path.join(datasets.DATA_DIR, "api-" + os.path.basename(os.path.dirname(ds.org)))
    folder = os.path.join(parent, "cairn-" + queries.cache_key(cairn))
    if os.path.isdir(os.path.join(folder, "data")):
        log(f"reusing the imported data folder {folder}/data")
        return os.path.join(folder, "data")
    shutil.rmtree(parent, ignore_errors=True)
    tmp = folder + ".tmp"
    log(f"importing {ds.name} (cached: {folder}) ...")
    subprocess.run([cairn, "import", ds.org, "--data", os.path.join(tmp, "data"), "--as-of", AS_OF],
                   check=True, stdout=subprocess.DEVNULL)
    os.rename(tmp, folder)
    return os.path.join(folder, "data")


def main():
    p = options.parser(__doc__.splitlines()[0], default_size="1M", default_runs=1)
    p.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    p.add_argument("--seconds", type=float, default=10, help="seconds per side (default 10)")
    p.add_argument("--server-threads", type=int, default=0,
                   help="cairn serve --threads (default: its own, 2 x cores, at least 4)")
    p.add_argument("--perf", default="",
                   help="record `perf record -g` of the server during the HTTP run into this file")
    args = p.parse_args()
    cairn = options.cairn_bin()
    load = options.bench_program("api_load")
    ds = options.dataset(args)
    log(ds.describe())

    tmp = tempfile.mkdtemp(prefix="cairn-bench-api-")
    data = os.path.join(tmp, "data")
    server = None
    try:
        shutil.copytree(imported_folder(ds, cairn), data)
        stores = run_json([cairn, "stores", "--data", data, "--format", "json"])["stores"]
        hist = max((s for s in stores if s["kind"] == "history"), key=lambda s: s["events"])
        account, region = hist["account"], hist["region"]
        bodies = request_mix(cairn, data, account, region)
        req_file = os.path.join(tmp, "requests.jsonl")
        with open(req_file, "w") as f:
            f.write("\n".join(bodies) + "\n")
        log(f"history {account}/{region}: {hist['events']:,} events; {len(bodies)} request kinds")

        # The management account is a fresh one: an auditor of it reads the busy account through
        # /accounts/<id>, so the calls it records go to the auditor's own history and the history
        # under test stays the same for both sides.
        cmd = [cairn, "serve", "--data", data, "--listen", "127.0.0.1:0", "--as-of", AS_OF]
        if args.server_threads:
            cmd += ["--threads", str(args.server_threads)]
        server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        banner = ""
        while "listening on" not in banner:
            line = server.stdout.readline()
            if not line:
                raise SystemExit("cairn serve exited: " + server.stderr.read())
            banner += line
        endpoint = re.search(r"listening on (http://\S+)", banner).group(1)
        mgmt = re.search(r"management account (\d+)", banner).group(1)
        auditor = run_json([cairn, "credentials", "create", "--account", mgmt, "--role", "auditor",
                            "--data", data, "--format", "json"])
        key, secret = auditor["AccessKeyId"], auditor["SecretAccessKey"]
        common = ["--region", region, "--requests", req_file, "--clients", str(args.clients),
                  "--seconds", str(args.seconds)]
        log(f"HTTP: {args.clients} clients for {args.seconds:g} s against {endpoint} ...")
        perf = None
        if args.perf:
            perf = subprocess.Popen(["perf", "record", "-g", "-o", args.perf, "-p", str(server.pid)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        load_before = os.getloadavg()[0]
        cpu_before = process_cpu_seconds(server.pid)
        http = run_json([load, "http", "--endpoint", f"{endpoint}/accounts/{account}", "--key", key,
                         "--secret", secret,
                         *common])
        http["server_cpu_seconds"] = process_cpu_seconds(server.pid) - cpu_before
        if perf is not None:
            perf.send_signal(2)
            perf.wait(timeout=120)
        server.send_signal(15)
        if server.wait(timeout=60) != 0:
            raise SystemExit("cairn serve failed to stop: " + server.stderr.read())
        server = None
        log(f"in-process: {args.clients} clients for {args.seconds:g} s ...")
        inproc = run_json([load, "inproc", "--data", data, "--account", account, "--as-of", AS_OF,
                           *common])
        for r in (http, inproc):
            if r["errors"]:
                raise SystemExit(f"{r['mode']}: {r['errors']} errors; first: {r.get('first_error')}")

        # CPU per request is what a shared machine cannot distort: the server process's CPU for
        # HTTP (the load client's own signing and parsing excluded), the whole process in-process.
        http["cpu_us"] = http["server_cpu_seconds"] / max(1, http["requests"]) * 1e6
        inproc["cpu_us"] = inproc["cpu_seconds"] / max(1, inproc["requests"]) * 1e6
        cores = os.cpu_count()
        print(f"LookupEvents, {args.clients} clients, {args.seconds:g} s each, "
              f"history of {hist['events']:,} events, {cores} cores; load average "
              f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
        print(f"{'side':<26}{'requests/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'events/req':>12}"
              f"{'CPU us/req':>12}{'CPU-bound/s':>13}")
        for name, r in (("cairn serve (HTTP+SigV4)", http), ("in-process lookups", inproc)):
            print(f"{name:<26}{r['rps']:>12,.0f}{r['p50_ms']:>10.2f}{r['p99_ms']:>10.2f}"
                  f"{r['events'] / max(1, r['requests']):>12.1f}{r['cpu_us']:>12,.0f}"
                  f"{cores * 1e6 / max(r['cpu_us'], 1e-9):>13,.0f}")
        print(f"{'HTTP / in-process':<26}{http['rps'] / inproc['rps']:>11.2f}x"
              f"{'':>10}{http['p99_ms'] / max(inproc['p99_ms'], 1e-9):>9.2f}x{'':>12}"
              f"{http['cpu_us'] / max(inproc['cpu_us'], 1e-9):>11.2f}x")
        print(f"server overhead per request (HTTP, SigV4, dispatch, self-recording): "
              f"{http['cpu_us'] - inproc['cpu_us']:,.0f} us of CPU")
        target = 5000
        print(f"target >= {target:,} LookupEvents/s over HTTP: "
              f"{'met' if http['rps'] >= target else 'NOT met'} ({http['rps']:,.0f}/s)")
    finally:
        if server is not None:
            server.kill()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


main()
