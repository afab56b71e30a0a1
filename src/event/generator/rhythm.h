// src/event/generator/rhythm.h
//
// How busy an organization is over time. People (console, CLI, deployments) work weekdays in
// office hours of the organization's time zone; workloads run around the clock, a little busier
// when users are awake and during the nightly batch. The generator draws each 5-minute window's
// event count from these curves, so Insights baselines and dashboards see a daily and weekly
// rhythm.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

namespace cairn::gen {

// Relative rate of human activity at `t` (seconds since the epoch, UTC); about 1 at mid-morning
// on a weekday, near 0 at night and low at weekends.
double HumanActivity(int64_t t, int utc_offset_hours);

// Relative rate of machine activity at `t`; about 1 on average, never below 0.6.
double MachineActivity(int64_t t, int utc_offset_hours);

}  // namespace cairn::gen
