// src/api/api_server.h
//
// ApiServer is `cairn serve` without the command line: over an open data folder and its
// organization it builds the SigV4 verifier (secrets from the credential store), the Dispatcher
// with every operation registered (services.h), the metrics registry and the HTTP server, and
// binds the port. The Lake operations (api/cloudtrail/lake.h) are opened and registered here too.
// The command, the integration of tests and the API benchmark all use it.
//
// Thread-safety: Run() from one thread; Shutdown() from any thread (a signal-handling thread).
#pragma once

#include <memory>

#include "api/call_recorder.h"
#include "api/cloudtrail/lake.h"
#include "api/dispatcher.h"
#include "api/http_server.h"
#include "api/metrics.h"
#include "api/services.h"
#include "api/sigv4.h"
#include "cloud/data_dir.h"
#include "cloud/organization.h"

namespace cairn::api {

struct ApiServerOptions {
  HttpServerOptions http;
  // The region the Lake's adopted organization event data store lives in.
  std::string home_region = "us-east-1";
  SigV4Options sigv4;
  // The wall clock of request signing (skew window) and request times; nullptr: Env::Default().
  // Deliberately not the data folder's Env, which `--as-of` may set to another date.
  Env* clock = nullptr;
  // Record every call as a CloudTrail event (call_recorder.h).
  bool record_calls = true;
};

class ApiServer {
 public:
  // Builds the server and binds its port (kUnavailable naming the address when it cannot).
  // REQUIRES: `data` and `org` outlive the server.
  static Result<std::unique_ptr<ApiServer>> Start(cloud::DataDir* data, cloud::Organization* org,
                                                  ApiServerOptions options);
  ~ApiServer();

  int port() const { return http_->port(); }
  // Serves until Shutdown(); requests in flight finish before it returns.
  Status Run() { return http_->Run(); }
  void Shutdown() { http_->Shutdown(); }
  // Writes the recorded API calls still queued, stops background work of the operations (Lake
  // queries and imports) and waits for it.
  // REQUIRES: Run() has returned (or was never called).
  Status Close();

  const Dispatcher* dispatcher() const { return dispatcher_.get(); }
  MetricsRegistry* metrics() { return metrics_; }

 private:
  ApiServer() = default;

  // The process-wide registry, so metrics other layers publish (stores, queries) are rendered too.
  MetricsRegistry* metrics_ = MetricsRegistry::Default();
  ApiServices services_;
  std::unique_ptr<cloud::Trails> trails_;
  std::unique_ptr<cloud::SigningKeys> signing_keys_;
  std::unique_ptr<SigV4Verifier> verifier_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<Lake> lake_;
  std::unique_ptr<CallRecorder> recorder_;
  std::unique_ptr<HttpServer> http_;
};

}  // namespace cairn::api
