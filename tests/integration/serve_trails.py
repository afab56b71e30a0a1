#!/usr/bin/env python3
"""Trail operations through `cairn serve` with boto3 and the aws CLI (spec trails.md, insights.md):
the lifecycle (create, get, describe with shadow trails, list, update, logging and status,
delete), basic and advanced event selectors, Insights selectors, tags, ListPublicKeys, the
organization trail seen from member accounts, every validation error by its exact code, and
persistence across a restart.
"""
import base64
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from cairn_serve import Failure, Server, cairn, expect_error  # noqa: E402

MGMT, MEMBER, OTHER = "111122223333", "444455556666", "777788889999"
ARN = f"arn:aws:cloudtrail:us-east-1:{MGMT}:trail/audit"


def check(cond, what):
    if not cond:
        raise Failure(what)


def lifecycle(srv):
    ct = srv.client()
    out = ct.create_trail(Name="audit", S3BucketName="audit-logs", S3KeyPrefix="org",
                          IsMultiRegionTrail=True, EnableLogFileValidation=True,
                          KmsKeyId="0123abcd-0123-4567-89ab-0123456789ab",
                          TagsList=[{"Key": "team", "Value": "sec"}, {"Key": "bare"}])
    check(out["TrailARN"] == ARN, f"TrailARN {out}")
    check(out["KmsKeyId"] == f"arn:aws:kms:us-east-1:{MGMT}:key/0123abcd-0123-4567-89ab-0123456789ab",
          f"KmsKeyId is not the full ARN: {out}")
    check(out["IncludeGlobalServiceEvents"] and out["LogFileValidationEnabled"], str(out))
    check("HomeRegion" not in out and "ResponseMetadata" in out, str(out))

    # Validation errors, each with its exact code.
    expect_error(lambda: ct.create_trail(Name="audit", S3BucketName="audit-logs"),
                 "TrailAlreadyExistsException", f"Trail audit already exists for customer: {MGMT}")
    for bad in ("ab", "-abc", "abc-", "a--b", "a_.b", "192.168.5.4", "has space", "x" * 129):
        expect_error(lambda: ct.create_trail(Name=bad, S3BucketName="audit-logs"),
                     "InvalidTrailNameException")
    expect_error(lambda: ct.create_trail(Name="tr2", S3BucketName="Bad_Bucket"),
                 "InvalidS3BucketNameException")
    expect_error(lambda: ct.create_trail(Name="tr2", S3BucketName="okbucket", S3KeyPrefix="p" * 201),
                 "InvalidS3PrefixException")
    expect_error(lambda: ct.create_trail(Name="tr2", S3BucketName="okbucket",
                                         IsMultiRegionTrail=True, IncludeGlobalServiceEvents=False),
                 "InvalidParameterCombinationException",
                 "Multi-Region trail must include global service events.")
    expect_error(lambda: ct.create_trail(Name="tr2", S3BucketName="okbucket", KmsKeyId="nope"),
                 "InvalidKmsKeyIdException")
    expect_error(lambda: ct.create_trail(Name="tr2", S3BucketName="okbucket",
                                         SnsTopicName="bad topic"),
                 "InvalidSnsTopicNameException")
    expect_error(lambda: ct.create_trail(Name="tr2", S3BucketName="okbucket",
                                         CloudWatchLogsRoleArn=f"arn:aws:iam::{MGMT}:role/cw"),
                 "InvalidCloudWatchLogsLogGroupArnException")
    expect_error(lambda: ct.create_trail(Name="tr2", S3BucketName="okbucket",
                                         TagsList=[{"Key": f"k{i}"} for i in range(51)]),
                 "TagsLimitExceededException")
    expect_error(lambda: ct.get_trail(Name="missing"), "TrailNotFoundException",
                 f"Unknown trail: missing for the user: {MGMT}")
    expect_error(lambda: ct.get_trail(Name="arn:aws:cloudtrail:us-east-1:12:trail/x"),
                 "CloudTrailARNInvalidException")

    # The trail limit: audit (multi-region) counts in every region, so 4 more fit in us-east-1.
    for i in range(4):
        ct.create_trail(Name=f"extra-{i}", S3BucketName="audit-logs",
                        SnsTopicName=f"arn:aws:sns:us-east-1:{MGMT}:topic-{i}")
    expect_error(lambda: ct.create_trail(Name="extra-4", S3BucketName="audit-logs"),
                 "MaximumNumberOfTrailsExceededException")
    eu = srv.client(region="eu-west-1")
    for i in range(4):
        eu.create_trail(Name=f"eu-{i}", S3BucketName="audit-logs")
    expect_error(lambda: eu.create_trail(Name="eu-4", S3BucketName="audit-logs"),
                 "MaximumNumberOfTrailsExceededException")
    expect_error(lambda: eu.create_trail(Name="audit", S3BucketName="audit-logs"),
                 "TrailAlreadyExistsException")  # the multi-region audit is visible there

    # Get / Describe / List.
    t = ct.get_trail(Name="audit")["Trail"]
    check(t["HomeRegion"] == "us-east-1" and t["S3KeyPrefix"] == "org" and
          not t["HasCustomEventSelectors"] and not t["HasInsightSelectors"], str(t))
    check(ct.get_trail(Name=ARN)["Trail"]["Name"] == "audit", "GetTrail by ARN")
    home = [x["Name"] for x in ct.describe_trails()["trailList"]]
    check(sorted(home) == ["audit", "extra-0", "extra-1", "extra-2", "extra-3"], f"describe {home}")
    here = sorted(x["Name"] for x in eu.describe_trails()["trailList"])
    check(here == ["audit", "eu-0", "eu-1", "eu-2", "eu-3"], f"eu describe with shadows {here}")
    here = sorted(x["Name"] for x in eu.describe_trails(includeShadowTrails=False)["trailList"])
    check(here == ["eu-0", "eu-1", "eu-2", "eu-3"], f"eu describe without shadows {here}")
    named = eu.describe_trails(trailNameList=["eu-1", ARN, "missing"])["trailList"]
    check([x["Name"] for x in named] == ["eu-1", "audit"], f"describe by names {named}")
    expect_error(lambda: eu.describe_trails(trailNameList=["a--b"]), "InvalidTrailNameException")
    listed = ct.list_trails()["Trails"]
    check(len(listed) == 9 and {x["HomeRegion"] for x in listed} == {"us-east-1", "eu-west-1"},
          f"list_trails {listed}")
    sns = ct.get_trail(Name="extra-0")["Trail"]
    check(sns["SnsTopicName"] == "topic-0" and sns["SnsTopicARN"].endswith(":topic-0"), str(sns))

    # Shadow trails are read-only outside the home region.
    expect_error(lambda: eu.update_trail(Name="audit", S3BucketName="other-bucket"),
                 "InvalidHomeRegionException")
    expect_error(lambda: eu.start_logging(Name=ARN), "InvalidHomeRegionException")
    expect_error(lambda: eu.delete_trail(Name="audit"), "InvalidHomeRegionException")

    # Update: multi-region -> single region turns global service events off.
    u = ct.update_trail(Name="extra-0", IsMultiRegionTrail=False, S3BucketName="new-bucket")
    check(u["S3BucketName"] == "new-bucket" and u["IncludeGlobalServiceEvents"], str(u))
    u = ct.update_trail(Name="audit", IsMultiRegionTrail=False)
    check(not u["IsMultiRegionTrail"] and not u["IncludeGlobalServiceEvents"], str(u))
    u = ct.update_trail(Name="audit", IsMultiRegionTrail=True)
    check(u["IsMultiRegionTrail"] and u["IncludeGlobalServiceEvents"], str(u))
    expect_error(lambda: ct.update_trail(Name="missing", S3BucketName="x-y-z"),
                 "TrailNotFoundException")

    # Logging and status (the aws CLI this time).
    status = srv.aws("cloudtrail", "get-trail-status", "--name", "audit")
    check(status == {"IsLogging": False}, f"initial status {status}")
    srv.aws("cloudtrail", "start-logging", "--name", "audit")
    status = srv.aws("cloudtrail", "get-trail-status", "--name", ARN)
    check(status["IsLogging"] and "StartLoggingTime" in status and
          status["TimeLoggingStarted"].endswith("Z"), f"status {status}")
    srv.aws("cloudtrail", "stop-logging", "--name", "audit")
    status = eu.get_trail_status(Name=ARN)  # a shadow trail's status, by ARN
    check(not status["IsLogging"] and "StopLoggingTime" in status, f"stopped {status}")

    # Event selectors.
    sel = ct.get_event_selectors(TrailName="audit")
    check(sel["EventSelectors"] == [{"ReadWriteType": "All", "IncludeManagementEvents": True,
                                     "DataResources": [], "ExcludeManagementEventSources": []}]
          and sel["AdvancedEventSelectors"] == [], f"default selectors {sel}")
    put = ct.put_event_selectors(TrailName="audit", EventSelectors=[
        {"ReadWriteType": "WriteOnly", "DataResources": [
            {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::bucket/prefix"]}]}])
    check(put["EventSelectors"][0]["IncludeManagementEvents"] is True, str(put))
    check(ct.get_trail(Name="audit")["Trail"]["HasCustomEventSelectors"], "HasCustomEventSelectors")
    for bad in ([{"ReadWriteType": "Sometimes"}],
                [{"DataResources": [{"Type": "AWS::EC2::Instance", "Values": ["arn:aws:ec2"]}]}],
                [{"ExcludeManagementEventSources": ["s3.amazonaws.com"]}],
                [{}] * 6,
                [{"DataResources": [{"Type": "AWS::Lambda::Function",
                                     "Values": [f"arn:aws:lambda:us-east-1:{MGMT}:function:f{i}"
                                                for i in range(251)]}]}]):
        expect_error(lambda: ct.put_event_selectors(TrailName="audit", EventSelectors=bad),
                     "InvalidEventSelectorsException")
    advanced = [{"Name": "S3 writes", "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {"Field": "readOnly", "Equals": ["false"]},
        {"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::audit-logs/"]}]},
        {"Name": "management", "FieldSelectors": [{"Field": "eventCategory",
                                                   "Equals": ["Management"]}]}]
    ct.put_event_selectors(TrailName="audit", AdvancedEventSelectors=advanced)
    got = ct.get_event_selectors(TrailName="audit")
    check("EventSelectors" not in got and len(got["AdvancedEventSelectors"]) == 2, str(got))
    fs = got["AdvancedEventSelectors"][0]["FieldSelectors"][3]
    check(fs["NotStartsWith"] == ["arn:aws:s3:::audit-logs/"] and fs["Equals"] == [], str(fs))
    for bad in ([{"FieldSelectors": [{"Field": "eventName", "Equals": ["X"]}]}],
                [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}],
                [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                                     {"Field": "eventName", "Equals": ["GetObject"]}]}],
                [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Insight"]}]}],
                [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                                     {"Field": "readOnly", "StartsWith": ["t"]}]}]):
        expect_error(lambda: ct.put_event_selectors(TrailName="audit", AdvancedEventSelectors=bad),
                     "InvalidEventSelectorsException")
    err = srv.aws("cloudtrail", "put-event-selectors", "--trail-name", "audit", "--event-selectors",
                  '[{"ReadWriteType":"All"}]', "--advanced-event-selectors",
                  '[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]}]',
                  want="error")
    check("InvalidEventSelectorsException" in err, f"both kinds: {err}")

    # Insights selectors.
    expect_error(lambda: ct.get_insight_selectors(TrailName="audit"), "InsightNotEnabledException",
                 f"Trail {ARN} does not have Insights enabled.")
    ins = ct.put_insight_selectors(TrailName="audit", InsightSelectors=[
        {"InsightType": "ApiCallRateInsight"},
        {"InsightType": "ApiErrorRateInsight", "EventCategories": ["Management", "Data"]}])
    check(ins["InsightSelectors"][0]["EventCategories"] == ["Management"], str(ins))
    check(ct.get_insight_selectors(TrailName=ARN)["InsightSelectors"] == ins["InsightSelectors"],
          "GetInsightSelectors")
    check(ct.get_trail(Name="audit")["Trail"]["HasInsightSelectors"], "HasInsightSelectors")
    expect_error(lambda: ct.put_insight_selectors(TrailName="audit", InsightSelectors=[
        {"InsightType": "ApiLatencyInsight"}]), "InvalidInsightSelectorsException")
    ct.put_insight_selectors(TrailName="audit", InsightSelectors=[])
    expect_error(lambda: ct.get_insight_selectors(TrailName="audit"), "InsightNotEnabledException")

    # Tags.
    tags = ct.list_tags(ResourceIdList=[ARN])["ResourceTagList"][0]["TagsList"]
    check(tags == [{"Key": "bare"}, {"Key": "team", "Value": "sec"}], f"tags {tags}")
    ct.add_tags(ResourceId=ARN, TagsList=[{"Key": "team", "Value": "blue"}, {"Key": "env",
                                                                            "Value": "prod"}])
    ct.remove_tags(ResourceId=ARN, TagsList=[{"Key": "bare"}])
    tags = ct.list_tags(ResourceIdList=[ARN])["ResourceTagList"][0]["TagsList"]
    check(tags == [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "blue"}], str(tags))
    expect_error(lambda: ct.add_tags(ResourceId=ARN, TagsList=[{"Key": f"k{i}"} for i in range(49)]),
                 "TagsLimitExceededException")
    expect_error(lambda: ct.add_tags(ResourceId=ARN, TagsList=[{"Key": "k", "Value": "v" * 257}]),
                 "InvalidTagParameterException")
    expect_error(lambda: ct.list_tags(ResourceIdList=[ARN.replace("audit", "nope")]),
                 "ResourceNotFoundException")
    expect_error(lambda: ct.list_tags(ResourceIdList=["not-an-arn"]),
                 "CloudTrailARNInvalidException")

    # ListPublicKeys: PKCS#1 DER, fingerprint = md5 of it; stable across calls.
    keys = ct.list_public_keys()["PublicKeyList"]
    check(len(keys) == 1, f"keys {keys}")
    der = keys[0]["Value"]
    check(der[:9] == b"\x30\x82\x01\x0a\x02\x82\x01\x01\x00", "not PKCS#1 RSAPublicKey DER")
    check(hashlib.md5(der).hexdigest() == keys[0]["Fingerprint"], "fingerprint")
    span = keys[0]["ValidityEndTime"] - keys[0]["ValidityStartTime"]
    check(span.days == 30, f"validity {span}")
    check(ct.list_public_keys()["PublicKeyList"][0]["Fingerprint"] == keys[0]["Fingerprint"],
          "key changed between calls")
    check(eu.list_public_keys()["PublicKeyList"][0]["Fingerprint"] != keys[0]["Fingerprint"],
          "regions share a key")
    expect_error(lambda: ct.list_public_keys(StartTime=2000000000, EndTime=1000000000),
                 "InvalidTimeRangeException")
    check(base64.b64encode(der).decode().startswith("MIIBCgKCAQEA"), "base64 form")

    # Delete.
    ct.delete_trail(Name="extra-3")
    expect_error(lambda: ct.get_trail(Name="extra-3"), "TrailNotFoundException")
    expect_error(lambda: ct.delete_trail(Name="extra-3"), "TrailNotFoundException")


def organization(srv):
    cairn("accounts", "create", "member", "--id", MEMBER, "--data", srv.data)
    cairn("accounts", "create", "other", "--id", OTHER, "--data", srv.data)
    ct = srv.client()
    srv.client(region="eu-west-1").delete_trail(Name="eu-0")  # room for one more multi-region
    org = ct.create_trail(Name="org-trail", S3BucketName="org-logs", IsOrganizationTrail=True,
                          IsMultiRegionTrail=True)
    org_arn = org["TrailARN"]
    check(org["IsOrganizationTrail"], str(org))
    # The admin acting for a member account: its own trail, plus the organization trail as a
    # shadow it cannot change.
    as_member = srv.client(account=MEMBER)
    as_member.create_trail(Name="member-trail", S3BucketName="member-logs")
    names = sorted(t["Name"] for t in as_member.describe_trails()["trailList"])
    check(names == ["member-trail", "org-trail"], f"member view {names}")
    check(as_member.get_trail(Name=org_arn)["Trail"]["IsOrganizationTrail"], "org trail by ARN")
    expect_error(lambda: as_member.get_trail(Name="org-trail"), "TrailNotFoundException")
    expect_error(lambda: as_member.update_trail(Name=org_arn, S3BucketName="x-y-z"),
                 "NotOrganizationMasterAccountException")
    expect_error(lambda: as_member.stop_logging(Name=org_arn),
                 "NotOrganizationMasterAccountException")
    expect_error(lambda: as_member.create_trail(Name="org-2", S3BucketName="org-logs",
                                                IsOrganizationTrail=True),
                 "NotOrganizationMasterAccountException")
    # A member-reader of MEMBER: reads its own and the organization trail, changes nothing, and
    # never sees another member's trails.
    reader = srv.client(srv.credential("member", "member-reader"))
    names = sorted(t["Name"] for t in reader.describe_trails()["trailList"])
    check(names == ["member-trail", "org-trail"], f"reader view {names}")
    expect_error(lambda: reader.create_trail(Name="mine", S3BucketName="member-logs"),
                 "AccessDeniedException")
    expect_error(lambda: reader.stop_logging(Name=org_arn), "AccessDeniedException")
    expect_error(lambda: reader.add_tags(ResourceId=org_arn, TagsList=[{"Key": "k"}]),
                 "AccessDeniedException")
    srv.client(account=OTHER).create_trail(Name="other-trail", S3BucketName="other-logs")
    other_arn = f"arn:aws:cloudtrail:us-east-1:{OTHER}:trail/other-trail"
    expect_error(lambda: reader.get_trail(Name=other_arn), "TrailNotFoundException")
    expect_error(lambda: reader.list_tags(ResourceIdList=[other_arn]), "ResourceNotFoundException")
    expect_error(lambda: srv.client(srv.credential("member", "member-reader"),
                                    account=OTHER).describe_trails(), "AccessDeniedException")
    check(all(t["Name"] != "other-trail" for t in reader.list_trails()["Trails"]), "list_trails")
    # The auditor reads every account, changes nothing.
    auditor = srv.credential(MGMT, "auditor")
    names = [t["Name"] for t in srv.client(auditor, account=OTHER).describe_trails()["trailList"]]
    check(sorted(names) == ["org-trail", "other-trail"], f"auditor view {names}")
    expect_error(lambda: srv.client(auditor).delete_trail(Name="audit"), "AccessDeniedException")


def lookup_until(client, want, **kw):
    """LookupEvents until `want(events)` holds (recorded calls are written within ~200 ms)."""
    for _ in range(50):
        events = client.lookup_events(**kw)["Events"]
        if want(events):
            return events
        time.sleep(0.1)
    raise Failure(f"lookup_events({kw}) never satisfied the check; last: {events}")


def self_recording(srv):
    ct = srv.client()
    # An event data store created now receives the calls recorded from then on (its default
    # selectors take management events).
    eds = ct.create_event_data_store(Name="calls")["EventDataStoreArn"].split("/")[-1]
    ct.get_trail(Name="audit")
    events = lookup_until(ct, lambda ev: len(ev) >= 2, LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "CreateTrail"}], MaxResults=50)
    recs = [json.loads(e["CloudTrailEvent"]) for e in events]
    ok = [r for r in recs if "errorCode" not in r and r["requestParameters"]["name"] == "audit"]
    check(len(ok) == 1, f"one successful CreateTrail of audit: {recs}")
    r = ok[0]
    check(r["userIdentity"]["accessKeyId"] == srv.admin[0] and r["recipientAccountId"] == MGMT and
          r["awsRegion"] == "us-east-1" and r["eventSource"] == "cloudtrail.amazonaws.com" and
          r["readOnly"] is False and r["sourceIPAddress"] == "127.0.0.1" and
          "Boto3" in r["userAgent"] and r["responseElements"]["trailARN"] == ARN and
          r["requestParameters"]["s3BucketName"] == "audit-logs", f"record {r}")
    dup = [x for x in recs if x.get("errorCode") == "TrailAlreadyExistsException"]
    check(dup and dup[0]["responseElements"] is None and "already exists" in dup[0]["errorMessage"],
          f"failed CreateTrail recorded with its error: {recs}")
    check(events[0]["Username"] == srv.admin[0], f"Username {events[0]}")
    # Reads are recorded too, as readOnly, without response elements; other regions separately.
    reads = lookup_until(ct, lambda ev: bool(ev), LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "DescribeTrails"}])
    rec = json.loads(reads[0]["CloudTrailEvent"])
    check(rec["readOnly"] is True and rec["responseElements"] is None and
          reads[0]["ReadOnly"] == "true", f"read record {rec}")
    lookup_until(srv.client(region="eu-west-1"), lambda ev: bool(ev), LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "ListPublicKeys"}])
    # A member-reader's calls are in its own account's history; the admin's are not there.
    reader = srv.client(srv.credential("member", "member-reader"))
    expect_error(lambda: reader.delete_trail(Name="member-trail"), "AccessDeniedException")
    mine = lookup_until(reader, lambda ev: any(e["EventName"] == "DeleteTrail" for e in ev))
    for e in mine:
        r = json.loads(e["CloudTrailEvent"])
        check(r["recipientAccountId"] == MEMBER, f"member sees another account's call: {r}")
    denied = [json.loads(e["CloudTrailEvent"]) for e in mine if e["EventName"] == "DeleteTrail"]
    check(denied[0]["errorCode"] == "AccessDeniedException", f"denied call: {denied}")

    def query_names():
        q = ct.start_query(QueryStatement=f"SELECT eventName FROM {eds} WHERE "
                                          "eventSource = 'cloudtrail.amazonaws.com'")["QueryId"]
        for _ in range(100):
            r = ct.get_query_results(QueryId=q)
            if r["QueryStatus"] in ("FINISHED", "FAILED", "CANCELLED", "TIMED_OUT"):
                return {list(row[0].values())[0] for row in r["QueryResultRows"]}
            time.sleep(0.1)
        raise Failure("query did not finish")
    for _ in range(30):
        names = query_names()
        if "GetTrail" in names:
            break
        time.sleep(0.2)
    check({"GetTrail", "DeleteTrail"} <= names, f"recorded calls in the event data store: {names}")


def main():
    tmp = tempfile.mkdtemp(prefix="cairn-trails-")
    data = os.path.join(tmp, "data")
    try:
        with Server(data, management_account=MGMT) as srv:
            lifecycle(srv)
            organization(srv)
            self_recording(srv)
        # Everything is still there after a restart.
        with Server(data) as srv:
            ct = srv.client()
            t = ct.get_trail(Name="audit")["Trail"]
            check(t["HasCustomEventSelectors"] and t["IsMultiRegionTrail"], f"after restart {t}")
            check(len(ct.get_event_selectors(TrailName="audit")["AdvancedEventSelectors"]) == 2,
                  "selectors after restart")
            check(ct.list_tags(ResourceIdList=[ARN])["ResourceTagList"][0]["TagsList"][0]["Key"]
                  == "env", "tags after restart")
        print("ok")
    except Failure as e:
        print("FAIL:", e)
        sys.exit(1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
