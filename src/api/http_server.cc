#include "api/http_server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace cairn::api {
namespace {

// cpp-httplib adds the peer and local addresses to the request as pseudo-headers; they were not
// sent by the client and must not take part in SigV4.
bool IsPseudoHeader(const std::string& name) {
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
         name == "LOCAL_PORT";
}

HttpRequest FromHttplib(const httplib::Request& req) {
  HttpRequest r;
  r.method = req.method;
  r.target = req.target;
  r.body = req.body;
  r.remote_addr = req.remote_addr;
  r.headers.reserve(req.headers.size());
  for (const auto& [k, v] : req.headers) {
    if (!IsPseudoHeader(k)) r.headers.emplace_back(k, v);
  }
  return r;
}

void ToHttplib(HttpResponse r, httplib::Response* res) {
  res->status = r.status;
  std::string content_type = "application/json";
  for (auto& [k, v] : r.headers) {
    if (EqualsIgnoreCase(k, "content-type")) {
      content_type = v;
    } else {
      res->set_header(k, v);
    }
  }
  res->set_content(std::move(r.body), content_type);
}

void TransportError(httplib::Response* res, int status, std::string_view type,
                    std::string message) {
  ApiError e{std::string(type), std::move(message), status};
  res->status = status;
  res->set_header("x-amzn-ErrorType", e.type);
  res->set_content(ErrorBody(e), "application/json");
}

}  // namespace

Result<std::pair<std::string, int>> ParseListenAddress(std::string_view s) {
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status::InvalidArgument(fmt::format("--listen {}: expected HOST:PORT", s));
  }
  std::string_view host = s.substr(0, colon);
  std::string_view port_text = s.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = -1;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port < 0 || port > 65535 ||
      host.empty()) {
    return Status::InvalidArgument(fmt::format("--listen {}: expected HOST:PORT", s));
  }
  return std::make_pair(std::string(host), port);
}

HttpServer::HttpServer(const Dispatcher* dispatcher, MetricsRegistry* metrics,
                       HttpServerOptions options)
    : dispatcher_(dispatcher),
      metrics_(metrics),
      options_(std::move(options)),
      server_(std::make_unique<httplib::Server>()) {
  in_flight_ = metrics_->GetGauge("cairn_api_requests_in_flight", "API requests being served now");
  size_t threads = options_.threads;
  if (threads == 0) threads = std::max<size_t>(4, 2 * std::thread::hardware_concurrency());
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_payload_max_length(options_.max_body_bytes);
  server_->set_read_timeout(options_.read_timeout_seconds, 0);
  server_->set_write_timeout(options_.write_timeout_seconds, 0);
  server_->set_keep_alive_timeout(options_.keep_alive_timeout_seconds);
  server_->set_keep_alive_max_count(options_.keep_alive_max_requests);
  // A response goes out as two writes (headers, body): with Nagle's algorithm the body waits for
  // the client's delayed ACK of the headers, ~40 ms per request on keep-alive connections.
  server_->set_tcp_nodelay(true);
  // cpp-httplib's default socket options set SO_REUSEPORT, which lets a second server bind the
  // same port and silently take part of the connections. SO_REUSEADDR alone still allows a quick
  // restart (sockets in TIME_WAIT) and makes a second `cairn serve` on the port fail to bind.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });

  server_->Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"ok\"}", "application/json");
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_->RenderPrometheus(), "text/plain; version=0.0.4");
  });
  auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
    in_flight_->Add(1);
    ToHttplib(dispatcher_->Handle(FromHttplib(req)), &res);
    in_flight_->Add(-1);
  };
  server_->Get(".*", dispatch);
  server_->Post(".*", dispatch);
  server_->Put(".*", dispatch);
  server_->Delete(".*", dispatch);
  server_->Patch(".*", dispatch);
  server_->Options(".*", dispatch);

  // Errors cpp-httplib answers itself (body too large, malformed request line, unknown method)
  // get AWS's shape too. Responses the dispatcher built already have a body and pass unchanged.
  server_->set_error_handler(
      httplib::Server::HandlerWithResponse([this](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        switch (res.status) {
          case 413:
            TransportError(
                &res, 413, "RequestEntityTooLargeException",
                fmt::format("The request body is larger than {} bytes.", options_.max_body_bytes));
            break;
          case 414:
            TransportError(&res, 414, "BadRequestException", "The request URI is too long.");
            break;
          case 404:
          case 405:
            TransportError(&res, res.status, "UnknownOperationException",
                           "No operation for this method and path.");
            break;
          default:
            TransportError(&res, res.status, "BadRequestException", "The request is malformed.");
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  server_->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        std::fprintf(stderr, "cairn serve: request failed with an exception: %s\n", what.c_str());
        TransportError(&res, 500, "InternalFailure",
                       "The request processing has failed because of an unknown error, exception "
                       "or failure.");
      });
}

HttpServer::~HttpServer() = default;

Status HttpServer::Bind() {
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.host);
    if (port_ > 0) return Status::OK();
  } else if (server_->bind_to_port(options_.host, options_.port)) {
    port_ = options_.port;
    return Status::OK();
  }
  return Status::Unavailable(
      fmt::format("cannot listen on {}:{} (address in use, or not an "
                  "address of this machine)",
                  options_.host, options_.port));
}

Status HttpServer::Run() {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  // httplib::Server::stop() only acts on a running server, and must be called once; a watcher
  // waits for Shutdown() and stops the server once it runs.
  std::thread watcher([&] {
    {
      std::unique_lock<std::mutex> lock(mu);
      while (!done && !shutdown_requested_.load()) {
        cv.wait_for(lock, std::chrono::milliseconds(50));
      }
      if (done) return;
    }
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (done) return;
      }
      if (server_->is_running()) {
        server_->stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  bool ok = shutdown_requested_.load() ? true : server_->listen_after_bind();
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
  }
  cv.notify_all();
  watcher.join();
  if (!ok && !shutdown_requested_.load()) {
    return Status::Unavailable(fmt::format("serving {}:{} failed", options_.host, port_));
  }
  return Status::OK();
}

void HttpServer::Shutdown() { shutdown_requested_.store(true); }

}  // namespace cairn::api
