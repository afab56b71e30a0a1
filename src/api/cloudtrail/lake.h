// src/api/cloudtrail/lake.h
//
// Lake is the CloudTrail Lake part of `cairn serve` (spec lake.md, doc/lake-api.md): it owns the
// control-plane registries of src/cloud (event data stores, queries, imports, channels) over one
// data folder and registers their operations with a Dispatcher:
//
//   cloudtrail (JSON 1.1)      CreateEventDataStore ... StopEventDataStoreIngestion, StartQuery,
//                              DescribeQuery, GetQueryResults, ListQueries, CancelQuery,
//                              StartImport, GetImport, ListImports, ListImportFailures,
//                              StopImport, CreateChannel,
//                              GetChannel, ListChannels, UpdateChannel, DeleteChannel
//   cloudtrail-data (REST)     POST /PutAuditEvents
//
// Wiring (cmd_serve): open the DataDir, Lake::Open(dir, options), lake->Register(&dispatcher)
// before serving, lake->Close() after the server stopped (waits for running queries/imports).
// Other ingest paths (self-recorded API calls) hand their batches to stores()->Ingest().
//
// Thread-safety: after Register, every method may be called from many threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/dispatcher.h"
#include "api/metrics.h"
#include "cloud/channels.h"
#include "cloud/data_dir.h"
#include "cloud/event_data_stores.h"
#include "cloud/imports.h"
#include "cloud/queries.h"
#include "common/status.h"

namespace cairn::api {

struct LakeOptions {
  // The organization's management account: the import-created organization store is adopted
  // as its organization event data store.
  std::string management_account;
  std::string home_region = "us-east-1";
  cloud::Queries::Options queries;
};

class Lake {
 public:
  // REQUIRES: `dir` outlives the Lake.
  static Result<std::unique_ptr<Lake>> Open(cloud::DataDir* dir, const LakeOptions& options);
  ~Lake();

  void Register(Dispatcher* dispatcher);
  // Stops background work (queries, imports) and waits for it. Idempotent.
  Status Close();

  cloud::EventDataStores* stores() { return stores_.get(); }
  cloud::Queries* queries() { return queries_.get(); }
  cloud::Channels* channels() { return channels_.get(); }
  cloud::Imports* imports() { return imports_.get(); }

 private:
  Lake() = default;
  std::unique_ptr<cloud::EventDataStores> stores_;
  std::unique_ptr<cloud::Queries> queries_;
  std::unique_ptr<cloud::Channels> channels_;
  std::unique_ptr<cloud::Imports> imports_;
  // /metrics gauges read from the registries (removed before they are destroyed).
  std::vector<std::unique_ptr<MetricsRegistry::CallbackHandle>> metrics_;
  bool closed_ = false;
};

// The registry caller of a request: its principal, the region it was signed for, its time.
cloud::Caller CallerOf(const RequestContext& ctx);

// Registration of each group (lake.cc calls them; tests may register one group alone).
void RegisterEventDataStoreOperations(Dispatcher* d, cloud::EventDataStores* stores);
void RegisterQueryOperations(Dispatcher* d, cloud::Queries* queries);
void RegisterChannelOperations(Dispatcher* d, cloud::Channels* channels);
void RegisterImportOperations(Dispatcher* d, cloud::Imports* imports);

}  // namespace cairn::api
