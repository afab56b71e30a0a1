"""Helpers for integration tests that drive `cairn serve` with real clients (boto3, the aws CLI).

    from cairn_serve import Server, cairn, expect_error
    with Server(data_dir, management_account="111122223333") as srv:
        ct = srv.client()                       # boto3 cloudtrail client, admin credential
        srv.aws("cloudtrail", "describe-trails")  # the aws CLI, parsed JSON output
"""
import json
import os
import re
import signal
import subprocess

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

CAIRN = os.environ["CAIRN_BIN"]
REGION = "us-east-1"


class Failure(Exception):
    pass


def cairn(*args, want=0):
    p = subprocess.run([CAIRN, *args], capture_output=True, text=True)
    if p.returncode != want:
        raise Failure(f"cairn {' '.join(args)}: exit {p.returncode}, want {want}\n"
                      f"{p.stdout}\n{p.stderr}")
    return p.stdout


def expect_error(fn, code, message_part=None):
    """Calls fn(); it must raise a botocore ClientError with this code."""
    try:
        fn()
    except ClientError as e:
        got = e.response["Error"]["Code"]
        if got != code:
            raise Failure(f"expected {code}, got {got}: {e}")
        if message_part and message_part not in e.response["Error"]["Message"]:
            raise Failure(f"{code}: message {e.response['Error']['Message']!r} lacks "
                          f"{message_part!r}")
        return e
    raise Failure(f"expected {code}, the call succeeded")


class Server:
    """`cairn serve` on a free port over DATA; stopped with SIGTERM (exit 0 required)."""

    def __init__(self, data, management_account=None, extra=()):
        args = [CAIRN, "serve", "--data", data, "--listen", "127.0.0.1:0", *extra]
        if management_account:
            args += ["--management-account", management_account]
        self.data = data
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        banner = ""
        while "listening on" not in banner:
            line = self.proc.stdout.readline()
            if not line:
                raise Failure("serve exited early: " + self.proc.stderr.read())
            banner += line
        self.banner = banner
        self.endpoint = "http://127.0.0.1:" + re.search(r"listening on http://[^:]+:(\d+)",
                                                       banner).group(1)
        creds = open(os.path.join(data, "admin-credentials")).read()
        self.admin = (re.search(r"aws_access_key_id = (\S+)", creds).group(1),
                      re.search(r"aws_secret_access_key = (\S+)", creds).group(1))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.stop()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=60)
        if rc != 0:
            raise Failure(f"serve exited {rc} after SIGTERM: {self.proc.stderr.read()}")

    def kill(self):
        """SIGKILL, as a crash would end it (nothing is flushed or closed)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)

    def credential(self, account, role):
        out = json.loads(cairn("credentials", "create", "--account", account, "--role", role,
                               "--data", self.data, "--format", "json"))
        return out["AccessKeyId"], out["SecretAccessKey"]

    def client(self, cred=None, region=REGION, account=None, service="cloudtrail"):
        key, secret = cred or self.admin
        url = self.endpoint + (f"/accounts/{account}" if account else "")
        return boto3.client(service, region_name=region, endpoint_url=url, aws_access_key_id=key,
                            aws_secret_access_key=secret,
                            config=Config(retries={"max_attempts": 1}))

    def aws(self, *args, cred=None, region=REGION, want=0):
        return aws(self.endpoint, cred or self.admin, *args, region=region, want=want)


def aws(endpoint, cred, *args, region=REGION, want=0):
    """The aws CLI against endpoint with cred = (key, secret), no profile or config file.
    Returns the parsed JSON output; with want="error" (a service error, which the aws CLI v1 exits
    with 255 and v2 with 254) returns stderr."""
    key, secret = cred
    env = dict(os.environ, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret,
               AWS_DEFAULT_REGION=region, AWS_PAGER="", AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    p = subprocess.run(["aws", "--endpoint-url", endpoint, "--output", "json", *args],
                       capture_output=True, text=True, env=env)
    ok = p.returncode in (254, 255) if want == "error" else p.returncode == want
    if not ok:
        raise Failure(f"aws {' '.join(args)}: exit {p.returncode}, want {want}\n"
                      f"{p.stdout}\n{p.stderr}")
    if want == "error":
        return p.stderr
    return json.loads(p.stdout) if p.stdout.strip() else {}
