#include "cloud/event_data_stores.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "cloud/access.h"
#include "cloud/router.h"
#include "common/json_writer.h"

namespace cairn::cloud {
namespace {

constexpr std::string_view kEnabled = "ENABLED";
constexpr std::string_view kStopped = "STOPPED_INGESTION";
constexpr std::string_view kPendingDeletion = "PENDING_DELETION";
constexpr std::string_view kExtendable = "EXTENDABLE_RETENTION_PRICING";
constexpr std::string_view kFixed = "FIXED_RETENTION_PRICING";

Status Err(StatusCode code, const char* name, std::string message) {
  return Status(code, std::move(message)).WithAwsError(name);
}

Status InvalidParameter(std::string message) {
  return Err(StatusCode::kInvalidArgument, "InvalidParameterException", std::move(message));
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

Status ValidateName(std::string_view name) {
  if (!ValidName(name)) {
    return InvalidParameter(fmt::format(
        "Name '{}' is not valid: use 3 to 128 characters of letters, digits, '.', '_' and '-'.",
        name));
  }
  return Status::OK();
}

Status ValidateRetention(int64_t days, std::string_view billing_mode) {
  const int64_t max = billing_mode == kFixed ? 2557 : 3653;
  if (days < 7 || days > max) {
    return InvalidParameter(
        fmt::format("RetentionPeriod {} is out of range: with {} it must be between 7 and {} days.",
                    days, billing_mode, max));
  }
  return Status::OK();
}

Status ValidateBillingMode(std::string_view mode) {
  if (mode != kExtendable && mode != kFixed) {
    return InvalidParameter(
        fmt::format("BillingMode '{}' is not valid: use EXTENDABLE_RETENTION_PRICING or "
                    "FIXED_RETENTION_PRICING.",
                    mode));
  }
  return Status::OK();
}

Status ValidateKmsKeyId(std::string_view key) {
  if (key.empty() || key.size() > 350) {
    return Err(StatusCode::kInvalidArgument, "InvalidKmsKeyIdException",
               "KmsKeyId must have 1 to 350 characters.");
  }
  return Status::OK();
}

Status ValidateTags(const TagList& tags) {
  if (tags.size() > 200) {
    return Err(StatusCode::kInvalidArgument, "InvalidTagParameterException",
               fmt::format("TagsList has {} tags; at most 200 are allowed.", tags.size()));
  }
  for (size_t i = 0; i < tags.size(); ++i) {
    const auto& [k, v] = tags[i];
    if (k.empty() || k.size() > 128 || v.size() > 256) {
      return Err(
          StatusCode::kInvalidArgument, "InvalidTagParameterException",
          fmt::format("TagsList[{}]: a key has 1 to 128 characters and a value at most 256.", i));
    }
  }
  return Status::OK();
}

Status NotFound(std::string_view ref) {
  return Err(StatusCode::kNotFound, "EventDataStoreNotFoundException",
             fmt::format("The specified event data store {} was not found.", ref));
}

Status Inactive(const EventDataStoreInfo& info) {
  return Err(StatusCode::kFailedPrecondition, "InactiveEventDataStoreException",
             fmt::format("The event data store {} is inactive (PENDING_DELETION).", info.Arn()));
}

bool IsManagementAdmin(const Principal& p) {
  return p.in_management_account && p.role == Role::kAdmin;
}

bool ValidRefChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '/' || c == '-' || c == ':';
}

}  // namespace

std::string EventDataStoreInfo::Arn() const {
  return fmt::format("arn:aws:cloudtrail:{}:{}:eventdatastore/{}", region, account, id);
}

std::string TagsJson(const TagList& tags) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const auto& [k, v] : tags) w.BeginObject().Member("Key", k).Member("Value", v).EndObject();
  w.EndArray();
  return out;
}

TagList TagsFromJson(std::string_view json) {
  TagList out;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc)) return out;
  simdjson::dom::array arr;
  if (doc.get_array().get(arr)) return out;
  for (simdjson::dom::element t : arr) {
    std::string_view k, v;
    if (t["Key"].get(k) || t["Value"].get(v)) continue;
    out.emplace_back(std::string(k), std::string(v));
  }
  return out;
}

Result<std::string> ParseEventDataStoreRef(std::string_view ref) {
  auto invalid = [&]() {
    return Err(
        StatusCode::kInvalidArgument, "EventDataStoreARNInvalidException",
        fmt::format("The specified event data store ARN '{}' is not valid.", ref.substr(0, 300)));
  };
  if (ref.size() < 3 || ref.size() > 256) return invalid();
  for (char c : ref) {
    if (!ValidRefChar(c)) return invalid();
  }
  if (ref.starts_with("arn:")) {
    // arn:aws:cloudtrail:<region>:<account>:eventdatastore/<id>
    std::vector<std::string_view> parts;
    size_t pos = 0;
    for (int i = 0; i < 5; ++i) {
      size_t colon = ref.find(':', pos);
      if (colon == std::string_view::npos) return invalid();
      parts.push_back(ref.substr(pos, colon - pos));
      pos = colon + 1;
    }
    std::string_view resource = ref.substr(pos);
    if (parts[2] != "cloudtrail" || !resource.starts_with("eventdatastore/")) return invalid();
    std::string_view id = resource.substr(std::string_view("eventdatastore/").size());
    if (id.empty() || id.find('/') != std::string_view::npos) return invalid();
    return std::string(id);
  }
  if (ref.find(':') != std::string_view::npos || ref.find('/') != std::string_view::npos) {
    return invalid();
  }
  return std::string(ref);
}

Str EventAccount(const Event& e) {
  if (!IsNull(e.recipient_account_id)) return e.recipient_account_id;
  return e.user_identity.account_id;
}

Result<std::unique_ptr<EventDataStores>> EventDataStores::Open(DataDir* dir, Options options) {
  std::unique_ptr<EventDataStores> r(new EventDataStores(dir, std::move(options)));
  RETURN_IF_ERROR(r->Load());
  if (!r->options_.management_account.empty()) RETURN_IF_ERROR(r->Adopt());
  return r;
}

namespace {
constexpr const char* kColumns =
    "id, account, region, name, status, selectors, multi_region, organization, "
    "termination_protection, billing_mode, kms_key_id, tags, created_us, updated_us, deletion_us";
}

Status EventDataStores::Load() {
  MetadataDb* db = dir_->metadata();
  ASSIGN_OR_RETURN(Statement q,
                   db->Prepare(std::string("SELECT ") + kColumns +
                               ", (SELECT retention_days FROM stores s WHERE s.id = l.id) "
                               "FROM lake_event_data_stores l"));
  std::lock_guard<std::mutex> l(mu_);
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    EventDataStoreInfo info;
    info.id = q.Text(0).value_or("");
    info.account = q.Text(1).value_or("");
    info.region = q.Text(2).value_or("");
    info.name = q.Text(3).value_or("");
    info.status = q.Text(4).value_or("");
    ASSIGN_OR_RETURN(info.selectors, EventSelectorSet::FromJsonText(q.Text(5).value_or("")));
    info.multi_region = q.Int(6) != 0;
    info.organization = q.Int(7) != 0;
    info.termination_protection = q.Int(8) != 0;
    info.billing_mode = q.Text(9).value_or("");
    info.kms_key_id = q.Text(10).value_or("");
    info.tags = TagsFromJson(q.Text(11).value_or("[]"));
    info.created_us = q.Int(12);
    info.updated_us = q.Int(13);
    info.deletion_us = q.Int(14);
    info.retention_days = static_cast<uint32_t>(q.Int(15));
    stores_[info.id] = std::move(info);
  }
  return Status::OK();
}

Status EventDataStores::Adopt() {
  ASSIGN_OR_RETURN(std::vector<StoreRecord> records, dir_->ListStores());
  std::lock_guard<std::mutex> l(mu_);
  for (const StoreRecord& r : records) {
    if (r.kind != StoreKind::kEventDataStore || stores_.count(r.id) > 0) continue;
    if (r.name != DataDir::kOrganizationStoreName) continue;
    EventDataStoreInfo info;
    info.id = r.id;
    info.account = options_.management_account;
    info.region = options_.home_region;
    info.name = r.name;
    info.status = std::string(kEnabled);
    // Import fills it with every CloudTrail event of every account.
    simdjson::dom::parser parser;
    simdjson::padded_string sel(std::string_view(
        R"([{"Name":"All CloudTrail events","FieldSelectors":[{"Field":"eventCategory",)"
        R"("Equals":["Management","Data","NetworkActivity"]}]}])"));
    ASSIGN_OR_RETURN(info.selectors, EventSelectorSet::FromJson(parser.parse(sel).value()));
    info.organization = true;
    info.billing_mode = std::string(kFixed);
    info.retention_days = r.retention_days;
    info.created_us = info.updated_us = r.created_us;
    // The name may clash with a store created before the import: keep the id as the name then.
    bool clash = false;
    for (const auto& [id, other] : stores_) {
      clash |=
          other.account == info.account && other.region == info.region && other.name == info.name;
    }
    if (clash) info.name = "organization-" + info.id.substr(0, 8);
    RETURN_IF_ERROR(Save(info, /*insert=*/true));
    stores_[info.id] = std::move(info);
  }
  return Status::OK();
}

Status EventDataStores::Save(const EventDataStoreInfo& info, bool insert) {
  MetadataDb* db = dir_->metadata();
  ASSIGN_OR_RETURN(
      Statement s,
      db->Prepare(insert ? std::string("INSERT INTO lake_event_data_stores (") + kColumns +
                               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                         : "UPDATE lake_event_data_stores SET id = ?, account = ?, region = ?, "
                           "name = ?, status = ?, selectors = ?, multi_region = ?, "
                           "organization = ?, termination_protection = ?, billing_mode = ?, "
                           "kms_key_id = ?, tags = ?, created_us = ?, updated_us = ?, "
                           "deletion_us = ? WHERE id = ?1"));
  s.Bind(1, info.id)
      .Bind(2, info.account)
      .Bind(3, info.region)
      .Bind(4, info.name)
      .Bind(5, info.status)
      .Bind(6, info.selectors.ToJson())
      .Bind(7, int64_t{info.multi_region})
      .Bind(8, int64_t{info.organization})
      .Bind(9, int64_t{info.termination_protection})
      .Bind(10, info.billing_mode)
      .Bind(11, info.kms_key_id)
      .Bind(12, TagsJson(info.tags))
      .Bind(13, info.created_us)
      .Bind(14, info.updated_us)
      .Bind(15, info.deletion_us);
  return s.Run();
}

bool EventDataStores::VisibleTo(const Caller& caller, const EventDataStoreInfo& info) const {
  if (info.region != caller.region) return false;
  if (info.account == caller.principal->account_id || info.organization) return true;
  return ReadScopeOf(*caller.principal).all_accounts;
}

Status EventDataStores::CheckCanModify(const Caller& caller, const EventDataStoreInfo& info) const {
  const Principal& p = *caller.principal;
  if (IsManagementAdmin(p)) return Status::OK();
  if (info.organization) {
    return Err(StatusCode::kPermissionDenied, "NotOrganizationMasterAccountException",
               fmt::format("The event data store {} is an organization event data store: only the "
                           "organization's management account can change it.",
                           info.Arn()));
  }
  if (info.account != p.account_id) {
    return Err(StatusCode::kPermissionDenied, "AccessDeniedException",
               fmt::format("User: {} is not authorized to change event data store {}.", p.Arn(),
                           info.Arn()));
  }
  return Status::OK();
}

Result<EventDataStoreInfo> EventDataStores::FindVisible(const Caller& caller,
                                                        std::string_view ref) {
  ASSIGN_OR_RETURN(std::string id, ParseEventDataStoreRef(ref));
  auto it = stores_.find(id);
  if (it == stores_.end() || !VisibleTo(caller, it->second)) return NotFound(ref);
  // A full ARN must name the store's own account and region.
  if (ref.starts_with("arn:") && std::string_view(it->second.Arn()) != ref) return NotFound(ref);
  return it->second;
}

Result<EventDataStoreInfo> EventDataStores::Create(const Caller& caller,
                                                   const CreateEventDataStoreRequest& req) {
  RETURN_IF_ERROR(PurgeExpired(caller.now_us));
  const Principal& p = *caller.principal;
  RETURN_IF_ERROR(ValidateName(req.name));
  EventDataStoreInfo info;
  info.id = NewUuid();
  info.account = p.account_id;
  info.region = caller.region;
  info.name = req.name;
  info.selectors = req.selectors.value_or(EventSelectorSet::DefaultManagement());
  info.multi_region = req.multi_region.value_or(true);
  info.organization = req.organization.value_or(false);
  info.termination_protection = req.termination_protection.value_or(true);
  info.billing_mode = req.billing_mode.value_or(std::string(kExtendable));
  RETURN_IF_ERROR(ValidateBillingMode(info.billing_mode));
  const int64_t retention = req.retention_days.value_or(info.billing_mode == kFixed ? 2557 : 366);
  RETURN_IF_ERROR(ValidateRetention(retention, info.billing_mode));
  info.retention_days = static_cast<uint32_t>(retention);
  if (req.kms_key_id) {
    RETURN_IF_ERROR(ValidateKmsKeyId(*req.kms_key_id));
    info.kms_key_id = *req.kms_key_id;
  }
  RETURN_IF_ERROR(ValidateTags(req.tags));
  info.tags = req.tags;
  if (info.organization && !p.in_management_account) {
    return Err(StatusCode::kPermissionDenied, "NotOrganizationMasterAccountException",
               fmt::format("Account {} is not the organization's management account: it cannot "
                           "create an organization event data store.",
                           p.account_id));
  }
  info.status = req.start_ingestion.value_or(true) ? std::string(kEnabled) : std::string(kStopped);
  info.created_us = info.updated_us = caller.now_us;

  StoreRecord record;
  record.id = info.id;
  record.kind = StoreKind::kEventDataStore;
  record.name = info.name;
  record.account = info.account;
  record.region = info.region;
  record.path = "eds/" + info.id;
  record.created_us = info.created_us;
  record.retention_days = info.retention_days;
  {
    std::lock_guard<std::mutex> l(mu_);
    size_t count = 0;
    for (const auto& [id, other] : stores_) {
      if (other.account != info.account || other.region != info.region) continue;
      ++count;
      if (other.name == info.name) {
        return Err(StatusCode::kAlreadyExists, "EventDataStoreAlreadyExistsException",
                   fmt::format("An event data store named {} already exists in account {} and "
                               "region {}.",
                               info.name, info.account, info.region));
      }
    }
    if (count >= options_.max_stores) {
      return Err(StatusCode::kResourceExhausted, "EventDataStoreMaxLimitExceededException",
                 fmt::format("Account {} already has {} event data stores in {} (the limit, "
                             "stores pending deletion included).",
                             info.account, count, info.region));
    }
    RETURN_IF_ERROR(dir_->metadata()->Transaction([&]() -> Status {
      RETURN_IF_ERROR(dir_->Register(record));
      return Save(info, /*insert=*/true);
    }));
    stores_[info.id] = info;
  }
  // Create the store folder now, so a bad disk shows at creation rather than at first ingest.
  RETURN_IF_ERROR(dir_->OpenEventDataStore(record).status());
  return info;
}

Result<EventDataStoreInfo> EventDataStores::Get(const Caller& caller, std::string_view ref) {
  RETURN_IF_ERROR(PurgeExpired(caller.now_us));
  std::lock_guard<std::mutex> l(mu_);
  return FindVisible(caller, ref);
}

Result<std::vector<EventDataStoreInfo>> EventDataStores::List(const Caller& caller) {
  RETURN_IF_ERROR(PurgeExpired(caller.now_us));
  std::lock_guard<std::mutex> l(mu_);
  std::vector<EventDataStoreInfo> out;
  for (const auto& [id, info] : stores_) {
    if (VisibleTo(caller, info)) out.push_back(info);
  }
  std::sort(out.begin(), out.end(), [](const EventDataStoreInfo& a, const EventDataStoreInfo& b) {
    return std::tie(a.created_us, a.id) < std::tie(b.created_us, b.id);
  });
  return out;
}

Result<EventDataStoreInfo> EventDataStores::Update(const Caller& caller,
                                                   const UpdateEventDataStoreRequest& req) {
  RETURN_IF_ERROR(PurgeExpired(caller.now_us));
  if (!req.name && !req.selectors && !req.multi_region && !req.organization &&
      !req.termination_protection && !req.retention_days && !req.billing_mode && !req.kms_key_id) {
    return InvalidParameter(
        "UpdateEventDataStore needs at least one of Name, AdvancedEventSelectors, "
        "MultiRegionEnabled, OrganizationEnabled, RetentionPeriod, TerminationProtectionEnabled, "
        "KmsKeyId, BillingMode.");
  }
  std::lock_guard<std::mutex> l(mu_);
  ASSIGN_OR_RETURN(EventDataStoreInfo info, FindVisible(caller, req.store));
  RETURN_IF_ERROR(CheckCanModify(caller, info));
  if (info.status == kPendingDeletion) return Inactive(info);
  const uint32_t old_retention = info.retention_days;
  if (req.name) {
    RETURN_IF_ERROR(ValidateName(*req.name));
    for (const auto& [id, other] : stores_) {
      if (id != info.id && other.account == info.account && other.region == info.region &&
          other.name == *req.name) {
        return Err(StatusCode::kAlreadyExists, "EventDataStoreAlreadyExistsException",
                   fmt::format("An event data store named {} already exists.", *req.name));
      }
    }
    info.name = *req.name;
  }
  if (req.selectors) {
    if (req.selectors->family() != info.selectors.family()) {
      return Err(StatusCode::kInvalidArgument, "InvalidEventSelectorsException",
                 fmt::format("The event data store holds {} events; its selectors cannot change "
                             "it to {}.",
                             EventFamilyName(info.selectors.family()),
                             EventFamilyName(req.selectors->family())));
    }
    info.selectors = *req.selectors;
  }
  if (req.multi_region) info.multi_region = *req.multi_region;
  if (req.organization) {
    if (*req.organization && !caller.principal->in_management_account) {
      return Err(StatusCode::kPermissionDenied, "NotOrganizationMasterAccountException",
                 "Only the organization's management account can enable an organization event "
                 "data store.");
    }
    info.organization = *req.organization;
  }
  if (req.termination_protection) info.termination_protection = *req.termination_protection;
  if (req.billing_mode) {
    RETURN_IF_ERROR(ValidateBillingMode(*req.billing_mode));
    if (info.billing_mode == kExtendable && *req.billing_mode == kFixed) {
      return InvalidParameter(
          "BillingMode cannot change from EXTENDABLE_RETENTION_PRICING to "
          "FIXED_RETENTION_PRICING; create a new event data store instead.");
    }
    info.billing_mode = *req.billing_mode;
  }
  if (req.retention_days) {
    RETURN_IF_ERROR(ValidateRetention(*req.retention_days, info.billing_mode));
    info.retention_days = static_cast<uint32_t>(*req.retention_days);
  } else {
    RETURN_IF_ERROR(ValidateRetention(info.retention_days, info.billing_mode));
  }
  if (req.kms_key_id) {
    RETURN_IF_ERROR(ValidateKmsKeyId(*req.kms_key_id));
    if (!info.kms_key_id.empty() && info.kms_key_id != *req.kms_key_id) {
      return InvalidParameter("KmsKeyId cannot be changed once it is set.");
    }
    info.kms_key_id = *req.kms_key_id;
  }
  info.updated_us = caller.now_us;
  RETURN_IF_ERROR(dir_->metadata()->Transaction([&]() -> Status {
    RETURN_IF_ERROR(Save(info, /*insert=*/false));
    ASSIGN_OR_RETURN(
        Statement s,
        dir_->metadata()->Prepare("UPDATE stores SET name = ?, retention_days = ? WHERE id = ?"));
    return s.Bind(1, info.name)
        .Bind(2, static_cast<int64_t>(info.retention_days))
        .Bind(3, info.id)
        .Run();
  }));
  if (info.retention_days != old_retention) {
    ASSIGN_OR_RETURN(std::optional<StoreRecord> record, dir_->FindStore(info.id));
    if (record) {
      ASSIGN_OR_RETURN(EventStore * store, dir_->OpenEventDataStore(*record));
      RETURN_IF_ERROR(store->SetRetentionDays(info.retention_days));
    }
  }
  stores_[info.id] = info;
  return info;
}

void EventDataStores::SetDeleteGuard(DeleteGuard guard) {
  std::lock_guard<std::mutex> l(mu_);
  delete_guards_.push_back(std::move(guard));
}

Status EventDataStores::Delete(const Caller& caller, std::string_view ref) {
  RETURN_IF_ERROR(PurgeExpired(caller.now_us));
  std::vector<DeleteGuard> guards;
  EventDataStoreInfo info;
  {
    std::lock_guard<std::mutex> l(mu_);
    ASSIGN_OR_RETURN(info, FindVisible(caller, ref));
    RETURN_IF_ERROR(CheckCanModify(caller, info));
    if (info.status == kPendingDeletion) return Inactive(info);
    if (info.termination_protection) {
      return Err(StatusCode::kFailedPrecondition, "EventDataStoreTerminationProtectedException",
                 fmt::format("The event data store {} cannot be deleted because termination "
                             "protection is enabled.",
                             info.Arn()));
    }
    guards = delete_guards_;
  }
  // Channels and imports say whether they still need the store (their own locks).
  for (const DeleteGuard& g : guards) RETURN_IF_ERROR(g(info));
  std::lock_guard<std::mutex> l(mu_);
  auto it = stores_.find(info.id);
  if (it == stores_.end() || it->second.status == kPendingDeletion) return Inactive(info);
  info = it->second;
  info.status = std::string(kPendingDeletion);
  info.deletion_us = caller.now_us;
  info.updated_us = caller.now_us;
  RETURN_IF_ERROR(Save(info, /*insert=*/false));
  it->second = info;
  return Status::OK();
}

Result<EventDataStoreInfo> EventDataStores::Restore(const Caller& caller, std::string_view ref) {
  RETURN_IF_ERROR(PurgeExpired(caller.now_us));
  std::lock_guard<std::mutex> l(mu_);
  ASSIGN_OR_RETURN(EventDataStoreInfo info, FindVisible(caller, ref));
  RETURN_IF_ERROR(CheckCanModify(caller, info));
  if (info.status != kPendingDeletion) {
    return Err(StatusCode::kFailedPrecondition, "InvalidEventDataStoreStatusException",
               fmt::format("The event data store {} is {}; only a store in PENDING_DELETION can "
                           "be restored.",
                           info.Arn(), info.status));
  }
  info.status = std::string(kEnabled);
  info.deletion_us = 0;
  info.updated_us = caller.now_us;
  RETURN_IF_ERROR(Save(info, /*insert=*/false));
  stores_[info.id] = info;
  return info;
}

namespace {
Status CheckIngestionCategory(const EventDataStoreInfo& info) {
  const EventFamily f = info.selectors.family();
  if (f != EventFamily::kCloudTrail && f != EventFamily::kConfigurationItem) {
    return Err(StatusCode::kFailedPrecondition, "InvalidEventDataStoreCategoryException",
               fmt::format("Ingestion of the event data store {} ({} events) cannot be started "
                           "or stopped.",
                           info.Arn(), EventFamilyName(f)));
  }
  return Status::OK();
}
}  // namespace

Status EventDataStores::StartIngestion(const Caller& caller, std::string_view ref) {
  RETURN_IF_ERROR(PurgeExpired(caller.now_us));
  std::lock_guard<std::mutex> l(mu_);
  ASSIGN_OR_RETURN(EventDataStoreInfo info, FindVisible(caller, ref));
  RETURN_IF_ERROR(CheckCanModify(caller, info));
  RETURN_IF_ERROR(CheckIngestionCategory(info));
  if (info.status != kStopped) {
    return Err(StatusCode::kFailedPrecondition, "InvalidEventDataStoreStatusException",
               fmt::format("The event data store {} is {}; ingestion can be started only from "
                           "STOPPED_INGESTION.",
                           info.Arn(), info.status));
  }
  info.status = std::string(kEnabled);
  info.updated_us = caller.now_us;
  RETURN_IF_ERROR(Save(info, false));
  stores_[info.id] = info;
  return Status::OK();
}

Status EventDataStores::StopIngestion(const Caller& caller, std::string_view ref) {
  RETURN_IF_ERROR(PurgeExpired(caller.now_us));
  std::lock_guard<std::mutex> l(mu_);
  ASSIGN_OR_RETURN(EventDataStoreInfo info, FindVisible(caller, ref));
  RETURN_IF_ERROR(CheckCanModify(caller, info));
  RETURN_IF_ERROR(CheckIngestionCategory(info));
  if (info.status != kEnabled) {
    return Err(StatusCode::kFailedPrecondition, "InvalidEventDataStoreStatusException",
               fmt::format("The event data store {} is {}; ingestion can be stopped only when "
                           "ENABLED.",
                           info.Arn(), info.status));
  }
  info.status = std::string(kStopped);
  info.updated_us = caller.now_us;
  RETURN_IF_ERROR(Save(info, false));
  stores_[info.id] = info;
  return Status::OK();
}

Result<TagList> EventDataStores::GetTags(const Caller& caller, std::string_view ref) {
  RETURN_IF_ERROR(PurgeExpired(caller.now_us));
  std::lock_guard<std::mutex> l(mu_);
  ASSIGN_OR_RETURN(EventDataStoreInfo info, FindVisible(caller, ref));
  return info.tags;
}

Status EventDataStores::SetTags(const Caller& caller, std::string_view ref, const TagList& tags) {
  RETURN_IF_ERROR(PurgeExpired(caller.now_us));
  RETURN_IF_ERROR(ValidateTags(tags));
  std::lock_guard<std::mutex> l(mu_);
  ASSIGN_OR_RETURN(EventDataStoreInfo info, FindVisible(caller, ref));
  RETURN_IF_ERROR(CheckCanModify(caller, info));
  info.tags = tags;
  info.updated_us = caller.now_us;
  RETURN_IF_ERROR(Save(info, /*insert=*/false));
  stores_[info.id] = std::move(info);
  return Status::OK();
}

Result<EventDataStoreInfo> EventDataStores::ResolveForRead(const Caller& caller,
                                                           std::string_view ref) {
  std::lock_guard<std::mutex> l(mu_);
  ASSIGN_OR_RETURN(EventDataStoreInfo info, FindVisible(caller, ref));
  if (info.status == kPendingDeletion) return Inactive(info);
  return info;
}

Result<EventDataStoreInfo> EventDataStores::ResolveForWrite(const Caller& caller,
                                                            std::string_view ref) {
  std::lock_guard<std::mutex> l(mu_);
  ASSIGN_OR_RETURN(EventDataStoreInfo info, FindVisible(caller, ref));
  RETURN_IF_ERROR(CheckCanModify(caller, info));
  if (info.status == kPendingDeletion) return Inactive(info);
  return info;
}

std::optional<EventDataStoreInfo> EventDataStores::FindById(const std::string& id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = stores_.find(id);
  if (it == stores_.end()) return std::nullopt;
  return it->second;
}

Result<EventStore*> EventDataStores::OpenStore(const std::string& id) {
  ASSIGN_OR_RETURN(std::optional<StoreRecord> record, dir_->FindStore(id));
  if (!record) return NotFound(id);
  return dir_->OpenEventDataStore(*record);
}

Result<uint64_t> EventDataStores::Ingest(const EventBatch& batch) {
  std::vector<EventDataStoreInfo> targets;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [id, info] : stores_) {
      if (info.status == kEnabled && info.selectors.family() == EventFamily::kCloudTrail) {
        targets.push_back(info);
      }
    }
  }
  uint64_t appended = 0;
  for (const EventDataStoreInfo& info : targets) {
    EventBatch out;
    for (const Event& e : batch.events) {
      if (!info.organization && EventAccount(e) != info.account) continue;
      if (!info.multi_region && e.aws_region != info.region) continue;
      if (!info.selectors.Matches(e, batch)) continue;
      CopyEventInto(e, batch, &out);
    }
    if (out.events.empty()) continue;
    ASSIGN_OR_RETURN(EventStore * store, OpenStore(info.id));
    ASSIGN_OR_RETURN(AppendResult r, store->Append(std::move(out)));
    appended += r.accepted;
  }
  return appended;
}

Status EventDataStores::PurgeExpired(int64_t now_us) {
  std::vector<std::string> expired;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [id, info] : stores_) {
      if (info.status == kPendingDeletion &&
          now_us - info.deletion_us >= options_.deletion_wait_us) {
        expired.push_back(id);
      }
    }
  }
  for (const std::string& id : expired) {
    Status s = dir_->DropEventDataStore(id, [&]() -> Status {
      ASSIGN_OR_RETURN(Statement del, dir_->metadata()->Prepare(
                                          "DELETE FROM lake_event_data_stores WHERE id = ?"));
      return del.Bind(1, id).Run();
    });
    if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
    std::lock_guard<std::mutex> l(mu_);
    stores_.erase(id);
  }
  return Status::OK();
}

}  // namespace cairn::cloud
