#include "api/cloudtrail/trail_operations.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <cmath>

#include "api/errors.h"
#include "api/json_input.h"
#include "common/json_writer.h"
#include "event/event_time.h"

namespace cairn::api::cloudtrail {
namespace {

using cloud::Action;
using cloud::Trail;

Status Invalid(std::string_view name, std::string message) {
  return AwsError(StatusCode::kInvalidArgument, std::string(name), std::move(message));
}

Result<std::string> Required(simdjson::dom::element in, std::string_view member,
                             std::string_view error) {
  ASSIGN_OR_RETURN(auto v, OptString(in, member));
  if (!v || v->empty()) return Invalid(error, fmt::format("{} is required", member));
  return std::move(*v);
}

Result<cloud::TrailCaller> CallerOf(const ApiServices* s, const RequestContext& ctx) {
  cloud::TrailCaller c;
  ASSIGN_OR_RETURN(c.account, TargetAccount(ctx));
  c.region = ctx.region;
  c.management_account = s->management_account;
  c.now_us = ctx.now_micros;
  return c;
}

void WriteTime(JsonWriter* w, std::string_view key, int64_t us) {
  w->Key(key).Double(static_cast<double>(us) / 1e6);
}

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// The members CreateTrail / UpdateTrail return.
void WriteTrailSettings(const Trail& t, JsonWriter* w) {
  w->Member("Name", t.name).Member("S3BucketName", t.s3_bucket);
  if (t.s3_key_prefix) w->Member("S3KeyPrefix", *t.s3_key_prefix);
  if (auto n = t.SnsTopicName()) w->Member("SnsTopicName", *n);
  if (auto a = t.SnsTopicArn()) w->Member("SnsTopicARN", *a);
  w->Member("IncludeGlobalServiceEvents", t.include_global)
      .Member("IsMultiRegionTrail", t.multi_region)
      .Member("TrailARN", t.Arn())
      .Member("LogFileValidationEnabled", t.log_file_validation);
  if (t.cw_log_group_arn) w->Member("CloudWatchLogsLogGroupArn", *t.cw_log_group_arn);
  if (t.cw_role_arn) w->Member("CloudWatchLogsRoleArn", *t.cw_role_arn);
  if (t.kms_key_id) w->Member("KmsKeyId", *t.kms_key_id);
  w->Member("IsOrganizationTrail", t.organization);
}

// The Trail structure (spec §2).
void WriteTrail(const Trail& t, JsonWriter* w) {
  w->BeginObject().Member("Name", t.name).Member("S3BucketName", t.s3_bucket);
  if (t.s3_key_prefix) w->Member("S3KeyPrefix", *t.s3_key_prefix);
  if (auto n = t.SnsTopicName()) w->Member("SnsTopicName", *n);
  if (auto a = t.SnsTopicArn()) w->Member("SnsTopicARN", *a);
  w->Member("IncludeGlobalServiceEvents", t.include_global)
      .Member("IsMultiRegionTrail", t.multi_region)
      .Member("HomeRegion", t.home_region)
      .Member("TrailARN", t.Arn())
      .Member("LogFileValidationEnabled", t.log_file_validation);
  if (t.cw_log_group_arn) w->Member("CloudWatchLogsLogGroupArn", *t.cw_log_group_arn);
  if (t.cw_role_arn) w->Member("CloudWatchLogsRoleArn", *t.cw_role_arn);
  if (t.kms_key_id) w->Member("KmsKeyId", *t.kms_key_id);
  w->Member("HasCustomEventSelectors", t.custom_event_selectors)
      .Member("HasInsightSelectors", t.has_insight_selectors())
      .Member("IsOrganizationTrail", t.organization)
      .EndObject();
}

Result<cloud::TrailSettings> ParseSettings(simdjson::dom::element in) {
  cloud::TrailSettings s;
  ASSIGN_OR_RETURN(s.s3_bucket, OptString(in, "S3BucketName"));
  ASSIGN_OR_RETURN(s.s3_key_prefix, OptString(in, "S3KeyPrefix"));
  ASSIGN_OR_RETURN(s.sns_topic, OptString(in, "SnsTopicName"));
  ASSIGN_OR_RETURN(s.include_global, OptBool(in, "IncludeGlobalServiceEvents"));
  ASSIGN_OR_RETURN(s.multi_region, OptBool(in, "IsMultiRegionTrail"));
  ASSIGN_OR_RETURN(s.log_file_validation, OptBool(in, "EnableLogFileValidation"));
  ASSIGN_OR_RETURN(s.cw_log_group_arn, OptString(in, "CloudWatchLogsLogGroupArn"));
  ASSIGN_OR_RETURN(s.cw_role_arn, OptString(in, "CloudWatchLogsRoleArn"));
  ASSIGN_OR_RETURN(s.kms_key_id, OptString(in, "KmsKeyId"));
  ASSIGN_OR_RETURN(s.organization, OptBool(in, "IsOrganizationTrail"));
  return s;
}

Result<cloud::Tags> ParseTags(simdjson::dom::element in, std::string_view member) {
  cloud::Tags tags;
  ASSIGN_OR_RETURN(auto list, OptArray(in, member));
  if (!list) return tags;
  size_t i = 0;
  for (simdjson::dom::element t : *list) {
    const std::string where = fmt::format("{}[{}]", member, i++);
    if (!t.is_object()) return WrongType(where, "an object {Key, Value}");
    ASSIGN_OR_RETURN(auto key, OptString(t, "Key"));
    ASSIGN_OR_RETURN(auto value, OptString(t, "Value"));
    if (!key) return Invalid("InvalidTagParameterException", where + ".Key is required");
    tags.emplace_back(std::move(*key), std::move(value));
  }
  return tags;
}

void WriteTags(const cloud::Tags& tags, JsonWriter* w) {
  w->BeginArray();
  for (const auto& [k, v] : tags) {
    w->BeginObject().Member("Key", k);
    if (v) w->Member("Value", *v);
    w->EndObject();
  }
  w->EndArray();
}

// The resource type of a tag operation's ARN: "trail", "eventdatastore", "channel", ...
Result<std::string> ResourceType(std::string_view arn) {
  // arn:aws:cloudtrail:REGION:ACCOUNT:TYPE/ID
  size_t colons = 0, i = 0;
  for (; i < arn.size() && colons < 5; ++i) colons += arn[i] == ':';
  const size_t slash = arn.find('/', i);
  if (arn.substr(0, 19) != "arn:aws:cloudtrail:" || colons < 5 || slash == std::string_view::npos) {
    return Invalid("CloudTrailARNInvalidException",
                   fmt::format("'{}' is not a CloudTrail resource ARN "
                               "(arn:aws:cloudtrail:<region>:<account>:<type>/<id>)",
                               arn.substr(0, 300)));
  }
  return std::string(arn.substr(i, slash - i));
}

Result<const TagTarget*> TargetOf(const ApiServices* s, std::string_view arn) {
  ASSIGN_OR_RETURN(std::string type, ResourceType(arn));
  auto it = s->tag_targets.find(type);
  if (it == s->tag_targets.end()) {
    return Invalid("ResourceTypeNotSupportedException",
                   fmt::format("resources of type '{}' cannot be tagged", type));
  }
  return &it->second;
}

std::string StringList(std::string_view member, std::string_view list_json) {
  return fmt::format("\"{}\":{}", member, list_json);
}

// --- handlers ---

Result<std::string> CreateTrail(ApiServices* s, const RequestContext& ctx,
                                simdjson::dom::element in) {
  ASSIGN_OR_RETURN(std::string name, Required(in, "Name", "TrailNotProvidedException"));
  ASSIGN_OR_RETURN(cloud::TrailSettings settings, ParseSettings(in));
  if (!settings.s3_bucket) return Invalid("InvalidParameterException", "S3BucketName is required");
  ASSIGN_OR_RETURN(cloud::Tags tags, ParseTags(in, "TagsList"));
  ASSIGN_OR_RETURN(cloud::TrailCaller caller, CallerOf(s, ctx));
  ASSIGN_OR_RETURN(Trail t, s->trails->Create(caller, name, settings, tags));
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  WriteTrailSettings(t, &w);
  w.EndObject();
  return out;
}

Result<std::string> UpdateTrail(ApiServices* s, const RequestContext& ctx,
                                simdjson::dom::element in) {
  ASSIGN_OR_RETURN(std::string name, Required(in, "Name", "TrailNotProvidedException"));
  ASSIGN_OR_RETURN(cloud::TrailSettings settings, ParseSettings(in));
  ASSIGN_OR_RETURN(cloud::TrailCaller caller, CallerOf(s, ctx));
  ASSIGN_OR_RETURN(Trail t, s->trails->Update(caller, name, settings));
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  WriteTrailSettings(t, &w);
  w.EndObject();
  return out;
}

Result<std::string> DeleteTrail(ApiServices* s, const RequestContext& ctx,
                                simdjson::dom::element in) {
  ASSIGN_OR_RETURN(std::string name, Required(in, "Name", "TrailNotProvidedException"));
  ASSIGN_OR_RETURN(cloud::TrailCaller caller, CallerOf(s, ctx));
  RETURN_IF_ERROR(s->trails->Delete(caller, name));
  return std::string("{}");
}

Result<std::string> GetTrail(ApiServices* s, const RequestContext& ctx, simdjson::dom::element in) {
  ASSIGN_OR_RETURN(std::string name, Required(in, "Name", "TrailNotProvidedException"));
  ASSIGN_OR_RETURN(cloud::TrailCaller caller, CallerOf(s, ctx));
  ASSIGN_OR_RETURN(Trail t, s->trails->Get(caller, name));
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("Trail");
  WriteTrail(t, &w);
  w.EndObject();
  return out;
}

Result<std::string> DescribeTrails(ApiServices* s, const RequestContext& ctx,
                                   simdjson::dom::element in) {
  ASSIGN_OR_RETURN(auto names, OptStringList(in, "trailNameList"));
  ASSIGN_OR_RETURN(auto shadow, OptBool(in, "includeShadowTrails"));
  ASSIGN_OR_RETURN(cloud::TrailCaller caller, CallerOf(s, ctx));
  ASSIGN_OR_RETURN(std::vector<Trail> trails,
                   s->trails->Describe(caller, names.value_or(std::vector<std::string>{}),
                                       shadow.value_or(true)));
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("trailList").BeginArray();
  for (const Trail& t : trails) WriteTrail(t, &w);
  w.EndArray().EndObject();
  return out;
}

Result<std::string> ListTrails(ApiServices* s, const RequestContext& ctx,
                               simdjson::dom::element in) {
  ASSIGN_OR_RETURN(auto token, OptString(in, "NextToken"));
  if (token && !token->empty()) {
    // Every trail fits one page: no token is ever handed out.
    return Invalid("InvalidTokenException", "NextToken was not returned by ListTrails");
  }
  ASSIGN_OR_RETURN(cloud::TrailCaller caller, CallerOf(s, ctx));
  ASSIGN_OR_RETURN(std::vector<Trail> trails, s->trails->List(caller));
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("Trails").BeginArray();
  for (const Trail& t : trails) {
    w.BeginObject()
        .Member("TrailARN", t.Arn())
        .Member("Name", t.name)
        .Member("HomeRegion", t.home_region)
        .EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

Result<std::string> GetTrailStatus(ApiServices* s, const RequestContext& ctx,
                                   simdjson::dom::element in) {
  ASSIGN_OR_RETURN(std::string name, Required(in, "Name", "TrailNotProvidedException"));
  ASSIGN_OR_RETURN(cloud::TrailCaller caller, CallerOf(s, ctx));
  ASSIGN_OR_RETURN(Trail t, s->trails->Get(caller, name));
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Member("IsLogging", t.logging);
  if (t.start_logging_us) {
    WriteTime(&w, "StartLoggingTime", *t.start_logging_us);
    w.Member("TimeLoggingStarted", FormatEventTime(*t.start_logging_us));
  }
  if (t.stop_logging_us) {
    WriteTime(&w, "StopLoggingTime", *t.stop_logging_us);
    w.Member("TimeLoggingStopped", FormatEventTime(*t.stop_logging_us));
  }
  w.EndObject();
  return out;
}

Result<std::string> SetLogging(ApiServices* s, const RequestContext& ctx, simdjson::dom::element in,
                               bool logging) {
  ASSIGN_OR_RETURN(std::string name, Required(in, "Name", "TrailNotProvidedException"));
  ASSIGN_OR_RETURN(cloud::TrailCaller caller, CallerOf(s, ctx));
  RETURN_IF_ERROR(s->trails->SetLogging(caller, name, logging));
  return std::string("{}");
}

// {"TrailARN": ..., <stored selectors>} plus AdvancedEventSelectors: [] for basic ones.
std::string SelectorsResponse(const Trail& t, bool get) {
  std::string out = "{\"TrailARN\":";
  JsonWriter::AppendString(&out, t.Arn());
  out += ",";
  // t.event_selectors is {"EventSelectors":[...]} or {"AdvancedEventSelectors":[...]}.
  out += t.event_selectors.substr(1, t.event_selectors.size() - 2);
  if (get && t.event_selectors.rfind("{\"EventSelectors\"", 0) == 0) {
    out += ",\"AdvancedEventSelectors\":[]";
  }
  out += "}";
  return out;
}

Result<std::string> PutEventSelectors(ApiServices* s, const RequestContext& ctx,
                                      simdjson::dom::element in) {
  ASSIGN_OR_RETURN(std::string name, Required(in, "TrailName", "TrailNotProvidedException"));
  ASSIGN_OR_RETURN(auto basic, OptArray(in, "EventSelectors"));
  ASSIGN_OR_RETURN(auto advanced, OptArray(in, "AdvancedEventSelectors"));
  if (basic.has_value() == advanced.has_value()) {
    return Invalid("InvalidEventSelectorsException",
                   "Specify either EventSelectors or AdvancedEventSelectors, not both or neither");
  }
  simdjson::dom::element list;
  if (in.at_key(basic ? "EventSelectors" : "AdvancedEventSelectors").get(list)) {
    return Status::Internal("the selector list vanished");  // OptArray found it just above
  }
  ASSIGN_OR_RETURN(cloud::TrailCaller caller, CallerOf(s, ctx));
  ASSIGN_OR_RETURN(Trail t, s->trails->PutEventSelectors(caller, name, list, !basic));
  return SelectorsResponse(t, /*get=*/false);
}

Result<std::string> GetEventSelectors(ApiServices* s, const RequestContext& ctx,
                                      simdjson::dom::element in) {
  ASSIGN_OR_RETURN(std::string name, Required(in, "TrailName", "TrailNotProvidedException"));
  ASSIGN_OR_RETURN(cloud::TrailCaller caller, CallerOf(s, ctx));
  ASSIGN_OR_RETURN(Trail t, s->trails->Get(caller, name));
  return SelectorsResponse(t, /*get=*/true);
}

Status InsightTarget(simdjson::dom::element in, std::optional<std::string>* trail) {
  ASSIGN_OR_RETURN(*trail, OptString(in, "TrailName"));
  ASSIGN_OR_RETURN(auto eds, OptString(in, "EventDataStore"));
  if (*trail && eds) {
    return Invalid("InvalidParameterCombinationException",
                   "Specify TrailName or EventDataStore, not both");
  }
  if (eds) {
    return AwsError(StatusCode::kUnimplemented, "UnsupportedOperationException",
                    "Insights on event data stores are not supported by cairn yet; use a trail");
  }
  if (!*trail || (*trail)->empty()) {
    return Invalid("InvalidParameterException", "TrailName is required");
  }
  return Status::OK();
}

Result<std::string> PutInsightSelectors(ApiServices* s, const RequestContext& ctx,
                                        simdjson::dom::element in) {
  std::optional<std::string> name;
  RETURN_IF_ERROR(InsightTarget(in, &name));
  simdjson::dom::element list;
  ASSIGN_OR_RETURN(auto present, OptArray(in, "InsightSelectors"));
  if (!present) return Invalid("InvalidInsightSelectorsException", "InsightSelectors is required");
  if (in.at_key("InsightSelectors").get(list)) return Status::Internal("InsightSelectors vanished");
  ASSIGN_OR_RETURN(cloud::TrailCaller caller, CallerOf(s, ctx));
  ASSIGN_OR_RETURN(Trail t, s->trails->PutInsightSelectors(caller, *name, list));
  std::string out = "{\"TrailARN\":";
  JsonWriter::AppendString(&out, t.Arn());
  return out + "," + StringList("InsightSelectors", t.insight_selectors) + "}";
}

Result<std::string> GetInsightSelectors(ApiServices* s, const RequestContext& ctx,
                                        simdjson::dom::element in) {
  std::optional<std::string> name;
  RETURN_IF_ERROR(InsightTarget(in, &name));
  ASSIGN_OR_RETURN(cloud::TrailCaller caller, CallerOf(s, ctx));
  ASSIGN_OR_RETURN(Trail t, s->trails->Get(caller, *name));
  if (!t.has_insight_selectors()) {
    return Invalid("InsightNotEnabledException",
                   fmt::format("Trail {} does not have Insights enabled. Edit the trail settings "
                               "to enable Insights, and then try the operation again.",
                               t.Arn()));
  }
  std::string out = "{\"TrailARN\":";
  JsonWriter::AppendString(&out, t.Arn());
  return out + "," + StringList("InsightSelectors", t.insight_selectors) + "}";
}

Result<std::string> ChangeTags(ApiServices* s, const RequestContext& ctx, simdjson::dom::element in,
                               bool add) {
  ASSIGN_OR_RETURN(std::string arn, Required(in, "ResourceId", "InvalidParameterException"));
  ASSIGN_OR_RETURN(cloud::Tags change, ParseTags(in, "TagsList"));
  ASSIGN_OR_RETURN(const TagTarget* target, TargetOf(s, arn));
  ASSIGN_OR_RETURN(cloud::Tags tags, target->get(ctx, arn));
  for (const auto& [k, v] : change) {
    const std::string& key = k;  // (clang 14 cannot capture a structured binding)
    auto it = std::find_if(tags.begin(), tags.end(), [&](const auto& t) { return t.first == key; });
    if (add) {
      if (it != tags.end()) {
        it->second = v;
      } else {
        tags.emplace_back(k, v);
      }
    } else if (it != tags.end()) {
      tags.erase(it);
    }
  }
  RETURN_IF_ERROR(target->set(ctx, arn, tags));
  return std::string("{}");
}

Result<std::string> ListTags(ApiServices* s, const RequestContext& ctx, simdjson::dom::element in) {
  ASSIGN_OR_RETURN(auto ids, OptStringList(in, "ResourceIdList"));
  if (!ids || ids->empty())
    return Invalid("InvalidParameterException", "ResourceIdList is required");
  if (ids->size() > 20) {
    return Invalid("InvalidParameterException",
                   fmt::format("ResourceIdList has {} ARNs; at most 20 are allowed", ids->size()));
  }
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("ResourceTagList").BeginArray();
  for (const std::string& arn : *ids) {
    ASSIGN_OR_RETURN(const TagTarget* target, TargetOf(s, arn));
    ASSIGN_OR_RETURN(cloud::Tags tags, target->get(ctx, arn));
    w.BeginObject().Member("ResourceId", arn).Key("TagsList");
    WriteTags(tags, &w);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

Result<std::string> ListPublicKeys(ApiServices* s, const RequestContext& ctx,
                                   simdjson::dom::element in) {
  ASSIGN_OR_RETURN(auto start, OptTimestamp(in, "StartTime"));
  ASSIGN_OR_RETURN(auto end, OptTimestamp(in, "EndTime"));
  ASSIGN_OR_RETURN(auto token, OptString(in, "NextToken"));
  if (token && !token->empty()) {
    return Invalid("InvalidTokenException", "NextToken was not returned by ListPublicKeys");
  }
  const int64_t now = ctx.now_micros;
  const int64_t start_us = start ? static_cast<int64_t>(std::llround(*start * 1e6)) : now;
  const int64_t end_us = end ? static_cast<int64_t>(std::llround(*end * 1e6)) : now;
  if (start_us > end_us) {
    return Invalid("InvalidTimeRangeException", "StartTime is after EndTime");
  }
  ASSIGN_OR_RETURN(std::vector<cloud::PublicKeyInfo> keys,
                   s->signing_keys->PublicKeys(ctx.region, now, start_us, end_us));
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("PublicKeyList").BeginArray();
  for (const auto& k : keys) {
    w.BeginObject().Member("Value", Base64(k.public_der));
    WriteTime(&w, "ValidityStartTime", k.valid_from_us);
    WriteTime(&w, "ValidityEndTime", k.valid_to_us);
    w.Member("Fingerprint", k.fingerprint).EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

}  // namespace

void RegisterTrailOperations(Dispatcher* d, ApiServices* s) {
  using Operation =
      Result<std::string> (*)(ApiServices*, const RequestContext&, simdjson::dom::element);
  auto add = [&](const char* name, Action action, Operation fn) {
    d->AddJson11(name, action, [s, fn](const RequestContext& ctx, simdjson::dom::element in) {
      return fn(s, ctx, in);
    });
  };
  // The operations that come in on/off pairs share one function with a flag.
  using Switch =
      Result<std::string> (*)(ApiServices*, const RequestContext&, simdjson::dom::element, bool);
  auto add_switch = [&](const char* name, Action action, Switch fn, bool on) {
    d->AddJson11(name, action, [s, fn, on](const RequestContext& ctx, simdjson::dom::element in) {
      return fn(s, ctx, in, on);
    });
  };
  add("CreateTrail", Action::kWriteConfig, CreateTrail);
  add("UpdateTrail", Action::kWriteConfig, UpdateTrail);
  add("DeleteTrail", Action::kWriteConfig, DeleteTrail);
  add("GetTrail", Action::kReadConfig, GetTrail);
  add("DescribeTrails", Action::kReadConfig, DescribeTrails);
  add("ListTrails", Action::kReadConfig, ListTrails);
  add("GetTrailStatus", Action::kReadConfig, GetTrailStatus);
  add_switch("StartLogging", Action::kWriteConfig, SetLogging, true);
  add_switch("StopLogging", Action::kWriteConfig, SetLogging, false);
  add("PutEventSelectors", Action::kWriteConfig, PutEventSelectors);
  add("GetEventSelectors", Action::kReadConfig, GetEventSelectors);
  add("PutInsightSelectors", Action::kWriteConfig, PutInsightSelectors);
  add("GetInsightSelectors", Action::kReadConfig, GetInsightSelectors);
  add_switch("AddTags", Action::kWriteConfig, ChangeTags, true);
  add_switch("RemoveTags", Action::kWriteConfig, ChangeTags, false);
  add("ListTags", Action::kReadConfig, ListTags);
  add("ListPublicKeys", Action::kReadConfig, ListPublicKeys);

  s->tag_targets["trail"] = TagTarget{
      [s](const RequestContext& ctx, std::string_view arn) -> Result<cloud::Tags> {
        ASSIGN_OR_RETURN(cloud::TrailCaller caller, CallerOf(s, ctx));
        return s->trails->GetTags(caller, arn);
      },
      [s](const RequestContext& ctx, std::string_view arn, const cloud::Tags& tags) -> Status {
        ASSIGN_OR_RETURN(cloud::TrailCaller caller, CallerOf(s, ctx));
        return s->trails->SetTags(caller, arn, tags);
      }};
}

}  // namespace cairn::api::cloudtrail
