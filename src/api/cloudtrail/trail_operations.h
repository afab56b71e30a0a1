// src/api/cloudtrail/trail_operations.h
//
// The trail operations of the CloudTrail API (spec trails.md §3-§7, insights.md §2): CreateTrail,
// UpdateTrail, DeleteTrail, GetTrail, DescribeTrails, ListTrails, GetTrailStatus, StartLogging,
// StopLogging, Put/GetEventSelectors, Put/GetInsightSelectors, AddTags, RemoveTags, ListTags and
// ListPublicKeys. Handlers read the JSON request, act for TargetAccount() in the signed region
// through cloud::Trails / cloud::SigningKeys, and write the AWS response shapes.
//
// Thread-safety: the handlers may run on many threads at once.
#pragma once

#include "api/dispatcher.h"
#include "api/services.h"

namespace cairn::api::cloudtrail {

// Registers the operations, and the "trail" TagTarget in services->tag_targets.
// REQUIRES: services->trails and services->signing_keys are set.
void RegisterTrailOperations(Dispatcher* dispatcher, ApiServices* services);

}  // namespace cairn::api::cloudtrail
