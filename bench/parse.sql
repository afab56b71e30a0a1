-- bench/parse.sql: what DuckDB is asked to do in `bench/run parse` (see doc/benchmarks.md).
-- Variables (filled by bench/parse.py): THREADS, FILES (a glob or list of the *.json.gz trail log
-- files), FORMAT (newline_delimited when every file is one {"Records":[...]} line, as CloudTrail
-- writes them; unstructured otherwise), MAX_OBJECT (bytes, above the largest file's JSON).
-- Each block runs once as a warm-up, then --runs times, timed, in one in-memory database.
SET threads = ${THREADS};
SET preserve_insertion_order = false;

-- name: gunzip
-- The least DuckDB does to reach the records: decompress, parse each file's envelope into a list of
-- JSON values (one per record) and count them.
SELECT count(*) AS events
FROM (SELECT unnest(Records)
      FROM read_json(${FILES}, columns = {'Records': 'JSON[]'}, format = '${FORMAT}',
                     compression = 'gzip', maximum_object_size = ${MAX_OBJECT}));

-- name: parse_struct
-- gunzip + parse into typed columns, one way: read_json with the records' schema declared (DuckDB
-- parses each record straight into typed vectors), unnested one level into a table whose columns
-- are the top-level fields (userIdentity, tlsDetails, resources stay nested STRUCT/LIST columns;
-- free-form objects are JSON text).
-- before: DROP TABLE IF EXISTS events_struct
CREATE TABLE events_struct AS
SELECT unnest(Records, max_depth := 2)
FROM read_json(${FILES}, format = '${FORMAT}', compression = 'gzip',
               maximum_object_size = ${MAX_OBJECT},
               columns = {'Records': 'STRUCT(
  eventVersion VARCHAR, eventTime TIMESTAMP,
  userIdentity STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR,
    accessKeyId VARCHAR, userName VARCHAR, invokedBy VARCHAR, identityProvider VARCHAR,
    credentialId VARCHAR,
    sessionContext STRUCT(
      attributes STRUCT(creationDate TIMESTAMP, mfaAuthenticated VARCHAR),
      sessionIssuer STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR,
                           userName VARCHAR),
      webIdFederationData JSON, sourceIdentity VARCHAR, ec2RoleDelivery VARCHAR,
      ec2IssuedInVPC VARCHAR),
    onBehalfOf JSON, inScopeOf JSON),
  eventSource VARCHAR, eventName VARCHAR, awsRegion VARCHAR, sourceIPAddress VARCHAR,
  userAgent VARCHAR, errorCode VARCHAR, errorMessage VARCHAR,
  requestParameters JSON, responseElements JSON, additionalEventData JSON,
  requestID VARCHAR, eventID VARCHAR, readOnly BOOLEAN,
  resources STRUCT("ARN" VARCHAR, accountId VARCHAR, type VARCHAR)[],
  eventType VARCHAR, apiVersion VARCHAR, managementEvent BOOLEAN, recipientAccountId VARCHAR,
  sharedEventID VARCHAR, annotation VARCHAR, vpcEndpointId VARCHAR, vpcEndpointAccountId VARCHAR,
  serviceEventDetails JSON, addendum JSON, edgeDeviceDetails JSON, insightDetails JSON,
  eventCategory VARCHAR,
  tlsDetails STRUCT(tlsVersion VARCHAR, cipherSuite VARCHAR, clientProvidedHostHeader VARCHAR,
                    keyExchange VARCHAR),
  sessionCredentialFromConsole VARCHAR)[]'});

-- name: parse_extract
-- gunzip + parse into typed columns, the other way: records as JSON values, then every field taken
-- out with one multi-path json_extract_string per record (one parse of the record for all paths)
-- and cast; free-form objects with json_extract. Same fields as parse_struct, flattened.
-- before: DROP TABLE IF EXISTS events_extract
CREATE TABLE events_extract AS
SELECT v[1] AS eventVersion, CAST(v[2] AS TIMESTAMP) AS eventTime,
       v[3] AS ui_type, v[4] AS ui_principalId, v[5] AS ui_arn, v[6] AS ui_accountId,
       v[7] AS ui_accessKeyId, v[8] AS ui_userName, v[9] AS ui_invokedBy,
       v[10] AS ui_identityProvider, v[11] AS ui_credentialId,
       CAST(v[12] AS TIMESTAMP) AS ui_creationDate, v[13] AS ui_mfaAuthenticated,
       v[14] AS ui_issuer_type, v[15] AS ui_issuer_principalId, v[16] AS ui_issuer_arn,
       v[17] AS ui_issuer_accountId, v[18] AS ui_issuer_userName,
       json_extract(r, '$.userIdentity.sessionContext.webIdFederationData') AS ui_webIdFederationData,
       v[19] AS ui_sourceIdentity, v[20] AS ui_ec2RoleDelivery, v[21] AS ui_ec2IssuedInVPC,
       json_extract(r, '$.userIdentity.onBehalfOf') AS ui_onBehalfOf,
       json_extract(r, '$.userIdentity.inScopeOf') AS ui_inScopeOf,
       v[22] AS eventSource, v[23] AS eventName, v[24] AS awsRegion, v[25] AS sourceIPAddress,
       v[26] AS userAgent, v[27] AS errorCode, v[28] AS errorMessage,
       json_extract(r, '$.requestParameters') AS requestParameters,
       json_extract(r, '$.responseElements') AS responseElements,
       json_extract(r, '$.additionalEventData') AS additionalEventData,
       v[29] AS requestID, v[30] AS eventID, CAST(v[31] AS BOOLEAN) AS readOnly,
       json_extract(r, '$.resources') AS resources,
       v[32] AS eventType, v[33] AS apiVersion, CAST(v[34] AS BOOLEAN) AS managementEvent,
       v[35] AS recipientAccountId, v[36] AS sharedEventID, v[37] AS annotation,
       v[38] AS vpcEndpointId, v[39] AS vpcEndpointAccountId,
       json_extract(r, '$.serviceEventDetails') AS serviceEventDetails,
       json_extract(r, '$.addendum') AS addendum,
       json_extract(r, '$.edgeDeviceDetails') AS edgeDeviceDetails,
       json_extract(r, '$.insightDetails') AS insightDetails,
       v[40] AS eventCategory, v[41] AS tls_version, v[42] AS tls_cipherSuite,
       v[43] AS tls_clientProvidedHostHeader, v[44] AS tls_keyExchange,
       v[45] AS sessionCredentialFromConsole
FROM (SELECT r, json_extract_string(r, [
        '$.eventVersion', '$.eventTime',
        '$.userIdentity.type', '$.userIdentity.principalId', '$.userIdentity.arn',
        '$.userIdentity.accountId', '$.userIdentity.accessKeyId', '$.userIdentity.userName',
        '$.userIdentity.invokedBy', '$.userIdentity.identityProvider', '$.userIdentity.credentialId',
        '$.userIdentity.sessionContext.attributes.creationDate',
        '$.userIdentity.sessionContext.attributes.mfaAuthenticated',
        '$.userIdentity.sessionContext.sessionIssuer.type',
        '$.userIdentity.sessionContext.sessionIssuer.principalId',
        '$.userIdentity.sessionContext.sessionIssuer.arn',
        '$.userIdentity.sessionContext.sessionIssuer.accountId',
        '$.userIdentity.sessionContext.sessionIssuer.userName',
        '$.userIdentity.sessionContext.sourceIdentity',
        '$.userIdentity.sessionContext.ec2RoleDelivery',
        '$.userIdentity.sessionContext.ec2IssuedInVPC',
        '$.eventSource', '$.eventName', '$.awsRegion', '$.sourceIPAddress', '$.userAgent',
        '$.errorCode', '$.errorMessage', '$.requestID', '$.eventID', '$.readOnly', '$.eventType',
        '$.apiVersion', '$.managementEvent', '$.recipientAccountId', '$.sharedEventID',
        '$.annotation', '$.vpcEndpointId', '$.vpcEndpointAccountId', '$.eventCategory',
        '$.tlsDetails.tlsVersion', '$.tlsDetails.cipherSuite',
        '$.tlsDetails.clientProvidedHostHeader', '$.tlsDetails.keyExchange',
        '$.sessionCredentialFromConsole']) AS v
      FROM (SELECT unnest(Records) AS r
            FROM read_json(${FILES}, columns = {'Records': 'JSON[]'}, format = '${FORMAT}',
                           compression = 'gzip', maximum_object_size = ${MAX_OBJECT})));
