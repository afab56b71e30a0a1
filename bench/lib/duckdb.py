"""Runs SQL through the shared DuckDB driver (duckdb_driver.js) and returns its JSON result.

See duckdb_driver.js for the SQL block format (-- name: / -- before:) and the output.
"""
import json
import os
import subprocess

LIB_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LIB_DIR))
NODE_PATH = os.path.join(ROOT, ".deps", "node", "node_modules")


# The type of a delivery file's "Records" for read_json: the fields the generator writes, free-form
# objects as JSON. Shared by the query benchmark and the differential SQL test.
RECORD_TYPE = """STRUCT(
  eventVersion VARCHAR, eventTime TIMESTAMP,
  userIdentity STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR,
    accessKeyId VARCHAR, userName VARCHAR, invokedBy VARCHAR, identityProvider VARCHAR,
    sessionContext STRUCT(
      attributes STRUCT(creationDate TIMESTAMP, mfaAuthenticated VARCHAR),
      sessionIssuer STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR,
                           userName VARCHAR))),
  eventSource VARCHAR, eventName VARCHAR, awsRegion VARCHAR, sourceIPAddress VARCHAR,
  userAgent VARCHAR, errorCode VARCHAR, errorMessage VARCHAR,
  requestParameters JSON, responseElements JSON, additionalEventData JSON,
  requestID VARCHAR, eventID VARCHAR, readOnly BOOLEAN,
  resources STRUCT("ARN" VARCHAR, accountId VARCHAR, type VARCHAR)[],
  eventType VARCHAR, apiVersion VARCHAR, managementEvent BOOLEAN, recipientAccountId VARCHAR,
  vpcEndpointId VARCHAR, vpcEndpointAccountId VARCHAR, eventCategory VARCHAR,
  tlsDetails STRUCT(tlsVersion VARCHAR, cipherSuite VARCHAR, clientProvidedHostHeader VARCHAR),
  sessionCredentialFromConsole VARCHAR)[]"""


class DuckDBError(Exception):
    pass


def run_sql(sql, variables=None, runs=5, warmup=1, threads=2):
    """Runs `sql` (text) with ${NAME} replaced from `variables`; returns {name: statement dict}
    plus the whole document under the key None."""
    argv = ["node", os.path.join(LIB_DIR, "duckdb_driver.js"), "--threads", str(threads),
            "--warmup", str(warmup), "--runs", str(runs)]
    for k, v in (variables or {}).items():
        argv += ["--var", f"{k}={v}"]
    env = dict(os.environ)
    env["NODE_PATH"] = NODE_PATH
    proc = subprocess.run(argv, input=sql, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env)
    if proc.returncode != 0:
        raise DuckDBError(proc.stderr.strip() or f"duckdb_driver exited {proc.returncode}")
    doc = json.loads(proc.stdout)
    result = {s["name"]: s for s in doc["statements"]}
    result[None] = doc
    return result
