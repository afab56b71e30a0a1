// src/store/event_history.h
//
// EventHistory is one account's event history in one region (spec/event-history.md): an
// EventStore that holds that account+region's management events and Insights events with
// eventTime in the last 90 days, answering LookupEvents (lookup_events.h) over a Snapshot.
// Which events go into which history is the router's decision (src/cloud/router.h); Admits() is
// the rule it applies.
//
// The store's retention is 90 days, judged on eventTime against the Env clock like any store's, so
// expired events disappear from lookups at once and their segments are dropped by the store's
// maintenance.
//
// Thread-safety: every method may be called from many threads at once (as EventStore's).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/env.h"
#include "common/status.h"
#include "event/event.h"
#include "store/event_store.h"
#include "store/lookup_events.h"

namespace cairn {

class EventHistory {
 public:
  static constexpr uint32_t kRetentionDays = 90;
  static constexpr int64_t kWindowUs = int64_t{kRetentionDays} * 24 * 3600 * 1000000;
  static constexpr std::string_view kStoreKind = "event-history";

  // Opens the history store in `dir`, creating it when it has no MANIFEST yet. `options` are the
  // engine options (memtable size ...); its settings are replaced by the history's (kind, id
  // "<account>/<region>", 90 days).
  static Result<std::unique_ptr<EventHistory>> Open(Env* env, const std::string& dir,
                                                    std::string account, std::string region,
                                                    StoreOptions options);

  // Whether `e` belongs in an event history at `now_us`: a management or Insights event (by its
  // eventCategory, derived when absent) whose eventTime is within the 90 days before now. Data and
  // network activity events never are.
  static bool Admits(const Event& e, int64_t now_us);

  // Appends events to the store (durable on return; duplicates by eventID dropped).
  // REQUIRES: the events belong to this account and region and are admitted (the router checks).
  Result<AppendResult> Append(EventBatch&& batch) { return store_->Append(std::move(batch)); }

  // Answers a LookupEvents request over a snapshot taken now. `token_key` signs the paging
  // tokens (see lookup_events.h); the token scope is "<account>/<region>".
  // With `rendered_only`, events may come with only their rendering (LookupContext); with
  // `stats`, what the lookup did is added to it.
  Result<LookupEventsResponse> Lookup(const LookupEventsRequest& request,
                                      std::string_view token_key, bool rendered_only = false,
                                      LookupStats* stats = nullptr);

  const std::string& account() const { return account_; }
  const std::string& region() const { return region_; }
  EventStore* store() { return store_.get(); }
  Status Close() { return store_->Close(); }

 private:
  EventHistory(Env* env, std::unique_ptr<EventStore> store, std::string account, std::string region)
      : env_(env),
        store_(std::move(store)),
        account_(std::move(account)),
        region_(std::move(region)) {}

  Env* env_;
  std::unique_ptr<EventStore> store_;
  std::string account_;
  std::string region_;
};

// The read view a lookup needs, taken from a store snapshot. The source points into `snapshot`,
// which must outlive it.
LookupSource LookupSourceOf(const Snapshot& snapshot);

}  // namespace cairn
