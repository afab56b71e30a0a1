// src/event/generator/anomalies.h
//
// Injected anomalies: bursts of activity that a detector (Insights, detection rules) should find,
// planned from the seed and written down in a manifest (DIR/anomalies.json) as ground truth.
// Kinds:
//   call_rate_spike        a write API at ~100x its usual rate (DeleteBucket, RunInstances)
//   error_rate_spike       an AccessDenied storm from one principal (GetSecretValue)
//   console_login_failures failed console sign-ins for one IAM user (password spraying)
// Manifest format: doc/format/generator.md.
//
// Thread-safety: plans are immutable values.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "event/generator/organization.h"

namespace cairn::gen {

struct Anomaly {
  std::string kind;
  int account = 0;             // index into Organization::accounts
  int region = 0;              // index into Organization::regions
  int api = 0;                 // index into Catalog()
  int error = -1;              // index into the API's error_kinds, or -1 when the calls succeed
  int identity = 0;            // index into the account's identities
  int64_t start = 0, end = 0;  // [start, end), seconds since the epoch
  uint64_t count = 0;          // records injected
  double baseline = 0;         // expected records of the same kind in [start, end) without it
};

// Expected number of records of (account, region, api) in [start, end), errors only if
// `errors_only`; supplied by the generator, which knows the rates.
using BaselineFn = std::function<double(int account, int region, int api, int64_t start,
                                        int64_t end, bool errors_only)>;

// Plans the anomalies of a dataset spanning [span_start, span_end). They fall in the second half
// of the span, so detectors have history to learn a baseline from. Kinds whose actors the
// organization lacks are skipped.
std::vector<Anomaly> PlanAnomalies(const Organization& org, uint64_t seed, int64_t span_start,
                                   int64_t span_end, const BaselineFn& baseline);

// How many of `a`'s records fall in [t0, t1): the count spread evenly over [start, end), exact
// (the per-window counts of consecutive windows add up to `count`).
uint64_t AnomalyRecordsIn(const Anomaly& a, int64_t t0, int64_t t1);

// The manifest: {"organizationId", "seed", "start", "end", "anomalies":[...]}, pretty-printed.
std::string AnomalyManifestJson(const Organization& org, uint64_t seed, int64_t span_start,
                                int64_t span_end, const std::vector<Anomaly>& anomalies);

}  // namespace cairn::gen
