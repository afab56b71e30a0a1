// src/event/generator/vars.h
//
// The variables that generator templates may name as ${name}. Each is resolved once per event by
// the record writer (record_writer.cc), so a name used twice in one record (a bucket in
// requestParameters and in resources) has the same value both times.
//
// Every value is JSON-safe by construction (no quote, backslash or control character), so
// templates paste values without escaping.
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn::gen {

// One variable per line, grouped by what it describes.
// clang-format off
#define CAIRN_GEN_VARS(X)                    \
  /* the record's place */                   \
  X(kAccount, "account")                     \
  X(kRegion, "region")                       \
  X(kOrgId, "org_id")                        \
  X(kOrgRoot, "org_root")                    \
  X(kMemberAccount, "member_account")        \
  X(kAz, "az")                               \
  X(kSvc, "svc")                             \
  X(kCliCommand, "cli_cmd")                  \
  /* the caller */                           \
  X(kCallerArn, "caller_arn")                \
  X(kCallerName, "caller_name")              \
  X(kCallerAccount, "caller_account")        \
  X(kSessionKey, "session_key")              \
  X(kSessionCreated, "session_created")      \
  X(kCredentialId, "credential_id")          \
  X(kMfaUsed, "mfa_used")                    \
  X(kInvokedBy, "invoked_by")                \
  /* time */                                 \
  X(kTime, "time")                           \
  X(kTimeMs, "time_ms")                      \
  X(kJavaTime, "java_time")                  \
  X(kExpiration, "expiration")               \
  X(kEpochMs, "epoch_ms")                    \
  X(kYmd, "ymd")                             \
  X(kDateCompact, "date_compact")            \
  /* fresh random values */                  \
  X(kUuid, "uuid")                           \
  X(kUuidB, "uuid_b")                        \
  X(kHex8, "hex8")                           \
  X(kHex16, "hex16")                         \
  X(kHex32, "hex32")                         \
  X(kHex64, "hex64")                         \
  X(kId17, "id17")                           \
  X(kTaskId, "task_id")                      \
  X(kVersionId, "version_id")                \
  X(kAmzId2, "amz_id2")                      \
  X(kAsiaKey, "asia_key")                    \
  X(kAkiaKey, "akia_key")                    \
  X(kSessionToken, "session_token")          \
  X(kSessionName, "session_name")            \
  X(kEncodedMessage, "encoded_message")      \
  X(kN, "n")                                 \
  /* resources of the account and region */  \
  X(kBucket, "bucket")                       \
  X(kObjectKey, "object_key")                \
  X(kObjectSize, "object_size")              \
  X(kFunction, "fn")                         \
  X(kTable, "table")                         \
  X(kItemId, "item_id")                      \
  X(kInstance, "instance")                   \
  X(kInstanceType, "instance_type")          \
  X(kAmi, "ami")                             \
  X(kVpc, "vpc")                             \
  X(kSubnet, "subnet")                       \
  X(kSecurityGroup, "sg")                    \
  X(kVolume, "volume")                       \
  X(kSnapshot, "snapshot")                   \
  X(kEni, "eni")                             \
  X(kPrivateIp, "private_ip")                \
  X(kKmsKey, "kms_key")                      \
  X(kSecret, "secret")                       \
  X(kParam, "param")                         \
  X(kQueue, "queue")                         \
  X(kTopic, "topic")                         \
  X(kLogGroup, "log_group")                  \
  X(kRole, "role")                           \
  X(kRoleId, "role_id")                      \
  X(kIamUser, "iam_user")                    \
  X(kPolicy, "policy")                       \
  X(kStack, "stack")                         \
  X(kCluster, "cluster")                     \
  X(kEcsService, "ecs_service")              \
  X(kRepo, "repo")                           \
  X(kRule, "rule")                           \
  X(kDb, "db")                               \
  X(kHostedZone, "hosted_zone")              \
  X(kRecordName, "record_name")              \
  X(kLoadBalancer, "lb")                     \
  X(kTargetGroup, "tg")                      \
  X(kAsg, "asg")                             \
  X(kDetector, "detector")                   \
  X(kPermissionSet, "perm_set")              \
  X(kGlueDb, "glue_db")                      \
  X(kGlueTable, "glue_table")                \
  X(kWorkgroup, "workgroup")                 \
  X(kMetric, "metric")                       \
  X(kAlarm, "alarm")
// clang-format on

enum class Var : uint8_t {
#define CAIRN_GEN_VAR_ENUM(id, name) id,
  CAIRN_GEN_VARS(CAIRN_GEN_VAR_ENUM)
#undef CAIRN_GEN_VAR_ENUM
      kCount
};

inline constexpr int kVarCount = static_cast<int>(Var::kCount);

// The name of `v` as written in templates (without ${}).
std::string_view VarName(Var v);
// The variable called `name`; false if there is none.
bool LookupVar(std::string_view name, Var* out);

}  // namespace cairn::gen
