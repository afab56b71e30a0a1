#include "cloud/trails.h"

#include <fmt/format.h>

#include <algorithm>

#include "cloud/trail_selectors.h"

namespace cairn::cloud {
namespace {

constexpr const char* kColumns =
    "account_id, home_region, name, s3_bucket, s3_key_prefix, sns_topic, include_global, "
    "multi_region, log_file_validation, cw_log_group_arn, cw_role_arn, kms_key_id, organization, "
    "event_selectors, custom_selectors, insight_selectors, logging, start_logging_us, "
    "stop_logging_us, created_us, updated_us";

Status Named(StatusCode code, std::string_view name, std::string message) {
  return Status(code, std::move(message)).WithAwsError(std::string(name));
}

Status NotFound(std::string_view ref, std::string_view account) {
  return Named(StatusCode::kNotFound, "TrailNotFoundException",
               fmt::format("Unknown trail: {} for the user: {}", ref, account));
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsIpv4(std::string_view s) {
  int parts = 0;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find('.', i);
    if (j == std::string_view::npos) j = s.size();
    std::string_view p = s.substr(i, j - i);
    if (p.empty() || p.size() > 3 || !std::all_of(p.begin(), p.end(), ::isdigit)) return false;
    ++parts;
    i = j + 1;
  }
  return parts == 4;
}

std::optional<std::string> Opt(const Statement& s, int col) { return s.Text(col); }

Trail TrailOf(const Statement& s) {
  Trail t;
  t.account_id = s.Text(0).value_or("");
  t.home_region = s.Text(1).value_or("");
  t.name = s.Text(2).value_or("");
  t.s3_bucket = s.Text(3).value_or("");
  t.s3_key_prefix = Opt(s, 4);
  t.sns_topic = Opt(s, 5);
  t.include_global = s.Int(6) != 0;
  t.multi_region = s.Int(7) != 0;
  t.log_file_validation = s.Int(8) != 0;
  t.cw_log_group_arn = Opt(s, 9);
  t.cw_role_arn = Opt(s, 10);
  t.kms_key_id = Opt(s, 11);
  t.organization = s.Int(12) != 0;
  t.event_selectors = s.Text(13).value_or("");
  t.custom_event_selectors = s.Int(14) != 0;
  t.insight_selectors = s.Text(15).value_or("[]");
  t.logging = s.Int(16) != 0;
  if (!s.IsNull(17)) t.start_logging_us = s.Int(17);
  if (!s.IsNull(18)) t.stop_logging_us = s.Int(18);
  t.created_us = s.Int(19);
  t.updated_us = s.Int(20);
  return t;
}

bool ValidBucketName(std::string_view b) {
  if (b.size() < 3 || b.size() > 63 || !IsAlnum(b.front()) || !IsAlnum(b.back())) return false;
  for (size_t i = 0; i < b.size(); ++i) {
    const char c = b[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (!ok) return false;
    if (c == '.' && i + 1 < b.size() && b[i + 1] == '.') return false;
  }
  return !IsIpv4(b);
}

bool ValidTopicName(std::string_view n) {
  if (n.empty() || n.size() > 256) return false;
  return std::all_of(n.begin(), n.end(), [](char c) { return IsAlnum(c) || c == '_' || c == '-'; });
}

// Splits "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE" into its six parts.
std::optional<std::vector<std::string_view>> ArnParts(std::string_view arn) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  for (int k = 0; k < 5; ++k) {
    size_t j = arn.find(':', i);
    if (j == std::string_view::npos) return std::nullopt;
    parts.push_back(arn.substr(i, j - i));
    i = j + 1;
  }
  parts.push_back(arn.substr(i));
  if (parts[0] != "arn" || parts[1].substr(0, 3) != "aws") return std::nullopt;
  return parts;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool IsTwelveDigits(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), ::isdigit);
}

}  // namespace

std::string Trail::Arn() const {
  return fmt::format("arn:aws:cloudtrail:{}:{}:trail/{}", home_region, account_id, name);
}

std::optional<std::string> Trail::SnsTopicName() const {
  if (!sns_topic) return std::nullopt;
  if (sns_topic->rfind("arn:", 0) == 0) return sns_topic->substr(sns_topic->rfind(':') + 1);
  return sns_topic;
}

std::optional<std::string> Trail::SnsTopicArn() const {
  if (!sns_topic) return std::nullopt;
  if (sns_topic->rfind("arn:", 0) == 0) return sns_topic;
  return fmt::format("arn:aws:sns:{}:{}:{}", home_region, account_id, *sns_topic);
}

Status ValidateTrailName(std::string_view name) {
  auto bad = [](std::string m) {
    return Named(StatusCode::kInvalidArgument, "InvalidTrailNameException", std::move(m));
  };
  if (name.size() < 3) {
    return bad(
        fmt::format("Trail name too short. Minimum allowed length: 3 characters. "
                    "Specified name length: {} characters.",
                    name.size()));
  }
  if (name.size() > 128) {
    return bad(
        fmt::format("Trail name too long. Maximum allowed length: 128 characters. "
                    "Specified name length: {} characters.",
                    name.size()));
  }
  for (char c : name) {
    if (!IsAlnum(c) && c != '.' && c != '-' && c != '_') {
      return bad(
          "Trail name or ARN can only contain uppercase letters, lowercase letters, "
          "numbers, periods (.), hyphens (-), and underscores (_).");
    }
  }
  if (!IsAlnum(name.front())) return bad("Trail name must starts with a letter or number.");
  if (!IsAlnum(name.back())) return bad("Trail name must ends with a letter or number.");
  for (size_t i = 0; i + 1 < name.size(); ++i) {
    if (!IsAlnum(name[i]) && !IsAlnum(name[i + 1])) {
      return bad(
          fmt::format("Trail name '{}' has adjacent periods, hyphens or underscores.", name));
    }
  }
  if (IsIpv4(name)) return bad("Trail name cannot be formatted as an IP address.");
  return Status::OK();
}

Result<std::tuple<std::string, std::string, std::string>> ParseTrailArn(std::string_view arn) {
  auto bad = [&] {
    return Named(StatusCode::kInvalidArgument, "CloudTrailARNInvalidException",
                 fmt::format("'{}' is not a valid trail ARN: expected "
                             "arn:aws:cloudtrail:<region>:<account id>:trail/<name>",
                             arn.substr(0, 300)));
  };
  auto parts = ArnParts(arn);
  if (!parts || (*parts)[2] != "cloudtrail" || (*parts)[3].empty() ||
      !IsTwelveDigits((*parts)[4]) || (*parts)[5].substr(0, 6) != "trail/") {
    return bad();
  }
  std::string name((*parts)[5].substr(6));
  if (!ValidateTrailName(name).ok()) return bad();
  return std::make_tuple(std::string((*parts)[3]), std::string((*parts)[4]), name);
}

Status ValidateTags(const Tags& tags) {
  if (tags.size() > Trails::kMaxTags) {
    return Named(StatusCode::kInvalidArgument, "TagsLimitExceededException",
                 fmt::format("{} tags; a resource can have at most 50", tags.size()));
  }
  for (const auto& [k, v] : tags) {
    if (k.empty() || k.size() > 128) {
      return Named(StatusCode::kInvalidArgument, "InvalidTagParameterException",
                   fmt::format("tag key '{}': must be 1 to 128 characters", k.substr(0, 200)));
    }
    if (v && v->size() > 256) {
      return Named(StatusCode::kInvalidArgument, "InvalidTagParameterException",
                   fmt::format("tag '{}': the value is longer than 256 characters", k));
    }
  }
  return Status::OK();
}

Result<std::vector<Trail>> Trails::Load(const TrailCaller& caller) {
  ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(fmt::format("SELECT {} FROM trails WHERE account_id = ? OR (account_id = "
                               "? AND organization = 1) ORDER BY account_id, home_region, name",
                               kColumns)));
  s.Bind(1, caller.account).Bind(2, caller.management_account);
  std::vector<Trail> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(TrailOf(s));
  }
  return out;
}

Result<Trail> Trails::Resolve(const TrailCaller& caller, std::string_view ref, bool for_write) {
  ASSIGN_OR_RETURN(std::vector<Trail> trails, Load(caller));
  const Trail* found = nullptr;
  if (ref.substr(0, 4) == "arn:") {
    ASSIGN_OR_RETURN(auto parsed, ParseTrailArn(ref));
    const auto& [region, account, name] = parsed;
    for (const Trail& t : trails) {
      if (t.account_id == account && t.home_region == region && t.name == name) found = &t;
    }
  } else {
    RETURN_IF_ERROR(ValidateTrailName(ref));
    for (const Trail& t : trails) {
      if (t.account_id != caller.account || t.name != ref) continue;
      if (t.home_region == caller.region) {
        found = &t;
        break;
      }
      if (t.multi_region) found = &t;
    }
  }
  if (found == nullptr) return NotFound(ref, caller.account);
  if (for_write) {
    if (found->account_id != caller.account) {
      return Named(StatusCode::kPermissionDenied, "NotOrganizationMasterAccountException",
                   fmt::format("{} is an organization trail of the management account {}; "
                               "member account {} cannot change it",
                               found->Arn(), found->account_id, caller.account));
    }
    if (found->home_region != caller.region) {
      return Named(StatusCode::kInvalidArgument, "InvalidHomeRegionException",
                   fmt::format("{} can only be changed in its home region {} (this call was "
                               "made in {})",
                               found->Arn(), found->home_region, caller.region));
    }
  }
  return *found;
}

Status Trails::Validate(const TrailCaller& caller, Trail* t) const {
  if (!ValidBucketName(t->s3_bucket)) {
    return Named(StatusCode::kInvalidArgument, "InvalidS3BucketNameException",
                 fmt::format("Bucket name '{}' is not valid: 3 to 63 of a-z 0-9 . -, starting "
                             "and ending with a letter or digit",
                             t->s3_bucket.substr(0, 100)));
  }
  if (t->s3_key_prefix && t->s3_key_prefix->empty()) t->s3_key_prefix.reset();
  if (t->s3_key_prefix && t->s3_key_prefix->size() > 200) {
    return Named(StatusCode::kInvalidArgument, "InvalidS3PrefixException",
                 fmt::format("S3KeyPrefix is {} characters long; at most 200 are allowed",
                             t->s3_key_prefix->size()));
  }
  if (t->sns_topic && t->sns_topic->empty()) t->sns_topic.reset();
  if (t->sns_topic) {
    bool ok = ValidTopicName(*t->sns_topic);
    if (auto p = ArnParts(*t->sns_topic)) {
      ok = (*p)[2] == "sns" && IsTwelveDigits((*p)[4]) && ValidTopicName((*p)[5]);
    }
    if (!ok) {
      return Named(StatusCode::kInvalidArgument, "InvalidSnsTopicNameException",
                   fmt::format("SnsTopicName '{}': a topic name (1 to 256 of A-Z a-z 0-9 _ -) or "
                               "an SNS topic ARN",
                               t->sns_topic->substr(0, 300)));
    }
  }
  if (t->multi_region && !t->include_global) {
    return Named(StatusCode::kInvalidArgument, "InvalidParameterCombinationException",
                 "Multi-Region trail must include global service events.");
  }
  if (t->cw_log_group_arn && t->cw_log_group_arn->empty()) t->cw_log_group_arn.reset();
  if (t->cw_role_arn && t->cw_role_arn->empty()) t->cw_role_arn.reset();
  if (t->cw_log_group_arn) {
    auto p = ArnParts(*t->cw_log_group_arn);
    if (!p || (*p)[2] != "logs" || !IsTwelveDigits((*p)[4]) ||
        (*p)[5].substr(0, 10) != "log-group:" || (*p)[5].size() <= 10) {
      return Named(StatusCode::kInvalidArgument, "InvalidCloudWatchLogsLogGroupArnException",
                   fmt::format("'{}' is not a CloudWatch Logs log group ARN "
                               "(arn:aws:logs:<region>:<account>:log-group:<name>:*)",
                               t->cw_log_group_arn->substr(0, 300)));
    }
    if (!t->cw_role_arn) {
      return Named(StatusCode::kInvalidArgument, "InvalidCloudWatchLogsRoleArnException",
                   "CloudWatchLogsLogGroupArn needs CloudWatchLogsRoleArn as well");
    }
  }
  if (t->cw_role_arn) {
    auto p = ArnParts(*t->cw_role_arn);
    if (!p || (*p)[2] != "iam" || !IsTwelveDigits((*p)[4]) || (*p)[5].substr(0, 5) != "role/" ||
        (*p)[5].size() <= 5) {
      return Named(StatusCode::kInvalidArgument, "InvalidCloudWatchLogsRoleArnException",
                   fmt::format("'{}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
                               t->cw_role_arn->substr(0, 300)));
    }
    if (!t->cw_log_group_arn) {
      return Named(StatusCode::kInvalidArgument, "InvalidCloudWatchLogsLogGroupArnException",
                   "CloudWatchLogsRoleArn needs CloudWatchLogsLogGroupArn as well");
    }
  }
  if (t->kms_key_id && t->kms_key_id->empty()) t->kms_key_id.reset();
  if (t->kms_key_id) {
    const std::string& k = *t->kms_key_id;
    std::string full;
    if (IsUuid(k)) {
      full = fmt::format("arn:aws:kms:{}:{}:key/{}", t->home_region, t->account_id, k);
    } else if (k.rfind("alias/", 0) == 0 && k.size() > 6 && k.size() <= 256) {
      full = fmt::format("arn:aws:kms:{}:{}:{}", t->home_region, t->account_id, k);
    } else if (auto p = ArnParts(k);
               p && (*p)[2] == "kms" && IsTwelveDigits((*p)[4]) &&
               (((*p)[5].substr(0, 4) == "key/" && IsUuid((*p)[5].substr(4))) ||
                ((*p)[5].substr(0, 6) == "alias/" && (*p)[5].size() > 6))) {
      full = k;
    } else {
      return Named(StatusCode::kInvalidArgument, "InvalidKmsKeyIdException",
                   fmt::format("KmsKeyId '{}': a key id (UUID), key ARN, alias/<name> or alias "
                               "ARN",
                               k.substr(0, 300)));
    }
    t->kms_key_id = full;
  }
  if (t->organization && caller.account != caller.management_account) {
    return Named(StatusCode::kPermissionDenied, "NotOrganizationMasterAccountException",
                 fmt::format("Only the management account {} can create or change organization "
                             "trails; this call acts for account {}",
                             caller.management_account, caller.account));
  }
  return Status::OK();
}

Status Trails::Save(const Trail& t, bool insert) {
  ASSIGN_OR_RETURN(Statement s,
                   db_->Prepare(fmt::format("{} INTO trails ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                                            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                            insert ? "INSERT" : "REPLACE", kColumns)));
  auto opt = [&](int i, const std::optional<std::string>& v) {
    if (v) {
      s.Bind(i, *v);
    } else {
      s.BindNull(i);
    }
  };
  auto opt_int = [&](int i, const std::optional<int64_t>& v) {
    if (v) {
      s.Bind(i, *v);
    } else {
      s.BindNull(i);
    }
  };
  s.Bind(1, t.account_id).Bind(2, t.home_region).Bind(3, t.name).Bind(4, t.s3_bucket);
  opt(5, t.s3_key_prefix);
  opt(6, t.sns_topic);
  s.Bind(7, int64_t{t.include_global}).Bind(8, int64_t{t.multi_region});
  s.Bind(9, int64_t{t.log_file_validation});
  opt(10, t.cw_log_group_arn);
  opt(11, t.cw_role_arn);
  opt(12, t.kms_key_id);
  s.Bind(13, int64_t{t.organization}).Bind(14, t.event_selectors);
  s.Bind(15, int64_t{t.custom_event_selectors}).Bind(16, t.insight_selectors);
  s.Bind(17, int64_t{t.logging});
  opt_int(18, t.start_logging_us);
  opt_int(19, t.stop_logging_us);
  s.Bind(20, t.created_us).Bind(21, t.updated_us);
  return s.Run();
}

namespace {

// How many trails of `trails` (one account's) count in `region`.
size_t CountIn(const std::vector<Trail>& trails, const std::string& account,
               const std::string& region, const std::string& skip_arn) {
  size_t n = 0;
  for (const Trail& t : trails) {
    if (t.account_id == account && t.Arn() != skip_arn &&
        (t.home_region == region || t.multi_region)) {
      ++n;
    }
  }
  return n;
}

// The trail limit and name uniqueness for `t` among the account's other trails (`existing`: t is
// already stored, under its own ARN).
Status CheckRoom(const std::vector<Trail>& trails, const Trail& t, bool existing) {
  const std::string arn = existing ? t.Arn() : std::string();
  for (const Trail& o : trails) {
    if (o.account_id != t.account_id || o.Arn() == arn || o.name != t.name) continue;
    if (o.home_region == t.home_region || o.multi_region || t.multi_region) {
      return Named(StatusCode::kAlreadyExists, "TrailAlreadyExistsException",
                   fmt::format("Trail {} already exists for customer: {}", t.name, t.account_id));
    }
  }
  std::vector<std::string> regions = {t.home_region};
  if (t.multi_region) {
    for (const Trail& o : trails) regions.push_back(o.home_region);
  }
  for (const std::string& r : regions) {
    if (CountIn(trails, t.account_id, r, arn) + 1 > Trails::kMaxTrailsPerRegion) {
      return Named(StatusCode::kResourceExhausted, "MaximumNumberOfTrailsExceededException",
                   fmt::format("User: {} already has 5 trails in {}", t.account_id, r));
    }
  }
  return Status::OK();
}

void Apply(const TrailSettings& s, Trail* t) {
  if (s.s3_bucket) t->s3_bucket = *s.s3_bucket;
  if (s.s3_key_prefix) t->s3_key_prefix = *s.s3_key_prefix;
  if (s.sns_topic) t->sns_topic = *s.sns_topic;
  if (s.cw_log_group_arn) t->cw_log_group_arn = *s.cw_log_group_arn;
  if (s.cw_role_arn) t->cw_role_arn = *s.cw_role_arn;
  if (s.kms_key_id) t->kms_key_id = *s.kms_key_id;
  if (s.include_global) t->include_global = *s.include_global;
  if (s.log_file_validation) t->log_file_validation = *s.log_file_validation;
  if (s.organization) t->organization = *s.organization;
}

}  // namespace

Result<Trail> Trails::Create(const TrailCaller& caller, const std::string& name,
                             const TrailSettings& settings, const Tags& tags) {
  RETURN_IF_ERROR(ValidateTrailName(name));
  RETURN_IF_ERROR(ValidateTags(tags));
  Trail t;
  t.account_id = caller.account;
  t.home_region = caller.region;
  t.name = name;
  t.multi_region = settings.multi_region.value_or(false);
  Apply(settings, &t);
  t.event_selectors = "{\"EventSelectors\":" + std::string(kDefaultEventSelectors) + "}";
  t.created_us = t.updated_us = caller.now_us;
  RETURN_IF_ERROR(Validate(caller, &t));
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(std::vector<Trail> trails, Load(caller));
    RETURN_IF_ERROR(CheckRoom(trails, t, /*existing=*/false));
    RETURN_IF_ERROR(Save(t, /*insert=*/true));
    return WriteTags(t.Arn(), tags);
  }));
  return t;
}

Result<Trail> Trails::Update(const TrailCaller& caller, std::string_view ref,
                             const TrailSettings& settings) {
  Trail t;
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(t, Resolve(caller, ref, /*for_write=*/true));
    const bool was_multi = t.multi_region;
    if (settings.multi_region) {
      t.multi_region = *settings.multi_region;
      // Spec §4: all regions -> single region turns global service events off, and back on.
      if (was_multi != t.multi_region && !settings.include_global) {
        t.include_global = t.multi_region;
      }
    }
    Apply(settings, &t);
    t.updated_us = caller.now_us;
    RETURN_IF_ERROR(Validate(caller, &t));
    if (t.multi_region && !was_multi) {
      ASSIGN_OR_RETURN(std::vector<Trail> trails, Load(caller));
      RETURN_IF_ERROR(CheckRoom(trails, t, /*existing=*/true));
    }
    return Save(t, /*insert=*/false);
  }));
  return t;
}

Status Trails::Delete(const TrailCaller& caller, std::string_view ref) {
  return db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(Trail t, Resolve(caller, ref, /*for_write=*/true));
    ASSIGN_OR_RETURN(Statement d, db_->Prepare("DELETE FROM trails WHERE account_id = ? AND "
                                               "home_region = ? AND name = ?"));
    RETURN_IF_ERROR(d.Bind(1, t.account_id).Bind(2, t.home_region).Bind(3, t.name).Run());
    ASSIGN_OR_RETURN(Statement tags,
                     db_->Prepare("DELETE FROM resource_tags WHERE resource_arn = ?"));
    return tags.Bind(1, t.Arn()).Run();
  });
}

Result<Trail> Trails::Get(const TrailCaller& caller, std::string_view ref) {
  return Resolve(caller, ref, /*for_write=*/false);
}

Result<std::vector<Trail>> Trails::Describe(const TrailCaller& caller,
                                            const std::vector<std::string>& names,
                                            bool include_shadow) {
  ASSIGN_OR_RETURN(std::vector<Trail> trails, Load(caller));
  std::vector<Trail> out;
  if (names.empty()) {
    for (const Trail& t : trails) {
      const bool own = t.account_id == caller.account;
      if (own && t.home_region == caller.region) {
        out.push_back(t);
      } else if (include_shadow && (t.multi_region || t.home_region == caller.region) &&
                 (own || t.organization)) {
        out.push_back(t);
      }
    }
    return out;
  }
  for (const std::string& n : names) {
    auto t = Resolve(caller, n, /*for_write=*/false);
    if (t.ok()) {
      if (std::none_of(out.begin(), out.end(),
                       [&](const Trail& o) { return o.Arn() == t->Arn(); })) {
        out.push_back(std::move(*t));
      }
      continue;
    }
    // Unknown trails are left out of the list; malformed names and ARNs are errors.
    if (t.status().code() != StatusCode::kNotFound) return t.status();
  }
  return out;
}

Result<std::vector<Trail>> Trails::List(const TrailCaller& caller) {
  ASSIGN_OR_RETURN(std::vector<Trail> trails, Load(caller));
  std::sort(trails.begin(), trails.end(),
            [](const Trail& a, const Trail& b) { return a.Arn() < b.Arn(); });
  return trails;
}

Status Trails::SetLogging(const TrailCaller& caller, std::string_view ref, bool logging) {
  return db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(Trail t, Resolve(caller, ref, /*for_write=*/true));
    if (t.logging != logging) {
      t.logging = logging;
      (logging ? t.start_logging_us : t.stop_logging_us) = caller.now_us;
      t.updated_us = caller.now_us;
    }
    return Save(t, /*insert=*/false);
  });
}

Result<Trail> Trails::PutEventSelectors(const TrailCaller& caller, std::string_view ref,
                                        simdjson::dom::element list, bool advanced) {
  std::string normalized;
  if (advanced) {
    ASSIGN_OR_RETURN(normalized, NormalizeTrailAdvancedSelectors(list));
  } else {
    ASSIGN_OR_RETURN(normalized, NormalizeEventSelectors(list));
  }
  Trail t;
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(t, Resolve(caller, ref, /*for_write=*/true));
    t.event_selectors =
        std::string(advanced ? "{\"AdvancedEventSelectors\":" : "{\"EventSelectors\":") +
        normalized + "}";
    t.custom_event_selectors = advanced || normalized != kDefaultEventSelectors;
    t.updated_us = caller.now_us;
    return Save(t, /*insert=*/false);
  }));
  return t;
}

Result<Trail> Trails::PutInsightSelectors(const TrailCaller& caller, std::string_view ref,
                                          simdjson::dom::element list) {
  ASSIGN_OR_RETURN(std::string normalized, NormalizeInsightSelectors(list));
  Trail t;
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(t, Resolve(caller, ref, /*for_write=*/true));
    t.insight_selectors = normalized;
    t.updated_us = caller.now_us;
    return Save(t, /*insert=*/false);
  }));
  return t;
}

Result<Tags> Trails::GetTags(const TrailCaller& caller, std::string_view arn) {
  auto t = Resolve(caller, arn, /*for_write=*/false);
  if (!t.ok()) {
    if (t.status().code() != StatusCode::kNotFound) return t.status();
    return Named(StatusCode::kNotFound, "ResourceNotFoundException",
                 fmt::format("Resource {} not found for the user: {}", arn, caller.account));
  }
  ASSIGN_OR_RETURN(Statement s, db_->Prepare("SELECT key, value FROM resource_tags WHERE "
                                             "resource_arn = ? ORDER BY key"));
  s.Bind(1, t->Arn());
  Tags out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.emplace_back(s.Text(0).value_or(""), s.Text(1));
  }
  return out;
}

Status Trails::SetTags(const TrailCaller& caller, std::string_view arn, const Tags& tags) {
  RETURN_IF_ERROR(ValidateTags(tags));
  return db_->Transaction([&]() -> Status {
    auto t = Resolve(caller, arn, /*for_write=*/true);
    if (!t.ok()) {
      if (t.status().code() != StatusCode::kNotFound) return t.status();
      return Named(StatusCode::kNotFound, "ResourceNotFoundException",
                   fmt::format("Resource {} not found for the user: {}", arn, caller.account));
    }
    return WriteTags(t->Arn(), tags);
  });
}

Status Trails::WriteTags(const std::string& arn, const Tags& tags) {
  ASSIGN_OR_RETURN(Statement d, db_->Prepare("DELETE FROM resource_tags WHERE resource_arn = ?"));
  RETURN_IF_ERROR(d.Bind(1, arn).Run());
  for (const auto& [k, v] : tags) {
    ASSIGN_OR_RETURN(Statement ins, db_->Prepare("INSERT INTO resource_tags (resource_arn, key, "
                                                 "value) VALUES (?, ?, ?)"));
    ins.Bind(1, arn).Bind(2, k);
    if (v) {
      ins.Bind(3, *v);
    } else {
      ins.BindNull(3);
    }
    RETURN_IF_ERROR(ins.Run());
  }
  return Status::OK();
}

}  // namespace cairn::cloud
