// src/cloud/trails.h
//
// Trails is the registry of trails (spec trails.md §1-§5, §7; insights.md §2): their configuration,
// selectors, logging state and tags, kept in metadata.db (tables `trails` and `resource_tags`,
// migration 4 in data_dir.cc). Delivery of log files is a later stage; what is here is the
// complete, persistent state the API reads and changes.
//
// Identity: a trail belongs to the account and region (its home region) it was created in; its ARN
// is arn:aws:cloudtrail:<home>:<account>:trail/<name>. Names are unique among the trails an account
// sees in a region (its own trails homed there and its multi-region trails).
//
// Visibility (TrailCaller: the account a call acts for, and the region it is made in):
//   - the account's own trails: by name when homed in the region (or multi-region: a shadow
//     trail), by ARN from anywhere;
//   - the organization trails of the management account, in every other account of the
//     organization: as shadow trails, by ARN (by name only in the management account itself).
// Changes are allowed only on the account's own trails and only in the trail's home region
// (InvalidHomeRegionException); an organization trail seen from a member account cannot be changed
// (NotOrganizationMasterAccountException); only the management account may create organization
// trails. Every error carries the AWS name of spec trails.md §3/§6.
//
// Thread-safety: every method may be called from many threads at once (metadata.db serialises).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cloud/metadata_db.h"
#include "common/status.h"

namespace cairn::cloud {

struct Trail {
  std::string account_id;
  std::string home_region;
  std::string name;
  std::string s3_bucket;
  std::optional<std::string> s3_key_prefix;
  std::optional<std::string> sns_topic;  // as given: a topic name or an SNS topic ARN
  bool include_global = true;
  bool multi_region = false;
  bool log_file_validation = false;
  std::optional<std::string> cw_log_group_arn;
  std::optional<std::string> cw_role_arn;
  std::optional<std::string> kms_key_id;  // the full key ARN
  bool organization = false;
  // {"EventSelectors":[...]} or {"AdvancedEventSelectors":[...]}: the canonical JSON of
  // trail_selectors.h under its member name.
  std::string event_selectors;
  bool custom_event_selectors = false;
  std::string insight_selectors = "[]";  // canonical JSON list; [] = Insights off
  bool logging = false;
  std::optional<int64_t> start_logging_us;
  std::optional<int64_t> stop_logging_us;
  int64_t created_us = 0;
  int64_t updated_us = 0;

  std::string Arn() const;
  std::optional<std::string> SnsTopicName() const;
  std::optional<std::string> SnsTopicArn() const;
  bool has_insight_selectors() const { return insight_selectors != "[]"; }
};

// The members of CreateTrail / UpdateTrail (absent: unset, or unchanged on update).
struct TrailSettings {
  std::optional<std::string> s3_bucket, s3_key_prefix, sns_topic, cw_log_group_arn, cw_role_arn,
      kms_key_id;
  std::optional<bool> include_global, multi_region, log_file_validation, organization;
};

using Tags = std::vector<std::pair<std::string, std::optional<std::string>>>;

// Who a call acts for.
struct TrailCaller {
  std::string account;             // the target account (api TargetAccount())
  std::string region;              // the region the call is signed for
  std::string management_account;  // of the organization
  int64_t now_us = 0;
};

// The name rules of spec §4 (InvalidTrailNameException with AWS's messages), or OK.
Status ValidateTrailName(std::string_view name);
// Parses a trail ARN: (region, account, name), or CloudTrailARNInvalidException.
Result<std::tuple<std::string, std::string, std::string>> ParseTrailArn(std::string_view arn);
// Tag list rules: at most 50 tags, keys 1-128 characters, values up to 256
// (TagsLimitExceededException, InvalidTagParameterException).
Status ValidateTags(const Tags& tags);

class Trails {
 public:
  static constexpr size_t kMaxTrailsPerRegion = 5;
  static constexpr size_t kMaxTags = 50;

  // REQUIRES: `db` outlives the registry; its schema holds the trails tables.
  explicit Trails(MetadataDb* db) : db_(db) {}

  Result<Trail> Create(const TrailCaller& caller, const std::string& name,
                       const TrailSettings& settings, const Tags& tags);
  Result<Trail> Update(const TrailCaller& caller, std::string_view name_or_arn,
                       const TrailSettings& settings);
  Status Delete(const TrailCaller& caller, std::string_view name_or_arn);
  // A trail the caller sees (shadow trails included).
  Result<Trail> Get(const TrailCaller& caller, std::string_view name_or_arn);
  // DescribeTrails (spec §4 table): `names` empty = every trail homed in the region, plus the
  // shadow trails visible there when `include_shadow`.
  Result<std::vector<Trail>> Describe(const TrailCaller& caller,
                                      const std::vector<std::string>& names, bool include_shadow);
  // ListTrails: every trail of the account, each with its home region, plus the organization
  // trails it sees; ordered by ARN.
  Result<std::vector<Trail>> List(const TrailCaller& caller);
  Status SetLogging(const TrailCaller& caller, std::string_view name_or_arn, bool logging);
  // `advanced`: the list is AdvancedEventSelectors, else EventSelectors. Returns the trail.
  Result<Trail> PutEventSelectors(const TrailCaller& caller, std::string_view name_or_arn,
                                  simdjson::dom::element list, bool advanced);
  Result<Trail> PutInsightSelectors(const TrailCaller& caller, std::string_view name_or_arn,
                                    simdjson::dom::element list);

  // Tags of a trail the caller sees (ResourceNotFoundException otherwise).
  Result<Tags> GetTags(const TrailCaller& caller, std::string_view arn);
  // Replaces the tags of a trail the caller may change (its own, in its home region).
  Status SetTags(const TrailCaller& caller, std::string_view arn, const Tags& tags);

 private:
  // Every trail stored for `account` and for the management account.
  Result<std::vector<Trail>> Load(const TrailCaller& caller);
  Result<Trail> Resolve(const TrailCaller& caller, std::string_view name_or_arn, bool for_write);
  Status Save(const Trail& t, bool insert);
  // Replaces the tags of `arn`. REQUIRES: inside a transaction.
  Status WriteTags(const std::string& arn, const Tags& tags);
  Status Validate(const TrailCaller& caller, Trail* t) const;

  MetadataDb* db_;
};

}  // namespace cairn::cloud
