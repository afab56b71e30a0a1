// The channel operations (spec lake.md §9): CreateChannel, GetChannel, ListChannels,
// UpdateChannel, DeleteChannel on the cloudtrail JSON 1.1 API, and cloudtrail-data PutAuditEvents
// (REST-JSON, POST /PutAuditEvents?channelArn=...&externalId=...).
#include <fmt/format.h>

#include "api/cloudtrail/lake.h"
#include "api/cloudtrail/lake_json.h"
#include "common/json_writer.h"

namespace cairn::api {
namespace {

Result<std::optional<std::vector<cloud::ChannelDestination>>> ReadDestinations(
    simdjson::dom::element in, bool required) {
  auto v = lake::OptMember(in, "Destinations");
  if (!v) {
    if (required) return lake::Invalid("Destinations is required.");
    return std::optional<std::vector<cloud::ChannelDestination>>();
  }
  simdjson::dom::array arr;
  if (v->get_array().get(arr)) return lake::Invalid("Destinations must be a list.");
  std::vector<cloud::ChannelDestination> out;
  size_t i = 0;
  for (simdjson::dom::element d : arr) {
    std::string_view type, location;
    if (d["Type"].get(type) || d["Location"].get(location)) {
      return lake::Invalid(fmt::format("Destinations[{}] needs Type and Location strings.", i));
    }
    if (location.size() < 3 || location.size() > 1024) {
      return lake::Invalid(
          fmt::format("Destinations[{}].Location must have 3 to 1024 characters.", i));
    }
    out.push_back({std::string(type), std::string(location)});
    ++i;
  }
  return std::optional<std::vector<cloud::ChannelDestination>>(std::move(out));
}

Result<cloud::TagList> ReadTags(simdjson::dom::element in) {
  cloud::TagList tags;
  auto v = lake::OptMember(in, "Tags");
  if (!v) return tags;
  simdjson::dom::array arr;
  if (v->get_array().get(arr))
    return lake::Invalid("Tags must be a list.", "InvalidTagParameterException");
  for (simdjson::dom::element t : arr) {
    std::string_view k, val;
    if (t["Key"].get(k))
      return lake::Invalid("Every tag needs a Key.", "InvalidTagParameterException");
    if (auto vv = t["Value"]; !vv.error() && !vv.is_null() && vv.get(val)) {
      return lake::Invalid("A tag Value must be a string.", "InvalidTagParameterException");
    }
    tags.emplace_back(std::string(k), std::string(val));
  }
  return tags;
}

void WriteDestinations(JsonWriter* w, const std::vector<cloud::ChannelDestination>& d) {
  w->Key("Destinations").BeginArray();
  for (const auto& x : d)
    w->BeginObject().Member("Type", x.type).Member("Location", x.location).EndObject();
  w->EndArray();
}

std::string ChannelJson(const cloud::ChannelInfo& c, bool tags) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Member("ChannelArn", c.Arn()).Member("Name", c.name).Member("Source", c.source);
  WriteDestinations(&w, c.destinations);
  if (tags) {
    w.Key("Tags").BeginArray();
    for (const auto& [k, v] : c.tags)
      w.BeginObject().Member("Key", k).Member("Value", v).EndObject();
    w.EndArray();
  }
  w.EndObject();
  return out;
}

}  // namespace

void RegisterChannelOperations(Dispatcher* d, cloud::Channels* channels) {
  using cloud::Action;
  d->AddJson11(
      "CreateChannel", Action::kWriteConfig,
      [channels](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string name, lake::ReqString(in, "Name"));
        ASSIGN_OR_RETURN(std::string source, lake::ReqString(in, "Source"));
        ASSIGN_OR_RETURN(auto dests, ReadDestinations(in, true));
        ASSIGN_OR_RETURN(cloud::TagList tags, ReadTags(in));
        ASSIGN_OR_RETURN(cloud::ChannelInfo c,
                         channels->Create(CallerOf(ctx), name, source, *dests, tags));
        return ChannelJson(c, true);
      });
  d->AddJson11(
      "GetChannel", Action::kReadConfig,
      [channels](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string ref, lake::ReqString(in, "Channel"));
        ASSIGN_OR_RETURN(cloud::ChannelInfo c, channels->Get(CallerOf(ctx), ref));
        std::string out;
        JsonWriter w(&out);
        w.BeginObject()
            .Member("ChannelArn", c.Arn())
            .Member("Name", c.name)
            .Member("Source", c.source);
        w.Key("SourceConfig").BeginObject().Member("ApplyToAllRegions", false);
        w.Key("AdvancedEventSelectors")
            .Raw(
                R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["ActivityAuditLog"]}]}])");
        w.EndObject();
        WriteDestinations(&w, c.destinations);
        w.Key("IngestionStatus").BeginObject();
        const cloud::ChannelIngestionStatus& st = c.ingestion;
        if (st.latest_success_us) {
          lake::WriteTime(&w, "LatestIngestionSuccessTime", st.latest_success_us);
          w.Member("LatestIngestionSuccessEventID", st.latest_success_event_id);
        }
        if (!st.latest_error_code.empty())
          w.Member("LatestIngestionErrorCode", st.latest_error_code);
        if (st.latest_attempt_us) {
          lake::WriteTime(&w, "LatestIngestionAttemptTime", st.latest_attempt_us);
          if (!st.latest_attempt_event_id.empty()) {
            w.Member("LatestIngestionAttemptEventID", st.latest_attempt_event_id);
          }
        }
        w.EndObject().EndObject();
        return out;
      });
  d->AddJson11(
      "ListChannels", Action::kReadConfig,
      [channels](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::optional<int64_t> max, lake::OptInt(in, "MaxResults"));
        ASSIGN_OR_RETURN(std::optional<std::string> token, lake::OptString(in, "NextToken"));
        if (max && (*max < 1 || *max > 1000)) {
          return lake::Invalid(fmt::format("MaxResults {} is out of range 1..1000.", *max),
                               "InvalidMaxResultsException");
        }
        ASSIGN_OR_RETURN(std::vector<cloud::ChannelInfo> all, channels->List(CallerOf(ctx)));
        size_t begin = 0;
        if (token) {
          begin = all.size() + 1;
          for (size_t i = 0; i < all.size(); ++i) {
            if ("ch-" + all[i].id == *token) begin = i;
          }
          if (begin > all.size())
            return lake::Invalid("NextToken is not valid.", "InvalidNextTokenException");
        }
        std::string out;
        JsonWriter w(&out);
        w.BeginObject().Key("Channels").BeginArray();
        size_t i = begin;
        for (; i < all.size() && i < begin + static_cast<size_t>(max.value_or(1000)); ++i) {
          w.BeginObject()
              .Member("ChannelArn", all[i].Arn())
              .Member("Name", all[i].name)
              .EndObject();
        }
        w.EndArray();
        if (i < all.size()) w.Member("NextToken", "ch-" + all[i].id);
        w.EndObject();
        return out;
      });
  d->AddJson11(
      "UpdateChannel", Action::kWriteConfig,
      [channels](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string ref, lake::ReqString(in, "Channel"));
        ASSIGN_OR_RETURN(std::optional<std::string> name, lake::OptString(in, "Name"));
        ASSIGN_OR_RETURN(auto dests, ReadDestinations(in, false));
        ASSIGN_OR_RETURN(cloud::ChannelInfo c, channels->Update(CallerOf(ctx), ref, name, dests));
        return ChannelJson(c, false);
      });
  d->AddJson11(
      "DeleteChannel", Action::kWriteConfig,
      [channels](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string ref, lake::ReqString(in, "Channel"));
        RETURN_IF_ERROR(channels->Delete(CallerOf(ctx), ref));
        return std::string("{}");
      });
  d->AddRest(
      "cloudtrail-data", "POST", "/PutAuditEvents", "PutAuditEvents", Action::kWriteEvents,
      [channels](const RequestContext& ctx, const RestRequest& req) -> Result<RestResult> {
        std::optional<std::string_view> arn = req.Query("channelArn");
        if (!arn) {
          return lake::Invalid("channelArn (query parameter) is required.", "InvalidChannelARN");
        }
        if (auto ext = req.Query("externalId")) {
          bool ok = ext->size() >= 2 && ext->size() <= 1224;
          for (char c : *ext) {
            ok = ok && (std::isalnum(static_cast<unsigned char>(c)) ||
                        std::string_view("_+=,.@:/-").find(c) != std::string_view::npos);
          }
          if (!ok) return lake::Invalid("externalId is not valid.", "ValidationException");
        }
        simdjson::dom::array arr;
        if (req.body["auditEvents"].get_array().get(arr)) {
          return lake::Invalid("auditEvents (a list) is required.", "ValidationException");
        }
        if (req.raw_body.size() > (1u << 20)) {
          return lake::Invalid(
              fmt::format("The request is {} bytes; at most 1 MB is allowed.", req.raw_body.size()),
              "ValidationException");
        }
        std::vector<cloud::AuditEventInput> events;
        events.reserve(arr.size());
        size_t i = 0;
        for (simdjson::dom::element e : arr) {
          std::string_view id, data, checksum;
          if (e["id"].get(id) || e["eventData"].get(data)) {
            return lake::Invalid(fmt::format("auditEvents[{}] needs id and eventData strings.", i),
                                 "ValidationException");
          }
          cloud::AuditEventInput in{std::string(id), std::string(data), std::nullopt};
          if (auto c = e["eventDataChecksum"]; !c.error() && !c.is_null()) {
            if (c.get(checksum)) {
              return lake::Invalid(
                  fmt::format("auditEvents[{}].eventDataChecksum must be a string.", i),
                  "ValidationException");
            }
            in.checksum = std::string(checksum);
          }
          events.push_back(std::move(in));
          ++i;
        }
        ASSIGN_OR_RETURN(cloud::PutAuditEventsResult r,
                         channels->PutAuditEvents(CallerOf(ctx), *arn, events));
        RestResult out;
        out.body.clear();
        JsonWriter w(&out.body);
        w.BeginObject().Key("successful").BeginArray();
        for (const auto& s : r.successful)
          w.BeginObject().Member("id", s.id).Member("eventID", s.event_id).EndObject();
        w.EndArray().Key("failed").BeginArray();
        for (const auto& f : r.failed) {
          w.BeginObject()
              .Member("id", f.id)
              .Member("errorCode", f.error_code)
              .Member("errorMessage", f.error_message)
              .EndObject();
        }
        w.EndArray().EndObject();
        out.headers.emplace_back("Content-Type", "application/json");
        return out;
      });
}

}  // namespace cairn::api
