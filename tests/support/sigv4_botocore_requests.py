#!/usr/bin/env python3
"""Prints requests signed by botocore's SigV4Auth, one JSON object per line, for
src/api/sigv4_botocore_test.cc: the real client's signer against cairn's verifier.

Each line: {"name", "service", "method", "target", "headers": [[k, v], ...], "body_b64",
"expect": "OK" or the AWS error name the verifier must answer}. Tampered variants are made
after signing, the way an attacker or a broken proxy would change a request in flight.
"""
import base64
import datetime
import json
import sys
from urllib.parse import quote, urlencode, urlsplit

import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "eu-west-1"
TARGET_PREFIX = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."

_real_now = botocore.auth.get_current_datetime


def sign(method, url, body=b"", headers=(), service="cloudtrail", akid=AKID, secret=SECRET,
         shift_minutes=0):
    req = AWSRequest(method=method, url=url, data=body)
    for k, v in headers:
        req.headers[k] = v  # HTTPHeaders: assigning twice keeps both values
    if shift_minutes:
        botocore.auth.get_current_datetime = lambda: _real_now() + datetime.timedelta(
            minutes=shift_minutes)
    try:
        SigV4Auth(Credentials(akid, secret), service, REGION).add_auth(req)
    finally:
        botocore.auth.get_current_datetime = _real_now
    parts = urlsplit(req.url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    # What arrives on the wire: the Host the HTTP client adds, then the signed headers.
    wire = [["Host", parts.netloc]]
    for k, v in req.headers.items():
        wire.append([k, v if isinstance(v, str) else v.decode()])
    return {"method": method, "target": target, "headers": wire,
            "body": body if isinstance(body, bytes) else body.encode()}


def emit(name, service, req, expect):
    out = {"name": name, "service": service, "method": req["method"], "target": req["target"],
           "headers": req["headers"], "body_b64": base64.b64encode(req["body"]).decode(),
           "expect": expect}
    print(json.dumps(out))


def set_header(req, name, value):
    req["headers"] = [[k, value if k.lower() == name.lower() else v] for k, v in req["headers"]]


def main():
    base = "http://127.0.0.1:4566"
    json11 = [("Content-Type", "application/x-amz-json-1.1")]

    # Valid requests of every shape the server meets.
    describe = lambda: sign(  # noqa: E731
        "POST", base + "/", b'{"trailNameList": ["my-trail"], "includeShadowTrails": true}',
        json11 + [("X-Amz-Target", TARGET_PREFIX + "DescribeTrails")])
    emit("json11 DescribeTrails", "cloudtrail", describe(), "OK")
    emit("json11 empty body", "cloudtrail",
         sign("POST", base + "/", b"", json11 + [("X-Amz-Target", TARGET_PREFIX + "ListTrails")]),
         "OK")
    emit("json11 unicode body", "cloudtrail",
         sign("POST", "http://localhost:4566/", '{"Name": "tr\u00e4il-\u2713"}'.encode(),
              json11 + [("X-Amz-Target", TARGET_PREFIX + "GetTrail")]), "OK")
    channel = "arn:aws:cloudtrail:eu-west-1:111122223333:channel/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    query = urlencode([("channelArn", channel), ("externalId", "ext id/+&=\u00e9")],
                      quote_via=quote, safe="-_.~")
    emit("rest PutAuditEvents query", "cloudtrail-data",
         sign("POST", base + "/PutAuditEvents?" + query,
              b'{"auditEvents": [{"id": "e1", "eventData": "{}"}]}',
              [("Content-Type", "application/json")], service="cloudtrail-data"), "OK")
    arn = quote("arn:aws:securitylake:eu-west-1:111122223333:subscriber/abc", safe="")
    emit("rest encoded path label", "securitylake",
         sign("GET", base + "/v1/tags/" + arn, b"", service="securitylake"), "OK")
    emit("query repeated keys, empty values, reserved chars", "securitylake",
         sign("GET", base + "/v1/subscribers?" + urlencode(
             [("b", "2"), ("a", "\u2713"), ("a", "1"), ("empty", ""), ("c", "!*'()")],
             quote_via=quote, safe="-_.~"), b"", service="securitylake"), "OK")
    emit("header whitespace and repeated header", "cloudtrail",
         sign("POST", base + "/", b"{}", json11 + [
             ("X-Amz-Target", TARGET_PREFIX + "ListTrails"),
             ("X-Custom-Note", "  a   b \t c  "), ("X-Custom-Note", "second")]), "OK")
    emit("Date header instead of X-Amz-Date", "cloudtrail",
         sign("POST", base + "/", b"{}", json11 + [
             ("X-Amz-Target", TARGET_PREFIX + "ListTrails"), ("Date", "placeholder")]), "OK")
    emit("signed 10 minutes slow (inside the window)", "cloudtrail",
         sign("POST", base + "/", b"{}", json11 + [("X-Amz-Target", TARGET_PREFIX + "ListTrails")],
              shift_minutes=-10), "OK")

    # Tampered and refused.
    r = describe()
    r["body"] = r["body"].replace(b"my-trail", b"my-trai1")
    emit("tampered body", "cloudtrail", r, "InvalidSignatureException")
    r = describe()
    r["target"] = "/?x=1"
    emit("added query", "cloudtrail", r, "InvalidSignatureException")
    r = describe()
    set_header(r, "X-Amz-Target", TARGET_PREFIX + "DeleteTrail")
    emit("changed signed header", "cloudtrail", r, "InvalidSignatureException")
    r = describe()
    set_header(r, "Host", "127.0.0.1:4567")
    emit("changed host", "cloudtrail", r, "InvalidSignatureException")
    emit("wrong secret", "cloudtrail",
         sign("POST", base + "/", b"{}", json11, secret=SECRET[:-1] + "X"),
         "InvalidSignatureException")
    emit("unknown access key", "cloudtrail",
         sign("POST", base + "/", b"{}", json11, akid="AKIAUNKNOWNKEY000000"),
         "UnrecognizedClientException")
    emit("signed 20 minutes slow", "cloudtrail",
         sign("POST", base + "/", b"{}", json11, shift_minutes=-20), "InvalidSignatureException")
    emit("signed 20 minutes fast", "cloudtrail",
         sign("POST", base + "/", b"{}", json11, shift_minutes=20), "InvalidSignatureException")
    emit("signed for another service", "cloudtrail",
         sign("POST", base + "/", b"{}", json11, service="iam"), "IncompleteSignatureException")
    r = describe()
    r["headers"] = [h for h in r["headers"] if h[0].lower() != "authorization"]
    emit("authorization removed", "cloudtrail", r, "MissingAuthenticationTokenException")
    r = describe()
    r["headers"] = [h for h in r["headers"] if h[0].lower() != "content-type"]
    emit("signed header dropped", "cloudtrail", r, "IncompleteSignatureException")
    r = describe()
    r["headers"].append(["X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"])
    emit("claimed unsigned payload", "cloudtrail", r, "InvalidSignatureException")
    return 0


if __name__ == "__main__":
    sys.exit(main())
