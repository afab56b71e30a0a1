#include "cloud/event_data_store_selectors.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/json_writer.h"

namespace cairn::cloud {
namespace {

constexpr size_t kMaxSelectors = 5;
constexpr size_t kMaxValues = 500;

Status Invalid(std::string message) {
  return Status::InvalidArgument(std::move(message)).WithAwsError("InvalidEventSelectorsException");
}

bool ValidFieldName(std::string_view f) {
  if (f.empty() || f.size() > 1000) return false;
  for (char c : f) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '|';
    if (!ok) return false;
  }
  return true;
}

// Field names are matched case-sensitively, as AWS does.
enum class Kind { kManagement, kData, kNetwork, kOther };

std::optional<EventFamily> FamilyOfCategory(std::string_view c) {
  if (c == "Management" || c == "Data" || c == "NetworkActivity") return EventFamily::kCloudTrail;
  if (c == "Insight") return EventFamily::kInsight;
  if (c == "ConfigurationItem") return EventFamily::kConfigurationItem;
  if (c == "Evidence") return EventFamily::kEvidence;
  if (c == "ActivityAuditLog") return EventFamily::kActivityAuditLog;
  return std::nullopt;
}

const std::set<std::string_view>& AllowedFields(Kind kind) {
  static const std::set<std::string_view> kManagement = {
      "eventCategory",   "eventSource", "readOnly",
      "eventName",       "eventType",   "sessionCredentialFromConsole",
      "userIdentity.arn"};
  static const std::set<std::string_view> kData = {
      "eventCategory",   "resources.type", "eventName", "eventSource",
      "eventType",       "resources.ARN",  "readOnly",  "sessionCredentialFromConsole",
      "userIdentity.arn"};
  static const std::set<std::string_view> kNetwork = {"eventCategory", "eventSource",
                                                      "eventName",     "errorCode",
                                                      "vpcEndpointId", "userIdentity.arn"};
  static const std::set<std::string_view> kOther = {"eventCategory"};
  switch (kind) {
    case Kind::kManagement:
      return kManagement;
    case Kind::kData:
      return kData;
    case Kind::kNetwork:
      return kNetwork;
    case Kind::kOther:
      return kOther;
  }
  return kOther;
}

Result<std::vector<std::string>> ReadValues(simdjson::dom::element v, const std::string& where) {
  simdjson::dom::array arr;
  if (v.get_array().get(arr)) return Invalid(where + ": must be a list of strings");
  std::vector<std::string> out;
  size_t i = 0;
  for (simdjson::dom::element item : arr) {
    std::string_view s;
    if (item.get_string().get(s)) {
      return Invalid(fmt::format("{}[{}]: must be a string", where, i));
    }
    if (s.empty() || s.size() > 2048) {
      return Invalid(fmt::format("{}[{}]: a value must have 1 to 2048 characters", where, i));
    }
    out.emplace_back(s);
    ++i;
  }
  if (out.empty()) return Invalid(where + ": must have at least one value");
  return out;
}

std::string_view ReadOnlyText(OptBool b) {
  switch (b) {
    case OptBool::kTrue:
      return "true";
    case OptBool::kFalse:
      return "false";
    case OptBool::kNull:
      break;
  }
  return std::string_view();
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Whether one value (NULL: data()==nullptr) satisfies every operator of `fs`.
bool ValueHolds(const FieldSelector& fs, Str v) {
  const bool null = IsNull(v);
  auto any = [&](const std::vector<std::string>& vals, auto pred) {
    return std::any_of(vals.begin(), vals.end(), pred);
  };
  if (!fs.equals.empty() &&
      (null || !any(fs.equals, [&](const std::string& x) { return v == x; }))) {
    return false;
  }
  if (!fs.starts_with.empty() &&
      (null || !any(fs.starts_with, [&](const std::string& x) { return v.starts_with(x); }))) {
    return false;
  }
  if (!fs.ends_with.empty() &&
      (null || !any(fs.ends_with, [&](const std::string& x) { return EndsWith(v, x); }))) {
    return false;
  }
  if (!null) {
    if (any(fs.not_equals, [&](const std::string& x) { return v == x; })) return false;
    if (any(fs.not_starts_with, [&](const std::string& x) { return v.starts_with(x); })) {
      return false;
    }
    if (any(fs.not_ends_with, [&](const std::string& x) { return EndsWith(v, x); })) return false;
  }
  return true;
}

Str FieldValue(const Event& e, std::string_view field) {
  if (field == "eventCategory") return e.event_category;
  if (field == "eventSource") return e.event_source;
  if (field == "eventName") return e.event_name;
  if (field == "eventType") return e.event_type;
  if (field == "errorCode") return e.error_code;
  if (field == "vpcEndpointId") return e.vpc_endpoint_id;
  if (field == "userIdentity.arn") return e.user_identity.arn;
  if (field == "sessionCredentialFromConsole") return e.session_credential_from_console;
  if (field == "readOnly") return ReadOnlyText(e.read_only);
  return Str();
}

bool FieldHolds(const FieldSelector& fs, const Event& e, const EventBatch& batch) {
  if (fs.field == "resources.type" || fs.field == "resources.ARN") {
    const bool type = fs.field == "resources.type";
    for (const Resource& r : batch.ResourcesOf(e)) {
      if (ValueHolds(fs, type ? r.type : r.arn)) return true;
    }
    return false;
  }
  return ValueHolds(fs, FieldValue(e, fs.field));
}

void WriteValues(JsonWriter* w, std::string_view key, const std::vector<std::string>& vals) {
  if (vals.empty()) return;
  w->Key(key).BeginArray();
  for (const std::string& v : vals) w->String(v);
  w->EndArray();
}

}  // namespace

std::string_view EventFamilyName(EventFamily family) {
  switch (family) {
    case EventFamily::kCloudTrail:
      return "CloudTrail";
    case EventFamily::kInsight:
      return "Insight";
    case EventFamily::kConfigurationItem:
      return "ConfigurationItem";
    case EventFamily::kEvidence:
      return "Evidence";
    case EventFamily::kActivityAuditLog:
      return "ActivityAuditLog";
  }
  return "CloudTrail";
}

EventSelectorSet EventSelectorSet::DefaultManagement() {
  EventSelectorSet s;
  AdvancedEventSelector sel;
  sel.name = "Default management events";
  FieldSelector fs;
  fs.field = "eventCategory";
  fs.equals = {"Management"};
  sel.field_selectors.push_back(fs);
  s.selectors_.push_back(sel);
  return s;
}

Result<EventSelectorSet> EventSelectorSet::FromJson(simdjson::dom::element selectors) {
  simdjson::dom::array arr;
  if (selectors.get_array().get(arr)) {
    return Invalid("AdvancedEventSelectors: must be a list of selectors");
  }
  EventSelectorSet set;
  size_t i = 0;
  for (simdjson::dom::element sel_json : arr) {
    const std::string where = fmt::format("AdvancedEventSelectors[{}]", i++);
    if (!sel_json.is_object()) return Invalid(where + ": must be an object");
    AdvancedEventSelector sel;
    std::string_view name;
    auto name_el = sel_json["Name"];
    if (!name_el.error()) {
      if (name_el.get_string().get(name)) return Invalid(where + ".Name: must be a string");
      if (name.size() > 1000) return Invalid(where + ".Name: longer than 1000 characters");
      sel.name = std::string(name);
    }
    simdjson::dom::array fields;
    if (sel_json["FieldSelectors"].get_array().get(fields)) {
      return Invalid(where + ".FieldSelectors: required, a list of field selectors");
    }
    size_t j = 0;
    for (simdjson::dom::element fs_json : fields) {
      const std::string fwhere = fmt::format("{}.FieldSelectors[{}]", where, j++);
      if (!fs_json.is_object()) return Invalid(fwhere + ": must be an object");
      FieldSelector fs;
      std::string_view field;
      if (fs_json["Field"].get_string().get(field)) {
        return Invalid(fwhere + ".Field: required, a string");
      }
      fs.field = std::string(field);
      struct Op {
        const char* key;
        std::vector<std::string>* out;
      } ops[] = {{"Equals", &fs.equals},
                 {"StartsWith", &fs.starts_with},
                 {"EndsWith", &fs.ends_with},
                 {"NotEquals", &fs.not_equals},
                 {"NotStartsWith", &fs.not_starts_with},
                 {"NotEndsWith", &fs.not_ends_with}};
      for (const Op& op : ops) {
        auto el = fs_json[op.key];
        if (el.error()) continue;
        if (el.is_null()) continue;
        ASSIGN_OR_RETURN(*op.out, ReadValues(el.value(), fwhere + "." + op.key));
      }
      sel.field_selectors.push_back(std::move(fs));
    }
    set.selectors_.push_back(std::move(sel));
  }
  RETURN_IF_ERROR(set.Validate());
  return set;
}

Result<EventSelectorSet> EventSelectorSet::FromJsonText(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::padded_string padded(json);
  if (parser.parse(padded).get(doc)) {
    return Status::DataLoss("stored advanced event selectors are not valid JSON");
  }
  return FromJson(doc);
}

Status EventSelectorSet::Validate() {
  if (selectors_.empty())
    return Invalid("AdvancedEventSelectors: at least one selector is required");
  if (selectors_.size() > kMaxSelectors) {
    return Invalid(fmt::format("AdvancedEventSelectors: {} selectors; at most {} are allowed",
                               selectors_.size(), kMaxSelectors));
  }
  size_t total_values = 0;
  std::optional<EventFamily> family;
  for (size_t i = 0; i < selectors_.size(); ++i) {
    const AdvancedEventSelector& sel = selectors_[i];
    const std::string where = fmt::format("AdvancedEventSelectors[{}]", i);
    if (sel.field_selectors.empty()) {
      return Invalid(where + ".FieldSelectors: at least one field selector is required");
    }
    // The category decides which fields are allowed.
    const FieldSelector* category = nullptr;
    for (const FieldSelector& fs : sel.field_selectors) {
      if (fs.field == "eventCategory") {
        if (category != nullptr) return Invalid(where + ": eventCategory is given twice");
        category = &fs;
      }
    }
    if (category == nullptr || category->equals.empty()) {
      return Invalid(where + ": a field selector for eventCategory with Equals is required");
    }
    std::set<Kind> kinds;
    for (const std::string& c : category->equals) {
      std::optional<EventFamily> f = FamilyOfCategory(c);
      if (!f) {
        return Invalid(
            fmt::format("{}: eventCategory value '{}' is not one of Management, Data, "
                        "NetworkActivity, Insight, ConfigurationItem, Evidence, "
                        "ActivityAuditLog",
                        where, c));
      }
      if (family && *family != *f) {
        return Invalid(fmt::format(
            "{}: eventCategory '{}' cannot be mixed with {} events in one event data store", where,
            c, EventFamilyName(*family)));
      }
      family = f;
      kinds.insert(c == "Management"        ? Kind::kManagement
                   : c == "Data"            ? Kind::kData
                   : c == "NetworkActivity" ? Kind::kNetwork
                                            : Kind::kOther);
    }
    bool has_resources_type = false, has_event_source = false;
    for (size_t j = 0; j < sel.field_selectors.size(); ++j) {
      const FieldSelector& fs = sel.field_selectors[j];
      const std::string fwhere = fmt::format("{}.FieldSelectors[{}]", where, j);
      if (!ValidFieldName(fs.field)) {
        return Invalid(fmt::format("{}.Field: '{}' must be 1 to 1000 characters of [\\w.|]", fwhere,
                                   fs.field));
      }
      bool allowed = false;
      for (Kind k : kinds) allowed = allowed || AllowedFields(k).count(fs.field) > 0;
      if (!allowed) {
        return Invalid(fmt::format("{}: field '{}' is not supported for eventCategory {}", fwhere,
                                   fs.field, fmt::join(category->equals, ", ")));
      }
      const size_t n = fs.equals.size() + fs.starts_with.size() + fs.ends_with.size() +
                       fs.not_equals.size() + fs.not_starts_with.size() + fs.not_ends_with.size();
      if (n == 0) return Invalid(fwhere + ": at least one operator with values is required");
      total_values += n;
      const bool equals_only =
          fs.field == "eventCategory" || fs.field == "readOnly" || fs.field == "resources.type";
      if (equals_only && n != fs.equals.size()) {
        return Invalid(
            fmt::format("{}: field '{}' accepts only the Equals operator", fwhere, fs.field));
      }
      if (fs.field == "sessionCredentialFromConsole" &&
          n != fs.equals.size() + fs.not_equals.size()) {
        return Invalid(fwhere + ": sessionCredentialFromConsole accepts only Equals and NotEquals");
      }
      if (fs.field == "readOnly") {
        for (const std::string& v : fs.equals) {
          if (v != "true" && v != "false") {
            return Invalid(fmt::format("{}: readOnly value '{}' must be true or false", fwhere, v));
          }
        }
      }
      if (fs.field == "resources.type") has_resources_type = true;
      if (fs.field == "eventSource") has_event_source = true;
    }
    if (kinds.size() == 1 && *kinds.begin() == Kind::kData && !has_resources_type) {
      return Invalid(where + ": data event selectors require a resources.type field selector");
    }
    if (kinds.size() == 1 && *kinds.begin() == Kind::kNetwork && !has_event_source) {
      return Invalid(where + ": network activity selectors require an eventSource field selector");
    }
  }
  if (total_values > kMaxValues) {
    return Invalid(fmt::format("AdvancedEventSelectors: {} values in total; at most {} are allowed",
                               total_values, kMaxValues));
  }
  family_ = family.value_or(EventFamily::kCloudTrail);
  return Status::OK();
}

std::string EventSelectorSet::ToJson() const {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const AdvancedEventSelector& sel : selectors_) {
    w.BeginObject();
    if (sel.name) w.Member("Name", *sel.name);
    w.Key("FieldSelectors").BeginArray();
    for (const FieldSelector& fs : sel.field_selectors) {
      w.BeginObject().Member("Field", fs.field);
      WriteValues(&w, "Equals", fs.equals);
      WriteValues(&w, "StartsWith", fs.starts_with);
      WriteValues(&w, "EndsWith", fs.ends_with);
      WriteValues(&w, "NotEquals", fs.not_equals);
      WriteValues(&w, "NotStartsWith", fs.not_starts_with);
      WriteValues(&w, "NotEndsWith", fs.not_ends_with);
      w.EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray();
  return out;
}

bool EventSelectorSet::Matches(const Event& e, const EventBatch& batch) const {
  for (const AdvancedEventSelector& sel : selectors_) {
    bool all = true;
    for (const FieldSelector& fs : sel.field_selectors) {
      if (!FieldHolds(fs, e, batch)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

}  // namespace cairn::cloud
