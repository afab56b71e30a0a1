#include "cloud/trail_selectors.h"

#include <fmt/format.h>

#include <set>

#include "cloud/event_data_store_selectors.h"
#include "common/json_writer.h"

namespace cairn::cloud {
namespace {

Status BadSelectors(std::string message) {
  return Status::InvalidArgument(std::move(message)).WithAwsError("InvalidEventSelectorsException");
}

Status BadInsights(std::string message) {
  return Status::InvalidArgument(std::move(message))
      .WithAwsError("InvalidInsightSelectorsException");
}

// The member `key` of object `o`, or nullopt when absent or null.
std::optional<simdjson::dom::element> Get(simdjson::dom::element o, std::string_view key) {
  simdjson::dom::element e;
  if (o.at_key(key).get(e) || e.is_null()) return std::nullopt;
  return e;
}

Result<std::vector<std::string>> Strings(simdjson::dom::element e, const std::string& where,
                                         Status (*bad)(std::string)) {
  simdjson::dom::array a;
  if (e.get_array().get(a)) return bad(where + ": must be a list of strings");
  std::vector<std::string> out;
  for (simdjson::dom::element x : a) {
    std::string_view s;
    if (x.get_string().get(s)) return bad(where + ": must be a list of strings");
    out.emplace_back(s);
  }
  return out;
}

void WriteStrings(JsonWriter* w, std::string_view key, const std::vector<std::string>& v) {
  w->Key(key).BeginArray();
  for (const auto& s : v) w->String(s);
  w->EndArray();
}

bool IsAllResources(std::string_view type, std::string_view value) {
  if (type == "AWS::S3::Object") return value == "arn:aws:s3" || value == "arn:aws:s3:::";
  if (type == "AWS::Lambda::Function") return value == "arn:aws:lambda";
  if (type == "AWS::DynamoDB::Table") return value == "arn:aws:dynamodb";
  return false;
}

}  // namespace

Result<std::string> NormalizeEventSelectors(simdjson::dom::element list) {
  simdjson::dom::array a;
  if (list.get_array().get(a)) return BadSelectors("EventSelectors: must be a list");
  if (a.size() < 1 || a.size() > 5) {
    return BadSelectors(fmt::format("EventSelectors: 1 to 5 selectors allowed, got {}", a.size()));
  }
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  size_t values = 0;
  size_t i = 0;
  for (simdjson::dom::element sel : a) {
    const std::string where = fmt::format("EventSelectors[{}]", i++);
    if (!sel.is_object()) return BadSelectors(where + ": must be an object");
    std::string_view rw = "All";
    if (auto e = Get(sel, "ReadWriteType")) {
      if (e->get_string().get(rw) || (rw != "All" && rw != "ReadOnly" && rw != "WriteOnly")) {
        return BadSelectors(where + ".ReadWriteType: must be ReadOnly, WriteOnly or All");
      }
    }
    bool include_management = true;
    if (auto e = Get(sel, "IncludeManagementEvents")) {
      if (e->get_bool().get(include_management)) {
        return BadSelectors(where + ".IncludeManagementEvents: must be true or false");
      }
    }
    w.BeginObject()
        .Member("ReadWriteType", rw)
        .Member("IncludeManagementEvents", include_management);
    w.Key("DataResources").BeginArray();
    if (auto e = Get(sel, "DataResources")) {
      simdjson::dom::array resources;
      if (e->get_array().get(resources))
        return BadSelectors(where + ".DataResources: must be a list");
      size_t j = 0;
      for (simdjson::dom::element r : resources) {
        const std::string rwhere = fmt::format("{}.DataResources[{}]", where, j++);
        std::string_view type;
        auto t = r.is_object() ? Get(r, "Type") : std::nullopt;
        if (!t || t->get_string().get(type)) return BadSelectors(rwhere + ".Type: required");
        if (type != "AWS::S3::Object" && type != "AWS::Lambda::Function" &&
            type != "AWS::DynamoDB::Table") {
          return BadSelectors(fmt::format(
              "{}.Type: {} is not supported by basic event selectors (AWS::S3::Object, "
              "AWS::Lambda::Function, AWS::DynamoDB::Table); use advanced event selectors",
              rwhere, type));
        }
        std::vector<std::string> vals;
        if (auto v = Get(r, "Values")) {
          ASSIGN_OR_RETURN(vals, Strings(*v, rwhere + ".Values", BadSelectors));
        }
        for (const std::string& v : vals) {
          const std::string prefix = type == "AWS::S3::Object"         ? "arn:aws:s3"
                                     : type == "AWS::Lambda::Function" ? "arn:aws:lambda"
                                                                       : "arn:aws:dynamodb";
          if (v.compare(0, prefix.size(), prefix) != 0) {
            return BadSelectors(fmt::format("{}.Values: '{}' is not an ARN of {} (expected {}...)",
                                            rwhere, v, type, prefix));
          }
          if (!IsAllResources(type, v)) ++values;
        }
        w.BeginObject().Member("Type", type);
        WriteStrings(&w, "Values", vals);
        w.EndObject();
      }
    }
    w.EndArray();
    std::vector<std::string> excluded;
    if (auto e = Get(sel, "ExcludeManagementEventSources")) {
      ASSIGN_OR_RETURN(excluded,
                       Strings(*e, where + ".ExcludeManagementEventSources", BadSelectors));
      for (const auto& s : excluded) {
        if (s != "kms.amazonaws.com" && s != "rdsdata.amazonaws.com") {
          return BadSelectors(
              fmt::format("{}.ExcludeManagementEventSources: '{}' (only kms.amazonaws.com and "
                          "rdsdata.amazonaws.com can be excluded)",
                          where, s));
        }
      }
    }
    WriteStrings(&w, "ExcludeManagementEventSources", excluded);
    w.EndObject();
  }
  w.EndArray();
  if (values > 250) {
    return BadSelectors(fmt::format(
        "EventSelectors: {} data resource values; at most 250 are allowed across all selectors",
        values));
  }
  return out;
}

Result<std::string> NormalizeTrailAdvancedSelectors(simdjson::dom::element list) {
  // Syntax and the generic rules (operators, value lengths, field names) are the event data
  // store's; the trail-only restrictions follow.
  ASSIGN_OR_RETURN(EventSelectorSet set, EventSelectorSet::FromJson(list));
  size_t total = 0;
  for (size_t i = 0; i < set.selectors().size(); ++i) {
    const AdvancedEventSelector& sel = set.selectors()[i];
    const std::string where = fmt::format("AdvancedEventSelectors[{}]", i);
    std::string category;
    for (const FieldSelector& f : sel.field_selectors) {
      total += f.equals.size() + f.starts_with.size() + f.ends_with.size() + f.not_equals.size() +
               f.not_starts_with.size() + f.not_ends_with.size();
      if (f.field == "eventCategory") {
        if (f.equals.size() != 1 || f.starts_with.size() + f.ends_with.size() +
                                            f.not_equals.size() + f.not_starts_with.size() +
                                            f.not_ends_with.size() >
                                        0) {
          return BadSelectors(where + ": eventCategory takes exactly one value, with Equals");
        }
        category = f.equals[0];
      }
    }
    if (category != "Management" && category != "Data" && category != "NetworkActivity") {
      return BadSelectors(where +
                          ": a trail's selector needs eventCategory Equals Management, Data or "
                          "NetworkActivity (other categories are for event data stores)");
    }
    static const std::set<std::string_view> kManagement = {"eventCategory", "readOnly",
                                                           "eventSource"};
    static const std::set<std::string_view> kData = {
        "eventCategory",   "resources.type", "eventName", "readOnly",
        "resources.ARN",   "eventSource",    "eventType", "sessionCredentialFromConsole",
        "userIdentity.arn"};
    static const std::set<std::string_view> kNetwork = {"eventCategory", "eventSource",
                                                        "eventName",     "errorCode",
                                                        "vpcEndpointId", "userIdentity.arn"};
    const auto& allowed = category == "Management" ? kManagement
                          : category == "Data"     ? kData
                                                   : kNetwork;
    bool has_type = false, has_source = false;
    for (const FieldSelector& f : sel.field_selectors) {
      if (!allowed.count(f.field)) {
        return BadSelectors(fmt::format("{}: field {} cannot be used in a {} selector of a trail",
                                        where, f.field, category));
      }
      const bool only_equals = f.starts_with.empty() && f.ends_with.empty() &&
                               f.not_equals.empty() && f.not_starts_with.empty() &&
                               f.not_ends_with.empty();
      if ((f.field == "readOnly" || f.field == "resources.type") && !only_equals) {
        return BadSelectors(fmt::format("{}: {} accepts only Equals", where, f.field));
      }
      if (f.field == "readOnly") {
        for (const auto& v : f.equals) {
          if (v != "true" && v != "false") {
            return BadSelectors(where + ": readOnly takes \"true\" or \"false\"");
          }
        }
      }
      if (f.field == "resources.type") {
        if (f.equals.size() != 1) {
          return BadSelectors(where + ": resources.type takes exactly one value per selector");
        }
        has_type = true;
      }
      if (category == "Management" && f.field == "eventSource") {
        bool ok = !f.not_equals.empty() && f.equals.empty() && f.starts_with.empty() &&
                  f.ends_with.empty() && f.not_starts_with.empty() && f.not_ends_with.empty();
        for (const auto& v : f.not_equals) {
          ok = ok && (v == "kms.amazonaws.com" || v == "rdsdata.amazonaws.com");
        }
        if (!ok) {
          return BadSelectors(where +
                              ": on a trail, eventSource of management events can only "
                              "be NotEquals kms.amazonaws.com or rdsdata.amazonaws.com");
        }
      }
      if (category == "NetworkActivity" && f.field == "eventSource") {
        if (!only_equals || f.equals.size() != 1) {
          return BadSelectors(where +
                              ": eventSource of network activity takes one value, with "
                              "Equals");
        }
        has_source = true;
      }
      if (f.field == "errorCode" &&
          (!only_equals || f.equals.size() != 1 || f.equals[0] != "VpceAccessDenied")) {
        return BadSelectors(where + ": errorCode can only be Equals VpceAccessDenied");
      }
    }
    if (category == "Data" && !has_type) {
      return BadSelectors(where + ": a Data selector needs resources.type");
    }
    if (category == "NetworkActivity" && !has_source) {
      return BadSelectors(where + ": a NetworkActivity selector needs eventSource");
    }
  }
  if (total > 500) {
    return BadSelectors(fmt::format(
        "AdvancedEventSelectors: {} values; at most 500 are allowed across all selectors", total));
  }
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const AdvancedEventSelector& sel : set.selectors()) {
    w.BeginObject();
    if (sel.name) w.Member("Name", *sel.name);
    w.Key("FieldSelectors").BeginArray();
    for (const FieldSelector& f : sel.field_selectors) {
      w.BeginObject().Member("Field", f.field);
      WriteStrings(&w, "Equals", f.equals);
      WriteStrings(&w, "StartsWith", f.starts_with);
      WriteStrings(&w, "EndsWith", f.ends_with);
      WriteStrings(&w, "NotEquals", f.not_equals);
      WriteStrings(&w, "NotStartsWith", f.not_starts_with);
      WriteStrings(&w, "NotEndsWith", f.not_ends_with);
      w.EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray();
  return out;
}

Result<std::string> NormalizeInsightSelectors(simdjson::dom::element list) {
  simdjson::dom::array a;
  if (list.get_array().get(a)) return BadInsights("InsightSelectors: must be a list");
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  std::set<std::string> seen;
  size_t i = 0;
  for (simdjson::dom::element sel : a) {
    const std::string where = fmt::format("InsightSelectors[{}]", i++);
    std::string_view type;
    auto t = sel.is_object() ? Get(sel, "InsightType") : std::nullopt;
    if (!t || t->get_string().get(type) ||
        (type != "ApiCallRateInsight" && type != "ApiErrorRateInsight")) {
      return BadInsights(where + ".InsightType: must be ApiCallRateInsight or ApiErrorRateInsight");
    }
    if (!seen.insert(std::string(type)).second) {
      return BadInsights(fmt::format("{}: {} is given twice", where, type));
    }
    std::vector<std::string> categories = {"Management"};
    if (auto c = Get(sel, "EventCategories")) {
      ASSIGN_OR_RETURN(categories, Strings(*c, where + ".EventCategories", BadInsights));
      std::set<std::string> unique;
      for (const auto& s : categories) {
        if (s != "Management" && s != "Data") {
          return BadInsights(
              fmt::format("{}.EventCategories: '{}' (Management or Data)", where, s));
        }
        if (!unique.insert(s).second) {
          return BadInsights(fmt::format("{}.EventCategories: '{}' is given twice", where, s));
        }
      }
      if (categories.empty()) categories = {"Management"};
    }
    w.BeginObject().Member("InsightType", type);
    WriteStrings(&w, "EventCategories", categories);
    w.EndObject();
  }
  w.EndArray();
  return out;
}

}  // namespace cairn::cloud
