// src/event/event.h
//
// The parsed CloudTrail record. An Event is a flat set of views into memory owned by the
// EventBatch that holds it: the decompressed input buffers (string fields without escapes and the
// exact original record bytes point straight into them) and an arena (unescaped strings).
//
// NULL versus present: a string field is NULL (absent, or JSON null) when its view's data() is
// nullptr; a present empty string has a non-null data(). Use IsNull() / the helpers below.
// Object-valued free-form fields (requestParameters, ...) are kept as their exact JSON text; the
// Lake exposes them as map<string,string> (see src/event/json_map.h).
//
// Thread-safety: an EventBatch is not synchronised; hand it from thread to thread, don't share it
// while it is being filled.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cairn {

using Str = std::string_view;  // NULL when data() == nullptr
inline bool IsNull(Str s) { return s.data() == nullptr; }

// A JSON boolean that may be absent or null.
enum class OptBool : int8_t { kNull = -1, kFalse = 0, kTrue = 1 };

struct Resource {
  Str arn;         // JSON key "ARN"
  Str account_id;  // "accountId"
  Str type;        // "type"
};

struct SessionIssuer {
  Str type, principal_id, arn, account_id, user_name;
};

struct UserIdentity {
  bool present = false;  // false when the record has no userIdentity (Insights records)
  Str type, principal_id, arn, account_id, access_key_id, user_name, invoked_by, identity_provider,
      credential_id;
  // sessionContext
  int64_t creation_date_us = INT64_MIN;  // sessionContext.attributes.creationDate; INT64_MIN = NULL
  Str mfa_authenticated;                 // sessionContext.attributes.mfaAuthenticated
  SessionIssuer session_issuer;
  Str web_id_federated_provider;  // sessionContext.webIdFederationData.federatedProvider
  Str web_id_attributes_json;     // sessionContext.webIdFederationData.attributes (JSON object)
  Str source_identity, ec2_role_delivery, ec2_issued_in_vpc;
  // onBehalfOf
  Str on_behalf_of_user_id, on_behalf_of_identity_store_arn;
  // inScopeOf
  Str in_scope_of_source_arn, in_scope_of_source_account, in_scope_of_issuer_type,
      in_scope_of_credentials_issued_to;
};

struct TlsDetails {
  Str tls_version, cipher_suite, client_provided_host_header, key_exchange;
};

struct Event {
  int64_t event_time_us = 0;  // eventTime, microseconds since the epoch, UTC (whole seconds)
  Str event_version;
  UserIdentity user_identity;
  Str event_source, event_name, aws_region, source_ip_address, user_agent, error_code,
      error_message;
  Str request_parameters_json, response_elements_json, additional_event_data_json;  // JSON objects
  Str request_id, event_id;
  OptBool read_only = OptBool::kNull;
  uint32_t resources_begin = 0, resources_count = 0;  // range in EventBatch::resources
  Str event_type, api_version;
  OptBool management_event = OptBool::kNull;
  Str recipient_account_id, shared_event_id, annotation, vpc_endpoint_id, vpc_endpoint_account_id;
  Str service_event_details_json, addendum_json, edge_device_details_json, insight_details_json;
  Str event_category;  // derived per spec P1 when absent
  TlsDetails tls_details;
  Str session_credential_from_console;
  Str raw;  // the exact original bytes of the record
};

// A batch of parsed events and the memory they point into.
class EventBatch {
 public:
  EventBatch() = default;
  EventBatch(const EventBatch&) = delete;
  EventBatch& operator=(const EventBatch&) = delete;
  EventBatch(EventBatch&&) = default;
  EventBatch& operator=(EventBatch&&) = default;

  std::vector<Event> events;
  std::vector<Resource> resources;

  // Takes ownership of `buffer` and returns a view of it that lives as long as the batch.
  Str Own(std::string buffer) {
    buffers_.push_back(std::make_unique<std::string>(std::move(buffer)));
    const std::string& b = *buffers_.back();
    return Str(b.data() ? b.data() : "", b.size());
  }
  // Copies `s` into the batch's arena. A NULL `s` stays NULL.
  Str Copy(Str s) {
    if (IsNull(s)) return s;
    if (arena_.empty() || arena_.back().capacity() - arena_.back().size() < s.size()) {
      arena_.emplace_back();
      arena_.back().reserve(s.size() > kArenaBlock ? s.size() : kArenaBlock);
    }
    std::string& block = arena_.back();
    size_t at = block.size();
    block.append(s.data(), s.size());  // never reallocates: capacity was reserved
    return Str(block.data() + at, s.size());
  }
  std::span<const Resource> ResourcesOf(const Event& e) const {
    return {resources.data() + e.resources_begin, e.resources_count};
  }
  size_t size() const { return events.size(); }
  // The heap memory the batch holds: its arrays' capacity, the buffers it owns and its arena
  // blocks (for bounding queues of batches in bytes). Linear in the number of buffers and blocks.
  uint64_t MemoryBytes() const {
    uint64_t n = events.capacity() * sizeof(Event) + resources.capacity() * sizeof(Resource);
    for (const auto& b : buffers_) n += b->capacity();
    for (const std::string& a : arena_) n += a.capacity();
    return n;
  }
  // Moves all of `other`'s events to the end of this batch, with the memory they point into (the
  // buffers and arena blocks move as a whole, so every view stays valid). `other` is left empty.
  // For gathering many small per-file batches into one large append.
  void Absorb(EventBatch&& other) {
    const uint32_t shift = static_cast<uint32_t>(resources.size());
    // Grow geometrically: gathering thousands of small batches must not copy the events each time.
    const size_t need = events.size() + other.events.size();
    if (need > events.capacity()) events.reserve(std::max(need, 2 * events.capacity()));
    for (Event& e : other.events) {
      e.resources_begin += shift;
      events.push_back(e);
    }
    resources.insert(resources.end(), other.resources.begin(), other.resources.end());
    for (auto& b : other.buffers_) buffers_.push_back(std::move(b));
    // A moved std::string keeps its heap buffer; arena blocks are never small enough for SSO.
    std::string spare;
    const bool had_arena = !arena_.empty();
    if (had_arena) {
      spare = std::move(arena_.back());  // keep the block with room last, where Copy looks
      arena_.pop_back();
    }
    for (auto& a : other.arena_) arena_.push_back(std::move(a));
    if (had_arena) arena_.push_back(std::move(spare));
    other.Clear();
  }
  void Clear() {
    events.clear();
    resources.clear();
    buffers_.clear();
    arena_.clear();
  }

 private:
  static constexpr size_t kArenaBlock = 64 * 1024;
  std::vector<std::unique_ptr<std::string>> buffers_;
  std::deque<std::string> arena_;
};

}  // namespace cairn
