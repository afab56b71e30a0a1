#!/usr/bin/env python3
"""PutAuditEvents: durable events/s through HTTP (cairn serve) vs DuckDB storing the same batches.

The PutAuditEvents part of the API benchmark (bench/run api_put; the LookupEvents part is
bench/run api). Starts `cairn serve` on a fresh data folder, creates an ActivityAuditLog event data
store and a channel (boto3), then bench/put_audit_events (C++, SigV4-signed keep-alive HTTP/1.1)
sends --events events in requests of --batch from --clients connections; cairn acknowledges a
request once its events are durable (WAL fsync, group commit). The count is then checked with a
Lake query. The peer, DuckDB (bench/lib/put_audit_events_duckdb.js), commits the same batches from
the same number of connections into a file database (one transaction, WAL synced, per batch).
Target: >= 50,000 events/s through cairn.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import boto3

import report

LIB = os.path.dirname(os.path.abspath(report.__file__))
REGION = "us-east-1"
ACCOUNT = "111122223333"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def make_events(path, n):
    with open(path, "w") as f:
        for i in range(n):
            f.write(json.dumps({
                "version": "1.0",
                "userIdentity": {"type": "CustomUser", "principalId": f"user-{i % 500}",
                                 "details": {"team": "payments"}},
                "userAgent": "bench-agent/1.0",
                "eventSource": "myapp.example.com",
                "eventName": ("Login", "Logout", "Transfer", "View")[i % 4],
                "eventTime": "2026-11-28T%02d:%02d:%02dZ" % (i // 3600 % 24, i // 60 % 60, i % 60),
                "UID": f"uid-{i:08d}",
                "requestParameters": {"amount": i % 1000, "currency": "EUR"},
                "sourceIPAddress": "192.0.2.%d" % (i % 250 + 1),
                "recipientAccountId": ACCOUNT}, separators=(",", ":")) + "\n")


def run_cairn(args, events_file, tmp):
    cairn = os.environ["CAIRN_BIN"]
    data = os.path.join(tmp, "data")
    server = subprocess.Popen([cairn, "serve", "--data", data, "--listen", "127.0.0.1:0",
                               "--management-account", ACCOUNT, "--threads", str(args.server_threads)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = ""
        while "listening on" not in banner:
            line = server.stdout.readline()
            if not line:
                raise SystemExit("serve exited: " + server.stderr.read())
            banner += line
        port = re.search(r"listening on http://127\.0\.0\.1:(\d+)", banner).group(1)
        key = re.search(r"AWS_ACCESS_KEY_ID=(\S+)", banner).group(1)
        secret = re.search(r"AWS_SECRET_ACCESS_KEY=(\S+)", banner).group(1)
        endpoint = f"http://127.0.0.1:{port}"
        ct = boto3.client("cloudtrail", region_name=REGION, endpoint_url=endpoint,
                          aws_access_key_id=key, aws_secret_access_key=secret)
        store = ct.create_event_data_store(Name="bench-activity", AdvancedEventSelectors=[
            {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["ActivityAuditLog"]}]}])
        channel = ct.create_channel(Name="bench", Source="Custom", Destinations=[
            {"Type": "EVENT_DATA_STORE", "Location": store["EventDataStoreArn"]}])
        client = os.path.join(os.environ["CAIRN_BENCH_BIN_DIR"], "put_audit_events")
        p = subprocess.run([client, "--endpoint", f"127.0.0.1:{port}", "--access-key", key,
                            "--secret", secret, "--channel-arn", channel["ChannelArn"],
                            "--events", events_file, "--clients", str(args.clients),
                            "--batch", str(args.batch)], capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit("put_audit_events: " + p.stderr)
        result = json.loads(p.stdout)
        # Every acknowledged event is there.
        qid = ct.start_query(QueryStatement="SELECT count(*) FROM " +
                             store["EventDataStoreArn"].rsplit("/", 1)[1])["QueryId"]
        while ct.describe_query(QueryId=qid)["QueryStatus"] in ("QUEUED", "RUNNING"):
            time.sleep(0.05)
        rows = ct.get_query_results(QueryId=qid)["QueryResultRows"]
        stored = int(list(rows[0][0].values())[0])
        if stored != result["events"]:
            raise SystemExit(f"acknowledged {result['events']} events, the store holds {stored}")
        return result
    finally:
        server.terminate()
        server.wait(timeout=60)


def run_duckdb(args, events_file, tmp):
    env = dict(os.environ)
    p = subprocess.run(["node", os.path.join(LIB, "put_audit_events_duckdb.js"), "--db",
                        os.path.join(tmp, "peer.duckdb"), "--events", events_file, "--clients",
                        str(args.clients), "--batch", str(args.batch)],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise SystemExit("duckdb peer: " + p.stderr)
    return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=200000)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--batch", type=int, default=100, help="events per request (API limit 100)")
    ap.add_argument("--server-threads", type=int, default=16)
    ap.add_argument("--tmp", default=None, help="folder for the data (default: a temp folder)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="cairn-bench-put-", dir=args.tmp)
    try:
        events_file = os.path.join(tmp, "events.ndjson")
        make_events(events_file, args.events)
        log(f"api_put: {args.events} events, {args.clients} clients, {args.batch} per request")
        cairn = run_cairn(args, events_file, tmp)
        log(f"api_put: cairn {cairn}")
        peer = run_duckdb(args, events_file, tmp)
        log(f"api_put: duckdb {peer}")
        rows = [["durable events/s", round(cairn["events_per_second"]),
                 round(peer["events_per_second"]),
                 f"{cairn['events_per_second'] / peer['events_per_second']:.2f}x"],
                ["request p50 ms", cairn["p50_ms"], None, None],
                ["request p99 ms", cairn["p99_ms"], None, None]]
        print(report.format_table(["PutAuditEvents", "cairn", "duckdb", "ratio"], rows))
        target = 50000
        print(f"target: >= {target:,} events/s through HTTP: "
              f"{'met' if cairn['events_per_second'] >= target else 'NOT met'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
