// src/cloud/channels.h
//
// Channels is the registry of CloudTrail Lake channels (spec lake.md §9) and the ingest path of
// cloudtrail-data PutAuditEvents: events from outside AWS, validated one by one, wrapped as the
// Lake wraps them (eventCategory ActivityAuditLog, eventType ActivityLog, a new eventID,
// awsRegion, recipientAccountId, metadata {ingestionTime, channelARN}, the caller's object as
// eventData) and appended to every destination event data store. PutAuditEvents returns only
// after the appends are durable (the stores' WAL fsync), so an acknowledged event survives a crash.
//
// Channels live in metadata.db (lake_channels). A channel belongs to its account and region; only
// that account sees it, and only its admins change it. Destinations are event data stores of the
// same account holding ActivityAuditLog events. The ingestion status (latest success/attempt) is
// kept in memory: it is a monitoring aid, not worth a metadata.db write per call.
//
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <simdjson.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cloud/event_data_stores.h"
#include "common/status.h"

namespace cairn::cloud {

struct ChannelDestination {
  std::string type;      // EVENT_DATA_STORE
  std::string location;  // the store's ARN
};

struct ChannelIngestionStatus {
  int64_t latest_success_us = 0;
  std::string latest_success_event_id;
  int64_t latest_attempt_us = 0;
  std::string latest_attempt_event_id;
  std::string latest_error_code;
};

struct ChannelInfo {
  std::string id;
  std::string account;
  std::string region;
  std::string name;
  std::string source;
  std::vector<ChannelDestination> destinations;
  TagList tags;
  int64_t created_us = 0;
  ChannelIngestionStatus ingestion;

  std::string Arn() const;
};

// One auditEvents entry of a PutAuditEvents request.
struct AuditEventInput {
  std::string id;
  std::string event_data;
  std::optional<std::string> checksum;
};

struct AuditEventSuccess {
  std::string id;
  std::string event_id;
};
struct AuditEventFailure {
  std::string id;
  std::string error_code;
  std::string error_message;
};
struct PutAuditEventsResult {
  std::vector<AuditEventSuccess> successful;
  std::vector<AuditEventFailure> failed;
};

class Channels {
 public:
  static constexpr size_t kMaxChannels = 25;

  // REQUIRES: `dir` and `stores` outlive the registry. Registers a delete guard with `stores`
  // (ChannelExistsForEDSException).
  static Result<std::unique_ptr<Channels>> Open(DataDir* dir, EventDataStores* stores);

  Result<ChannelInfo> Create(const Caller& caller, const std::string& name,
                             const std::string& source,
                             const std::vector<ChannelDestination>& destinations,
                             const TagList& tags);
  Result<ChannelInfo> Get(const Caller& caller, std::string_view ref);
  Result<std::vector<ChannelInfo>> List(const Caller& caller);
  Result<ChannelInfo> Update(const Caller& caller, std::string_view ref,
                             const std::optional<std::string>& name,
                             const std::optional<std::vector<ChannelDestination>>& destinations);
  Status Delete(const Caller& caller, std::string_view ref);
  // Tags (AddTags / ListTags / RemoveTags on the channel's ARN) of a channel the caller owns
  // (ChannelNotFoundException otherwise, as Get); SetTags replaces the list.
  Result<TagList> GetTags(const Caller& caller, std::string_view ref);
  Status SetTags(const Caller& caller, std::string_view ref, const TagList& tags);

  // Validates and ingests `events` into the channel `channel_arn` names. Request-level problems
  // are errors with the cloudtrail-data names, which have no Exception suffix (InvalidChannelARN,
  // ChannelNotFound, ChannelInsufficientPermission, DuplicatedAuditEventId; ValidationException
  // for limits); per-event problems are `failed` entries.
  Result<PutAuditEventsResult> PutAuditEvents(const Caller& caller, std::string_view channel_arn,
                                              const std::vector<AuditEventInput>& events);

  // Audit events acknowledged (durable) since the registry was opened.
  uint64_t events_ingested() const { return events_ingested_.load(); }

 private:
  Channels(DataDir* dir, EventDataStores* stores) : dir_(dir), stores_(stores) {}
  Status Load();
  Status Save(const ChannelInfo& info, bool insert);
  Result<ChannelInfo> FindOwned(const Caller& caller, std::string_view ref);
  Status CheckDestinations(const Caller& caller, const std::vector<ChannelDestination>& dests);

  DataDir* const dir_;
  EventDataStores* const stores_;
  std::mutex mu_;
  std::map<std::string, ChannelInfo> channels_;  // by id
  std::atomic<uint64_t> events_ingested_{0};
};

// Parses a channel reference (ARN or id); ChannelARNInvalidException otherwise.
Result<std::string> ParseChannelRef(std::string_view ref);

}  // namespace cairn::cloud
