// The event data store operations of the cloudtrail JSON 1.1 API (spec lake.md §2): request
// members to cloud::EventDataStores calls, and the registry's answers to the response shapes.
#include <fmt/format.h>

#include "api/cloudtrail/lake.h"
#include "api/cloudtrail/lake_json.h"
#include "common/json_writer.h"

namespace cairn::api {
namespace {

using cloud::EventDataStoreInfo;

Result<cloud::TagList> ReadTags(simdjson::dom::element in) {
  cloud::TagList tags;
  auto v = lake::OptMember(in, "TagsList");
  if (!v) return tags;
  simdjson::dom::array arr;
  if (v->get_array().get(arr)) {
    return lake::Invalid("TagsList must be a list of {Key, Value}.",
                         "InvalidTagParameterException");
  }
  size_t i = 0;
  for (simdjson::dom::element t : arr) {
    std::string_view k, val;
    if (t["Key"].get(k)) {
      return lake::Invalid(fmt::format("TagsList[{}].Key is required.", i),
                           "InvalidTagParameterException");
    }
    if (auto vv = t["Value"]; !vv.error() && !vv.is_null() && vv.get(val)) {
      return lake::Invalid(fmt::format("TagsList[{}].Value must be a string.", i),
                           "InvalidTagParameterException");
    }
    tags.emplace_back(std::string(k), std::string(val));
    ++i;
  }
  return tags;
}

Result<std::optional<cloud::EventSelectorSet>> ReadSelectors(simdjson::dom::element in) {
  auto v = lake::OptMember(in, "AdvancedEventSelectors");
  if (!v) return std::optional<cloud::EventSelectorSet>();
  ASSIGN_OR_RETURN(cloud::EventSelectorSet set, cloud::EventSelectorSet::FromJson(*v));
  return std::optional<cloud::EventSelectorSet>(std::move(set));
}

// The members Create/Get/Update/Restore share.
void WriteStore(JsonWriter* w, const EventDataStoreInfo& info, std::string_view status) {
  w->Member("EventDataStoreArn", info.Arn());
  w->Member("Name", info.name);
  w->Member("Status", status);
  w->Key("AdvancedEventSelectors").Raw(info.selectors.ToJson());
  w->Member("MultiRegionEnabled", info.multi_region);
  w->Member("OrganizationEnabled", info.organization);
  w->Member("RetentionPeriod", static_cast<int64_t>(info.retention_days));
  w->Member("TerminationProtectionEnabled", info.termination_protection);
  lake::WriteTime(w, "CreatedTimestamp", info.created_us);
  lake::WriteTime(w, "UpdatedTimestamp", info.updated_us);
  if (!info.kms_key_id.empty()) w->Member("KmsKeyId", info.kms_key_id);
  w->Member("BillingMode", info.billing_mode);
}

std::string StoreJson(const EventDataStoreInfo& info, std::string_view status, bool tags,
                      bool federation) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  WriteStore(&w, info, status);
  if (tags) {
    w.Key("TagsList").BeginArray();
    for (const auto& [k, v] : info.tags)
      w.BeginObject().Member("Key", k).Member("Value", v).EndObject();
    w.EndArray();
  }
  if (federation) w.Member("FederationStatus", "DISABLED");
  w.EndObject();
  return out;
}

}  // namespace

void RegisterEventDataStoreOperations(Dispatcher* d, cloud::EventDataStores* stores) {
  using cloud::Action;
  d->AddJson11(
      "CreateEventDataStore", Action::kWriteConfig,
      [stores](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        cloud::CreateEventDataStoreRequest req;
        ASSIGN_OR_RETURN(req.name, lake::ReqString(in, "Name"));
        ASSIGN_OR_RETURN(req.selectors, ReadSelectors(in));
        ASSIGN_OR_RETURN(req.multi_region, lake::OptBool(in, "MultiRegionEnabled"));
        ASSIGN_OR_RETURN(req.organization, lake::OptBool(in, "OrganizationEnabled"));
        ASSIGN_OR_RETURN(req.termination_protection,
                         lake::OptBool(in, "TerminationProtectionEnabled"));
        ASSIGN_OR_RETURN(req.start_ingestion, lake::OptBool(in, "StartIngestion"));
        ASSIGN_OR_RETURN(req.retention_days, lake::OptInt(in, "RetentionPeriod"));
        ASSIGN_OR_RETURN(req.billing_mode, lake::OptString(in, "BillingMode"));
        ASSIGN_OR_RETURN(req.kms_key_id, lake::OptString(in, "KmsKeyId"));
        ASSIGN_OR_RETURN(req.tags, ReadTags(in));
        ASSIGN_OR_RETURN(EventDataStoreInfo info, stores->Create(CallerOf(ctx), req));
        return StoreJson(info, "CREATED", /*tags=*/true, /*federation=*/false);
      });
  d->AddJson11(
      "GetEventDataStore", Action::kReadConfig,
      [stores](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string ref, lake::ReqString(in, "EventDataStore"));
        ASSIGN_OR_RETURN(EventDataStoreInfo info, stores->Get(CallerOf(ctx), ref));
        return StoreJson(info, info.status, false, /*federation=*/true);
      });
  d->AddJson11(
      "ListEventDataStores", Action::kReadConfig,
      [stores](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::optional<int64_t> max, lake::OptInt(in, "MaxResults"));
        ASSIGN_OR_RETURN(std::optional<std::string> token, lake::OptString(in, "NextToken"));
        if (max && (*max < 1 || *max > 1000)) {
          return lake::Invalid(fmt::format("MaxResults {} is out of range 1..1000.", *max),
                               "InvalidMaxResultsException");
        }
        ASSIGN_OR_RETURN(std::vector<EventDataStoreInfo> all, stores->List(CallerOf(ctx)));
        // The token is the id of the first store of the next page (ids are UUIDs, listed by
        // creation time then id).
        size_t begin = 0;
        if (token) {
          begin = all.size() + 1;
          for (size_t i = 0; i < all.size(); ++i) {
            if ("eds-" + all[i].id == *token) begin = i;
          }
          if (begin > all.size()) {
            return lake::Invalid("NextToken is not valid.", "InvalidNextTokenException");
          }
        }
        const size_t n = static_cast<size_t>(max.value_or(1000));
        std::string out;
        JsonWriter w(&out);
        w.BeginObject().Key("EventDataStores").BeginArray();
        size_t i = begin;
        for (; i < all.size() && i < begin + n; ++i) {
          w.BeginObject();
          // Older clients read the deprecated members; current ones ignore them.
          WriteStore(&w, all[i], all[i].status);
          w.EndObject();
        }
        w.EndArray();
        if (i < all.size()) w.Member("NextToken", "eds-" + all[i].id);
        w.EndObject();
        return out;
      });
  d->AddJson11(
      "UpdateEventDataStore", Action::kWriteConfig,
      [stores](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        cloud::UpdateEventDataStoreRequest req;
        ASSIGN_OR_RETURN(req.store, lake::ReqString(in, "EventDataStore"));
        ASSIGN_OR_RETURN(req.name, lake::OptString(in, "Name"));
        ASSIGN_OR_RETURN(req.selectors, ReadSelectors(in));
        ASSIGN_OR_RETURN(req.multi_region, lake::OptBool(in, "MultiRegionEnabled"));
        ASSIGN_OR_RETURN(req.organization, lake::OptBool(in, "OrganizationEnabled"));
        ASSIGN_OR_RETURN(req.termination_protection,
                         lake::OptBool(in, "TerminationProtectionEnabled"));
        ASSIGN_OR_RETURN(req.retention_days, lake::OptInt(in, "RetentionPeriod"));
        ASSIGN_OR_RETURN(req.billing_mode, lake::OptString(in, "BillingMode"));
        ASSIGN_OR_RETURN(req.kms_key_id, lake::OptString(in, "KmsKeyId"));
        ASSIGN_OR_RETURN(EventDataStoreInfo info, stores->Update(CallerOf(ctx), req));
        return StoreJson(info, info.status, false, /*federation=*/true);
      });
  d->AddJson11(
      "DeleteEventDataStore", Action::kWriteConfig,
      [stores](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string ref, lake::ReqString(in, "EventDataStore"));
        RETURN_IF_ERROR(stores->Delete(CallerOf(ctx), ref));
        return std::string("{}");
      });
  d->AddJson11(
      "RestoreEventDataStore", Action::kWriteConfig,
      [stores](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string ref, lake::ReqString(in, "EventDataStore"));
        ASSIGN_OR_RETURN(EventDataStoreInfo info, stores->Restore(CallerOf(ctx), ref));
        return StoreJson(info, info.status, false, false);
      });
  d->AddJson11(
      "StartEventDataStoreIngestion", Action::kWriteConfig,
      [stores](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string ref, lake::ReqString(in, "EventDataStore"));
        RETURN_IF_ERROR(stores->StartIngestion(CallerOf(ctx), ref));
        return std::string("{}");
      });
  d->AddJson11(
      "StopEventDataStoreIngestion", Action::kWriteConfig,
      [stores](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string ref, lake::ReqString(in, "EventDataStore"));
        RETURN_IF_ERROR(stores->StopIngestion(CallerOf(ctx), ref));
        return std::string("{}");
      });
}

}  // namespace cairn::api
