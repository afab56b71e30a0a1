#include "event/record_parser.h"

#include <simdjson.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "common/json_writer.h"
#include "event/event_time.h"
#include "event/json_scan.h"

namespace cairn {
namespace od = simdjson::ondemand;

namespace {

constexpr int kMaxDepth = 256;
constexpr int64_t kMicrosPerSecond = 1000000;

// Static views for values cairn derives or normalises; they outlive every batch.
constexpr Str kTrue = "true";
constexpr Str kFalse = "false";

// Maps the keys of one JSON object kind to small integers with one probe of a perfect hash:
// the key's length and its first and last eight bytes pick a slot, and a slot holds at most one
// key (the multiplier is chosen at start-up so that the table's keys do not collide).
class KeyTable {
 public:
  KeyTable(std::initializer_list<std::string_view> names) {
    std::vector<Entry> entries;
    int id = 0;
    for (std::string_view n : names) {
      CAIRN_CHECK(!n.empty() && n.size() < kMaxLen);
      char padded[kMaxLen + 8] = {};
      std::memcpy(padded, n.data(), n.size());
      entries.push_back({Head(padded, n.size()), Tail(padded, n.size()), n, id++});
    }
    for (uint64_t m = 0x9E3779B97F4A7C15ull;; m += 0x100000001B3ull * 2) {
      multiplier_ = m;
      slots_.fill(Entry{});
      bool collision = false;
      for (const Entry& e : entries) {
        Entry& slot = slots_[Slot(e.head, e.tail, e.name.size())];
        if (!slot.name.empty()) collision = true;
        slot = e;
      }
      if (!collision) break;
    }
  }
  // Returns the key's index in the constructor's list, or -1.
  // REQUIRES: k.data() is readable for 8 bytes even when k is shorter (keys point into padded
  // input buffers); see FindUnpadded otherwise.
  inline int Find(std::string_view k) const {
    const size_t n = k.size();
    if (n == 0 || n >= kMaxLen) return -1;
    const uint64_t head = Head(k.data(), n);
    const uint64_t tail = Tail(k.data(), n);
    const Entry& e = slots_[Slot(head, tail, n)];
    if (e.head == head && e.tail == tail && e.name.size() == n &&
        (n <= 16 || std::memcmp(e.name.data() + 8, k.data() + 8, n - 16) == 0)) {
      return e.id;
    }
    return -1;
  }
  // Find() for a key that may sit at the very end of a buffer (an unescaped key in simdjson's
  // string buffer): copies it to a padded local first.
  int FindUnpadded(std::string_view k) const {
    if (k.size() >= kMaxLen) return -1;
    char padded[kMaxLen + 8] = {};
    std::memcpy(padded, k.data(), k.size());
    return Find(std::string_view(padded, k.size()));
  }

 private:
  static constexpr size_t kMaxLen = 32;
  static constexpr int kSlotBits = 7;
  struct Entry {
    uint64_t head = 0, tail = 0;
    std::string_view name;
    int id = -1;
  };
  static uint64_t Head(const char* p, size_t n) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return n >= 8 ? v : v & ((uint64_t{1} << (8 * n)) - 1);
  }
  static uint64_t Tail(const char* p, size_t n) {
    if (n <= 8) return 0;
    uint64_t v;
    std::memcpy(&v, p + n - 8, 8);
    return v;
  }
  size_t Slot(uint64_t head, uint64_t tail, size_t n) const {
    return static_cast<size_t>(((head ^ (tail * 31) ^ n) * multiplier_) >> (64 - kSlotBits));
  }
  uint64_t multiplier_ = 0;
  std::array<Entry, size_t{1} << kSlotBits> slots_;
};

enum TopField {
  kEventVersion, kUserIdentity, kEventTime, kEventSource, kEventName, kAwsRegion,
  kSourceIpAddress, kUserAgent, kErrorCode, kErrorMessage, kRequestParameters,
  kResponseElements, kAdditionalEventData, kRequestId, kEventId, kReadOnly, kResources,
  kEventType, kApiVersion, kManagementEvent, kRecipientAccountId, kSharedEventId, kAnnotation,
  kVpcEndpointId, kVpcEndpointAccountId, kServiceEventDetails, kAddendum, kEdgeDeviceDetails,
  kInsightDetails, kEventCategory, kTlsDetails, kSessionCredentialFromConsole,
};
const KeyTable kTopKeys = {
    "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
    "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestParameters",
    "responseElements", "additionalEventData", "requestID", "eventID", "readOnly", "resources",
    "eventType", "apiVersion", "managementEvent", "recipientAccountId", "sharedEventID",
    "annotation", "vpcEndpointId", "vpcEndpointAccountId", "serviceEventDetails", "addendum",
    "edgeDeviceDetails", "insightDetails", "eventCategory", "tlsDetails",
    "sessionCredentialFromConsole",
};

enum UserIdentityField {
  kUiType, kUiPrincipalId, kUiArn, kUiAccountId, kUiAccessKeyId, kUiUserName, kUiInvokedBy,
  kUiIdentityProvider, kUiCredentialId, kUiSessionContext, kUiOnBehalfOf, kUiInScopeOf,
};
const KeyTable kUserIdentityKeys = {
    "type", "principalId", "arn", "accountId", "accessKeyId", "userName", "invokedBy",
    "identityProvider", "credentialId", "sessionContext", "onBehalfOf", "inScopeOf",
};

enum SessionContextField {
  kScAttributes, kScSessionIssuer, kScWebIdFederationData, kScSourceIdentity,
  kScEc2RoleDelivery, kScEc2IssuedInVpc,
};
const KeyTable kSessionContextKeys = {
    "attributes", "sessionIssuer", "webIdFederationData", "sourceIdentity", "ec2RoleDelivery",
    "ec2IssuedInVpc",
};

const KeyTable kAttributesKeys = {"creationDate", "mfaAuthenticated"};
const KeyTable kSessionIssuerKeys = {"type", "principalId", "arn", "accountId", "userName"};
const KeyTable kWebIdKeys = {"federatedProvider", "attributes"};
const KeyTable kOnBehalfOfKeys = {"userId", "identityStoreArn"};
const KeyTable kInScopeOfKeys = {"sourceArn", "sourceAccount", "issuerType",
                                 "credentialsIssuedTo"};
const KeyTable kTlsKeys = {"tlsVersion", "cipherSuite", "clientProvidedHostHeader",
                           "keyExchange"};
// Records use "ARN"; the Lake schema spells it "arn". Both are accepted.
const KeyTable kResourceKeys = {"ARN", "arn", "accountId", "type"};

std::string_view JsonTypeName(char first) {
  switch (first) {
    case '{': return "an object";
    case '[': return "an array";
    case '"': return "a string";
    case 't':
    case 'f': return "a boolean";
    case 'n': return "null";
    default: return "a number";
  }
}

std::string_view TrimTrailingSpace(std::string_view s) {
  size_t n = s.size();
  while (n > 0 && json_scan::IsSpace(s[n - 1])) --n;
  return s.substr(0, n);
}

// True if `t` follows the JSON number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view t) {
  size_t i = 0, n = t.size();
  auto digit = [&](size_t k) { return k < n && t[k] >= '0' && t[k] <= '9'; };
  if (i < n && t[i] == '-') ++i;
  if (!digit(i)) return false;
  if (t[i] == '0') {
    ++i;
  } else {
    while (digit(i)) ++i;
  }
  if (i < n && t[i] == '.') {
    ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == n;
}

// A key's raw bytes (between the quotes) when it has no escapes; `*escaped` is set otherwise.
std::string_view RawKey(od::raw_json_string key, bool* escaped) {
  const char* p = key.raw();
  size_t n = 0;
  while (p[n] != '"') {
    if (p[n] == '\\') {
      *escaped = true;
      return {};
    }
    ++n;
  }
  *escaped = false;
  return {p, n};
}

std::string Quoted(std::string_view s) {
  constexpr size_t kMaxShown = 80;
  std::string out;
  JsonWriter::AppendString(&out, s.size() > kMaxShown ? s.substr(0, kMaxShown) : s);
  if (s.size() > kMaxShown) out.insert(out.size() - 1, "...");
  return out;
}

}  // namespace

std::string RecordLocation(const RecordSource& src) {
  std::string out(src.file);
  if (src.line >= 0) {
    out += ": line " + std::to_string(src.line) + " (record " + std::to_string(src.index) + ")";
  } else {
    out += ": record " + std::to_string(src.index) + " (offset " + std::to_string(src.offset) + ")";
  }
  return out;
}

// The parse of one record. Members hold the failure (reason and message) so the many small
// readers can return a plain bool on the hot path.
class RecordParser::Impl {
 public:
  explicit Impl(const RecordParserOptions& options) : options_(options) {}

  bool ParseRecord(Str json, EventBatch* batch, Event* e);

  bool has_backslash = true;  // false: the record has no escapes anywhere

  RejectReason reason = RejectReason::kInvalidJson;
  std::string message;

 private:
  using FieldReader = bool (Impl::*)(od::value&, int, std::string_view);

  bool Fail(RejectReason r, std::string m) {
    reason = r;
    message = std::move(m);
    return false;
  }
  bool JsonError(simdjson::error_code err, std::string_view path) {
    std::string m = "invalid JSON";
    if (!path.empty()) m += " in " + std::string(path);
    m += ": ";
    m += simdjson::error_message(err);
    return Fail(RejectReason::kInvalidJson, std::move(m));
  }
  bool WrongType(std::string_view path, char first, std::string_view expected) {
    return Fail(RejectReason::kWrongType, std::string(path) + " is " +
                                              std::string(JsonTypeName(first)) + ", expected " +
                                              std::string(expected));
  }

  // Readers for one value. `path` names the field in messages.
  bool ReadString(od::value& v, Str* out, std::string_view path);
  bool ReadStringToken(od::value& v, std::string_view tok, Str* out, std::string_view path);
  bool ReadNull(od::value& v, std::string_view path);
  bool ReadText(od::value& v, Str* out, std::string_view path);
  bool ReadBool(od::value& v, OptBool* out, std::string_view path);
  bool ReadObjectJson(od::value& v, Str* out, std::string_view path);
  bool ReadEventTime(od::value& v, Event* e, bool* present);
  bool ReadResources(od::value& v, Event* e);
  bool ReadUserIdentity(od::value& v, UserIdentity* u);
  bool ReadSessionContext(od::value& v, UserIdentity* u);
  bool ReadTlsDetails(od::value& v, TlsDetails* t);
  // Iterates an object (or accepts null), calling `on_field(id, value)` for keys found in `keys`
  // and validating the rest. Returns false on error (already recorded).
  template <typename OnField>
  bool ForEachField(od::value& v, const KeyTable& keys, std::string_view path, int depth,
                    OnField&& on_field);
  // Checks that `v` (and everything in it) is valid JSON, without keeping anything.
  bool Validate(od::value v, int depth, std::string_view path);
  bool SkipUnknown(od::value& v, int depth, std::string_view path) {
    return options_.validate_payloads ? Validate(v, depth, path) : true;
  }

  const RecordParserOptions& options_;
  EventBatch* batch_ = nullptr;

 public:
  od::parser parser;
};

bool RecordParser::Impl::ReadNull(od::value& v, std::string_view path) {
  bool is_null = false;
  auto err = v.is_null().get(is_null);
  if (err) return JsonError(err, path);
  if (!is_null) return Fail(RejectReason::kInvalidJson, "invalid JSON in " + std::string(path));
  return true;
}

bool RecordParser::Impl::ReadStringToken(od::value& v, std::string_view tok, Str* out,
                                         std::string_view path) {
  // raw_json_token() spans the token and the whitespace after it, up to the next token; a string
  // token ends at its last non-space byte, the closing quote.
  tok = TrimTrailingSpace(tok);
  if (tok.size() < 2 || tok.back() != '"') {
    return Fail(RejectReason::kInvalidJson, "invalid JSON in " + std::string(path));
  }
  Str content(tok.data() + 1, tok.size() - 2);
  if (!has_backslash || std::memchr(content.data(), '\\', content.size()) == nullptr) {
    *out = content;  // points into the input buffer, which the batch owns
    return true;
  }
  std::string_view unescaped;
  auto err = v.get_string().get(unescaped);
  if (err) return JsonError(err, path);
  *out = batch_->Copy(unescaped.data() ? unescaped : Str("", 0));
  return true;
}

bool RecordParser::Impl::ReadString(od::value& v, Str* out, std::string_view path) {
  std::string_view tok = v.raw_json_token();
  if (tok.empty()) return Fail(RejectReason::kInvalidJson, "invalid JSON in " + std::string(path));
  switch (tok[0]) {
    case '"': return ReadStringToken(v, tok, out, path);
    case 'n':
      *out = Str();
      return ReadNull(v, path);
    default: return WrongType(path, tok[0], "a string");
  }
}

bool RecordParser::Impl::ReadText(od::value& v, Str* out, std::string_view path) {
  std::string_view tok = v.raw_json_token();
  if (tok.empty()) return Fail(RejectReason::kInvalidJson, "invalid JSON in " + std::string(path));
  switch (tok[0]) {
    case '"': return ReadStringToken(v, tok, out, path);
    case 'n':
      *out = Str();
      return ReadNull(v, path);
    case 't':
    case 'f': {
      bool b = false;
      auto err = v.get_bool().get(b);
      if (err) return JsonError(err, path);
      *out = b ? kTrue : kFalse;
      return true;
    }
    case '{':
    case '[': return WrongType(path, tok[0], "a string");
    default: {
      // A number where text belongs (eventVersion 1.1 from a spreadsheet): keep its JSON text.
      std::string_view t = TrimTrailingSpace(tok);
      if (!IsJsonNumber(t)) {
        return Fail(RejectReason::kInvalidJson, "invalid JSON in " + std::string(path));
      }
      *out = t;
      return true;
    }
  }
}

bool RecordParser::Impl::ReadBool(od::value& v, OptBool* out, std::string_view path) {
  std::string_view tok = v.raw_json_token();
  if (tok.empty()) return Fail(RejectReason::kInvalidJson, "invalid JSON in " + std::string(path));
  switch (tok[0]) {
    case 't':
    case 'f': {
      bool b = false;
      auto err = v.get_bool().get(b);
      if (err) return JsonError(err, path);
      *out = b ? OptBool::kTrue : OptBool::kFalse;
      return true;
    }
    case 'n':
      *out = OptBool::kNull;
      return ReadNull(v, path);
    case '"': {
      // LookupEvents and advanced selectors spell booleans as strings; forgive that slip.
      Str s;
      if (!ReadStringToken(v, tok, &s, path)) return false;
      if (s == "true") {
        *out = OptBool::kTrue;
      } else if (s == "false") {
        *out = OptBool::kFalse;
      } else {
        return Fail(RejectReason::kWrongType,
                    std::string(path) + " is the string " + Quoted(s) + ", expected a boolean");
      }
      return true;
    }
    default: return WrongType(path, tok[0], "a boolean");
  }
}

bool RecordParser::Impl::ReadObjectJson(od::value& v, Str* out, std::string_view path) {
  std::string_view tok = v.raw_json_token();
  if (tok.empty()) return Fail(RejectReason::kInvalidJson, "invalid JSON in " + std::string(path));
  if (tok[0] == 'n') {
    *out = Str();
    return ReadNull(v, path);
  }
  if (tok[0] != '{') return WrongType(path, tok[0], "an object");
  const char* start = tok.data();
  const char* end = nullptr;
  if (options_.validate_payloads) {
    if (!Validate(v, 1, path)) return false;
    // After the object is consumed, the iterator stands on the token that follows it.
    const char* next = nullptr;
    auto err = v.current_location().get(next);
    if (err) return JsonError(err, path);
    end = next;
  } else {
    od::object obj;
    auto err = v.get_object().get(obj);
    if (err) return JsonError(err, path);
    std::string_view raw;
    err = obj.raw_json().get(raw);
    if (err) return JsonError(err, path);
    end = raw.data() + raw.size();
  }
  std::string_view text = TrimTrailingSpace(std::string_view(start, end - start));
  if (text.empty() || text.back() != '}') {
    return Fail(RejectReason::kInvalidJson, "invalid JSON in " + std::string(path));
  }
  *out = text;
  return true;
}

bool RecordParser::Impl::Validate(od::value v, int depth, std::string_view path) {
  if (depth > kMaxDepth) {
    return Fail(RejectReason::kInvalidJson, std::string(path) + " is nested too deeply");
  }
  std::string_view tok = v.raw_json_token();
  if (tok.empty()) return Fail(RejectReason::kInvalidJson, "invalid JSON in " + std::string(path));
  simdjson::error_code err;
  switch (tok[0]) {
    case '{': {
      od::object obj;
      if ((err = v.get_object().get(obj))) return JsonError(err, path);
      for (auto fr : obj) {
        od::field f;
        if ((err = std::move(fr).get(f))) return JsonError(err, path);
        bool escaped = false;
        RawKey(f.key(), &escaped);
        if (escaped) {
          std::string_view k;
          if ((err = f.unescaped_key().get(k))) return JsonError(err, path);
        }
        if (!Validate(f.value(), depth + 1, path)) return false;
      }
      return true;
    }
    case '[': {
      od::array arr;
      if ((err = v.get_array().get(arr))) return JsonError(err, path);
      for (auto er : arr) {
        od::value el;
        if ((err = std::move(er).get(el))) return JsonError(err, path);
        if (!Validate(el, depth + 1, path)) return false;
      }
      return true;
    }
    case '"': {
      Str ignored;
      std::string_view t = TrimTrailingSpace(tok);
      if (t.size() < 2 || t.back() != '"') {
        return Fail(RejectReason::kInvalidJson, "invalid JSON in " + std::string(path));
      }
      if (has_backslash && std::memchr(t.data() + 1, '\\', t.size() - 2) != nullptr) {
        std::string_view s;
        if ((err = v.get_string().get(s))) return JsonError(err, path);
      }
      return true;
    }
    case 't':
    case 'f': {
      bool b;
      if ((err = v.get_bool().get(b))) return JsonError(err, path);
      return true;
    }
    case 'n': return ReadNull(v, path);
    default:
      if (!IsJsonNumber(TrimTrailingSpace(tok))) {
        return Fail(RejectReason::kInvalidJson, "invalid JSON in " + std::string(path));
      }
      return true;
  }
}

template <typename OnField>
bool RecordParser::Impl::ForEachField(od::value& v, const KeyTable& keys, std::string_view path,
                                      int depth, OnField&& on_field) {
  std::string_view tok = v.raw_json_token();
  if (tok.empty()) return Fail(RejectReason::kInvalidJson, "invalid JSON in " + std::string(path));
  if (tok[0] == 'n') return ReadNull(v, path);
  if (tok[0] != '{') return WrongType(path, tok[0], "an object");
  od::object obj;
  simdjson::error_code err;
  if ((err = v.get_object().get(obj))) return JsonError(err, path);
  for (auto fr : obj) {
    od::field f;
    if ((err = std::move(fr).get(f))) return JsonError(err, path);
    bool escaped = false;
    std::string_view key = RawKey(f.key(), &escaped);
    if (escaped && (err = f.unescaped_key().get(key))) return JsonError(err, path);
    od::value& value = f.value();
    int id = escaped ? keys.FindUnpadded(key) : keys.Find(key);
    if (id < 0) {
      if (!SkipUnknown(value, depth + 1, path)) return false;
      continue;
    }
    if (!on_field(id, value)) return false;
  }
  return true;
}

bool RecordParser::Impl::ReadEventTime(od::value& v, Event* e, bool* present) {
  std::string_view tok = v.raw_json_token();
  if (tok.empty()) return Fail(RejectReason::kInvalidJson, "invalid JSON in eventTime");
  if (tok[0] == 'n') {
    *present = false;
    return ReadNull(v, "eventTime");
  }
  if (tok[0] != '"') {
    return Fail(RejectReason::kBadEventTime, "eventTime is " + std::string(JsonTypeName(tok[0])) +
                                                 ", expected an RFC 3339 date-time string");
  }
  Str s;
  if (!ReadStringToken(v, tok, &s, "eventTime")) return false;
  std::optional<int64_t> us = ParseTimestampMicros(s);
  if (!us) {
    return Fail(RejectReason::kBadEventTime,
                "eventTime " + Quoted(s) + " is not an RFC 3339 date-time");
  }
  // eventTime is kept to the whole second (spec P11); round toward the past.
  int64_t t = *us;
  int64_t rem = t % kMicrosPerSecond;
  if (rem < 0) rem += kMicrosPerSecond;
  e->event_time_us = t - rem;
  *present = true;
  return true;
}

bool RecordParser::Impl::ReadResources(od::value& v, Event* e) {
  std::string_view tok = v.raw_json_token();
  if (tok.empty()) return Fail(RejectReason::kInvalidJson, "invalid JSON in resources");
  if (tok[0] == 'n') {
    e->resources_begin = static_cast<uint32_t>(batch_->resources.size());
    e->resources_count = 0;
    return ReadNull(v, "resources");
  }
  if (tok[0] != '[') return WrongType("resources", tok[0], "an array");
  od::array arr;
  simdjson::error_code err;
  if ((err = v.get_array().get(arr))) return JsonError(err, "resources");
  e->resources_begin = static_cast<uint32_t>(batch_->resources.size());
  uint32_t count = 0;
  for (auto er : arr) {
    od::value el;
    if ((err = std::move(er).get(el))) return JsonError(err, "resources");
    std::string_view et = el.raw_json_token();
    if (et.empty()) return Fail(RejectReason::kInvalidJson, "invalid JSON in resources");
    if (et[0] != '{') {
      return WrongType("resources[" + std::to_string(count) + "]", et[0], "an object");
    }
    Resource r;
    bool ok = ForEachField(el, kResourceKeys, "resources[]", 2, [&](int id, od::value& fv) {
      switch (id) {
        case 0:
        case 1: return ReadString(fv, &r.arn, "resources[].ARN");
        case 2: return ReadString(fv, &r.account_id, "resources[].accountId");
        default: return ReadString(fv, &r.type, "resources[].type");
      }
    });
    if (!ok) return false;
    batch_->resources.push_back(r);
    ++count;
  }
  e->resources_count = count;
  return true;
}

bool RecordParser::Impl::ReadSessionContext(od::value& v, UserIdentity* u) {
  return ForEachField(v, kSessionContextKeys, "userIdentity.sessionContext", 2,
                      [&](int id, od::value& fv) -> bool {
    switch (id) {
      case kScAttributes:
        return ForEachField(fv, kAttributesKeys, "userIdentity.sessionContext.attributes", 3,
                            [&](int aid, od::value& av) -> bool {
          if (aid == 1) {
            return ReadText(av, &u->mfa_authenticated,
                            "userIdentity.sessionContext.attributes.mfaAuthenticated");
          }
          constexpr std::string_view kPath = "userIdentity.sessionContext.attributes.creationDate";
          Str s;
          if (!ReadString(av, &s, kPath)) return false;
          if (IsNull(s)) {
            u->creation_date_us = INT64_MIN;
            return true;
          }
          std::optional<int64_t> us = ParseTimestampMicros(s, /*allow_basic=*/true);
          if (!us) {
            return Fail(RejectReason::kWrongType,
                        std::string(kPath) + " " + Quoted(s) + " is not an ISO 8601 date-time");
          }
          u->creation_date_us = *us;
          return true;
        });
      case kScSessionIssuer: {
        SessionIssuer& si = u->session_issuer;
        return ForEachField(fv, kSessionIssuerKeys, "userIdentity.sessionContext.sessionIssuer", 3,
                            [&](int sid, od::value& sv) -> bool {
          static constexpr std::string_view kPaths[] = {
              "userIdentity.sessionContext.sessionIssuer.type",
              "userIdentity.sessionContext.sessionIssuer.principalId",
              "userIdentity.sessionContext.sessionIssuer.arn",
              "userIdentity.sessionContext.sessionIssuer.accountId",
              "userIdentity.sessionContext.sessionIssuer.userName"};
          Str* fields[] = {&si.type, &si.principal_id, &si.arn, &si.account_id, &si.user_name};
          return ReadString(sv, fields[sid], kPaths[sid]);
        });
      }
      case kScWebIdFederationData:
        return ForEachField(
            fv, kWebIdKeys, "userIdentity.sessionContext.webIdFederationData", 3,
            [&](int wid, od::value& wv) -> bool {
              if (wid == 0) {
                return ReadString(wv, &u->web_id_federated_provider,
                                  "userIdentity.sessionContext.webIdFederationData.federatedProvider");
              }
              return ReadObjectJson(wv, &u->web_id_attributes_json,
                                    "userIdentity.sessionContext.webIdFederationData.attributes");
            });
      case kScSourceIdentity:
        return ReadString(fv, &u->source_identity, "userIdentity.sessionContext.sourceIdentity");
      case kScEc2RoleDelivery:
        return ReadText(fv, &u->ec2_role_delivery, "userIdentity.sessionContext.ec2RoleDelivery");
      default:
        return ReadText(fv, &u->ec2_issued_in_vpc, "userIdentity.sessionContext.ec2IssuedInVpc");
    }
  });
}

bool RecordParser::Impl::ReadUserIdentity(od::value& v, UserIdentity* u) {
  std::string_view tok = v.raw_json_token();
  u->present = !tok.empty() && tok[0] == '{';
  return ForEachField(v, kUserIdentityKeys, "userIdentity", 1, [&](int id, od::value& fv) -> bool {
    switch (id) {
      case kUiType: return ReadString(fv, &u->type, "userIdentity.type");
      case kUiPrincipalId: return ReadString(fv, &u->principal_id, "userIdentity.principalId");
      case kUiArn: return ReadString(fv, &u->arn, "userIdentity.arn");
      case kUiAccountId: return ReadString(fv, &u->account_id, "userIdentity.accountId");
      case kUiAccessKeyId: return ReadString(fv, &u->access_key_id, "userIdentity.accessKeyId");
      case kUiUserName: return ReadString(fv, &u->user_name, "userIdentity.userName");
      case kUiInvokedBy: return ReadString(fv, &u->invoked_by, "userIdentity.invokedBy");
      case kUiIdentityProvider:
        return ReadString(fv, &u->identity_provider, "userIdentity.identityProvider");
      case kUiCredentialId: return ReadString(fv, &u->credential_id, "userIdentity.credentialId");
      case kUiSessionContext: return ReadSessionContext(fv, u);
      case kUiOnBehalfOf:
        return ForEachField(fv, kOnBehalfOfKeys, "userIdentity.onBehalfOf", 2,
                            [&](int oid, od::value& ov) -> bool {
          return oid == 0 ? ReadString(ov, &u->on_behalf_of_user_id, "userIdentity.onBehalfOf.userId")
                          : ReadString(ov, &u->on_behalf_of_identity_store_arn,
                                       "userIdentity.onBehalfOf.identityStoreArn");
        });
      default:
        return ForEachField(fv, kInScopeOfKeys, "userIdentity.inScopeOf", 2,
                            [&](int sid, od::value& sv) -> bool {
          static constexpr std::string_view kPaths[] = {
              "userIdentity.inScopeOf.sourceArn", "userIdentity.inScopeOf.sourceAccount",
              "userIdentity.inScopeOf.issuerType", "userIdentity.inScopeOf.credentialsIssuedTo"};
          Str* fields[] = {&u->in_scope_of_source_arn, &u->in_scope_of_source_account,
                           &u->in_scope_of_issuer_type, &u->in_scope_of_credentials_issued_to};
          return ReadString(sv, fields[sid], kPaths[sid]);
        });
    }
  });
}

bool RecordParser::Impl::ReadTlsDetails(od::value& v, TlsDetails* t) {
  return ForEachField(v, kTlsKeys, "tlsDetails", 1, [&](int id, od::value& fv) -> bool {
    static constexpr std::string_view kPaths[] = {"tlsDetails.tlsVersion", "tlsDetails.cipherSuite",
                                                  "tlsDetails.clientProvidedHostHeader",
                                                  "tlsDetails.keyExchange"};
    Str* fields[] = {&t->tls_version, &t->cipher_suite, &t->client_provided_host_header,
                     &t->key_exchange};
    return ReadString(fv, fields[id], kPaths[id]);
  });
}

bool RecordParser::Impl::ParseRecord(Str json, EventBatch* batch, Event* e) {
  batch_ = batch;
  od::document doc;
  auto err = parser.iterate(json.data(), json.size(), json.size() + simdjson::SIMDJSON_PADDING).get(doc);
  if (err) return JsonError(err, "");
  od::object obj;
  err = doc.get_object().get(obj);
  if (err) {
    if (err == simdjson::INCORRECT_TYPE) {
      char first = json.empty() ? '?' : json[json_scan::SkipWhitespace(json.data(), 0, json.size())];
      return Fail(RejectReason::kNotObject,
                  "the record is " + std::string(JsonTypeName(first)) + ", not a JSON object");
    }
    return JsonError(err, "");
  }
  bool has_time = false;
  for (auto fr : obj) {
    od::field f;
    if ((err = std::move(fr).get(f))) return JsonError(err, "");
    bool escaped = false;
    std::string_view key = RawKey(f.key(), &escaped);
    if (escaped && (err = f.unescaped_key().get(key))) return JsonError(err, "");
    od::value& v = f.value();
    bool ok;
    switch (escaped ? kTopKeys.FindUnpadded(key) : kTopKeys.Find(key)) {
      case kEventVersion: ok = ReadText(v, &e->event_version, "eventVersion"); break;
      case kUserIdentity: ok = ReadUserIdentity(v, &e->user_identity); break;
      case kEventTime: ok = ReadEventTime(v, e, &has_time); break;
      case kEventSource: ok = ReadString(v, &e->event_source, "eventSource"); break;
      case kEventName: ok = ReadString(v, &e->event_name, "eventName"); break;
      case kAwsRegion: ok = ReadString(v, &e->aws_region, "awsRegion"); break;
      case kSourceIpAddress: ok = ReadString(v, &e->source_ip_address, "sourceIPAddress"); break;
      case kUserAgent: ok = ReadString(v, &e->user_agent, "userAgent"); break;
      case kErrorCode: ok = ReadString(v, &e->error_code, "errorCode"); break;
      case kErrorMessage: ok = ReadString(v, &e->error_message, "errorMessage"); break;
      case kRequestParameters:
        ok = ReadObjectJson(v, &e->request_parameters_json, "requestParameters");
        break;
      case kResponseElements:
        ok = ReadObjectJson(v, &e->response_elements_json, "responseElements");
        break;
      case kAdditionalEventData:
        ok = ReadObjectJson(v, &e->additional_event_data_json, "additionalEventData");
        break;
      case kRequestId: ok = ReadString(v, &e->request_id, "requestID"); break;
      case kEventId: ok = ReadString(v, &e->event_id, "eventID"); break;
      case kReadOnly: ok = ReadBool(v, &e->read_only, "readOnly"); break;
      case kResources: ok = ReadResources(v, e); break;
      case kEventType: ok = ReadString(v, &e->event_type, "eventType"); break;
      case kApiVersion: ok = ReadString(v, &e->api_version, "apiVersion"); break;
      case kManagementEvent: ok = ReadBool(v, &e->management_event, "managementEvent"); break;
      case kRecipientAccountId:
        ok = ReadString(v, &e->recipient_account_id, "recipientAccountId");
        break;
      case kSharedEventId: ok = ReadString(v, &e->shared_event_id, "sharedEventID"); break;
      case kAnnotation: ok = ReadString(v, &e->annotation, "annotation"); break;
      case kVpcEndpointId: ok = ReadString(v, &e->vpc_endpoint_id, "vpcEndpointId"); break;
      case kVpcEndpointAccountId:
        ok = ReadString(v, &e->vpc_endpoint_account_id, "vpcEndpointAccountId");
        break;
      case kServiceEventDetails:
        ok = ReadObjectJson(v, &e->service_event_details_json, "serviceEventDetails");
        break;
      case kAddendum: ok = ReadObjectJson(v, &e->addendum_json, "addendum"); break;
      case kEdgeDeviceDetails:
        ok = ReadObjectJson(v, &e->edge_device_details_json, "edgeDeviceDetails");
        break;
      case kInsightDetails:
        ok = ReadObjectJson(v, &e->insight_details_json, "insightDetails");
        break;
      case kEventCategory: ok = ReadString(v, &e->event_category, "eventCategory"); break;
      case kTlsDetails: ok = ReadTlsDetails(v, &e->tls_details); break;
      case kSessionCredentialFromConsole:
        ok = ReadText(v, &e->session_credential_from_console, "sessionCredentialFromConsole");
        break;
      default: ok = SkipUnknown(v, 1, key); break;
    }
    if (!ok) return false;
  }
  // Anything after the record's closing brace ("{...} x") is not one record.
  const char* trailing = nullptr;
  if (!doc.current_location().get(trailing)) {
    return Fail(RejectReason::kInvalidJson, "invalid JSON: content after the record's end");
  }
  if (!has_time) return Fail(RejectReason::kMissingEventTime, "eventTime is missing");
  if (IsNull(e->event_id) || e->event_id.empty()) {
    return Fail(RejectReason::kMissingEventId,
                IsNull(e->event_id) ? "eventID is missing" : "eventID is empty");
  }
  if (IsNull(e->event_category)) {
    // Spec cloudtrail-events.md P1: records older than 1.07 have no eventCategory.
    if (e->event_type == "AwsCloudTrailInsight") {
      e->event_category = "Insight";
    } else if (e->event_type == "AwsVpceEvent") {
      e->event_category = "NetworkActivity";
    } else if (e->management_event == OptBool::kFalse) {
      e->event_category = "Data";
    } else {
      e->event_category = "Management";
    }
  }
  e->raw = json;
  return true;
}

RecordParser::RecordParser(RecordParserOptions options)
    : options_(options), impl_(std::make_unique<Impl>(options_)) {}

RecordParser::~RecordParser() = default;

Status RecordParser::Parse(Str json, const RecordSource& src, EventBatch* batch,
                           RejectReason* reason, bool has_backslash) {
  if (json.size() > options_.max_record_bytes) {
    *reason = RejectReason::kTooLarge;
    return Status::InvalidArgument(RecordLocation(src) + ": record is " +
                                   std::to_string(json.size()) + " bytes, over the limit of " +
                                   std::to_string(options_.max_record_bytes));
  }
  const size_t resources_mark = batch->resources.size();
  Event& e = batch->events.emplace_back();
  impl_->has_backslash = has_backslash;
  if (impl_->ParseRecord(json, batch, &e)) return Status::OK();
  batch->events.pop_back();
  batch->resources.resize(resources_mark);
  *reason = impl_->reason;
  return Status::InvalidArgument(RecordLocation(src) + ": " + impl_->message);
}

}  // namespace cairn
