// src/cloud/event_data_store_selectors.h
//
// Advanced event selectors of an event data store (spec lake.md §2.5, trails.md §7.2-7.3): which
// events a store takes. A store has up to 5 selectors; an event is taken when ANY selector matches;
// a selector matches when ALL its field selectors hold; a field selector holds when the field
// satisfies every operator given (Equals/StartsWith/EndsWith: any value; Not*: no value).
// Multi-valued fields (resources.type, resources.ARN) hold when any resource satisfies the field
// selector.
//
// The selectors also fix the store's family (its eventCategory): CloudTrail events (Management,
// Data, NetworkActivity), or one of the other families (Insight, ConfigurationItem, Evidence,
// ActivityAuditLog), which cannot be mixed in one store.
//
// Thread-safety: values; Matches() is const.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "event/event.h"

namespace cairn::cloud {

struct FieldSelector {
  std::string field;  // as given ("eventCategory", "resources.ARN", ...)
  std::vector<std::string> equals, starts_with, ends_with, not_equals, not_starts_with,
      not_ends_with;
};

struct AdvancedEventSelector {
  std::optional<std::string> name;
  std::vector<FieldSelector> field_selectors;
};

// The event family a store holds (spec lake.md §1).
enum class EventFamily { kCloudTrail, kInsight, kConfigurationItem, kEvidence, kActivityAuditLog };
std::string_view EventFamilyName(EventFamily family);  // "CloudTrail", "ActivityAuditLog", ...

class EventSelectorSet {
 public:
  // The selectors a store gets when none are given: all management events (the Unconfirmed AWS
  // default of spec §2.5, cairn's choice).
  static EventSelectorSet DefaultManagement();

  // Parses and validates `AdvancedEventSelectors` (a JSON array). Errors are kInvalidArgument as
  // InvalidEventSelectorsException naming the selector and field ("AdvancedEventSelectors[1].
  // FieldSelectors[0]: ...").
  static Result<EventSelectorSet> FromJson(simdjson::dom::element selectors);
  // Parses the stored form (ToJson's output).
  static Result<EventSelectorSet> FromJsonText(std::string_view json);

  // The AWS JSON form: [{"Name":...,"FieldSelectors":[{"Field":...,"Equals":[...]}]}].
  std::string ToJson() const;

  // True when the store takes `e` (of `batch`).
  bool Matches(const Event& e, const EventBatch& batch) const;

  EventFamily family() const { return family_; }
  const std::vector<AdvancedEventSelector>& selectors() const { return selectors_; }

 private:
  Status Validate();
  std::vector<AdvancedEventSelector> selectors_;
  EventFamily family_ = EventFamily::kCloudTrail;
};

}  // namespace cairn::cloud
