// src/sql/sample_queries.cc
//
// Generated from spec/lake.md §7 (the text between the ```sql fences, verbatim). For sample 20
// the query after positional substitution is used. Keep in sync with the spec.
#include "sql/sample_queries.h"

namespace cairn::sql {

const std::vector<SampleQuery>& SampleQueries() {
  static const std::vector<SampleQuery>* const kSamples = new std::vector<SampleQuery>{
      {1, "Principals who called CreateBucket on one day",
       R"SQL(SELECT userIdentity.principalid, eventName
FROM ct_eds
WHERE userIdentity.principalid IS NOT NULL
  AND eventTime > '2023-01-22 00:00:00' AND eventTime < '2023-01-23 00:00:00'
  AND eventName = 'CreateBucket')SQL"},
      {2, "APIs one user called on one day",
       R"SQL(SELECT eventID, eventName, eventSource, eventTime
FROM ct_eds
WHERE userIdentity.username = 'bob'
  AND eventTime > '2023-01-22 00:00:00' AND eventTime < '2023-01-23 00:00:00')SQL"},
      {3, "API call counts by source and name",
       R"SQL(SELECT eventSource, eventName, COUNT(*) AS apiCount
FROM ct_eds
WHERE eventTime > '2023-01-01 00:00:00'
GROUP BY eventSource, eventName
ORDER BY apiCount DESC)SQL"},
      {4, "Console sign-ins in a set of regions",
       R"SQL(SELECT eventTime, useridentity.arn, awsRegion
FROM ct_eds
WHERE awsRegion IN ('us-east-1', 'us-west-2') AND eventName = 'ConsoleLogin')SQL"},
      {5, "Lake queries that were run (results come back as `_col0`, `_col1`)",
       R"SQL(SELECT element_at(responseElements, 'queryId'), element_at(requestParameters, 'queryStatement')
FROM ct_eds
WHERE eventName = 'StartQuery' AND eventSource = 'cloudtrail.amazonaws.com'
  AND responseElements IS NOT NULL
  AND eventTime > '2023-01-01 00:00:00' AND eventTime < '2023-02-01 00:00:00')SQL"},
      {6, "Set operations over three stores",
       R"SQL(SELECT eventId, eventName FROM ct_eds
UNION SELECT eventId, eventName FROM ct_eds2
UNION ALL SELECT eventId, eventName FROM ct_eds3
ORDER BY eventId LIMIT 10)SQL"},
      {7, "LEFT JOIN across two stores",
       R"SQL(SELECT edsA.eventName, edsB.eventName, element_at(edsA.requestParameters, 'bucketName')
FROM ct_eds AS edsA LEFT JOIN ct_eds2 AS edsB ON edsA.eventId = edsB.eventId
WHERE edsA.eventTime <= '2020-01-01'
ORDER BY edsB.eventName)SQL"},
      {8, "Who caused a NON_COMPLIANT DynamoDB table (Config store joined to a CloudTrail store)",
       R"SQL(SELECT element_at(config1.eventData.configuration, 'targetResourceId') AS targetResourceId,
       element_at(config1.eventData.configuration, 'complianceType') AS complianceType,
       config2.eventData.resourceType,
       cloudtrail.userIdentity
FROM cfg_eds AS config1
JOIN cfg_eds AS config2
  ON element_at(config1.eventData.configuration, 'targetResourceId') = config2.eventData.resourceId
JOIN ct_eds AS cloudtrail
  ON config2.eventData.arn = element_at(cloudtrail.resources, 1).arn
WHERE element_at(config1.eventData.configuration, 'configRuleList') IS NOT NULL
  AND element_at(config1.eventData.configuration, 'complianceType') = 'NON_COMPLIANT'
  AND cloudtrail.eventTime > '2022-11-14 00:00:00'
  AND config2.eventData.resourceType = 'AWS::DynamoDB::Table')SQL"},
      {9, "Config resource counts by type, region and account",
       R"SQL(SELECT eventData.resourceType, eventData.awsRegion, eventData.accountId, COUNT(*) AS resourceCount
FROM cfg_eds
WHERE eventTime > '2022-11-22 00:00:00'
GROUP BY eventData.resourceType, eventData.awsRegion, eventData.accountId)SQL"},
      {10, "Console logins without MFA",
       R"SQL(SELECT *
FROM ct_eds
WHERE eventSource = 'signin.amazonaws.com' AND eventName = 'ConsoleLogin'
  AND element_at(additionalEventData, 'MFAUsed') = 'No'
  AND eventTime > '2024-01-01 00:00:00')SQL"},
      {11, "Cross-account access",
       R"SQL(SELECT userIdentity.principalid, eventName, eventSource, userIdentity.accountId,
       recipientAccountId, requestParameters, eventTime
FROM ct_eds
WHERE eventTime > '2022-04-30 00:00:00' AND eventTime < '2022-06-01 00:00:00'
  AND userIdentity.accountId != recipientAccountId)SQL"},
      {12, "Security-group rules opened to 0.0.0.0/0",
       R"SQL(SELECT eventName, userIdentity.arn AS user, sourceIPAddress, eventTime,
       element_at(requestParameters, 'groupId') AS securityGroup,
       element_at(requestParameters, 'ipPermissions') AS securityGroupRule
FROM ct_eds
WHERE eventTime >= '2023-07-06 00:00:00' AND eventTime <= '2023-07-08 00:00:00'
  AND eventName = 'AuthorizeSecurityGroupIngress'
  AND element_at(requestParameters, 'ipPermissions') LIKE '%0.0.0.0/0%'
UNION ALL
SELECT eventName, userIdentity.arn AS user, sourceIPAddress, eventTime,
       json_extract_scalar(element_at(requestParameters, 'ModifySecurityGroupRulesRequest'), '$.GroupId') AS securityGroup,
       element_at(requestParameters, 'ModifySecurityGroupRulesRequest') AS securityGroupRule
FROM ct_eds
WHERE eventTime >= '2023-07-06 00:00:00' AND eventTime <= '2023-07-09 00:00:00'
  AND eventName = 'ModifySecurityGroupRules'
  AND element_at(requestParameters, 'ModifySecurityGroupRulesRequest') LIKE '%0.0.0.0/0%'
ORDER BY eventTime DESC)SQL"},
      {13, "Most-read S3 objects",
       R"SQL(SELECT element_at(requestParameters, 'bucketName') AS bucketName,
       element_at(requestParameters, 'key') AS key,
       COUNT(*) AS requestCount
FROM ct_eds
WHERE eventSource = 's3.amazonaws.com' AND eventCategory = 'Data'
  AND eventTime > '2022-01-01 00:00:00' AND eventTime < '2022-01-02 00:00:00'
  AND eventName = 'GetObject'
GROUP BY element_at(requestParameters, 'bucketName'), element_at(requestParameters, 'key')
ORDER BY requestCount DESC
LIMIT 20)SQL"},
      {14, "Roles that assume themselves",
       R"SQL(SELECT eventid, eventtime,
       userIdentity.sessioncontext.sessionissuer.arn AS RoleARN,
       userIdentity.principalId AS RoleIdColonRoleSessionName
FROM ct_eds
WHERE eventSource = 'sts.amazonaws.com' AND eventName = 'AssumeRole'
  AND userIdentity.type = 'AssumedRole' AND errorcode IS NULL
  AND userIdentity.sessioncontext.sessionissuer.arn = element_at(resources, 1).arn)SQL"},
      {15, "Data events by day of week",
       R"SQL(SELECT day_of_week(eventTime) AS weekday, COUNT(*) AS eventCount
FROM ct_eds
WHERE eventTime > '2022-01-01 00:00:00' AND eventTime < '2022-02-01 00:00:00'
  AND eventCategory = 'Data'
GROUP BY day_of_week(eventTime)
ORDER BY day_of_week(eventTime))SQL"},
      {16, "Tag history from the raw event JSON",
       R"SQL(SELECT awsRegion, eventSource,
       json_extract_scalar(eventjson, '$.requestParameters.resourcesSet.items[0].resourceId') AS resourceId,
       eventTime, eventName,
       json_extract_scalar(eventjson, '$.requestParameters.tagSet.items[0].key') AS key,
       json_extract_scalar(eventjson, '$.requestParameters.tagSet.items[0].value') AS value,
       useridentity.arn AS identityarn
FROM ct_eds
WHERE eventTime > '2022-01-01 00:00:00' AND eventName IN ('CreateTags', 'DeleteTags')
ORDER BY resourceId, key, eventTime DESC)SQL"},
      {17, "Network activity denied by VPC endpoint policy",
       R"SQL(SELECT count(*) AS VPCAccessDenied, userIdentity.arn, userIdentity.accountid, eventName, errorMessage,
       vpcEndpointId, vpcEndpointAccountId, sourceIPAddress
FROM ct_eds
WHERE eventCategory = 'NetworkActivity' AND errorCode = 'VpceAccessDenied'
  AND eventTime >= '2024-01-01 00:00:00' AND eventTime <= '2024-01-08 00:00:00'
GROUP BY userIdentity.arn, userIdentity.accountid, eventName, errorMessage,
         vpcEndpointId, vpcEndpointAccountId, sourceIPAddress
ORDER BY eventName DESC)SQL"},
      {18, "Missing patches per instance",
       R"SQL(SELECT replace(eventData.resourceId, 'AWS::SSM::ManagedInstanceInventory/') AS InstanceId,
       eventTime,
       transform(filter(PatchResult, p -> cast(json_extract(p, '$.PatchState') AS varchar) = 'Missing'),
                 f -> json_extract(f, '$.Id')) AS Missing
FROM (
  SELECT eventData, eventTime,
         map_values(cast(json_extract(json_parse(eventJson),
                         '$.eventData.configuration["AWS:ComplianceItem"].Content.Patch') AS map(varchar, json))) AS PatchResult
  FROM cfg_eds
  WHERE eventData.resourceType = 'AWS::SSM::PatchCompliance'
)
WHERE PatchResult IS NOT NULL)SQL"},
      {19, "Top error codes and messages",
       R"SQL(SELECT errorCode, errorMessage, COUNT(*) AS eventCount
FROM ct_eds
WHERE eventTime > '2022-01-01 00:00:00' AND eventTime < '2022-02-01 00:00:00'
  AND (errorCode IS NOT NULL OR errorMessage IS NOT NULL)
GROUP BY errorCode, errorMessage
ORDER BY eventCount DESC
LIMIT 10)SQL"},
      {20, "Dashboard widget: read vs write events over time",
       R"SQL(SELECT DATE_TRUNC('day', eventTime) AS eventDate, IF(readOnly, 'read', 'write') AS readOnly, COUNT(*) AS eventCount
FROM ct_eds
WHERE eventTime > '2024-01-01 00:00:00' AND eventTime < '2024-01-08 00:00:00'
GROUP BY DATE_TRUNC('day', eventTime), readOnly
ORDER BY DATE_TRUNC('day', eventTime), readOnly)SQL"},
      {21, "Optimisation example 1",
       R"SQL(SELECT eventName, eventSource, arbitrary(eventType), count(*) FROM ct_eds GROUP BY eventName, eventSource)SQL"},
      {22, "Optimisation example 2", R"SQL(SELECT * FROM ct_eds ORDER BY eventTime LIMIT 100)SQL"},
  };
  return *kSamples;
}

}  // namespace cairn::sql
