// src/cloud/trail_selectors.h
//
// Validation and the stored form of a trail's selectors (spec trails.md §7, insights.md §2):
// basic EventSelectors, AdvancedEventSelectors (with the field rules of trails, stricter than an
// event data store's) and InsightSelectors. Each Normalize* function checks a request's JSON list
// and returns the canonical JSON text that is stored in metadata.db and echoed by the Get
// operations (every member present: defaults filled in, every operator key of an advanced field
// selector listed, empty when unused, as AWS samples show). Errors are kInvalidArgument with the
// AWS name InvalidEventSelectorsException / InvalidInsightSelectorsException, naming the element
// ("EventSelectors[2].DataResources[0].Type: ...").
//
// Thread-safety: pure functions.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

#include "common/status.h"

namespace cairn::cloud {

// A new trail's selectors: all management events, read and write.
inline constexpr std::string_view kDefaultEventSelectors =
    R"([{"ReadWriteType":"All","IncludeManagementEvents":true,"DataResources":[],"ExcludeManagementEventSources":[]}])";

// `EventSelectors`: 1 to 5 selectors, at most 250 data resource values in total (the "all
// resources" values arn:aws:s3, arn:aws:s3:::, arn:aws:lambda, arn:aws:dynamodb not counted).
Result<std::string> NormalizeEventSelectors(simdjson::dom::element list);

// `AdvancedEventSelectors` on a trail: 1 to 500 values in total; eventCategory (Equals only)
// required in every selector: Management (fields eventCategory, readOnly, eventSource only as
// NotEquals kms/rdsdata), Data (resources.type required, Equals with one value; eventName,
// readOnly, resources.ARN, eventSource, eventType, sessionCredentialFromConsole, userIdentity.arn)
// or NetworkActivity (eventSource required, Equals one value; eventName, errorCode only Equals
// VpceAccessDenied, vpcEndpointId, userIdentity.arn).
Result<std::string> NormalizeTrailAdvancedSelectors(simdjson::dom::element list);

// `InsightSelectors`: InsightType ApiCallRateInsight | ApiErrorRateInsight, each at most once;
// EventCategories a subset of {Management, Data}, default [Management]. An empty list is valid
// (Insights off).
Result<std::string> NormalizeInsightSelectors(simdjson::dom::element list);

}  // namespace cairn::cloud
