#!/usr/bin/env python3
"""CloudTrail Lake through `cairn serve` with the real aws CLI and boto3.

Steps: generate a small organization (3 accounts), start `cairn serve` with its management
account, add a member account with a member-reader credential, then:
  - event data stores: create (aws CLI), get/list/update, termination protection, delete to
    PENDING_DELETION and restore, with the exact error codes of the failures;
  - StartImport from the generated folder (file://) into an organization store, polled to
    COMPLETED, statistics equal to the generated event count;
  - StartQuery / DescribeQuery / GetQueryResults paged with NextToken (boto3) and the aws CLI;
    statement errors, unknown query ids, cancelling a finished query;
  - access: the member sees only the organization store, counts only its own account's events
    (count(*), GROUP BY, joins), sees only its own import statistics, cannot create stores or
    query the management account's private store;
  - channels: create (aws CLI), PutAuditEvents through boto3 and `aws cloudtrail-data` with a
    bad checksum and a foreign recipient reported per event, then the events found by query.
"""
import base64
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from cairn_serve import REGION, Failure, Server, cairn, expect_error  # noqa: E402

TMP = tempfile.mkdtemp(prefix="cairn-lake-")
DATA = os.path.join(TMP, "data")
srv = None


def fail(msg):
    raise Failure(msg)


def wait_query(ct, qid):
    for _ in range(600):
        d = ct.describe_query(QueryId=qid)
        if d["QueryStatus"] not in ("QUEUED", "RUNNING"):
            return d
        time.sleep(0.05)
    fail(f"query {qid} did not finish")


def query(ct, sql):
    qid = ct.start_query(QueryStatement=sql)["QueryId"]
    d = wait_query(ct, qid)
    if d["QueryStatus"] != "FINISHED":
        fail(f"{sql}: {d}")
    rows, token = [], None
    while True:
        kw = {"QueryId": qid, "MaxQueryResults": 1000}
        if token:
            kw["NextToken"] = token
        page = ct.get_query_results(**kw)
        rows += [[list(c.values())[0] for c in row] for row in page["QueryResultRows"]]
        token = page.get("NextToken")
        if not token:
            return rows


def main():
    global srv
    org_dir = os.path.join(TMP, "org")
    gen = json.loads(cairn("generate", "--out", org_dir, "--accounts", "3", "--regions", "1",
                         "--days", "2", "--events", "2000", "--seed", "7", "--format", "json"))
    accounts = [a["id"] for a in gen["accounts"]]
    mgmt = [a["id"] for a in gen["accounts"] if a["management"]][0]
    member = [a for a in accounts if a != mgmt][0]
    total_events = gen["events"]

    srv = Server(DATA, management_account=mgmt)
    admin = srv.admin
    cairn("accounts", "create", "member-one", "--id", member, "--data", DATA)
    reader = srv.credential("member-one", "member-reader")
    ct, mct = srv.client(admin), srv.client(reader)

    # --- Event data stores -------------------------------------------------------------------
    # Ingestion stopped: the store takes only what the import copies (not cairn's own API calls),
    # so the counts below are exact.
    org = srv.aws("cloudtrail", "create-event-data-store", "--name", "org-store",
              "--organization-enabled", "--no-start-ingestion", "--retention-period", "90")
    org_arn = org["EventDataStoreArn"]
    org_id = org_arn.rsplit("/", 1)[1]
    if org["Status"] != "CREATED" or org["RetentionPeriod"] != 90 or not org["OrganizationEnabled"]:
        fail(f"create-event-data-store: {org}")
    got = srv.aws("cloudtrail", "get-event-data-store", "--event-data-store", org_id)
    if got["Status"] != "STOPPED_INGESTION" or got["EventDataStoreArn"] != org_arn:
        fail(f"get-event-data-store: {got}")
    private = ct.create_event_data_store(Name="mgmt-private", TerminationProtectionEnabled=True)
    expect_error(lambda: ct.create_event_data_store(Name="org-store"),
                 "EventDataStoreAlreadyExistsException")
    expect_error(lambda: ct.create_event_data_store(Name="bad-selectors", AdvancedEventSelectors=[
        {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}]),
        "InvalidEventSelectorsException")
    expect_error(lambda: ct.get_event_data_store(EventDataStore="00000000-0000-4000-8000-000000000000"),
                 "EventDataStoreNotFoundException")
    expect_error(lambda: ct.delete_event_data_store(EventDataStore=private["EventDataStoreArn"]),
                 "EventDataStoreTerminationProtectedException")
    ct.update_event_data_store(EventDataStore=private["EventDataStoreArn"],
                               TerminationProtectionEnabled=False)
    ct.delete_event_data_store(EventDataStore=private["EventDataStoreArn"])
    if ct.get_event_data_store(EventDataStore=private["EventDataStoreArn"])["Status"] != "PENDING_DELETION":
        fail("deleted store is not PENDING_DELETION")
    expect_error(lambda: ct.start_query(QueryStatement=f"SELECT 1 FROM {private['EventDataStoreArn'].rsplit('/', 1)[1]}"),
                 "InactiveEventDataStoreException")
    if ct.restore_event_data_store(EventDataStore=private["EventDataStoreArn"])["Status"] != "ENABLED":
        fail("restore did not enable the store")
    names = {s["Name"] for s in ct.list_event_data_stores()["EventDataStores"]}
    if names != {"org-store", "mgmt-private"}:
        fail(f"admin list-event-data-stores: {names}")
    mnames = {s["Name"] for s in mct.list_event_data_stores()["EventDataStores"]}
    if mnames != {"org-store"}:
        fail(f"member list-event-data-stores: {mnames} (must not see the private store)")
    expect_error(lambda: mct.create_event_data_store(Name="member-store"), "AccessDeniedException")
    expect_error(lambda: mct.get_event_data_store(EventDataStore=private["EventDataStoreArn"]),
                 "EventDataStoreNotFoundException")

    # Tags on event data stores: the trail tag operations reach the store registry.
    parn = private["EventDataStoreArn"]
    ct.add_tags(ResourceId=parn, TagsList=[{"Key": "team", "Value": "sec"}, {"Key": "env"}])
    ct.remove_tags(ResourceId=parn, TagsList=[{"Key": "env"}])
    tags = ct.list_tags(ResourceIdList=[parn])["ResourceTagList"][0]["TagsList"]
    if [(t["Key"], t.get("Value", "")) for t in tags] != [("team", "sec")]:
        fail(f"event data store tags after add/remove: {tags}")
    expect_error(lambda: mct.list_tags(ResourceIdList=[parn]), "EventDataStoreNotFoundException")
    expect_error(lambda: mct.add_tags(ResourceId=org_arn, TagsList=[{"Key": "k"}]),
                 "AccessDeniedException")

    # --- Import ------------------------------------------------------------------------------
    source = {"S3": {"S3LocationUri": "file://" + org_dir, "S3BucketRegion": REGION,
                     "S3BucketAccessRoleArn": f"arn:aws:iam::{mgmt}:role/import"}}
    imp = srv.aws("cloudtrail", "start-import", "--destinations", org_arn,
              "--import-source", json.dumps(source))
    for _ in range(600):
        g = ct.get_import(ImportId=imp["ImportId"])
        if g["ImportStatus"] not in ("INITIALIZING", "IN_PROGRESS"):
            break
        time.sleep(0.05)
    if g["ImportStatus"] != "COMPLETED" or g["ImportStatistics"]["EventsCompleted"] != total_events:
        fail(f"import: {g} (generated {total_events} events)")
    if g["ImportStatistics"]["FilesCompleted"] != gen["files"]:
        fail(f"import files: {g['ImportStatistics']} vs {gen['files']} generated")
    expect_error(lambda: ct.start_import(Destinations=[org_arn], ImportSource={"S3": dict(
        source["S3"], S3LocationUri="s3://bucket/AWSLogs")}), "InvalidImportSourceException")
    expect_error(lambda: ct.get_import(ImportId="00000000-0000-4000-8000-000000000000"),
                 "ImportNotFoundException")
    listed = [i["ImportId"] for i in ct.list_imports()["Imports"]]
    if listed != [imp["ImportId"]]:
        fail(f"list-imports: {listed}")

    # --- Queries -----------------------------------------------------------------------------
    rows = query(ct, f"SELECT count(*) FROM {org_id}")
    if rows != [[str(total_events)]]:
        fail(f"admin count: {rows}, want {total_events}")
    # Paging: 250 rows, 100 per page, with the aws CLI's start-query and boto3's pages.
    started = srv.aws("cloudtrail", "start-query", "--query-statement",
                  f"SELECT eventID, eventTime FROM {org_id} ORDER BY eventTime, eventID LIMIT 250")
    d = wait_query(ct, started["QueryId"])
    if d["QueryStatus"] != "FINISHED" or d["QueryStatistics"]["EventsScanned"] < 250:
        fail(f"describe-query: {d}")
    ids, token, pages = [], None, 0
    while True:
        kw = {"QueryId": started["QueryId"], "MaxQueryResults": 100}
        if token:
            kw["NextToken"] = token
        page = ct.get_query_results(**kw)
        pages += 1
        if page["QueryStatistics"]["TotalResultsCount"] != 250:
            fail(f"TotalResultsCount: {page['QueryStatistics']}")
        ids += [row[0]["eventID"] for row in page["QueryResultRows"]]
        token = page.get("NextToken")
        if not token:
            break
    ids_first_page = ids[:100]
    if pages != 3 or len(ids) != 250 or len(set(ids)) != 250:
        fail(f"paging: {pages} pages, {len(ids)} rows, {len(set(ids))} distinct")
    cli_page = srv.aws("cloudtrail", "get-query-results", "--query-id",
                   started["QueryId"], "--max-query-results", "10")
    if [r[0]["eventID"] for r in cli_page["QueryResultRows"]][:10] != ids[:10]:
        fail("aws CLI get-query-results disagrees with boto3")
    expect_error(lambda: ct.get_query_results(QueryId=started["QueryId"], NextToken="1.bogus"),
                 "InvalidNextTokenException")
    expect_error(lambda: ct.start_query(QueryStatement="SELEC eventID FROM x"),
                 "InvalidQueryStatementException")
    expect_error(lambda: ct.start_query(QueryStatement="SELECT * FROM 00000000-0000-4000-8000-000000000000"),
                 "EventDataStoreNotFoundException")
    expect_error(lambda: ct.describe_query(QueryId="00000000-0000-4000-8000-000000000000"),
                 "QueryIdNotFoundException")
    expect_error(lambda: ct.cancel_query(QueryId=started["QueryId"]), "InactiveQueryException")
    listed = ct.list_queries(EventDataStore=org_arn)["Queries"]
    if started["QueryId"] not in [q["QueryId"] for q in listed]:
        fail(f"list-queries: {listed}")

    # --- Access: a member sees, counts and infers only its own account -----------------------
    own = query(ct, f"SELECT count(*) FROM {org_id} WHERE recipientAccountId = '{member}'")[0][0]
    if int(own) == 0 or int(own) == total_events:
        fail(f"member's share of events: {own} of {total_events}")
    if query(mct, f"SELECT count(*) FROM {org_id}") != [[own]]:
        fail("member count(*) is not its own account's count")
    by_account = query(mct, f"SELECT recipientAccountId, count(*) FROM {org_id} GROUP BY 1")
    if by_account != [[member, own]]:
        fail(f"member GROUP BY reveals other accounts: {by_account}")
    joined = query(mct, f"SELECT count(*) FROM {org_id} a JOIN {org_id} b ON a.eventID = b.eventID")
    if joined != [[own]]:
        fail(f"member join: {joined}")
    others = [a for a in accounts if a != member]
    leak = query(mct, f"SELECT count(*) FROM {org_id} WHERE recipientAccountId IN ('{others[0]}', '{others[1]}')")
    if leak != [["0"]]:
        fail(f"member sees other accounts' events: {leak}")
    expect_error(lambda: mct.start_query(QueryStatement=f"SELECT count(*) FROM {private['EventDataStoreArn'].rsplit('/', 1)[1]}"),
                 "EventDataStoreNotFoundException")
    mg = mct.get_import(ImportId=imp["ImportId"])
    if mg["ImportStatistics"]["EventsCompleted"] != int(own):
        fail(f"member import statistics: {mg['ImportStatistics']} (own events {own})")
    mq = mct.start_query(QueryStatement=f"SELECT count(*) FROM {org_id}")["QueryId"]
    expect_error(lambda: ct.describe_query(QueryId=mq), "QueryIdNotFoundException")
    md = wait_query(mct, mq)
    if md["QueryStatistics"]["EventsScanned"] != int(own):
        fail(f"member statistics reveal other accounts' rows: {md['QueryStatistics']} (own {own})")
    expect_error(lambda: mct.stop_import(ImportId=imp["ImportId"]), "AccessDeniedException")

    # --- Channels and PutAuditEvents ----------------------------------------------------------
    activity = ct.create_event_data_store(Name="app-activity", AdvancedEventSelectors=[
        {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["ActivityAuditLog"]}]}])
    act_id = activity["EventDataStoreArn"].rsplit("/", 1)[1]
    ch = srv.aws("cloudtrail", "create-channel", "--name", "my-app", "--source", "Custom",
             "--destinations", json.dumps([{"Type": "EVENT_DATA_STORE",
                                            "Location": activity["EventDataStoreArn"]}]))
    expect_error(lambda: ct.create_channel(Name="to-org", Source="Custom", Destinations=[
        {"Type": "EVENT_DATA_STORE", "Location": org_arn}]), "InvalidEventDataStoreCategoryException")
    expect_error(lambda: ct.get_channel(Channel=ch["ChannelArn"].replace(ch["ChannelArn"][-36:],
                                                                          "00000000-0000-4000-8000-000000000000")),
                 "ChannelNotFoundException")

    ct.add_tags(ResourceId=ch["ChannelArn"], TagsList=[{"Key": "app", "Value": "my-app"}])
    tags = ct.list_tags(ResourceIdList=[ch["ChannelArn"]])["ResourceTagList"][0]["TagsList"]
    if [(t["Key"], t.get("Value", "")) for t in tags] != [("app", "my-app")]:
        fail(f"channel tags: {tags}")
    expect_error(lambda: mct.list_tags(ResourceIdList=[ch["ChannelArn"]]), "ChannelNotFoundException")

    def event_data(uid, account=mgmt):
        return json.dumps({"version": "1.0", "userIdentity": {"type": "CustomUser", "principalId": "alice"},
                           "eventSource": "myapp.example.com", "eventName": "Login",
                           "eventTime": "2026-11-28T10:15:02Z", "UID": uid,
                           "recipientAccountId": account}, separators=(",", ":"))

    def checksum(s):
        return base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()

    data = srv.client(admin, service="cloudtrail-data")
    good = event_data("u-1")
    r = data.put_audit_events(channelArn=ch["ChannelArn"], auditEvents=[
        {"id": "e1", "eventData": good, "eventDataChecksum": checksum(good)},
        {"id": "e2", "eventData": event_data("u-2")},
        {"id": "e3", "eventData": event_data("u-3"), "eventDataChecksum": checksum("other")},
        {"id": "e4", "eventData": event_data("u-4", member)}])
    if [s["id"] for s in r["successful"]] != ["e1", "e2"]:
        fail(f"put-audit-events successful: {r}")
    if {f["id"]: f["errorCode"] for f in r["failed"]} != {"e3": "InvalidChecksum", "e4": "InvalidRecipient"}:
        fail(f"put-audit-events failed: {r['failed']}")
    expect_error(lambda: data.put_audit_events(channelArn=ch["ChannelArn"], auditEvents=[
        {"id": "x", "eventData": good}, {"id": "x", "eventData": good}]), "DuplicatedAuditEventId")
    expect_error(lambda: data.put_audit_events(
        channelArn=ch["ChannelArn"][:-36] + "00000000-0000-4000-8000-000000000000",
        auditEvents=[{"id": "x", "eventData": good}]), "ChannelNotFound")
    cli = srv.aws("cloudtrail-data", "put-audit-events", "--channel-arn", ch["ChannelArn"],
              "--audit-events", json.dumps([{"id": "cli-1", "eventData": event_data("u-cli")}]))
    if len(cli["successful"]) != 1 or cli["failed"]:
        fail(f"aws cloudtrail-data put-audit-events: {cli}")
    metrics = urllib.request.urlopen(srv.endpoint + "/metrics", timeout=10).read().decode()
    if not re.search(r"^cairn_audit_events_ingested 3(\.0)?$", metrics, re.M) or \
            "cairn_lake_queries_running" not in metrics:
        fail("metrics: " + "\n".join(l for l in metrics.splitlines() if "lake" in l or "audit" in l))
    found = query(ct, f"SELECT json_extract_scalar(eventjson, '$.eventData.UID') AS uid, eventCategory "
                      f"FROM {act_id} ORDER BY uid")
    if found != [["u-1", "ActivityAuditLog"], ["u-2", "ActivityAuditLog"], ["u-cli", "ActivityAuditLog"]]:
        fail(f"audit events by query: {found}")
    stored_ids = query(ct, f"SELECT eventID FROM {act_id} ORDER BY eventID")
    if sorted([s["eventID"] for s in r["successful"]] + [cli["successful"][0]["eventID"]]) != [i[0] for i in stored_ids]:
        fail("eventIDs returned by PutAuditEvents are not the stored eventIDs")
    expect_error(lambda: ct.delete_event_data_store(EventDataStore=activity["EventDataStoreArn"]),
                 "EventDataStoreTerminationProtectedException")

    # --- Durability: acknowledged events and finished queries survive kill -9 ---------------
    last = data.put_audit_events(channelArn=ch["ChannelArn"], auditEvents=[
        {"id": "k1", "eventData": event_data("u-kill")}])
    if len(last["successful"]) != 1:
        fail(f"put before kill: {last}")
    srv.kill()
    srv = Server(DATA)
    ct = srv.client(admin)
    found = query(ct, f"SELECT json_extract_scalar(eventjson, '$.eventData.UID') AS uid FROM {act_id} ORDER BY uid")
    if found != [["u-1"], ["u-2"], ["u-cli"], ["u-kill"]]:
        fail(f"after kill -9: {found}")
    page = ct.get_query_results(QueryId=started["QueryId"], MaxQueryResults=100)
    if [row[0]["eventID"] for row in page["QueryResultRows"]] != ids_first_page:
        fail("query results changed across the restart")
    if ct.get_import(ImportId=imp["ImportId"])["ImportStatus"] != "COMPLETED":
        fail("import status lost across the restart")
    if {s["Name"] for s in ct.list_event_data_stores()["EventDataStores"]} != {"org-store", "mgmt-private", "app-activity"}:
        fail("stores lost across the restart")

    srv.stop()
    print("ok")


try:
    main()
except Failure as e:
    print("FAIL:", e)
    sys.exit(1)
finally:
    if srv:
        srv.kill()
    shutil.rmtree(TMP, ignore_errors=True)
