// src/store/columns.h
//
// The column catalog: the one list of the columns an event data store keeps, in the Lake's naming
// (spec/lake.md §6.1: lower-case dotted paths such as
// "useridentity.sessioncontext.sessionissuer.arn"), with each column's type and how it is read from
// / written into an Event. The segment format, the scan API and the SQL binder all use this list.
//
// Column ids are stored in segment files: they are part of the on-disk format. Append new columns
// at the end; never renumber or reuse an id.
//
// Struct-valued Lake columns (useridentity, tlsdetails, ...) are flattened into their leaves.
// Map-valued columns (requestparameters, ...) hold the map's exact JSON object text (kMap).
// `resources` is a list column: its three children (resources.arn, .accountid, .type) hold one
// value per element. A few columns are not Lake columns (ColumnDef::lake == false): fields cairn
// parses but the Lake schema does not list, and `username`, derived per spec/event-history.md §6.
//
// Thread-safety: immutable tables and pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "event/event.h"

namespace cairn {

enum class ColumnId : uint16_t {
  kEventVersion = 0,
  kUserIdentityType = 1,
  kUserIdentityPrincipalId = 2,
  kUserIdentityArn = 3,
  kUserIdentityAccountId = 4,
  kUserIdentityAccessKeyId = 5,
  kUserIdentityUserName = 6,
  kUserIdentityInvokedBy = 7,
  kUserIdentityIdentityProvider = 8,
  kUserIdentityCredentialId = 9,  // not a Lake column
  kSessionCreationDate = 10,      // timestamp
  kSessionMfaAuthenticated = 11,
  kSessionIssuerType = 12,
  kSessionIssuerPrincipalId = 13,
  kSessionIssuerArn = 14,
  kSessionIssuerAccountId = 15,
  kSessionIssuerUserName = 16,
  kWebIdFederatedProvider = 17,
  kWebIdAttributes = 18,  // map
  kSessionSourceIdentity = 19,
  kSessionEc2RoleDelivery = 20,
  kSessionEc2IssuedInVpc = 21,
  kOnBehalfOfUserId = 22,
  kOnBehalfOfIdentityStoreArn = 23,
  kInScopeOfSourceArn = 24,
  kInScopeOfSourceAccount = 25,
  kInScopeOfIssuerType = 26,
  kInScopeOfCredentialsIssuedTo = 27,
  kEventTime = 28,  // timestamp
  kEventSource = 29,
  kEventName = 30,
  kAwsRegion = 31,
  kSourceIpAddress = 32,
  kUserAgent = 33,
  kErrorCode = 34,
  kErrorMessage = 35,
  kRequestParameters = 36,    // map
  kResponseElements = 37,     // map
  kAdditionalEventData = 38,  // map
  kRequestId = 39,
  kEventId = 40,
  kReadOnly = 41,            // bool
  kResourcesArn = 42,        // list child
  kResourcesAccountId = 43,  // list child
  kResourcesType = 44,       // list child
  kEventType = 45,
  kApiVersion = 46,
  kManagementEvent = 47,  // bool
  kRecipientAccountId = 48,
  kSharedEventId = 49,
  kAnnotation = 50,
  kVpcEndpointId = 51,
  kVpcEndpointAccountId = 52,
  kServiceEventDetails = 53,  // map
  kAddendum = 54,             // map
  kEdgeDeviceDetails = 55,    // map
  kInsightDetails = 56,       // map
  kEventCategory = 57,
  kTlsVersion = 58,
  kTlsCipherSuite = 59,
  kTlsClientProvidedHostHeader = 60,
  kTlsKeyExchange = 61,  // not a Lake column
  kSessionCredentialFromConsole = 62,
  kEventJson = 63,          // the exact original record (Event::raw)
  kEventJsonChecksum = 64,  // not stored: derived from eventjson by the reader of a scan
  kUsername = 65,           // derived (event-history.md §6), not a Lake column
};
inline constexpr int kColumnCount = 66;

enum class ColumnType : uint8_t {
  kString = 0,     // a string (NULL = Str with data() == nullptr)
  kMap = 1,        // a JSON object's exact text; the Lake shows it as map<string,string>
  kTimestamp = 2,  // int64 microseconds since the epoch, UTC; INT64_MIN = NULL
  kBool = 3,       // OptBool
};

struct ColumnDef {
  ColumnId id;
  std::string_view name;  // lower-case dotted Lake path, e.g. "useridentity.arn"
  ColumnType type;
  bool list_child;       // an element field of `resources` (one value per element, not per event)
  bool lake;             // part of the Lake schema of spec/lake.md §6.1
  bool low_cardinality;  // expected to have few distinct values (a hint for encodings)
  bool needle;           // a high-selectivity lookup key: segments keep a bloom filter per block
  bool stored;           // false for kEventJsonChecksum (computed from eventjson when asked)
};

// All columns, indexed by ColumnId value.
std::span<const ColumnDef> AllColumns();
inline const ColumnDef& GetColumn(ColumnId id) { return AllColumns()[static_cast<size_t>(id)]; }
// Finds a column by its name, case-insensitively ("userIdentity.ARN" finds "useridentity.arn").
// Also accepts "useridentity.inscopeof.credentiaisissuedto" (AWS's published spelling). Returns
// nullptr when there is no such column.
const ColumnDef* FindColumn(std::string_view name);

// The string-valued field of `e` behind column `id`, for kString and kMap columns that are not
// list children, except kUsername (derived, use DerivedUsername) and kEventJsonChecksum.
// kEventJson gives Event::raw. Returns nullptr for other columns.
const Str* StringField(const Event& e, ColumnId id);
Str* MutableStringField(Event* e, ColumnId id);
// The field of a resources element behind a list-child column; nullptr for other columns.
const Str* ResourceField(const Resource& r, ColumnId id);
Str* MutableResourceField(Resource* r, ColumnId id);
// kReadOnly / kManagementEvent.
OptBool BoolField(const Event& e, ColumnId id);
OptBool* MutableBoolField(Event* e, ColumnId id);
// kEventTime / kSessionCreationDate (INT64_MIN = NULL; eventtime is never NULL).
int64_t TimestampField(const Event& e, ColumnId id);
int64_t* MutableTimestampField(Event* e, ColumnId id);

// The user name event history shows for `e` (spec/event-history.md §6): "root" for Root, userName
// for IAMUser, the session name (principalId after ':', else sessionIssuer.userName) for
// AssumedRole/FederatedUser, onBehalfOf.userId for IdentityCenterUser, invokedBy for AWSService,
// otherwise userName. NULL when there is none. The view points into `e`'s memory or is static.
Str DerivedUsername(const Event& e);

// The string value of a non-list string/map column, including the derived kUsername.
// REQUIRES: GetColumn(id).type is kString or kMap, !list_child, id != kEventJsonChecksum.
Str StringValue(const Event& e, ColumnId id);

}  // namespace cairn
