#include "cloud/channels.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "cloud/router.h"
#include "common/json_writer.h"
#include "event/record_parser.h"

namespace cairn::cloud {
namespace {

Status Err(StatusCode code, const char* name, std::string message) {
  return Status(code, std::move(message)).WithAwsError(name);
}

bool ValidName(std::string_view n) {
  if (n.size() < 3 || n.size() > 128) return false;
  for (char c : n) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string DestinationsJson(const std::vector<ChannelDestination>& d) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const auto& x : d)
    w.BeginObject().Member("Type", x.type).Member("Location", x.location).EndObject();
  w.EndArray();
  return out;
}

std::vector<ChannelDestination> DestinationsFromJson(std::string_view json) {
  std::vector<ChannelDestination> out;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc)) return out;
  simdjson::dom::array arr;
  if (doc.get_array().get(arr)) return out;
  for (simdjson::dom::element e : arr) {
    std::string_view t, l;
    if (e["Type"].get(t) || e["Location"].get(l)) continue;
    out.push_back({std::string(t), std::string(l)});
  }
  return out;
}

std::string Base64Sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  int n = EVP_EncodeBlock(b64, digest, static_cast<int>(len));
  return std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
}

std::string IsoNow(int64_t us) {
  time_t secs = static_cast<time_t>(us / 1000000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool ValidEventTime(std::string_view t) {
  // yyyy-MM-ddTHH:mm:ssZ
  if (t.size() != 20) return false;
  const char* pattern = "dddd-dd-ddTdd:dd:ddZ";
  for (size_t i = 0; i < 20; ++i) {
    if (pattern[i] == 'd') {
      if (t[i] < '0' || t[i] > '9') return false;
    } else if (t[i] != pattern[i]) {
      return false;
    }
  }
  return true;
}

bool ValidIp(std::string_view s) {
  std::string z(s);
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, z.c_str(), buf) == 1 || inet_pton(AF_INET6, z.c_str(), buf) == 1;
}

// A per-event validation failure.
struct EventProblem {
  const char* code;
  std::string message;
};

// Checks one eventData object (spec lake.md §9.2). Returns the problem, or nullopt when valid.
std::optional<EventProblem> CheckEventData(simdjson::dom::element doc, const std::string& owner,
                                           std::string* event_time) {
  if (!doc.is_object()) return EventProblem{"InvalidData", "eventData must be a JSON object."};
  auto str = [&](const char* key, size_t max, bool required) -> std::optional<EventProblem> {
    simdjson::dom::element v;
    if (doc[key].get(v) || v.is_null()) {
      if (required) return EventProblem{"FieldNotFound", fmt::format("{} is required.", key)};
      return std::nullopt;
    }
    std::string_view s;
    if (v.get_string().get(s)) {
      return EventProblem{"InvalidData", fmt::format("{} must be a string.", key)};
    }
    if (s.size() > max) {
      return EventProblem{
          "FieldTooLong",
          fmt::format("{} has {} characters; at most {} are allowed.", key, s.size(), max)};
    }
    return std::nullopt;
  };
  auto json = [&](const char* key, size_t max) -> std::optional<EventProblem> {
    simdjson::dom::element v;
    if (doc[key].get(v) || v.is_null()) return std::nullopt;
    const size_t size = simdjson::to_string(v).size();
    if (size > max) {
      return EventProblem{"FieldTooLong",
                          fmt::format("{} is {} bytes; at most {} are allowed.", key, size, max)};
    }
    return std::nullopt;
  };
  if (auto p = str("version", 256, true)) return p;
  simdjson::dom::element uid;
  if (doc["userIdentity"].get(uid) || uid.is_null()) {
    return EventProblem{"FieldNotFound", "userIdentity is required."};
  }
  if (!uid.is_object()) return EventProblem{"InvalidData", "userIdentity must be an object."};
  {
    std::string_view s;
    simdjson::dom::element v;
    if (uid["type"].get(v) || v.is_null()) {
      return EventProblem{"FieldNotFound", "userIdentity.type is required."};
    }
    if (v.get_string().get(s))
      return EventProblem{"InvalidData", "userIdentity.type must be a string."};
    if (s.size() > 128)
      return EventProblem{"FieldTooLong", "userIdentity.type has more than 128 characters."};
    if (uid["principalId"].get(v) || v.is_null()) {
      return EventProblem{"FieldNotFound", "userIdentity.principalId is required."};
    }
    if (v.get_string().get(s)) {
      return EventProblem{"InvalidData", "userIdentity.principalId must be a string."};
    }
    if (s.size() > 1024) {
      return EventProblem{"FieldTooLong",
                          "userIdentity.principalId has more than 1024 characters."};
    }
  }
  if (auto p = str("userAgent", 1024, false)) return p;
  if (auto p = str("eventSource", 1024, true)) return p;
  if (auto p = str("eventName", 1024, true)) return p;
  if (auto p = str("eventTime", 64, true)) return p;
  std::string_view t = doc["eventTime"].get_string().value();
  if (!ValidEventTime(t)) {
    return EventProblem{"InvalidData", fmt::format("eventTime '{}' is not a UTC time of the form "
                                                   "yyyy-MM-ddTHH:mm:ssZ.",
                                                   t)};
  }
  *event_time = std::string(t);
  if (auto p = str("UID", 1024, true)) return p;
  if (auto p = json("requestParameters", 100 * 1024)) return p;
  if (auto p = json("responseElements", 100 * 1024)) return p;
  if (auto p = str("errorCode", 256, false)) return p;
  if (auto p = str("errorMessage", 256, false)) return p;
  if (auto p = str("sourceIPAddress", 64, false)) return p;
  std::string_view ip;
  if (!doc["sourceIPAddress"].get(ip) && !ValidIp(ip)) {
    return EventProblem{"InvalidData",
                        fmt::format("sourceIPAddress '{}' is not an IPv4 or IPv6 address.", ip)};
  }
  if (auto p = str("recipientAccountId", 12, true)) return p;
  std::string_view recipient = doc["recipientAccountId"].get_string().value();
  if (recipient != owner) {
    return EventProblem{"InvalidRecipient",
                        fmt::format("recipientAccountId {} is not the channel owner's account {}.",
                                    recipient, owner)};
  }
  if (auto p = json("additionalEventData", 28 * 1024)) return p;
  return std::nullopt;
}

bool ValidAuditId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string ChannelInfo::Arn() const {
  return fmt::format("arn:aws:cloudtrail:{}:{}:channel/{}", region, account, id);
}

Result<std::string> ParseChannelRef(std::string_view ref) {
  auto invalid = [&]() {
    return Err(StatusCode::kInvalidArgument, "ChannelARNInvalidException",
               fmt::format("The channel ARN '{}' is not valid.", ref.substr(0, 300)));
  };
  if (ref.size() < 3 || ref.size() > 256) return invalid();
  if (ref.starts_with("arn:")) {
    size_t pos = 0;
    std::vector<std::string_view> parts;
    for (int i = 0; i < 5; ++i) {
      size_t colon = ref.find(':', pos);
      if (colon == std::string_view::npos) return invalid();
      parts.push_back(ref.substr(pos, colon - pos));
      pos = colon + 1;
    }
    std::string_view resource = ref.substr(pos);
    if (parts[2] != "cloudtrail" || !resource.starts_with("channel/")) return invalid();
    std::string_view id = resource.substr(8);
    if (id.empty() || id.find('/') != std::string_view::npos) return invalid();
    return std::string(id);
  }
  for (char c : ref) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return invalid();
  }
  return std::string(ref);
}

Result<std::unique_ptr<Channels>> Channels::Open(DataDir* dir, EventDataStores* stores) {
  std::unique_ptr<Channels> c(new Channels(dir, stores));
  RETURN_IF_ERROR(c->Load());
  Channels* self = c.get();
  stores->SetDeleteGuard([self](const EventDataStoreInfo& store) -> Status {
    std::lock_guard<std::mutex> l(self->mu_);
    for (const auto& [id, ch] : self->channels_) {
      for (const ChannelDestination& d : ch.destinations) {
        if (d.location == store.Arn()) {
          return Err(StatusCode::kFailedPrecondition, "ChannelExistsForEDSException",
                     fmt::format("The event data store {} is the destination of channel {}; "
                                 "delete the channel or change its destinations first.",
                                 store.Arn(), ch.Arn()));
        }
      }
    }
    return Status::OK();
  });
  return c;
}

Status Channels::Load() {
  ASSIGN_OR_RETURN(Statement q,
                   dir_->metadata()->Prepare("SELECT id, account, region, name, source, "
                                             "destinations, tags, created_us FROM lake_channels"));
  std::lock_guard<std::mutex> l(mu_);
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    ChannelInfo c;
    c.id = q.Text(0).value_or("");
    c.account = q.Text(1).value_or("");
    c.region = q.Text(2).value_or("");
    c.name = q.Text(3).value_or("");
    c.source = q.Text(4).value_or("");
    c.destinations = DestinationsFromJson(q.Text(5).value_or("[]"));
    c.tags = TagsFromJson(q.Text(6).value_or("[]"));
    c.created_us = q.Int(7);
    channels_[c.id] = std::move(c);
  }
  return Status::OK();
}

Status Channels::Save(const ChannelInfo& c, bool insert) {
  ASSIGN_OR_RETURN(
      Statement s,
      dir_->metadata()->Prepare(
          insert ? "INSERT INTO lake_channels (id, account, region, name, source, destinations, "
                   "tags, created_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                 : "UPDATE lake_channels SET account = ?2, region = ?3, name = ?4, source = ?5, "
                   "destinations = ?6, tags = ?7, created_us = ?8 WHERE id = ?1"));
  return s.Bind(1, c.id)
      .Bind(2, c.account)
      .Bind(3, c.region)
      .Bind(4, c.name)
      .Bind(5, c.source)
      .Bind(6, DestinationsJson(c.destinations))
      .Bind(7, TagsJson(c.tags))
      .Bind(8, c.created_us)
      .Run();
}

Result<ChannelInfo> Channels::FindOwned(const Caller& caller, std::string_view ref) {
  ASSIGN_OR_RETURN(std::string id, ParseChannelRef(ref));
  auto it = channels_.find(id);
  const bool visible =
      it != channels_.end() && it->second.region == caller.region &&
      (it->second.account == caller.principal->account_id ||
       (caller.principal->in_management_account && caller.principal->role != Role::kMemberReader));
  if (!visible || (ref.starts_with("arn:") && it->second.Arn() != ref)) {
    return Err(StatusCode::kNotFound, "ChannelNotFoundException",
               fmt::format("The channel {} was not found.", ref));
  }
  return it->second;
}

Status Channels::CheckDestinations(const Caller& caller,
                                   const std::vector<ChannelDestination>& dests) {
  if (dests.empty() || dests.size() > 200) {
    return Err(StatusCode::kInvalidArgument, "InvalidParameterException",
               fmt::format("Destinations has {} entries; 1 to 200 are allowed.", dests.size()));
  }
  for (size_t i = 0; i < dests.size(); ++i) {
    const ChannelDestination& d = dests[i];
    if (d.type != "EVENT_DATA_STORE") {
      return Err(StatusCode::kInvalidArgument, "InvalidParameterException",
                 fmt::format("Destinations[{}].Type '{}': cairn channels deliver to "
                             "EVENT_DATA_STORE destinations only.",
                             i, d.type));
    }
    ASSIGN_OR_RETURN(EventDataStoreInfo store, stores_->ResolveForWrite(caller, d.location));
    if (store.selectors.family() != EventFamily::kActivityAuditLog) {
      return Err(StatusCode::kInvalidArgument, "InvalidEventDataStoreCategoryException",
                 fmt::format("Destinations[{}]: the event data store {} holds {} events; a "
                             "channel needs a store of ActivityAuditLog events.",
                             i, store.Arn(), EventFamilyName(store.selectors.family())));
    }
  }
  return Status::OK();
}

Result<ChannelInfo> Channels::Create(const Caller& caller, const std::string& name,
                                     const std::string& source,
                                     const std::vector<ChannelDestination>& destinations,
                                     const TagList& tags) {
  if (!ValidName(name)) {
    return Err(StatusCode::kInvalidArgument, "InvalidParameterException",
               fmt::format("Name '{}' is not valid: use 3 to 128 characters of letters, digits, "
                           "'.', '_' and '-'.",
                           name));
  }
  if (source.empty() || source.size() > 256) {
    return Err(StatusCode::kInvalidArgument, "InvalidSourceException",
               "Source must be Custom or a partner source name of 1 to 256 characters.");
  }
  if (tags.size() > 200) {
    return Err(StatusCode::kInvalidArgument, "TagsLimitExceededException",
               fmt::format("Tags has {} tags; at most 200 are allowed.", tags.size()));
  }
  for (const auto& [k, v] : tags) {
    if (k.empty() || k.size() > 128 || v.size() > 256) {
      return Err(StatusCode::kInvalidArgument, "InvalidTagParameterException",
                 "A tag key has 1 to 128 characters and a value at most 256.");
    }
  }
  RETURN_IF_ERROR(CheckDestinations(caller, destinations));
  ChannelInfo c;
  c.id = NewUuid();
  c.account = caller.principal->account_id;
  c.region = caller.region;
  c.name = name;
  c.source = source;
  c.destinations = destinations;
  c.tags = tags;
  c.created_us = caller.now_us;
  std::lock_guard<std::mutex> l(mu_);
  size_t count = 0;
  for (const auto& [id, other] : channels_) {
    if (other.account != c.account || other.region != c.region) continue;
    ++count;
    if (other.name == c.name || (other.source == c.source && c.source != "Custom")) {
      return Err(StatusCode::kAlreadyExists, "ChannelAlreadyExistsException",
                 other.name == c.name
                     ? fmt::format("A channel named {} already exists.", c.name)
                     : fmt::format("Source {} already has a channel ({}).", c.source, other.name));
    }
  }
  if (count >= kMaxChannels) {
    return Err(StatusCode::kResourceExhausted, "ChannelMaxLimitExceededException",
               fmt::format("Account {} already has {} channels in {} (the limit).", c.account,
                           count, c.region));
  }
  RETURN_IF_ERROR(Save(c, true));
  channels_[c.id] = c;
  return c;
}

Result<ChannelInfo> Channels::Get(const Caller& caller, std::string_view ref) {
  std::lock_guard<std::mutex> l(mu_);
  return FindOwned(caller, ref);
}

Result<std::vector<ChannelInfo>> Channels::List(const Caller& caller) {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<ChannelInfo> out;
  for (const auto& [id, c] : channels_) {
    if (c.region == caller.region && c.account == caller.principal->account_id) out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const ChannelInfo& a, const ChannelInfo& b) {
    return std::tie(a.created_us, a.id) < std::tie(b.created_us, b.id);
  });
  return out;
}

Result<ChannelInfo> Channels::Update(
    const Caller& caller, std::string_view ref, const std::optional<std::string>& name,
    const std::optional<std::vector<ChannelDestination>>& destinations) {
  if (destinations) RETURN_IF_ERROR(CheckDestinations(caller, *destinations));
  std::lock_guard<std::mutex> l(mu_);
  ASSIGN_OR_RETURN(ChannelInfo c, FindOwned(caller, ref));
  if (name) {
    if (!ValidName(*name)) {
      return Err(StatusCode::kInvalidArgument, "InvalidParameterException",
                 fmt::format("Name '{}' is not valid.", *name));
    }
    for (const auto& [id, other] : channels_) {
      if (id != c.id && other.account == c.account && other.region == c.region &&
          other.name == *name) {
        return Err(StatusCode::kAlreadyExists, "ChannelAlreadyExistsException",
                   fmt::format("A channel named {} already exists.", *name));
      }
    }
    c.name = *name;
  }
  if (destinations) c.destinations = *destinations;
  RETURN_IF_ERROR(Save(c, false));
  channels_[c.id] = c;
  return c;
}

Result<TagList> Channels::GetTags(const Caller& caller, std::string_view ref) {
  std::lock_guard<std::mutex> l(mu_);
  ASSIGN_OR_RETURN(ChannelInfo c, FindOwned(caller, ref));
  return c.tags;
}

Status Channels::SetTags(const Caller& caller, std::string_view ref, const TagList& tags) {
  std::lock_guard<std::mutex> l(mu_);
  ASSIGN_OR_RETURN(ChannelInfo c, FindOwned(caller, ref));
  c.tags = tags;
  RETURN_IF_ERROR(Save(c, false));
  channels_[c.id] = std::move(c);
  return Status::OK();
}

Status Channels::Delete(const Caller& caller, std::string_view ref) {
  std::lock_guard<std::mutex> l(mu_);
  ASSIGN_OR_RETURN(ChannelInfo c, FindOwned(caller, ref));
  ASSIGN_OR_RETURN(Statement del,
                   dir_->metadata()->Prepare("DELETE FROM lake_channels WHERE id = ?"));
  RETURN_IF_ERROR(del.Bind(1, c.id).Run());
  channels_.erase(c.id);
  return Status::OK();
}

Result<PutAuditEventsResult> Channels::PutAuditEvents(const Caller& caller,
                                                      std::string_view channel_arn,
                                                      const std::vector<AuditEventInput>& events) {
  if (!channel_arn.starts_with("arn:")) {
    return Err(StatusCode::kInvalidArgument, "InvalidChannelARN",
               fmt::format("channelArn '{}' is not a channel ARN.", channel_arn.substr(0, 300)));
  }
  Result<std::string> id = ParseChannelRef(channel_arn);
  if (!id.ok()) {
    return Err(StatusCode::kInvalidArgument, "InvalidChannelARN",
               fmt::format("channelArn '{}' is not a channel ARN.", channel_arn.substr(0, 300)));
  }
  ChannelInfo channel;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = channels_.find(*id);
    if (it == channels_.end() || it->second.Arn() != channel_arn) {
      return Err(StatusCode::kNotFound, "ChannelNotFound",
                 fmt::format("The channel {} was not found.", channel_arn));
    }
    channel = it->second;
  }
  if (channel.account != caller.principal->account_id) {
    return Err(StatusCode::kPermissionDenied, "ChannelInsufficientPermission",
               fmt::format("Account {} may not put events into channel {} of account {}.",
                           caller.principal->account_id, channel_arn, channel.account));
  }
  if (events.empty() || events.size() > 100) {
    return Err(StatusCode::kInvalidArgument, "ValidationException",
               fmt::format("auditEvents has {} events; 1 to 100 are allowed.", events.size()));
  }
  std::set<std::string_view> ids;
  for (size_t i = 0; i < events.size(); ++i) {
    if (!ValidAuditId(events[i].id)) {
      return Err(StatusCode::kInvalidArgument, "ValidationException",
                 fmt::format("auditEvents[{}].id '{}' must be 1 to 128 characters of "
                             "[-_A-Za-z0-9].",
                             i, events[i].id.substr(0, 200)));
    }
    if (!ids.insert(events[i].id).second) {
      return Err(StatusCode::kInvalidArgument, "DuplicatedAuditEventId",
                 fmt::format("The audit event id {} appears more than once in the request.",
                             events[i].id));
    }
  }

  PutAuditEventsResult result;
  EventBatch batch;
  thread_local simdjson::dom::parser parser;
  thread_local RecordParser record_parser;
  const std::string ingestion_time = IsoNow(caller.now_us);
  for (size_t i = 0; i < events.size(); ++i) {
    const AuditEventInput& in = events[i];
    if (in.checksum && Base64Sha256(in.event_data) != *in.checksum) {
      result.failed.push_back(
          {in.id, "InvalidChecksum", "eventDataChecksum does not match the SHA-256 of eventData."});
      continue;
    }
    simdjson::dom::element doc;
    simdjson::padded_string padded(in.event_data);
    if (parser.parse(padded).get(doc)) {
      result.failed.push_back({in.id, "InvalidData", "eventData is not valid JSON."});
      continue;
    }
    std::string event_time;
    if (auto problem = CheckEventData(doc, channel.account, &event_time)) {
      result.failed.push_back({in.id, problem->code, problem->message});
      continue;
    }
    const std::string event_id = NewUuid();
    std::string record;
    JsonWriter w(&record);
    w.BeginObject()
        .Member("eventVersion", "1.0")
        .Member("eventCategory", "ActivityAuditLog")
        .Member("eventType", "ActivityLog")
        .Member("eventID", event_id)
        .Member("eventTime", event_time)
        .Member("awsRegion", caller.region)
        .Member("recipientAccountId", channel.account);
    w.Key("metadata")
        .BeginObject()
        .Member("ingestionTime", ingestion_time)
        .Member("channelARN", channel_arn)
        .EndObject();
    w.Key("eventData").Raw(simdjson::minify(doc));
    w.EndObject();
    const size_t size = record.size();
    record.append(simdjson::SIMDJSON_PADDING, ' ');
    Str json = batch.Own(std::move(record)).substr(0, size);
    RejectReason reason;
    Status parsed = record_parser.Parse(json, RecordSource{"PutAuditEvents", i, 0, -1}, &batch,
                                        &reason, /*has_backslash=*/true);
    if (!parsed.ok()) {
      result.failed.push_back({in.id, "InvalidData", parsed.message()});
      continue;
    }
    result.successful.push_back({in.id, event_id});
  }

  // Durable in every destination before anything is acknowledged.
  if (!batch.events.empty()) {
    for (size_t d = 0; d < channel.destinations.size(); ++d) {
      Result<std::string> store_id = ParseEventDataStoreRef(channel.destinations[d].location);
      if (!store_id.ok()) return store_id.status();
      std::optional<EventDataStoreInfo> store = stores_->FindById(*store_id);
      if (!store || store->status == "PENDING_DELETION") continue;  // gone: nothing to deliver to
      ASSIGN_OR_RETURN(EventStore * es, stores_->OpenStore(*store_id));
      EventBatch copy;
      if (d + 1 < channel.destinations.size()) {
        for (const Event& e : batch.events) CopyEventInto(e, batch, &copy);
      } else {
        copy = std::move(batch);
      }
      RETURN_IF_ERROR(es->Append(std::move(copy)).status());
    }
  }
  events_ingested_ += result.successful.size();
  std::lock_guard<std::mutex> l(mu_);
  auto it = channels_.find(channel.id);
  if (it != channels_.end()) {
    ChannelIngestionStatus& st = it->second.ingestion;
    st.latest_attempt_us = caller.now_us;
    if (!result.successful.empty()) {
      st.latest_success_us = caller.now_us;
      st.latest_success_event_id = result.successful.back().event_id;
      st.latest_attempt_event_id = result.successful.back().event_id;
    }
    st.latest_error_code = result.failed.empty() ? "" : result.failed.back().error_code;
  }
  return result;
}

}  // namespace cairn::cloud
