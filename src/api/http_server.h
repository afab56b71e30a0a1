// src/api/http_server.h
//
// HttpServer serves a Dispatcher over HTTP/1.1 on one port (cpp-httplib), plus two unauthenticated
// endpoints for operators: GET /health ({"status":"ok"}) and GET /metrics (Prometheus text, the
// registry given). It owns the transport limits:
//   - request body at most max_body_bytes (larger: 413 RequestEntityTooLargeException);
//   - request line and each header line at most 8 KiB (cpp-httplib's compiled limit: larger is
//     answered 414/400), at most Dispatcher::Options::max_headers headers;
//   - read and write timeouts per socket operation, so slow clients cannot hold a thread forever;
//   - a fixed pool of worker threads; connections beyond it wait in the accept queue.
// Shutdown() stops accepting, lets the requests in flight finish, then Run() returns.
//
// Only http_server.cc and its test include httplib.h: CMakeLists.txt gives exactly those files the
// compile flags Debian's compiled cpp-httplib needs (its class layouts depend on them).
//
// Thread-safety: Bind() and Run() from one thread; Shutdown() from any thread (also before Run()).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include "api/dispatcher.h"
#include "api/metrics.h"
#include "common/status.h"

namespace httplib {
class Server;
}

namespace cairn::api {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 4566;  // 0: any free port (see port() after Bind())
  size_t max_body_bytes = 16 << 20;
  int read_timeout_seconds = 30;
  int write_timeout_seconds = 30;
  int keep_alive_timeout_seconds = 5;
  size_t keep_alive_max_requests = 1000;
  size_t threads = 0;  // 0: 2 x hardware threads, at least 4
};

// Parses "HOST:PORT" (or "[v6]:PORT"). Port 0 is allowed.
Result<std::pair<std::string, int>> ParseListenAddress(std::string_view s);

class HttpServer {
 public:
  // `dispatcher` and `metrics` must outlive the server.
  HttpServer(const Dispatcher* dispatcher, MetricsRegistry* metrics, HttpServerOptions options);
  ~HttpServer();

  // Binds the listening socket. Fails (kUnavailable) naming the address when it cannot.
  Status Bind();
  // The bound port. REQUIRES: Bind() succeeded.
  int port() const { return port_; }
  // Serves until Shutdown(). REQUIRES: Bind() succeeded.
  Status Run();
  // Stops accepting; requests in flight complete; Run() then returns. Idempotent.
  void Shutdown();

 private:
  const Dispatcher* dispatcher_;
  MetricsRegistry* metrics_;
  HttpServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  int port_ = -1;
  std::atomic<bool> shutdown_requested_{false};
  Gauge* in_flight_;
};

}  // namespace cairn::api
