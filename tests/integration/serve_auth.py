#!/usr/bin/env python3
"""`cairn serve` with real clients: bootstrap, accounts and credentials, LookupEvents through the
aws CLI and boto3, per-account access, and every SigV4 refusal with the exact AWS error code.

Steps: generate a small organization, import it, start `cairn serve` on a free port with one of
the imported accounts as the management account, add a member account (another imported account)
and a member-reader credential, then:
  - the admin credential file is mode 0600 and no secret is in metadata.db in plain text;
  - lookup-events (aws CLI, paging to the end) equals boto3's paginator, returns only the
    caller's account, and the admin reaches another account through /accounts/<id>;
  - the member sees its own account only; /accounts/<other> is AccessDeniedException;
  - wrong secret, tampered body, signed 20 minutes ago, unsigned, unknown key and revoked key are
    refused with InvalidSignatureException / MissingAuthenticationTokenException /
    UnrecognizedClientException and their HTTP statuses;
  - validation errors keep their LookupEvents names; SIGTERM stops the server with exit 0.
"""
import datetime
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from unittest import mock

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from cairn_serve import REGION, Failure, aws, cairn, expect_error  # noqa: E402

CAIRN = os.environ["CAIRN_BIN"]
TMP = tempfile.mkdtemp(prefix="cairn-serve-")
DATA = os.path.join(TMP, "data")
TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."
server = None


def fail(msg):
    raise Failure(msg)


def client(endpoint, key, secret):
    return boto3.client("cloudtrail", region_name=REGION, endpoint_url=endpoint,
                        aws_access_key_id=key, aws_secret_access_key=secret)


def raw_call(endpoint, op, body, key=None, secret=None, tamper=None, when=None, headers=None):
    """Sends one JSON 1.1 request signed by botocore's SigV4Auth (unless key is None).
    Returns (HTTP status, parsed body, x-amzn-ErrorType)."""
    req = botocore.awsrequest.AWSRequest(
        method="POST", url=endpoint + "/", data=body,
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + op,
                 **(headers or {})})
    if key is not None:
        signer = botocore.auth.SigV4Auth(botocore.credentials.Credentials(key, secret),
                                         "cloudtrail", REGION)
        if when is not None:
            with mock.patch("botocore.auth.get_current_datetime", return_value=when):
                signer.add_auth(req)
        else:
            signer.add_auth(req)
    prepared = req.prepare()
    data = prepared.body if tamper is None else tamper
    if isinstance(data, str):
        data = data.encode()
    r = urllib.request.Request(prepared.url, data=data, method="POST",
                               headers=dict(prepared.headers.items()))
    try:
        with urllib.request.urlopen(r, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b"{}"), None
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), e.headers.get("x-amzn-ErrorType")


def expect_refused(what, result, code, status):
    got_status, body, header = result
    if got_status != status or body.get("__type") != code or header != code:
        fail(f"{what}: expected {status} {code}, got {got_status} {body} (header {header})")


def lookup_all_cli(endpoint, key, secret, *extra):
    out = aws(endpoint, (key, secret), "cloudtrail", "lookup-events", "--page-size", "20", *extra)
    return out["Events"]


def main():
    global server
    org_dir = os.path.join(TMP, "org")
    cairn("generate", "--out", org_dir, "--accounts", "3", "--regions", "1", "--days", "2",
        "--events", "3000", "--seed", "11")
    cairn("import", org_dir, "--data", DATA)
    histories = json.loads(cairn("stores", "--data", DATA, "--format", "json"))
    text = json.dumps(histories)
    accounts = sorted(set(re.findall(r'history/(\d{12})/' + REGION, text)))
    if len(accounts) < 2:
        fail(f"expected histories of >= 2 accounts in {REGION}: {text[:500]}")
    mgmt, member = accounts[0], accounts[1]

    # Before the organization exists, account commands say so (usage error).
    cairn("accounts", "create", "early", "--data", DATA, want=2)

    started = time.time()
    server = subprocess.Popen(
        [CAIRN, "serve", "--data", DATA, "--listen", "127.0.0.1:0", "--management-account", mgmt],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    banner = ""
    while "listening on" not in banner:
        line = server.stdout.readline()
        if not line:
            fail("serve exited early: " + server.stderr.read())
        banner += line
    port = re.search(r"listening on http://127\.0\.0\.1:(\d+)", banner).group(1)
    endpoint = f"http://127.0.0.1:{port}"
    admin_key = re.search(r"AWS_ACCESS_KEY_ID=(\S+)", banner).group(1)
    admin_secret = re.search(r"AWS_SECRET_ACCESS_KEY=(\S+)", banner).group(1)

    # The credential file: owner-only, shared-credentials format, same key.
    cred_file = os.path.join(DATA, "admin-credentials")
    mode = stat.S_IMODE(os.stat(cred_file).st_mode)
    if mode != 0o600:
        fail(f"admin-credentials has mode {oct(mode)}")
    if admin_secret not in open(cred_file).read():
        fail("admin-credentials does not hold the printed secret")

    cairn("accounts", "create", "member-one", "--id", member, "--data", DATA)
    cairn("accounts", "create", "member-one", "--data", DATA, want=2)  # name taken
    cairn("accounts", "create", "bad name!", "--data", DATA, want=2)
    listed = json.loads(cairn("accounts", "list", "--data", DATA, "--format", "json"))["Accounts"]
    if [a["Id"] for a in listed] != [mgmt, member] or listed[0]["Type"] != "management":
        fail(f"accounts list: {listed}")
    cairn("credentials", "create", "--account", "member-one", "--role", "admin", "--data", DATA,
        want=2)  # admin only in the management account
    cairn("credentials", "create", "--account", "nope", "--role", "member-reader", "--data", DATA,
        want=2)
    m = json.loads(cairn("credentials", "create", "--account", "member-one", "--role",
                       "member-reader", "--data", DATA, "--format", "json"))
    member_key, member_secret = m["AccessKeyId"], m["SecretAccessKey"]
    a = json.loads(cairn("credentials", "create", "--account", mgmt, "--role", "auditor",
                       "--data", DATA, "--format", "json"))
    auditor_key, auditor_secret = a["AccessKeyId"], a["SecretAccessKey"]

    # Accounts and credentials were managed beside the running server; the stores are not shared:
    # a second process that would open them is refused, naming the server.
    p = subprocess.run([CAIRN, "lookup", "--data", DATA, "--account", mgmt, "--region", REGION],
                       capture_output=True, text=True)
    if p.returncode != 1 or "locked by pid" not in p.stderr or " serve " not in p.stderr:
        fail(f"cairn lookup beside cairn serve: exit {p.returncode}, want 1 naming the server\n"
             f"{p.stderr}")

    # No secret in plain text in the database files.
    for name in os.listdir(DATA):
        if name.startswith("metadata.db"):
            blob = open(os.path.join(DATA, name), "rb").read()
            for s in (admin_secret, member_secret, auditor_secret):
                if s.encode() in blob:
                    fail(f"a secret is in plain text in {name}")

    # LookupEvents: the aws CLI pages to the end; boto3's paginator sees the same events. Both
    # end before the server started: every call is itself recorded in event history.
    cutoff = int(started) - 1
    cli_events = lookup_all_cli(endpoint, admin_key, admin_secret, "--end-time", str(cutoff))
    if not cli_events:
        fail("admin lookup-events returned nothing")
    ct = client(endpoint, admin_key, admin_secret)
    boto_events = []
    for page in ct.get_paginator("lookup_events").paginate(EndTime=cutoff,
                                                            PaginationConfig={"PageSize": 50}):
        boto_events += page["Events"]
    if [e["EventId"] for e in cli_events] != [e["EventId"] for e in boto_events]:
        fail(f"CLI and boto3 disagree: {len(cli_events)} vs {len(boto_events)} events")
    times = [e["EventTime"] for e in boto_events]
    if times != sorted(times, reverse=True):
        fail("events are not newest first")
    for e in boto_events:
        rec = json.loads(e["CloudTrailEvent"])
        if rec.get("recipientAccountId", rec["userIdentity"].get("accountId")) != mgmt:
            fail(f"admin's own lookup returned an event of another account: {e['EventId']}")

    # Admin and auditor choose another account through the endpoint path.
    for key, secret in ((admin_key, admin_secret), (auditor_key, auditor_secret)):
        other = lookup_all_cli(f"{endpoint}/accounts/{member}", key, secret, "--max-items", "30")
        if not other or any(json.loads(e["CloudTrailEvent"])["recipientAccountId"] != member
                            for e in other):
            fail("lookup through /accounts/<member> did not return the member's events")

    # The member sees exactly its own account.
    mc = client(endpoint, member_key, member_secret)
    mine = []
    for page in mc.get_paginator("lookup_events").paginate():
        mine += page["Events"]
    if not mine or any(json.loads(e["CloudTrailEvent"])["recipientAccountId"] != member
                       for e in mine):
        fail("member lookup returned events of another account (or none)")
    err = aws(f"{endpoint}/accounts/{mgmt}", (member_key, member_secret), "cloudtrail",
              "lookup-events", want="error")
    if "AccessDeniedException" not in err:
        fail(f"member reaching the management account: {err}")
    mc_other = client(f"{endpoint}/accounts/{mgmt}", member_key, member_secret)
    expect_error(lambda: mc_other.lookup_events(), "AccessDeniedException")

    # Validation errors keep their names.
    expect_error(lambda: ct.lookup_events(LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "a"},
        {"AttributeKey": "EventSource", "AttributeValue": "b"}]),
        "InvalidLookupAttributesException")
    expect_error(lambda: ct.lookup_events(
        StartTime=datetime.datetime(2025, 2, 1), EndTime=datetime.datetime(2025, 1, 1)),
        "InvalidTimeRangeException")
    expect_error(lambda: ct.lookup_events(NextToken="bm90IGEgdG9rZW4="),
                        "InvalidNextTokenException")
    status, body, _ = raw_call(endpoint, "LookupEvents", '{"MaxResults": 500}', admin_key,
                               admin_secret)
    if status != 400 or body.get("__type") != "InvalidMaxResultsException":
        fail(f"MaxResults 500: {status} {body}")
    status, body, _ = raw_call(endpoint, "LookupEvents", '{"MaxResults": "x"}', admin_key,
                               admin_secret)
    if status != 400 or body.get("__type") != "SerializationException":
        fail(f"MaxResults \"x\": {status} {body}")
    status, body, _ = raw_call(endpoint, "LookupEvents", '{"MaxResults": 3', admin_key,
                               admin_secret)
    if status != 400 or body.get("__type") != "SerializationException":
        fail(f"malformed JSON: {status} {body}")

    # A correctly signed raw request works; then each way of getting it wrong is refused.
    body = '{"MaxResults": 1}'
    status, ok_body, _ = raw_call(endpoint, "LookupEvents", body, admin_key, admin_secret)
    if status != 200 or len(ok_body.get("Events", [])) != 1:
        fail(f"signed raw request: {status} {ok_body}")
    wrong_secret = admin_secret[:-1] + ("y" if admin_secret.endswith("x") else "x")
    expect_refused("wrong secret",
                   raw_call(endpoint, "LookupEvents", body, admin_key, wrong_secret),
                   "InvalidSignatureException", 400)
    expect_refused("tampered body",
                   raw_call(endpoint, "LookupEvents", body, admin_key, admin_secret,
                            tamper='{"MaxResults": 2}'),
                   "InvalidSignatureException", 400)
    old = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - \
        datetime.timedelta(minutes=20)
    r = raw_call(endpoint, "LookupEvents", body, admin_key, admin_secret, when=old)
    expect_refused("signed 20 minutes ago", r, "InvalidSignatureException", 400)
    if "Signature expired" not in r[1].get("message", ""):
        fail(f"skew message: {r[1]}")
    expect_refused("unsigned", raw_call(endpoint, "LookupEvents", body),
                   "MissingAuthenticationTokenException", 403)
    expect_refused("unknown key",
                   raw_call(endpoint, "LookupEvents", body, "AKIAUNKNOWNKEY000000", admin_secret),
                   "UnrecognizedClientException", 400)
    expect_error(lambda: client(endpoint, admin_key, "x" * 40).lookup_events(),
                        "InvalidSignatureException")
    expect_error(lambda: client(endpoint, "AKIAUNKNOWNKEY000000", "x" * 40).lookup_events(),
                        "UnrecognizedClientException")

    # Roles: the auditor reads but cannot change anything; revocation takes effect at once.
    creds = json.loads(cairn("credentials", "list", "--data", DATA, "--format", "json"))
    if len(creds["Credentials"]) != 3 or "Secret" in json.dumps(creds):
        fail(f"credentials list: {creds}")
    cairn("credentials", "revoke", member_key, "--data", DATA)
    cairn("credentials", "revoke", member_key, "--data", DATA, want=2)
    expect_error(lambda: mc.lookup_events(), "UnrecognizedClientException")

    # /health and /metrics need no signature.
    with urllib.request.urlopen(endpoint + "/health", timeout=5) as r:
        if json.loads(r.read()) != {"status": "ok"}:
            fail("/health")
    with urllib.request.urlopen(endpoint + "/metrics", timeout=5) as r:
        if b'cairn_api_requests_total{operation="LookupEvents"' not in r.read():
            fail("/metrics has no LookupEvents series")

    server.send_signal(signal.SIGTERM)
    rc = server.wait(timeout=30)
    if rc != 0:
        fail(f"serve exited {rc} after SIGTERM: {server.stderr.read()}")
    server = None

    # A restart keeps the organization: no new admin credential, the old one still works.
    server = subprocess.Popen([CAIRN, "serve", "--data", DATA, "--listen", "127.0.0.1:0"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    if "listening on" not in line or "AWS_SECRET" in line:
        fail(f"restart banner: {line}")
    port = re.search(r":(\d+) ", line).group(1)
    client(f"http://127.0.0.1:{port}", admin_key, admin_secret).lookup_events(MaxResults=1)
    server.send_signal(signal.SIGINT)
    if server.wait(timeout=30) != 0:
        fail("serve exited non-zero after SIGINT")
    server = None
    print("ok")


try:
    main()
except Failure as e:
    print("FAIL:", e)
    sys.exit(1)
finally:
    if server is not None:
        server.kill()
        server.wait()
    shutil.rmtree(TMP, ignore_errors=True)
