// The catalogue of generated APIs (api_catalog.h).
//
// Each row is one API as CloudTrail records it. The JSON shapes follow what AWS services log
// (camelCase versions of the API members in requestParameters, HIDDEN_DUE_TO_SECURITY_REASONS for
// secrets, Java-style dates in IAM and STS responses, S3's additionalEventData) but the rows are
// written for cairn, not copied from any sample. Values come from ${var} holes (vars.h).
//
// Weights: `human` and `machine` are relative rates within their stream. Rough shares of a
// generated day: two thirds machine (data events, KMS, role sessions, polling reads), one third
// people (console and CLI reads, a few writes, sign-ins).
#include "event/generator/api_catalog.h"

#include <cctype>
#include <string_view>

namespace cairn::gen {
namespace {

using K = ApiKind;
using S = ApiScope;

constexpr uint32_t kHumansOnly = KindBit(IdentityKind::kIamUser) |
                                 KindBit(IdentityKind::kSsoSession) |
                                 KindBit(IdentityKind::kOrgAccess);

#define S3_REQ \
  R"({"bucketName":"${bucket}","Host":"${bucket}.s3.${region}.amazonaws.com","key":"${object_key}"})"
#define S3_OBJECT_RES \
  R"([{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::${bucket}/${object_key}"},{"accountId":"${account}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::${bucket}"}])"
#define S3_BUCKET_RES \
  R"([{"accountId":"${account}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::${bucket}"}])"
#define S3_AED(IN, OUT)                                                                            \
  R"({"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":)" IN \
  R"(,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"${amz_id2}","bytesTransferredOut":)" OUT   \
  "}"
#define S3_HOST "${bucket}.s3.${region}.amazonaws.com"
#define DDB_RES \
  R"([{"accountId":"${account}","type":"AWS::DynamoDB::Table","ARN":"arn:aws:dynamodb:${region}:${account}:table/${table}"}])"
#define DDB_ARN "arn:aws:dynamodb:${region}:${account}:table/${table}"
#define KMS_RES \
  R"([{"accountId":"${account}","type":"AWS::KMS::Key","ARN":"arn:aws:kms:${region}:${account}:key/${kms_key}"}])"
#define KMS_ARN "arn:aws:kms:${region}:${account}:key/${kms_key}"
#define FN_ARN "arn:aws:lambda:${region}:${account}:function:${fn}"
#define FN_RES \
  R"([{"accountId":"${account}","type":"AWS::Lambda::Function","ARN":")" FN_ARN R"("}])"
#define QUEUE_URL "https://sqs.${region}.amazonaws.com/${account}/${queue}"
#define QUEUE_RES \
  R"([{"accountId":"${account}","type":"AWS::SQS::Queue","ARN":"arn:aws:sqs:${region}:${account}:${queue}"}])"
#define TOPIC_ARN "arn:aws:sns:${region}:${account}:${topic}"
#define ROLE_ARN "arn:aws:iam::${account}:role/${role}"
#define SECRET_ARN "arn:aws:secretsmanager:${region}:${account}:secret:${secret}"
#define STACK_ARN "arn:aws:cloudformation:${region}:${account}:stack/${stack}/${uuid_b}"
#define INSTANCE_ARN "arn:aws:ec2:${region}:${account}:instance/${instance}"

// One row per API; kept compact rather than one member per line.
// clang-format off
const ApiSpec kSpecs[] = {
    // ---- S3 objects (data events) ----
    {.source = "s3.amazonaws.com", .name = "GetObject", .kind = K::kDataRead, .human = 2,
     .machine = 30, .version = "1.10", .request = S3_REQ,
     .additional = S3_AED("0", "${object_size}"), .resources = S3_OBJECT_RES,
     .error_resource = "arn:aws:s3:::${bucket}/${object_key}", .not_found_code = "NoSuchKey",
     .not_found_message = "The specified key does not exist.", .host = S3_HOST},
    {.source = "s3.amazonaws.com", .name = "PutObject", .kind = K::kDataWrite, .human = 1,
     .machine = 14, .invoked_by = "cloudtrail.amazonaws.com|config.amazonaws.com|delivery.logs.amazonaws.com",
     .service_share = 0.15, .version = "1.10", .request = S3_REQ,
     .response = R"({"x-amz-server-side-encryption":"AES256","x-amz-version-id":"${version_id}"})",
     .additional = S3_AED("${object_size}", "0"), .resources = S3_OBJECT_RES,
     .error_resource = "arn:aws:s3:::${bucket}/${object_key}", .host = S3_HOST},
    {.source = "s3.amazonaws.com", .name = "HeadObject", .kind = K::kDataRead, .human = 0.5,
     .machine = 6, .version = "1.10", .request = S3_REQ, .additional = S3_AED("0", "0"),
     .resources = S3_OBJECT_RES, .error_resource = "arn:aws:s3:::${bucket}/${object_key}",
     .not_found_code = "NoSuchKey", .not_found_message = "The specified key does not exist.",
     .host = S3_HOST},
    {.source = "s3.amazonaws.com", .name = "DeleteObject", .kind = K::kDataWrite, .human = 0.3,
     .machine = 4, .version = "1.10", .request = S3_REQ, .additional = S3_AED("0", "0"),
     .resources = S3_OBJECT_RES, .error_resource = "arn:aws:s3:::${bucket}/${object_key}",
     .host = S3_HOST},
    {.source = "s3.amazonaws.com", .name = "ListObjects", .kind = K::kDataRead, .human = 1.2,
     .machine = 5, .version = "1.10",
     .request = R"({"list-type":"2","bucketName":"${bucket}","encoding-type":"url","max-keys":"1000","prefix":"","delimiter":"/","Host":"${bucket}.s3.${region}.amazonaws.com"})",
     .additional = S3_AED("0", "${object_size}"), .resources = S3_BUCKET_RES,
     .error_resource = "arn:aws:s3:::${bucket}", .host = S3_HOST},
    // ---- S3 buckets (management) ----
    {.source = "s3.amazonaws.com", .name = "ListBuckets", .kind = K::kManagementRead, .human = 3,
     .machine = 2, .version = "1.09", .request = R"({"Host":"s3.${region}.amazonaws.com"})",
     .additional = S3_AED("0", "${object_size}"), .host = "s3.${region}.amazonaws.com"},
    {.source = "s3.amazonaws.com", .name = "GetBucketAcl", .kind = K::kManagementRead, .human = 0.5,
     .machine = 3, .invoked_by = "cloudtrail.amazonaws.com|config.amazonaws.com", .service_share = 0.7,
     .version = "1.09", .request = R"({"bucketName":"${bucket}","Host":"${bucket}.s3.amazonaws.com","acl":""})",
     .additional = S3_AED("0", "${object_size}"), .resources = S3_BUCKET_RES,
     .error_resource = "arn:aws:s3:::${bucket}", .host = "${bucket}.s3.amazonaws.com"},
    {.source = "s3.amazonaws.com", .name = "GetBucketLocation", .kind = K::kManagementRead,
     .human = 1, .machine = 3, .version = "1.09",
     .request = R"({"bucketName":"${bucket}","Host":"${bucket}.s3.amazonaws.com","location":""})",
     .additional = S3_AED("0", "142"), .resources = S3_BUCKET_RES,
     .error_resource = "arn:aws:s3:::${bucket}", .host = "${bucket}.s3.amazonaws.com"},
    {.source = "s3.amazonaws.com", .name = "GetBucketPolicy", .kind = K::kManagementRead,
     .human = 0.5, .machine = 1, .version = "1.09",
     .request = R"({"bucketName":"${bucket}","Host":"${bucket}.s3.${region}.amazonaws.com","policy":""})",
     .additional = S3_AED("0", "0"), .resources = S3_BUCKET_RES,
     .error_resource = "arn:aws:s3:::${bucket}", .not_found_code = "NoSuchBucketPolicy",
     .not_found_message = "The bucket policy does not exist", .host = S3_HOST},
    {.source = "s3.amazonaws.com", .name = "PutBucketPolicy", .kind = K::kManagementWrite,
     .human = 0.06, .machine = 0.01, .version = "1.09",
     .request = R"({"bucketPolicy":{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::${bucket}","arn:aws:s3:::${bucket}/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]},"bucketName":"${bucket}","Host":"${bucket}.s3.${region}.amazonaws.com","policy":""})",
     .additional = S3_AED("412", "0"), .resources = S3_BUCKET_RES,
     .error_resource = "arn:aws:s3:::${bucket}", .host = S3_HOST},
    {.source = "s3.amazonaws.com", .name = "CreateBucket", .kind = K::kManagementWrite,
     .human = 0.04, .machine = 0.02, .version = "1.09",
     .request = R"({"CreateBucketConfiguration":{"LocationConstraint":"${region}","xmlns":"http://s3.amazonaws.com/doc/2006-03-01/"},"bucketName":"${bucket}","Host":"${bucket}.s3.${region}.amazonaws.com","x-amz-object-ownership":"BucketOwnerEnforced"})",
     .additional = S3_AED("153", "0"), .resources = S3_BUCKET_RES,
     .error_resource = "arn:aws:s3:::${bucket}", .host = S3_HOST},
    {.source = "s3.amazonaws.com", .name = "DeleteBucket", .kind = K::kManagementWrite,
     .human = 0.02, .machine = 0.01, .version = "1.09",
     .request = R"({"bucketName":"${bucket}","Host":"${bucket}.s3.${region}.amazonaws.com"})",
     .additional = S3_AED("0", "0"), .resources = S3_BUCKET_RES,
     .error_resource = "arn:aws:s3:::${bucket}", .not_found_code = "NoSuchBucket",
     .not_found_message = "The specified bucket does not exist", .host = S3_HOST},

    // ---- EC2 ----
    {.source = "ec2.amazonaws.com", .name = "DescribeInstances", .kind = K::kManagementRead,
     .human = 4, .machine = 8, .version = "1.10",
     .request = R"({"instancesSet":{"items":[{"instanceId":"${instance}"}]},"filterSet":{}})"},
    {.source = "ec2.amazonaws.com", .name = "DescribeSecurityGroups", .kind = K::kManagementRead,
     .human = 1.5, .machine = 2, .version = "1.10",
     .request = R"({"securityGroupSet":{},"securityGroupIdSet":{},"filterSet":{"items":[{"name":"vpc-id","valueSet":{"items":[{"value":"${vpc}"}]}}]}})"},
    {.source = "ec2.amazonaws.com", .name = "DescribeVolumes", .kind = K::kManagementRead,
     .human = 0.6, .machine = 2, .version = "1.10",
     .request = R"({"volumeSet":{},"filterSet":{"items":[{"name":"attachment.instance-id","valueSet":{"items":[{"value":"${instance}"}]}}]}})"},
    {.source = "ec2.amazonaws.com", .name = "DescribeSnapshots", .kind = K::kManagementRead,
     .human = 0.3, .machine = 1, .version = "1.10",
     .request = R"({"snapshotSet":{},"ownersSet":{"items":[{"owner":"self"}]},"sharedUsersSet":{},"filterSet":{}})"},
    {.source = "ec2.amazonaws.com", .name = "DescribeVpcs", .kind = K::kManagementRead, .human = 1,
     .machine = 1, .version = "1.10", .request = R"({"vpcSet":{},"filterSet":{}})"},
    {.source = "ec2.amazonaws.com", .name = "DescribeSubnets", .kind = K::kManagementRead,
     .human = 0.8, .machine = 1.5, .version = "1.10",
     .request = R"({"subnetSet":{"items":[{"subnetId":"${subnet}"}]},"filterSet":{}})"},
    {.source = "ec2.amazonaws.com", .name = "DescribeNetworkInterfaces",
     .kind = K::kManagementRead, .human = 0.3, .machine = 4, .version = "1.10",
     .request = R"({"networkInterfaceIdSet":{"items":[{"networkInterfaceId":"${eni}"}]},"filterSet":{}})"},
    {.source = "ec2.amazonaws.com", .name = "DescribeRegions", .kind = K::kManagementRead,
     .human = 1, .machine = 1, .version = "1.10",
     .request = R"({"regionSet":{},"allRegions":false})"},
    {.source = "ec2.amazonaws.com", .name = "DescribeImages", .kind = K::kManagementRead,
     .human = 0.5, .machine = 0.8, .version = "1.10",
     .request = R"({"executableBySet":{},"imagesSet":{"items":[{"imageId":"${ami}"}]},"ownersSet":{},"filterSet":{}})"},
    {.source = "ec2.amazonaws.com", .name = "DescribeTags", .kind = K::kManagementRead,
     .human = 0.2, .machine = 1, .version = "1.10",
     .request = R"({"filterSet":{"items":[{"name":"resource-id","valueSet":{"items":[{"value":"${instance}"}]}}]}})"},
    {.source = "ec2.amazonaws.com", .name = "RunInstances", .kind = K::kManagementWrite,
     .human = 0.2, .machine = 0.3, .invoked_by = "autoscaling.amazonaws.com", .service_share = 0.6,
     .version = "1.10",
     .request = R"({"instancesSet":{"items":[{"imageId":"${ami}","minCount":1,"maxCount":1}]},"instanceType":"${instance_type}","blockDeviceMapping":{},"monitoring":{"enabled":false},"subnetId":"${subnet}","disableApiTermination":false,"disableApiStop":false,"clientToken":"${uuid}","tagSpecificationSet":{"items":[{"resourceType":"instance","tags":[{"key":"Name","value":"${asg}"}]}]},"launchTemplate":{"launchTemplateId":"lt-0${hex16}","version":"$Latest"}})",
     .response = R"({"requestId":"${uuid_b}","reservationId":"r-0${hex16}","ownerId":"${account}","groupSet":{},"instancesSet":{"items":[{"instanceId":"${instance}","imageId":"${ami}","currentInstanceBootMode":"uefi","instanceState":{"code":0,"name":"pending"},"privateDnsName":"","amiLaunchIndex":0,"productCodes":{},"instanceType":"${instance_type}","launchTime":${epoch_ms},"placement":{"availabilityZone":"${az}","tenancy":"default"},"monitoring":{"state":"disabled"},"subnetId":"${subnet}","vpcId":"${vpc}","privateIpAddress":"${private_ip}","stateReason":{"code":"pending","message":"pending"},"architecture":"x86_64","rootDeviceType":"ebs","rootDeviceName":"/dev/xvda","blockDeviceMapping":{},"virtualizationType":"hvm","clientToken":"${uuid}","groupSet":{"items":[{"groupId":"${sg}","groupName":"default"}]},"sourceDestCheck":true,"hypervisor":"xen","networkInterfaceSet":{"items":[{"networkInterfaceId":"${eni}","subnetId":"${subnet}","vpcId":"${vpc}","ownerId":"${account}","status":"in-use","privateIpAddress":"${private_ip}","sourceDestCheck":true,"interfaceType":"interface"}]},"ebsOptimized":false,"enaSupport":true,"metadataOptions":{"state":"pending","httpTokens":"required","httpPutResponseHopLimit":2,"httpEndpoint":"enabled"}}]}})",
     .error_resource = INSTANCE_ARN},
    {.source = "ec2.amazonaws.com", .name = "TerminateInstances", .kind = K::kManagementWrite,
     .human = 0.08, .machine = 0.25, .invoked_by = "autoscaling.amazonaws.com", .service_share = 0.6,
     .version = "1.10", .request = R"({"instancesSet":{"items":[{"instanceId":"${instance}"}]}})",
     .response = R"({"requestId":"${uuid_b}","instancesSet":{"items":[{"instanceId":"${instance}","currentState":{"code":32,"name":"shutting-down"},"previousState":{"code":16,"name":"running"}}]}})",
     .error_resource = INSTANCE_ARN, .not_found_code = "Client.InvalidInstanceID.NotFound",
     .not_found_message = "The instance ID '${instance}' does not exist"},
    {.source = "ec2.amazonaws.com", .name = "StartInstances", .kind = K::kManagementWrite,
     .human = 0.12, .machine = 0.15, .version = "1.10",
     .request = R"({"instancesSet":{"items":[{"instanceId":"${instance}"}]}})",
     .response = R"({"requestId":"${uuid_b}","instancesSet":{"items":[{"instanceId":"${instance}","currentState":{"code":0,"name":"pending"},"previousState":{"code":80,"name":"stopped"}}]}})",
     .error_resource = INSTANCE_ARN},
    {.source = "ec2.amazonaws.com", .name = "StopInstances", .kind = K::kManagementWrite,
     .human = 0.12, .machine = 0.15, .version = "1.10",
     .request = R"({"instancesSet":{"items":[{"instanceId":"${instance}"}]},"force":false})",
     .response = R"({"requestId":"${uuid_b}","instancesSet":{"items":[{"instanceId":"${instance}","currentState":{"code":64,"name":"stopping"},"previousState":{"code":16,"name":"running"}}]}})",
     .error_resource = INSTANCE_ARN},
    {.source = "ec2.amazonaws.com", .name = "CreateTags", .kind = K::kManagementWrite,
     .human = 0.2, .machine = 0.5, .version = "1.10",
     .request = R"({"resourcesSet":{"items":[{"resourceId":"${instance}"}]},"tagSet":{"items":[{"key":"team","value":"platform"},{"key":"cost-center","value":"cc-${n}"}]}})",
     .response = R"({"requestId":"${uuid_b}","_return":true})", .error_resource = INSTANCE_ARN},
    {.source = "ec2.amazonaws.com", .name = "AuthorizeSecurityGroupIngress",
     .kind = K::kManagementWrite, .human = 0.06, .machine = 0.01, .version = "1.10",
     .request = R"({"groupId":"${sg}","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":443,"toPort":443,"groups":{},"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]},"ipv6Ranges":{},"prefixListIds":{}}]}})",
     .response = R"({"requestId":"${uuid_b}","_return":true,"securityGroupRuleSet":{"items":[{"groupOwnerId":"${account}","groupId":"${sg}","securityGroupRuleId":"sgr-0${hex16}","isEgress":false,"ipProtocol":"tcp","fromPort":443,"toPort":443,"cidrIpv4":"10.0.0.0/8"}]}})",
     .error_resource = "arn:aws:ec2:${region}:${account}:security-group/${sg}"},
    {.source = "ec2.amazonaws.com", .name = "CreateNetworkInterface", .kind = K::kManagementWrite,
     .human = 0, .machine = 0.3, .invoked_by = "lambda.amazonaws.com|ecs.amazonaws.com",
     .service_share = 0.8, .version = "1.10",
     .request = R"({"subnetId":"${subnet}","description":"AWS Lambda VPC ENI-${fn}-${uuid}","groupSet":{"items":[{"groupId":"${sg}"}]},"privateIpAddressesSet":{},"ipv6AddressCount":0,"clientToken":"${uuid}"})",
     .response = R"({"requestId":"${uuid_b}","networkInterface":{"networkInterfaceId":"${eni}","subnetId":"${subnet}","vpcId":"${vpc}","availabilityZone":"${az}","description":"AWS Lambda VPC ENI-${fn}-${uuid}","ownerId":"${account}","requesterManaged":false,"status":"pending","privateIpAddress":"${private_ip}","sourceDestCheck":true,"interfaceType":"lambda","groupSet":{"items":[{"groupId":"${sg}","groupName":"default"}]}}})"},
    {.source = "ec2.amazonaws.com", .name = "DeleteNetworkInterface", .kind = K::kManagementWrite,
     .human = 0, .machine = 0.25, .invoked_by = "lambda.amazonaws.com|ecs.amazonaws.com",
     .service_share = 0.8, .version = "1.10", .request = R"({"networkInterfaceId":"${eni}"})",
     .response = R"({"requestId":"${uuid_b}","_return":true})"},
    {.source = "ec2.amazonaws.com", .name = "CreateSnapshot", .kind = K::kManagementWrite,
     .human = 0.02, .machine = 0.15, .invoked_by = "dlm.amazonaws.com|backup.amazonaws.com",
     .service_share = 0.8, .version = "1.10",
     .request = R"({"volumeId":"${volume}","description":"Created for policy: policy-0${hex16}"})",
     .response = R"({"requestId":"${uuid_b}","snapshotId":"${snapshot}","volumeId":"${volume}","status":"pending","startTime":${epoch_ms},"progress":"","ownerId":"${account}","volumeSize":${n},"encrypted":true})"},

    // ---- IAM (global) ----
    {.source = "iam.amazonaws.com", .name = "GetUser", .kind = K::kManagementRead, .scope = S::kGlobal,
     .human = 1, .machine = 0.3, .version = "1.09", .request = R"({"userName":"${iam_user}"})",
     .error_resource = "arn:aws:iam::${account}:user/${iam_user}",
     .not_found_code = "NoSuchEntityException",
     .not_found_message = "The user with name ${iam_user} cannot be found.", .host = "iam.amazonaws.com"},
    {.source = "iam.amazonaws.com", .name = "ListUsers", .kind = K::kManagementRead, .scope = S::kGlobal,
     .human = 1.2, .machine = 0.5, .actors = kOrdinaryActors | KindBit(IdentityKind::kRoot),
     .version = "1.09", .host = "iam.amazonaws.com"},
    {.source = "iam.amazonaws.com", .name = "ListRoles", .kind = K::kManagementRead, .scope = S::kGlobal,
     .human = 1.5, .machine = 1, .version = "1.09", .request = R"({"maxItems":1000})",
     .host = "iam.amazonaws.com"},
    {.source = "iam.amazonaws.com", .name = "GetRole", .kind = K::kManagementRead, .scope = S::kGlobal,
     .human = 1, .machine = 2, .invoked_by = "access-analyzer.amazonaws.com", .service_share = 0.2,
     .version = "1.09", .request = R"({"roleName":"${role}"})", .error_resource = ROLE_ARN,
     .not_found_code = "NoSuchEntityException",
     .not_found_message = "The role with name ${role} cannot be found.", .host = "iam.amazonaws.com"},
    {.source = "iam.amazonaws.com", .name = "ListAttachedRolePolicies", .kind = K::kManagementRead,
     .scope = S::kGlobal, .human = 0.6, .machine = 1.5, .version = "1.09",
     .request = R"({"roleName":"${role}"})", .error_resource = ROLE_ARN, .host = "iam.amazonaws.com"},
    {.source = "iam.amazonaws.com", .name = "GetPolicyVersion", .kind = K::kManagementRead,
     .scope = S::kGlobal, .human = 0.3, .machine = 1, .version = "1.09",
     .request = R"({"policyArn":"arn:aws:iam::${account}:policy/${policy}","versionId":"v${n}"})",
     .host = "iam.amazonaws.com"},
    {.source = "iam.amazonaws.com", .name = "GetAccountSummary", .kind = K::kManagementRead,
     .scope = S::kGlobal, .human = 0.3, .machine = 0.1,
     .actors = kOrdinaryActors | KindBit(IdentityKind::kRoot), .version = "1.09",
     .host = "iam.amazonaws.com"},
    {.source = "iam.amazonaws.com", .name = "ListAccessKeys", .kind = K::kManagementRead,
     .scope = S::kGlobal, .human = 0.4, .machine = 0.5, .version = "1.09",
     .request = R"({"userName":"${iam_user}"})", .host = "iam.amazonaws.com"},
    {.source = "iam.amazonaws.com", .name = "CreateUser", .kind = K::kManagementWrite,
     .scope = S::kGlobal, .human = 0.02, .version = "1.09",
     .request = R"({"userName":"${iam_user}","tags":[]})",
     .response = R"({"user":{"path":"/","userName":"${iam_user}","userId":"AIDA${id17}","arn":"arn:aws:iam::${account}:user/${iam_user}","createDate":"${java_time}"}})",
     .host = "iam.amazonaws.com"},
    {.source = "iam.amazonaws.com", .name = "CreateAccessKey", .kind = K::kManagementWrite,
     .scope = S::kGlobal, .human = 0.03, .version = "1.09", .request = R"({"userName":"${iam_user}"})",
     .response = R"({"accessKey":{"userName":"${iam_user}","accessKeyId":"${akia_key}","status":"Active","createDate":"${java_time}"}})",
     .host = "iam.amazonaws.com"},
    {.source = "iam.amazonaws.com", .name = "DeleteAccessKey", .kind = K::kManagementWrite,
     .scope = S::kGlobal, .human = 0.02, .version = "1.09",
     .request = R"({"userName":"${iam_user}","accessKeyId":"${akia_key}"})", .host = "iam.amazonaws.com"},
    {.source = "iam.amazonaws.com", .name = "AttachRolePolicy", .kind = K::kManagementWrite,
     .scope = S::kGlobal, .human = 0.04, .machine = 0.03, .version = "1.09",
     .request = R"({"roleName":"${role}","policyArn":"arn:aws:iam::${account}:policy/${policy}"})",
     .error_resource = ROLE_ARN, .host = "iam.amazonaws.com"},
    {.source = "iam.amazonaws.com", .name = "PutRolePolicy", .kind = K::kManagementWrite,
     .scope = S::kGlobal, .human = 0.03, .machine = 0.04, .version = "1.09",
     .request = R"({"roleName":"${role}","policyName":"inline-${policy}","policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:PutObject\"],\"Resource\":\"arn:aws:s3:::${bucket}/*\"}]}"})",
     .error_resource = ROLE_ARN, .host = "iam.amazonaws.com"},
    {.source = "iam.amazonaws.com", .name = "CreateRole", .kind = K::kManagementWrite,
     .scope = S::kGlobal, .human = 0.02, .machine = 0.03, .version = "1.09",
     .request = R"({"roleName":"${role}","assumeRolePolicyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}","maxSessionDuration":3600})",
     .response = R"({"role":{"path":"/","roleName":"${role}","roleId":"AROA${id17}","arn":"arn:aws:iam::${account}:role/${role}","createDate":"${java_time}","assumeRolePolicyDocument":"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D","maxSessionDuration":3600}})",
     .error_resource = ROLE_ARN, .host = "iam.amazonaws.com"},

    // ---- STS ----
    {.source = "sts.amazonaws.com", .name = "AssumeRole", .kind = K::kManagementRead, .human = 2,
     .machine = 48,
     .invoked_by = "lambda.amazonaws.com|ecs-tasks.amazonaws.com|ec2.amazonaws.com|config.amazonaws.com|events.amazonaws.com",
     .service_share = 0.85,
     .actors = kOrdinaryActors | KindBit(IdentityKind::kCrossAccount), .version = "1.08",
     .request = R"({"roleArn":"arn:aws:iam::${account}:role/${role}","roleSessionName":"${session_name}","durationSeconds":3600})",
     .response = R"({"credentials":{"accessKeyId":"${asia_key}","sessionToken":"${session_token}","expiration":"${expiration}"},"assumedRoleUser":{"assumedRoleId":"${role_id}:${session_name}","arn":"arn:aws:sts::${account}:assumed-role/${role}/${session_name}"}})",
     .resources = R"([{"accountId":"${account}","type":"AWS::IAM::Role","ARN":"arn:aws:iam::${account}:role/${role}"}])",
     .error_resource = ROLE_ARN},
    {.source = "sts.amazonaws.com", .name = "AssumeRoleWithWebIdentity", .kind = K::kManagementRead,
     .human = 1.5, .actors = KindBit(IdentityKind::kWebIdentity), .version = "1.08",
     .request = R"({"roleArn":"arn:aws:iam::${account}:role/github-actions-deploy","roleSessionName":"GitHubActions","durationSeconds":3600})",
     .response = R"({"credentials":{"accessKeyId":"${asia_key}","sessionToken":"${session_token}","expiration":"${expiration}"},"subjectFromWebIdentityToken":"${caller_name}","assumedRoleUser":{"assumedRoleId":"${role_id}:GitHubActions","arn":"arn:aws:sts::${account}:assumed-role/github-actions-deploy/GitHubActions"},"provider":"arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com","audience":"sts.amazonaws.com"})",
     .resources = R"([{"accountId":"${account}","type":"AWS::IAM::Role","ARN":"arn:aws:iam::${account}:role/github-actions-deploy"}])",
     .error_rate = 0.01},
    {.source = "sts.amazonaws.com", .name = "GetCallerIdentity", .kind = K::kManagementRead,
     .human = 4, .machine = 3, .version = "1.08", .error_rate = 0.002},
    {.source = "sts.amazonaws.com", .name = "GetSessionToken", .kind = K::kManagementRead,
     .human = 0.2, .actors = KindBit(IdentityKind::kIamUser), .version = "1.08",
     .request = R"({"durationSeconds":43200})",
     .response = R"({"credentials":{"accessKeyId":"${asia_key}","sessionToken":"${session_token}","expiration":"${expiration}"}})"},

    // ---- Sign-in and Identity Center ----
    {.source = "signin.amazonaws.com", .name = "ConsoleLogin", .kind = K::kConsoleSignIn,
     .scope = S::kGlobal, .human = 0.8,
     .actors = KindBit(IdentityKind::kIamUser) | KindBit(IdentityKind::kSsoSession) |
               KindBit(IdentityKind::kRoot),
     .version = "1.08", .response = R"({"ConsoleLogin":"Success"})",
     .additional = R"({"LoginTo":"https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true","MobileVersion":"No","MFAUsed":"${mfa_used}"})",
     .host = "signin.aws.amazon.com", .error_rate = 0.04,
     .error_response = R"({"ConsoleLogin":"Failure"})"},
    {.source = "signin.amazonaws.com", .name = "SwitchRole", .kind = K::kConsoleSignIn,
     .scope = S::kGlobal, .human = 0.1, .actors = KindBit(IdentityKind::kSsoSession) |
                                                   KindBit(IdentityKind::kIamUser),
     .version = "1.08", .response = R"({"SwitchRole":"Success"})",
     .additional = R"({"SwitchFrom":"${caller_arn}","RedirectTo":"https://console.aws.amazon.com/console/home"})",
     .host = "signin.aws.amazon.com", .error_rate = 0},
    {.source = "sso.amazonaws.com", .name = "ListAccounts", .kind = K::kManagementRead,
     .scope = S::kManagementOnly, .human = 0.4, .actors = KindBit(IdentityKind::kIdcUser),
     .version = "1.08", .host = "portal.sso.us-east-1.amazonaws.com", .error_rate = 0.005},
    {.source = "sso.amazonaws.com", .name = "ListAccountRoles", .kind = K::kManagementRead,
     .scope = S::kManagementOnly, .human = 0.4, .actors = KindBit(IdentityKind::kIdcUser),
     .version = "1.08", .request = R"({"accountId":"${member_account}"})",
     .host = "portal.sso.us-east-1.amazonaws.com", .error_rate = 0.005},
    {.source = "sso.amazonaws.com", .name = "GetRoleCredentials", .kind = K::kManagementRead,
     .scope = S::kManagementOnly, .human = 0.6, .actors = KindBit(IdentityKind::kIdcUser),
     .version = "1.08",
     .request = R"({"accountId":"${member_account}","roleName":"${perm_set}"})",
     .host = "portal.sso.us-east-1.amazonaws.com", .error_rate = 0.005},
    {.source = "sso.amazonaws.com", .name = "Federate", .kind = K::kManagementRead,
     .scope = S::kManagementOnly, .human = 0.4, .actors = KindBit(IdentityKind::kIdcUser),
     .version = "1.08",
     .additional = R"({"AccountId":"${member_account}","RoleName":"${perm_set}"})",
     .host = "portal.sso.us-east-1.amazonaws.com", .error_rate = 0.005},
    {.source = "sso.amazonaws.com", .name = "ListPermissionSets", .kind = K::kManagementRead,
     .scope = S::kManagementOnly, .human = 0.1, .version = "1.08",
     .request = R"({"instanceArn":"arn:aws:sso:::instance/ssoins-${hex16}","maxResults":100})"},

    // ---- Organizations (management account) ----
    {.source = "organizations.amazonaws.com", .name = "DescribeOrganization",
     .kind = K::kManagementRead, .scope = S::kManagementOnly, .human = 0.2, .machine = 1,
     .version = "1.09", .host = "organizations.us-east-1.amazonaws.com"},
    {.source = "organizations.amazonaws.com", .name = "ListAccounts", .kind = K::kManagementRead,
     .scope = S::kManagementOnly, .human = 0.3, .machine = 0.6, .version = "1.09",
     .host = "organizations.us-east-1.amazonaws.com"},
    {.source = "organizations.amazonaws.com", .name = "DescribeAccount",
     .kind = K::kManagementRead, .scope = S::kManagementOnly, .human = 0.1, .machine = 0.3,
     .version = "1.09", .request = R"({"accountId":"${member_account}"})",
     .host = "organizations.us-east-1.amazonaws.com"},
    {.source = "organizations.amazonaws.com", .name = "ListOrganizationalUnitsForParent",
     .kind = K::kManagementRead, .scope = S::kManagementOnly, .human = 0.1, .machine = 0.2,
     .version = "1.09", .request = R"({"parentId":"${org_root}"})",
     .host = "organizations.us-east-1.amazonaws.com"},

    // ---- KMS ----
    {.source = "kms.amazonaws.com", .name = "Decrypt", .kind = K::kManagementRead, .human = 0.5,
     .machine = 30, .invoked_by = "secretsmanager.amazonaws.com|s3.amazonaws.com|lambda.amazonaws.com",
     .service_share = 0.7, .version = "1.10",
     .request = R"({"encryptionContext":{"aws:lambda:FunctionArn":")" FN_ARN R"("},"encryptionAlgorithm":"SYMMETRIC_DEFAULT"})",
     .resources = KMS_RES, .error_resource = KMS_ARN},
    {.source = "kms.amazonaws.com", .name = "GenerateDataKey", .kind = K::kManagementRead,
     .human = 0.1, .machine = 12, .invoked_by = "s3.amazonaws.com|dynamodb.amazonaws.com",
     .service_share = 0.7, .version = "1.10",
     .request = R"({"keyId":")" KMS_ARN R"(","encryptionContext":{"aws:s3:arn":"arn:aws:s3:::${bucket}"},"keySpec":"AES_256"})",
     .resources = KMS_RES, .error_resource = KMS_ARN},
    {.source = "kms.amazonaws.com", .name = "Encrypt", .kind = K::kManagementRead, .human = 0.1,
     .machine = 2, .version = "1.10",
     .request = R"({"keyId":")" KMS_ARN R"(","encryptionAlgorithm":"SYMMETRIC_DEFAULT","encryptionContext":{"app":"${fn}"}})",
     .resources = KMS_RES, .error_resource = KMS_ARN},
    {.source = "kms.amazonaws.com", .name = "DescribeKey", .kind = K::kManagementRead, .human = 0.5,
     .machine = 2, .version = "1.10", .request = R"({"keyId":")" KMS_ARN R"("})",
     .resources = KMS_RES, .error_resource = KMS_ARN, .not_found_code = "NotFoundException",
     .not_found_message = "Key '" KMS_ARN "' does not exist"},
    {.source = "kms.amazonaws.com", .name = "ListAliases", .kind = K::kManagementRead, .human = 0.3,
     .machine = 0.5, .version = "1.10"},
    {.source = "kms.amazonaws.com", .name = "CreateGrant", .kind = K::kManagementWrite,
     .human = 0.01, .machine = 0.2, .invoked_by = "ebs.amazonaws.com|rds.amazonaws.com",
     .service_share = 0.8, .version = "1.10",
     .request = R"({"keyId":")" KMS_ARN R"(","granteePrincipal":"arn:aws:sts::${account}:assumed-role/${role}/${session_name}","operations":["Decrypt","GenerateDataKeyWithoutPlaintext"],"constraints":{"encryptionContextSubset":{"aws:ebs:id":"${volume}"}}})",
     .response = R"({"grantId":"${hex64}"})", .resources = KMS_RES, .error_resource = KMS_ARN},
    {.source = "kms.amazonaws.com", .name = "RotateKey", .kind = K::kServiceEvent, .machine = 0.02,
     .invoked_by = "kms.amazonaws.com", .actors = KindBit(IdentityKind::kServiceEvent),
     .version = "1.10", .additional = R"({"keyId":")" KMS_ARN R"("})", .resources = KMS_RES,
     .error_rate = 0},

    // ---- Lambda ----
    {.source = "lambda.amazonaws.com", .name = "Invoke", .kind = K::kDataWrite, .human = 0.3,
     .machine = 18,
     .invoked_by = "apigateway.amazonaws.com|events.amazonaws.com|s3.amazonaws.com|sqs.amazonaws.com",
     .service_share = 0.5, .version = "1.08",
     .request = R"({"functionName":")" FN_ARN R"(","invocationType":"RequestResponse"})",
     .additional = R"({"functionVersion":")" FN_ARN R"(:$LATEST"})", .resources = FN_RES,
     .error_resource = FN_ARN, .not_found_code = "ResourceNotFoundException",
     .not_found_message = "Function not found: " FN_ARN, .api_version = "2015-03-31"},
    {.source = "lambda.amazonaws.com", .name = "GetFunction20150331v2", .kind = K::kManagementRead,
     .human = 0.5, .machine = 1, .version = "1.08", .request = R"({"functionName":"${fn}"})",
     .error_resource = FN_ARN, .not_found_code = "ResourceNotFoundException",
     .not_found_message = "Function not found: " FN_ARN, .api_version = "2015-03-31"},
    {.source = "lambda.amazonaws.com", .name = "ListFunctions20150331", .kind = K::kManagementRead,
     .human = 0.8, .machine = 1, .version = "1.08", .api_version = "2015-03-31"},
    {.source = "lambda.amazonaws.com", .name = "GetPolicy20150331v2", .kind = K::kManagementRead,
     .human = 0.1, .machine = 0.4, .version = "1.08", .request = R"({"functionName":"${fn}"})",
     .error_resource = FN_ARN, .api_version = "2015-03-31"},
    {.source = "lambda.amazonaws.com", .name = "UpdateFunctionCode20150331v2",
     .kind = K::kManagementWrite, .human = 0.12, .version = "1.08",
     .request = R"({"functionName":"${fn}","s3Bucket":"${bucket}","s3Key":"${object_key}","publish":true,"dryRun":false})",
     .response = R"({"functionName":"${fn}","functionArn":")" FN_ARN R"(","runtime":"python3.12","role":"arn:aws:iam::${account}:role/${role}","handler":"app.handler","codeSize":${object_size},"description":"","timeout":30,"memorySize":512,"lastModified":"${time_ms}","codeSha256":"${amz_id2}","version":"${n}","tracingConfig":{"mode":"PassThrough"},"revisionId":"${uuid_b}","state":"Active","lastUpdateStatus":"InProgress","lastUpdateStatusReason":"The function is being created.","lastUpdateStatusReasonCode":"Creating","packageType":"Zip","architectures":["arm64"],"ephemeralStorage":{"size":512},"snapStart":{"applyOn":"None","optimizationStatus":"Off"},"loggingConfig":{"logFormat":"Text","logGroup":"/aws/lambda/${fn}"}})",
     .error_resource = FN_ARN, .api_version = "2015-03-31"},
    {.source = "lambda.amazonaws.com", .name = "UpdateFunctionConfiguration20150331v2",
     .kind = K::kManagementWrite, .human = 0.05, .version = "1.08",
     .request = R"({"functionName":"${fn}","timeout":30,"memorySize":1024,"environment":{}})",
     .response = R"({"functionName":"${fn}","functionArn":")" FN_ARN R"(","runtime":"python3.12","role":"arn:aws:iam::${account}:role/${role}","handler":"app.handler","timeout":30,"memorySize":1024,"lastModified":"${time_ms}","version":"$LATEST","revisionId":"${uuid_b}","state":"Active","lastUpdateStatus":"InProgress","packageType":"Zip","architectures":["arm64"]})",
     .error_resource = FN_ARN, .api_version = "2015-03-31"},

    // ---- DynamoDB ----
    {.source = "dynamodb.amazonaws.com", .name = "GetItem", .kind = K::kDataRead, .human = 0.2,
     .machine = 13, .version = "1.08",
     .request = R"({"tableName":"${table}","key":{"pk":"${item_id}","sk":"META"},"consistentRead":false,"projectionExpression":"#s, updatedAt"})",
     .resources = DDB_RES, .error_resource = DDB_ARN, .not_found_code = "ResourceNotFoundException",
     .not_found_message = "Requested resource not found"},
    {.source = "dynamodb.amazonaws.com", .name = "PutItem", .kind = K::kDataWrite, .human = 0.05,
     .machine = 7, .version = "1.08",
     .request = R"j({"tableName":"${table}","key":{"pk":"${item_id}","sk":"META"},"conditionExpression":"attribute_not_exists(pk)"})j",
     .resources = DDB_RES, .error_resource = DDB_ARN, .not_found_code = "ConditionalCheckFailedException",
     .not_found_message = "The conditional request failed"},
    {.source = "dynamodb.amazonaws.com", .name = "Query", .kind = K::kDataRead, .human = 0.3,
     .machine = 8, .version = "1.08",
     .request = R"({"tableName":"${table}","indexName":"gsi1","select":"ALL_ATTRIBUTES","limit":50,"consistentRead":false,"keyConditionExpression":"gsi1pk = :v","scanIndexForward":false})",
     .resources = DDB_RES, .error_resource = DDB_ARN},
    {.source = "dynamodb.amazonaws.com", .name = "UpdateItem", .kind = K::kDataWrite, .human = 0.05,
     .machine = 4, .version = "1.08",
     .request = R"({"tableName":"${table}","key":{"pk":"${item_id}","sk":"META"},"updateExpression":"SET #s = :s, updatedAt = :t","returnValues":"UPDATED_NEW"})",
     .resources = DDB_RES, .error_resource = DDB_ARN},
    {.source = "dynamodb.amazonaws.com", .name = "DeleteItem", .kind = K::kDataWrite, .human = 0.02,
     .machine = 1.5, .version = "1.08",
     .request = R"({"tableName":"${table}","key":{"pk":"${item_id}","sk":"META"}})",
     .resources = DDB_RES, .error_resource = DDB_ARN},
    {.source = "dynamodb.amazonaws.com", .name = "DescribeTable", .kind = K::kManagementRead,
     .human = 0.5, .machine = 4, .version = "1.08", .request = R"({"tableName":"${table}"})",
     .resources = DDB_RES, .error_resource = DDB_ARN, .not_found_code = "ResourceNotFoundException",
     .not_found_message = "Requested resource not found: Table: ${table} not found"},
    {.source = "dynamodb.amazonaws.com", .name = "ListTables", .kind = K::kManagementRead,
     .human = 0.5, .machine = 0.5, .version = "1.08"},
    {.source = "dynamodb.amazonaws.com", .name = "CreateBackup", .kind = K::kManagementWrite,
     .machine = 0.05, .invoked_by = "backup.amazonaws.com", .service_share = 0.9, .version = "1.08",
     .request = R"({"tableName":"${table}","backupName":"${table}-${date_compact}"})",
     .response = R"({"backupDetails":{"backupArn":")" DDB_ARN R"(/backup/${epoch_ms}-${hex8}","backupName":"${table}-${date_compact}","backupStatus":"CREATING","backupType":"USER","backupCreationDateTime":"${java_time}"}})",
     .resources = DDB_RES, .error_resource = DDB_ARN},

    // ---- CloudTrail ----
    {.source = "cloudtrail.amazonaws.com", .name = "DescribeTrails", .kind = K::kManagementRead,
     .human = 0.3, .machine = 1, .version = "1.11",
     .request = R"({"trailNameList":[],"includeShadowTrails":true})"},
    {.source = "cloudtrail.amazonaws.com", .name = "GetTrailStatus", .kind = K::kManagementRead,
     .human = 0.2, .machine = 0.8, .version = "1.11",
     .request = R"({"name":"arn:aws:cloudtrail:us-east-1:${caller_account}:trail/${org_id}-trail"})"},
    {.source = "cloudtrail.amazonaws.com", .name = "LookupEvents", .kind = K::kManagementRead,
     .human = 0.3, .machine = 0.1, .version = "1.11",
     .request = R"({"lookupAttributes":[{"attributeKey":"EventName","attributeValue":"ConsoleLogin"}],"maxResults":50})",
     .error_rate = 0.05},
    {.source = "cloudtrail.amazonaws.com", .name = "GetEventSelectors", .kind = K::kManagementRead,
     .human = 0.05, .machine = 0.5, .version = "1.11",
     .request = R"({"trailName":"${org_id}-trail"})"},

    // ---- CloudWatch and Logs ----
    {.source = "monitoring.amazonaws.com", .name = "DescribeAlarms", .kind = K::kManagementRead,
     .human = 0.5, .machine = 3, .version = "1.09",
     .request = R"({"alarmNames":["${alarm}"],"maxRecords":100})"},
    {.source = "monitoring.amazonaws.com", .name = "GetMetricData", .kind = K::kManagementRead,
     .human = 0.8, .machine = 5, .version = "1.09",
     .request = R"({"metricDataQueries":[{"id":"m1","metricStat":{"metric":{"namespace":"AWS/Lambda","metricName":"${metric}","dimensions":[{"name":"FunctionName","value":"${fn}"}]},"period":300,"stat":"Sum"},"returnData":true}],"startTime":"${time}","endTime":"${time}","scanBy":"TimestampDescending"})"},
    {.source = "monitoring.amazonaws.com", .name = "ListMetrics", .kind = K::kManagementRead,
     .human = 0.2, .machine = 1, .version = "1.09",
     .request = R"({"namespace":"AWS/EC2","metricName":"CPUUtilization"})"},
    {.source = "monitoring.amazonaws.com", .name = "PutMetricAlarm", .kind = K::kManagementWrite,
     .human = 0.04, .machine = 0.08, .version = "1.09",
     .request = R"({"alarmName":"${alarm}","actionsEnabled":true,"alarmActions":[")" TOPIC_ARN R"("],"metricName":"${metric}","namespace":"AWS/Lambda","statistic":"Sum","dimensions":[{"name":"FunctionName","value":"${fn}"}],"period":60,"evaluationPeriods":5,"threshold":10.0,"comparisonOperator":"GreaterThanThreshold","treatMissingData":"notBreaching"})"},
    {.source = "logs.amazonaws.com", .name = "CreateLogStream", .kind = K::kManagementWrite,
     .machine = 7, .version = "1.09",
     .request = R"({"logGroupName":"${log_group}","logStreamName":"${ymd}/[$LATEST]${hex32}"})",
     .error_resource = "arn:aws:logs:${region}:${account}:log-group:${log_group}:log-stream:"},
    {.source = "logs.amazonaws.com", .name = "DescribeLogGroups", .kind = K::kManagementRead,
     .human = 0.8, .machine = 2, .version = "1.09",
     .request = R"({"logGroupNamePrefix":"/aws/lambda/","limit":50})"},
    {.source = "logs.amazonaws.com", .name = "DescribeLogStreams", .kind = K::kManagementRead,
     .human = 0.4, .machine = 2, .version = "1.09",
     .request = R"({"logGroupName":"${log_group}","orderBy":"LastEventTime","descending":true,"limit":50})"},
    {.source = "logs.amazonaws.com", .name = "FilterLogEvents", .kind = K::kManagementRead,
     .human = 0.6, .machine = 0.2, .version = "1.09",
     .request = R"({"logGroupName":"${log_group}","startTime":${epoch_ms},"filterPattern":"ERROR","interleaved":true})",
     .not_found_code = "ResourceNotFoundException",
     .not_found_message = "The specified log group does not exist."},
    {.source = "logs.amazonaws.com", .name = "CreateLogGroup", .kind = K::kManagementWrite,
     .machine = 0.2, .version = "1.09", .request = R"({"logGroupName":"${log_group}"})",
     .not_found_code = "ResourceAlreadyExistsException",
     .not_found_message = "The specified log group already exists"},

    // ---- SQS and SNS ----
    {.source = "sqs.amazonaws.com", .name = "GetQueueAttributes", .kind = K::kManagementRead,
     .human = 0.2, .machine = 3, .version = "1.08",
     .request = R"({"queueUrl":")" QUEUE_URL R"(","attributeNames":["All"]})", .resources = QUEUE_RES},
    {.source = "sqs.amazonaws.com", .name = "ListQueues", .kind = K::kManagementRead, .human = 0.2,
     .machine = 0.5, .version = "1.08"},
    {.source = "sqs.amazonaws.com", .name = "SendMessage", .kind = K::kDataWrite, .human = 0.02,
     .machine = 4.5, .invoked_by = "sns.amazonaws.com|events.amazonaws.com|s3.amazonaws.com",
     .service_share = 0.2, .version = "1.08",
     .request = R"({"queueUrl":")" QUEUE_URL R"(","messageBody":"HIDDEN_DUE_TO_SECURITY_REASONS","messageAttributes":"HIDDEN_DUE_TO_SECURITY_REASONS"})",
     .response = R"({"mD5OfMessageBody":"${hex32}","messageId":"${uuid_b}"})", .resources = QUEUE_RES,
     .error_resource = "arn:aws:sqs:${region}:${account}:${queue}"},
    {.source = "sqs.amazonaws.com", .name = "ReceiveMessage", .kind = K::kDataRead, .human = 0.02,
     .machine = 6, .version = "1.08",
     .request = R"({"queueUrl":")" QUEUE_URL R"(","maxNumberOfMessages":10,"waitTimeSeconds":20,"attributeNames":["All"],"messageAttributeNames":["All"]})",
     .resources = QUEUE_RES, .error_resource = "arn:aws:sqs:${region}:${account}:${queue}"},
    {.source = "sqs.amazonaws.com", .name = "DeleteMessage", .kind = K::kDataWrite, .machine = 4,
     .version = "1.08",
     .request = R"({"queueUrl":")" QUEUE_URL R"(","receiptHandle":"HIDDEN_DUE_TO_SECURITY_REASONS"})",
     .resources = QUEUE_RES, .error_resource = "arn:aws:sqs:${region}:${account}:${queue}"},
    {.source = "sns.amazonaws.com", .name = "Publish", .kind = K::kDataWrite, .human = 0.02,
     .machine = 4, .invoked_by = "cloudwatch.amazonaws.com|events.amazonaws.com", .service_share = 0.2,
     .version = "1.08",
     .request = R"({"topicArn":")" TOPIC_ARN R"(","message":"HIDDEN_DUE_TO_SECURITY_REASONS","messageAttributes":"HIDDEN_DUE_TO_SECURITY_REASONS"})",
     .response = R"({"messageId":"${uuid_b}"})",
     .resources = R"([{"accountId":"${account}","type":"AWS::SNS::Topic","ARN":")" TOPIC_ARN R"("}])",
     .error_resource = TOPIC_ARN},
    {.source = "sns.amazonaws.com", .name = "ListTopics", .kind = K::kManagementRead, .human = 0.2,
     .machine = 0.5, .version = "1.08"},
    {.source = "sns.amazonaws.com", .name = "GetTopicAttributes", .kind = K::kManagementRead,
     .human = 0.1, .machine = 1, .version = "1.08", .request = R"({"topicArn":")" TOPIC_ARN R"("})",
     .not_found_code = "NotFound", .not_found_message = "Topic does not exist"},

    // ---- Secrets Manager and SSM ----
    {.source = "secretsmanager.amazonaws.com", .name = "GetSecretValue",
     .kind = K::kManagementRead, .human = 0.2, .machine = 6, .version = "1.09",
     .request = R"({"secretId":")" SECRET_ARN R"("})",
     .resources = R"([{"accountId":"${account}","type":"AWS::SecretsManager::Secret","ARN":")" SECRET_ARN R"("}])",
     .error_resource = SECRET_ARN, .not_found_code = "ResourceNotFoundException",
     .not_found_message = "Secrets Manager can't find the specified secret."},
    {.source = "secretsmanager.amazonaws.com", .name = "DescribeSecret",
     .kind = K::kManagementRead, .human = 0.2, .machine = 1, .version = "1.09",
     .request = R"({"secretId":")" SECRET_ARN R"("})", .error_resource = SECRET_ARN},
    {.source = "secretsmanager.amazonaws.com", .name = "ListSecrets", .kind = K::kManagementRead,
     .human = 0.2, .machine = 0.3, .version = "1.09", .request = R"({"maxResults":100})"},
    {.source = "secretsmanager.amazonaws.com", .name = "PutSecretValue",
     .kind = K::kManagementWrite, .human = 0.01, .machine = 0.05, .version = "1.09",
     .request = R"({"secretId":")" SECRET_ARN R"(","clientRequestToken":"${uuid}","secretString":"HIDDEN_DUE_TO_SECURITY_REASONS","versionStages":["AWSPENDING"]})",
     .response = R"({"arn":")" SECRET_ARN R"(","name":"${secret}","versionId":"${uuid}","versionStages":["AWSPENDING"]})",
     .error_resource = SECRET_ARN},
    {.source = "secretsmanager.amazonaws.com", .name = "RotationSucceeded",
     .kind = K::kServiceEvent, .machine = 0.03, .invoked_by = "secretsmanager.amazonaws.com",
     .actors = KindBit(IdentityKind::kServiceEvent), .version = "1.09",
     .additional = R"({"SecretId":")" SECRET_ARN R"("})", .error_rate = 0},
    {.source = "ssm.amazonaws.com", .name = "GetParameter", .kind = K::kManagementRead,
     .human = 0.3, .machine = 6, .version = "1.08",
     .request = R"({"name":"${param}","withDecryption":true})",
     .error_resource = "arn:aws:ssm:${region}:${account}:parameter${param}",
     .not_found_code = "ParameterNotFound", .not_found_message = "Parameter ${param} not found."},
    {.source = "ssm.amazonaws.com", .name = "GetParameters", .kind = K::kManagementRead,
     .human = 0.1, .machine = 2, .version = "1.08",
     .request = R"({"names":["${param}"],"withDecryption":true})"},
    {.source = "ssm.amazonaws.com", .name = "UpdateInstanceInformation",
     .kind = K::kManagementWrite, .machine = 5, .version = "1.08",
     .request = R"({"instanceId":"${instance}","agentVersion":"3.3.380.0","agentStatus":"Active","platformType":"Linux","platformName":"Amazon Linux","platformVersion":"2023","iPAddress":"${private_ip}","computerName":"ip-${hex8}.${region}.compute.internal","agentName":"amazon-ssm-agent","availabilityZone":"${az}","availabilityZoneId":"use1-az4"})",
     .error_resource = INSTANCE_ARN},
    {.source = "ssm.amazonaws.com", .name = "DescribeInstanceInformation",
     .kind = K::kManagementRead, .human = 0.3, .machine = 1, .version = "1.08",
     .request = R"({"filters":[{"key":"InstanceIds","values":["${instance}"]}]})"},
    {.source = "ssm.amazonaws.com", .name = "StartSession", .kind = K::kManagementWrite,
     .human = 0.05, .actors = kHumansOnly, .version = "1.08",
     .request = R"({"target":"${instance}"})",
     .response = R"({"sessionId":"${caller_name}-${hex16}","tokenValue":"Value hidden due to security reasons.","streamUrl":"wss://ssmmessages.${region}.amazonaws.com/v1/data-channel/${caller_name}-${hex16}?role=publish_subscribe&cell-number=${amz_id2}"})",
     .resources = R"([{"accountId":"${account}","ARN":")" INSTANCE_ARN R"("}])",
     .error_resource = INSTANCE_ARN},
    {.source = "ssm.amazonaws.com", .name = "PutParameter", .kind = K::kManagementWrite,
     .human = 0.02, .machine = 0.02, .version = "1.08",
     .request = R"({"name":"${param}","type":"SecureString","keyId":"alias/aws/ssm","overwrite":true,"tier":"Standard"})",
     .response = R"({"version":${n},"tier":"Standard"})"},

    // ---- CloudFormation ----
    {.source = "cloudformation.amazonaws.com", .name = "DescribeStacks",
     .kind = K::kManagementRead, .human = 0.8, .machine = 2, .version = "1.09",
     .request = R"({"stackName":"${stack}"})",
     .error_resource = STACK_ARN, .not_found_code = "ValidationError",
     .not_found_message = "Stack with id ${stack} does not exist"},
    {.source = "cloudformation.amazonaws.com", .name = "DescribeStackEvents",
     .kind = K::kManagementRead, .human = 0.5, .machine = 0.5, .version = "1.09",
     .request = R"({"stackName":"${stack}"})"},
    {.source = "cloudformation.amazonaws.com", .name = "ListStacks", .kind = K::kManagementRead,
     .human = 0.3, .machine = 0.3, .version = "1.09",
     .request = R"({"stackStatusFilter":["CREATE_COMPLETE","UPDATE_COMPLETE","UPDATE_ROLLBACK_COMPLETE"]})"},
    {.source = "cloudformation.amazonaws.com", .name = "UpdateStack", .kind = K::kManagementWrite,
     .human = 0.04, .machine = 0.02, .version = "1.09",
     .request = R"({"stackName":"${stack}","templateURL":"https://${bucket}.s3.${region}.amazonaws.com/${object_key}","capabilities":["CAPABILITY_NAMED_IAM"],"parameters":[{"parameterKey":"Environment","usePreviousValue":true},{"parameterKey":"ImageTag","parameterValue":"${hex8}"}],"clientRequestToken":"${uuid}"})",
     .response = R"({"stackId":")" STACK_ARN R"("})", .error_resource = STACK_ARN},

    // ---- Containers ----
    {.source = "ecs.amazonaws.com", .name = "DescribeServices", .kind = K::kManagementRead,
     .human = 0.3, .machine = 2, .version = "1.09",
     .request = R"({"cluster":"${cluster}","services":["${ecs_service}"]})"},
    {.source = "ecs.amazonaws.com", .name = "ListTasks", .kind = K::kManagementRead, .human = 0.2,
     .machine = 2, .version = "1.09",
     .request = R"({"cluster":"${cluster}","serviceName":"${ecs_service}","desiredStatus":"RUNNING"})"},
    {.source = "ecs.amazonaws.com", .name = "DescribeTasks", .kind = K::kManagementRead,
     .human = 0.2, .machine = 2, .version = "1.09",
     .request = R"({"cluster":"${cluster}","tasks":["arn:aws:ecs:${region}:${account}:task/${cluster}/${task_id}"]})"},
    {.source = "ecs.amazonaws.com", .name = "UpdateService", .kind = K::kManagementWrite,
     .human = 0.05, .machine = 0.05, .version = "1.09",
     .request = R"({"cluster":"${cluster}","service":"${ecs_service}","taskDefinition":"${ecs_service}:${n}","forceNewDeployment":true})",
     .response = R"({"service":{"serviceArn":"arn:aws:ecs:${region}:${account}:service/${cluster}/${ecs_service}","serviceName":"${ecs_service}","clusterArn":"arn:aws:ecs:${region}:${account}:cluster/${cluster}","status":"ACTIVE","desiredCount":2,"runningCount":2,"pendingCount":0,"launchType":"FARGATE","taskDefinition":"arn:aws:ecs:${region}:${account}:task-definition/${ecs_service}:${n}","deploymentConfiguration":{"deploymentCircuitBreaker":{"enable":true,"rollback":true},"maximumPercent":200,"minimumHealthyPercent":100},"createdAt":"${java_time}"}})"},
    {.source = "ecr.amazonaws.com", .name = "GetAuthorizationToken", .kind = K::kManagementRead,
     .human = 0.3, .machine = 4, .version = "1.08"},
    {.source = "ecr.amazonaws.com", .name = "BatchGetImage", .kind = K::kManagementRead,
     .human = 0.05, .machine = 3, .version = "1.08",
     .request = R"({"repositoryName":"${repo}","registryId":"${account}","imageIds":[{"imageTag":"${hex8}"}],"acceptedMediaTypes":["application/vnd.docker.distribution.manifest.v2+json","application/vnd.oci.image.manifest.v1+json"]})",
     .resources = R"([{"accountId":"${account}","ARN":"arn:aws:ecr:${region}:${account}:repository/${repo}"}])",
     .not_found_code = "RepositoryNotFoundException",
     .not_found_message = "The repository with name '${repo}' does not exist in the registry with id '${account}'"},
    {.source = "ecr.amazonaws.com", .name = "PutImage", .kind = K::kManagementWrite, .human = 0.1,
     .version = "1.08",
     .request = R"({"repositoryName":"${repo}","imageTag":"${hex8}","imageManifestMediaType":"application/vnd.oci.image.manifest.v1+json","registryId":"${account}"})",
     .response = R"({"image":{"registryId":"${account}","repositoryName":"${repo}","imageId":{"imageDigest":"sha256:${hex64}","imageTag":"${hex8}"},"imageManifestMediaType":"application/vnd.oci.image.manifest.v1+json"}})",
     .resources = R"([{"accountId":"${account}","ARN":"arn:aws:ecr:${region}:${account}:repository/${repo}"}])"},

    // ---- Databases, DNS, load balancing, scaling ----
    {.source = "rds.amazonaws.com", .name = "DescribeDBInstances", .kind = K::kManagementRead,
     .human = 0.5, .machine = 2, .version = "1.09",
     .request = R"({"dBInstanceIdentifier":"${db}"})",
     .not_found_code = "DBInstanceNotFound", .not_found_message = "DBInstance ${db} not found."},
    {.source = "rds.amazonaws.com", .name = "DescribeDBClusters", .kind = K::kManagementRead,
     .human = 0.2, .machine = 1, .version = "1.09"},
    {.source = "rds.amazonaws.com", .name = "CreateDBSnapshot", .kind = K::kManagementWrite,
     .machine = 0.05, .invoked_by = "backup.amazonaws.com", .service_share = 0.9, .version = "1.09",
     .request = R"({"dBSnapshotIdentifier":"awsbackup-job-${hex16}","dBInstanceIdentifier":"${db}"})",
     .response = R"({"dBSnapshotIdentifier":"awsbackup-job-${hex16}","dBInstanceIdentifier":"${db}","engine":"postgres","allocatedStorage":100,"status":"creating","port":5432,"availabilityZone":"${az}","vpcId":"${vpc}","instanceCreateTime":"${java_time}","masterUsername":"postgres","engineVersion":"16.2","licenseModel":"postgresql-license","snapshotType":"manual","encrypted":true,"kmsKeyId":")" KMS_ARN R"(","dBSnapshotArn":"arn:aws:rds:${region}:${account}:snapshot:awsbackup-job-${hex16}","iAMDatabaseAuthenticationEnabled":false,"dbiResourceId":"db-${id17}","snapshotTarget":"region","storageThroughput":125,"dedicatedLogVolume":false})"},
    {.source = "route53.amazonaws.com", .name = "ListHostedZones", .kind = K::kManagementRead,
     .scope = S::kGlobal, .human = 0.3, .machine = 0.5, .version = "1.09",
     .host = "route53.amazonaws.com", .api_version = "2013-04-01"},
    {.source = "route53.amazonaws.com", .name = "ListResourceRecordSets",
     .kind = K::kManagementRead, .scope = S::kGlobal, .human = 0.3, .machine = 1, .version = "1.09",
     .request = R"({"hostedZoneId":"${hosted_zone}"})", .host = "route53.amazonaws.com",
     .api_version = "2013-04-01"},
    {.source = "route53.amazonaws.com", .name = "ChangeResourceRecordSets",
     .kind = K::kManagementWrite, .scope = S::kGlobal, .human = 0.03, .machine = 0.15,
     .version = "1.09",
     .request = R"({"hostedZoneId":"${hosted_zone}","changeBatch":{"changes":[{"action":"UPSERT","resourceRecordSet":{"name":"${record_name}","type":"A","tTL":60,"resourceRecords":[{"value":"${private_ip}"}]}}]}})",
     .response = R"({"changeInfo":{"id":"/change/C0${id17}","status":"PENDING","submittedAt":"${java_time}"}})",
     .resources = R"([{"accountId":"${account}","type":"AWS::Route53::HostedZone","ARN":"arn:aws:route53:::hostedzone/${hosted_zone}"}])",
     .host = "route53.amazonaws.com", .api_version = "2013-04-01"},
    {.source = "elasticloadbalancing.amazonaws.com", .name = "DescribeLoadBalancers",
     .kind = K::kManagementRead, .human = 0.3, .machine = 1.5, .version = "1.09",
     .request = R"({"loadBalancerArns":["arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/${lb}"]})"},
    {.source = "elasticloadbalancing.amazonaws.com", .name = "DescribeTargetHealth",
     .kind = K::kManagementRead, .human = 0.1, .machine = 2, .version = "1.09",
     .request = R"({"targetGroupArn":"arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/${tg}"})"},
    {.source = "elasticloadbalancing.amazonaws.com", .name = "RegisterTargets",
     .kind = K::kManagementWrite, .machine = 0.2, .invoked_by = "ecs.amazonaws.com|autoscaling.amazonaws.com",
     .service_share = 0.7, .version = "1.09",
     .request = R"({"targetGroupArn":"arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/${tg}","targets":[{"id":"${private_ip}","port":8080}]})"},
    {.source = "autoscaling.amazonaws.com", .name = "DescribeAutoScalingGroups",
     .kind = K::kManagementRead, .human = 0.3, .machine = 2, .version = "1.09",
     .request = R"({"autoScalingGroupNames":["${asg}"]})"},
    {.source = "autoscaling.amazonaws.com", .name = "SetDesiredCapacity",
     .kind = K::kManagementWrite, .human = 0.02, .machine = 0.05, .version = "1.09",
     .request = R"({"autoScalingGroupName":"${asg}","desiredCapacity":${n},"honorCooldown":false})"},

    // ---- Security and governance ----
    {.source = "config.amazonaws.com", .name = "PutEvaluations", .kind = K::kManagementWrite,
     .machine = 1, .version = "1.09",
     .request = R"({"evaluations":[{"complianceResourceType":"AWS::S3::Bucket","complianceResourceId":"${bucket}","complianceType":"COMPLIANT","orderingTimestamp":"${java_time}"}],"resultToken":"HIDDEN_DUE_TO_SECURITY_REASONS","testMode":false})",
     .response = R"({"failedEvaluations":[]})"},
    {.source = "config.amazonaws.com", .name = "DescribeConfigRules", .kind = K::kManagementRead,
     .human = 0.1, .machine = 0.3, .version = "1.09"},
    {.source = "events.amazonaws.com", .name = "DescribeRule", .kind = K::kManagementRead,
     .human = 0.1, .machine = 0.5, .version = "1.09", .request = R"({"name":"${rule}"})"},
    {.source = "events.amazonaws.com", .name = "PutRule", .kind = K::kManagementWrite,
     .human = 0.02, .machine = 0.02, .version = "1.09",
     .request = R"j({"name":"${rule}","scheduleExpression":"cron(0 2 * * ? *)","state":"ENABLED"})j",
     .response = R"({"ruleArn":"arn:aws:events:${region}:${account}:rule/${rule}"})"},
    {.source = "guardduty.amazonaws.com", .name = "ListDetectors", .kind = K::kManagementRead,
     .human = 0.1, .machine = 0.5, .version = "1.09"},
    {.source = "guardduty.amazonaws.com", .name = "GetFindings", .kind = K::kManagementRead,
     .human = 0.1, .machine = 0.2, .version = "1.09",
     .request = R"({"detectorId":"${detector}","findingIds":["${hex32}"]})"},
    {.source = "securityhub.amazonaws.com", .name = "BatchImportFindings",
     .kind = K::kManagementWrite, .machine = 0.6,
     .invoked_by = "guardduty.amazonaws.com|inspector2.amazonaws.com|access-analyzer.amazonaws.com",
     .service_share = 0.9, .version = "1.09",
     .request = R"({"findings":"HIDDEN_DUE_TO_SECURITY_REASONS"})",
     .response = R"({"failedCount":0,"successCount":${n},"failedFindings":[]})"},
    {.source = "securityhub.amazonaws.com", .name = "GetFindings", .kind = K::kManagementRead,
     .human = 0.2, .machine = 0.3, .version = "1.09",
     .request = R"({"filters":{"recordState":[{"value":"ACTIVE","comparison":"EQUALS"}],"workflowStatus":[{"value":"NEW","comparison":"EQUALS"}]},"maxResults":100})"},
    {.source = "athena.amazonaws.com", .name = "StartQueryExecution", .kind = K::kManagementWrite,
     .human = 0.2, .machine = 0.3, .version = "1.09",
     .request = R"({"queryString":"SELECT count(*) FROM ${glue_table} WHERE dt = '${ymd}'","clientRequestToken":"${uuid}","queryExecutionContext":{"database":"${glue_db}"},"workGroup":"${workgroup}"})",
     .response = R"({"queryExecutionId":"${uuid_b}"})"},
    {.source = "athena.amazonaws.com", .name = "GetQueryExecution", .kind = K::kManagementRead,
     .human = 0.6, .machine = 1, .version = "1.09",
     .request = R"({"queryExecutionId":"${uuid_b}"})"},
    {.source = "glue.amazonaws.com", .name = "GetTable", .kind = K::kManagementRead, .human = 0.1,
     .machine = 1, .invoked_by = "athena.amazonaws.com", .service_share = 0.5, .version = "1.09",
     .request = R"({"databaseName":"${glue_db}","name":"${glue_table}"})",
     .not_found_code = "EntityNotFoundException",
     .not_found_message = "Table ${glue_table} not found."},
};
// clang-format on

std::string_view EndpointOf(std::string_view source) { return source.substr(0, source.find('.')); }

// The IAM service prefix of an event source.
std::string IamPrefix(std::string_view source) {
  std::string_view e = EndpointOf(source);
  if (e == "monitoring") return "cloudwatch";
  if (e == "sso") return "sso";
  return std::string(e);
}

// "GetFunction20150331v2" -> "GetFunction": Lambda's event names carry an API version.
std::string StripVersion(std::string_view name) {
  size_t i = 0;
  while (i < name.size() && !std::isdigit(static_cast<unsigned char>(name[i]))) ++i;
  return std::string(name.substr(0, i));
}

std::string Kebab(std::string_view camel) {
  std::string out;
  for (size_t i = 0; i < camel.size(); ++i) {
    char c = camel[i];
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (i > 0) out.push_back('-');
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

ErrorFamily FamilyOf(std::string_view endpoint) {
  if (endpoint == "s3") return ErrorFamily::kS3;
  if (endpoint == "ec2") return ErrorFamily::kEc2;
  if (endpoint == "signin") return ErrorFamily::kSignIn;
  for (std::string_view q : {"iam", "sts", "sns", "sqs", "rds", "elasticloadbalancing",
                             "autoscaling", "cloudformation", "monitoring"}) {
    if (endpoint == q) return ErrorFamily::kQuery;
  }
  return ErrorFamily::kJson;
}

void AddError(Api& api, std::string code, const std::string& message, double weight) {
  api.error_kinds.push_back({std::move(code), Template::MustCompile(message), weight});
}

Api Compile(const ApiSpec& s, int index) {
  Api a;
  a.index = index;
  a.source = s.source;
  a.name = s.name;
  std::string_view endpoint = EndpointOf(s.source);
  a.svc = IamPrefix(s.source);
  std::string bare = StripVersion(s.name);
  a.action = a.svc + ":" + (bare == "Invoke" ? std::string("InvokeFunction") : bare);
  a.cli_command = std::string(endpoint) + "." + Kebab(bare);
  a.kind = s.kind;
  a.scope = s.scope;
  a.human = s.human;
  a.machine = s.machine;
  if (s.invoked_by != nullptr) {
    std::string_view list = s.invoked_by;
    while (!list.empty()) {
      size_t bar = list.find('|');
      a.invoked_by.emplace_back(list.substr(0, bar));
      list = bar == std::string_view::npos ? std::string_view() : list.substr(bar + 1);
    }
  }
  a.service_share = a.invoked_by.empty() ? 0 : s.service_share;
  a.actors = s.actors != 0 ? s.actors : kOrdinaryActors;
  a.version = s.version;
  a.read_only = s.kind == K::kManagementRead || s.kind == K::kDataRead;
  a.data = s.kind == K::kDataRead || s.kind == K::kDataWrite;
  // Service-linked roles only read (Config, Security Hub and friends describe resources).
  if (!a.read_only || a.data) a.actors &= ~KindBit(IdentityKind::kServiceRole);
  a.has_request = s.request != nullptr;
  a.has_response = s.response != nullptr;
  a.has_additional = s.additional != nullptr;
  a.has_resources = s.resources != nullptr;
  if (a.has_request) a.request = Template::MustCompile(s.request);
  if (a.has_response) a.response = Template::MustCompile(s.response);
  if (a.has_additional) a.additional = Template::MustCompile(s.additional);
  if (a.has_resources) a.resources = Template::MustCompile(s.resources);
  std::string host;
  if (s.host != nullptr) {
    host = s.host;
  } else if (s.scope == S::kGlobal) {
    host = std::string(endpoint) + ".amazonaws.com";
  } else {
    host = std::string(endpoint) + ".${region}.amazonaws.com";
  }
  a.host = Template::MustCompile(host);
  a.has_error_response = s.error_response != nullptr;
  if (a.has_error_response) a.error_response = Template::MustCompile(s.error_response);
  a.api_version = s.api_version != nullptr ? s.api_version : "";
  a.errors = FamilyOf(endpoint);
  a.request_id = a.errors == ErrorFamily::kS3       ? RequestIdStyle::kS3
                 : a.errors == ErrorFamily::kSignIn ? RequestIdStyle::kNone
                                                    : RequestIdStyle::kUuid;
  a.error_rate = s.error_rate;
  a.event_type = s.kind == K::kConsoleSignIn  ? "AwsConsoleSignIn"
                 : s.kind == K::kServiceEvent ? "AwsServiceEvent"
                                              : "AwsApiCall";
  a.event_category = a.data ? "Data" : "Management";

  const std::string denied = std::string("User: ${caller_arn} is not authorized to perform: ") +
                             a.action + " on resource: " + s.error_resource +
                             " because no identity-based policy allows the " + a.action + " action";
  const bool not_found = s.not_found_code != nullptr;
  const double w_denied = not_found ? 0.5 : 0.7;
  const double w_throttle = not_found ? 0.2 : 0.3;
  switch (a.errors) {
    case ErrorFamily::kS3:
      AddError(a, "AccessDenied", "Access Denied", w_denied);
      AddError(a, "SlowDown", "Please reduce your request rate.", w_throttle);
      break;
    case ErrorFamily::kEc2:
      AddError(a, "Client.UnauthorizedOperation",
               "You are not authorized to perform this operation. " + denied +
                   ". Encoded authorization failure message: ${encoded_message}",
               w_denied);
      AddError(a, "Client.RequestLimitExceeded", "Request limit exceeded.", w_throttle);
      break;
    case ErrorFamily::kQuery:
      AddError(a, "AccessDenied", denied, w_denied);
      AddError(a, "Throttling", "Rate exceeded", w_throttle);
      break;
    case ErrorFamily::kJson:
      AddError(a, "AccessDeniedException", denied, w_denied);
      AddError(a, "ThrottlingException", "Rate exceeded", w_throttle);
      break;
    case ErrorFamily::kSignIn:
      AddError(a, "", "Failed authentication", 1.0);
      break;
    case ErrorFamily::kNone:
      break;
  }
  if (not_found && a.errors != ErrorFamily::kSignIn) {
    AddError(a, s.not_found_code, s.not_found_message, 0.3);
  }
  return a;
}

}  // namespace

const std::vector<Api>& Catalog() {
  static const std::vector<Api> catalog = [] {
    std::vector<Api> apis;
    int i = 0;
    for (const ApiSpec& s : kSpecs) apis.push_back(Compile(s, i++));
    return apis;
  }();
  return catalog;
}

}  // namespace cairn::gen
