#include "api/cloudtrail/lake.h"

namespace cairn::api {

cloud::Caller CallerOf(const RequestContext& ctx) {
  return cloud::Caller{&ctx.principal, ctx.region, ctx.now_micros};
}

Result<std::unique_ptr<Lake>> Lake::Open(cloud::DataDir* dir, const LakeOptions& options) {
  std::unique_ptr<Lake> lake(new Lake());
  cloud::EventDataStores::Options eds;
  eds.management_account = options.management_account;
  eds.home_region = options.home_region;
  ASSIGN_OR_RETURN(lake->stores_, cloud::EventDataStores::Open(dir, eds));
  ASSIGN_OR_RETURN(lake->queries_, cloud::Queries::Open(dir, lake->stores_.get(), options.queries));
  ASSIGN_OR_RETURN(lake->channels_, cloud::Channels::Open(dir, lake->stores_.get()));
  ASSIGN_OR_RETURN(lake->imports_, cloud::Imports::Open(dir, lake->stores_.get()));
  MetricsRegistry* m = MetricsRegistry::Default();
  cloud::Queries* q = lake->queries_.get();
  cloud::Channels* c = lake->channels_.get();
  lake->metrics_.push_back(m->AddGaugeCallback("cairn_lake_queries_running",
                                               "Lake queries running now", {},
                                               [q] { return double(q->Active().running); }));
  lake->metrics_.push_back(m->AddGaugeCallback("cairn_lake_queries_queued",
                                               "Lake queries waiting for a worker", {},
                                               [q] { return double(q->Active().queued); }));
  lake->metrics_.push_back(m->AddGaugeCallback(
      "cairn_audit_events_ingested", "PutAuditEvents events acknowledged (durable) since start", {},
      [c] { return double(c->events_ingested()); }));
  return lake;
}

Lake::~Lake() { Close().IgnoreError(); }

void Lake::Register(Dispatcher* dispatcher) {
  RegisterEventDataStoreOperations(dispatcher, stores_.get());
  RegisterQueryOperations(dispatcher, queries_.get());
  RegisterChannelOperations(dispatcher, channels_.get());
  RegisterImportOperations(dispatcher, imports_.get());
}

Status Lake::Close() {
  if (closed_) return Status::OK();
  closed_ = true;
  metrics_.clear();
  Status s = imports_->Close();
  Status q = queries_->Close();
  return s.ok() ? q : s;
}

}  // namespace cairn::api
