#include "store/event_history.h"

namespace cairn {

Result<std::unique_ptr<EventHistory>> EventHistory::Open(Env* env, const std::string& dir,
                                                         std::string account, std::string region,
                                                         StoreOptions options) {
  options.settings.id = account + "/" + region;
  options.settings.kind = std::string(kStoreKind);
  options.settings.retention_days = kRetentionDays;
  std::unique_ptr<EventStore> store;
  if (env->FileExists(dir + "/MANIFEST")) {
    ASSIGN_OR_RETURN(store, EventStore::Open(env, dir, options));
  } else {
    ASSIGN_OR_RETURN(store, EventStore::Create(env, dir, options));
  }
  return std::unique_ptr<EventHistory>(
      new EventHistory(env, std::move(store), std::move(account), std::move(region)));
}

bool EventHistory::Admits(const Event& e, int64_t now_us) {
  if (IsNull(e.event_category)) return false;
  if (e.event_category != "Management" && e.event_category != "Insight") return false;
  return e.event_time_us >= now_us - kWindowUs;
}

LookupSource LookupSourceOf(const Snapshot& snapshot) {
  LookupSource source;
  for (const SnapshotSegment& s : snapshot.segments()) source.segments.push_back(s.reader);
  source.memtable = snapshot.MemtableEvents();
  source.min_time_us = snapshot.min_time_us();
  return source;
}

Result<LookupEventsResponse> EventHistory::Lookup(const LookupEventsRequest& request,
                                                  std::string_view token_key, bool rendered_only,
                                                  LookupStats* stats) {
  LookupContext ctx;
  ctx.now_us = env_->NowMicros();
  ctx.token_key = std::string(token_key);
  ctx.scope = account_ + "/" + region_;
  ctx.window_us = kWindowUs;
  ctx.cache = &LookupBlockCache::Default();
  ctx.rendered_only = rendered_only;
  ctx.stats = stats;
  std::shared_ptr<const Snapshot> snapshot = store_->GetSnapshot();
  const LookupSource source = LookupSourceOf(*snapshot);
  return LookupEvents(source, request, ctx);
}

}  // namespace cairn
