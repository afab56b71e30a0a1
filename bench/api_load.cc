// bench/api_load.cc — LookupEvents load: over HTTP against a running `cairn serve`, or the same
// lookups in-process, with many concurrent clients; prints throughput and latency percentiles.
//
//   build/bench/api_load http --endpoint http://127.0.0.1:PORT --key AKID --secret S
//                             --region R --requests FILE [--clients 16] [--seconds 10]
//   build/bench/api_load inproc --data DIR --account A --region R --requests FILE
//                             [--clients 16] [--seconds 10] [--as-of T]
//   {"mode":"http","clients":16,"requests":N,"errors":N,"events":N,"seconds":S,"rps":X,
//    "p50_ms":X,"p99_ms":X,"max_ms":X,"cpu_seconds":S}   (cpu_seconds: this process, user+system)
//
// FILE holds one LookupEvents request body (JSON) per line; client i starts at line i and cycles.
// http: each client keeps one HTTP/1.1 keep-alive connection (reconnecting when the server closes
// it) and signs every request with SigV4 (api::SignRequest, as botocore does). An answer other
// than 200 counts as an error. inproc: each client parses the same request body, runs the lookup
// on the account's history (EventHistory::Lookup) and renders the response JSON: the handler's
// work without HTTP, SigV4, dispatch and self-recording, i.e. the peer that shows the server's
// overhead. Exit 1 when a request fails to connect or (inproc) a lookup fails; 2 for usage errors.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "api/cloudtrail/lookup_events.h"
#include "api/sigv4.h"
#include "cloud/as_of_env.h"
#include "cloud/data_dir.h"
#include "common/json_writer.h"
#include "event/event_time.h"

namespace cairn {
namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string mode, endpoint, key, secret, region = "us-east-1", requests_file, data, account,
                                           as_of;
  int clients = 16;
  double seconds = 10;
};

struct ClientResult {
  std::vector<double> latencies_ms;
  uint64_t errors = 0;
  uint64_t events = 0;
  std::string first_error;
};

int Usage(const char* why) {
  std::fprintf(stderr, "api_load: %s\nusage: api_load http|inproc ... (see bench/api_load.cc)\n",
               why);
  return 2;
}

// A blocking HTTP/1.1 connection to host:port.
class Connection {
 public:
  Connection(std::string host, int port) : host_(std::move(host)), port_(port) {}
  ~Connection() { Close(); }

  // Sends `request` (complete bytes) and reads one response; reconnects once if the kept-alive
  // connection was closed by the server. Returns the status, or -1 on a transport error.
  int RoundTrip(const std::string& request, std::string* body, std::string* error) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0 && !Connect(error)) return -1;
      if (SendAll(request) && ReadResponse(body)) return status_;
      Close();
    }
    *error = "connection closed while answering";
    return -1;
  }

 private:
  bool Connect(std::string* error) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    ::inet_pton(AF_INET, host_.c_str(), &addr.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      *error = std::string("connect: ") + std::strerror(errno);
      Close();
      return false;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    buf_.clear();
    return true;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool SendAll(const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
      ssize_t n = ::send(fd_, s.data() + done, s.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }
  bool Fill() {
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
  bool ReadResponse(std::string* body) {
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return false;
    }
    std::string head = buf_.substr(0, end);
    status_ = std::atoi(head.c_str() + head.find(' ') + 1);
    size_t length = 0;
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t cl = lower.find("content-length:");
    if (cl != std::string::npos) length = std::strtoul(head.c_str() + cl + 15, nullptr, 10);
    const bool close = lower.find("connection: close") != std::string::npos;
    while (buf_.size() < end + 4 + length) {
      if (!Fill()) return false;
    }
    body->assign(buf_, end + 4, length);
    buf_.erase(0, end + 4 + length);
    if (close) Close();
    return true;
  }

  std::string host_;
  int port_;
  int fd_ = -1;
  std::string buf_;
  int status_ = 0;
};

uint64_t CountEvents(std::string_view body) {
  uint64_t n = 0;
  for (size_t p = body.find("\"EventId\""); p != std::string_view::npos;
       p = body.find("\"EventId\"", p + 1)) {
    ++n;
  }
  return n;
}

void HttpClient(const Args& a, const std::vector<std::string>& bodies, int id,
                Clock::time_point end, ClientResult* out) {
  std::string hostport = a.endpoint.substr(a.endpoint.find("//") + 2);
  std::string path = "/";
  if (size_t slash = hostport.find('/'); slash != std::string::npos) {
    path = hostport.substr(slash);  // e.g. /accounts/<id>: an auditor reading another account
    hostport.resize(slash);
  }
  const std::string host = hostport.substr(0, hostport.find(':'));
  const int port = std::atoi(hostport.c_str() + hostport.find(':') + 1);
  Connection conn(host, port);
  api::SigningCredentials creds{a.key, a.secret, a.region, "cloudtrail"};
  std::string body, error;
  for (size_t i = static_cast<size_t>(id); Clock::now() < end; ++i) {
    api::HttpRequest req;
    req.method = "POST";
    req.target = path;
    req.body = bodies[i % bodies.size()];
    req.headers = {
        {"Host", hostport},
        {"Content-Type", "application/x-amz-json-1.1"},
        {"X-Amz-Target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"}};
    const auto t0 = Clock::now();
    api::SignRequest(&req, creds, std::time(nullptr));
    std::string wire = "POST " + path + " HTTP/1.1\r\n";
    for (const auto& [k, v] : req.headers) wire += k + ": " + v + "\r\n";
    wire += "User-Agent: cairn-api-load\r\nContent-Length: " + std::to_string(req.body.size()) +
            "\r\n\r\n" + req.body;
    const int status = conn.RoundTrip(wire, &body, &error);
    out->latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (status != 200) {
      ++out->errors;
      if (out->first_error.empty()) {
        out->first_error = status < 0 ? error : "HTTP " + std::to_string(status) + ": " + body;
      }
      if (status < 0) return;
    } else {
      out->events += CountEvents(body);
    }
  }
}

void InprocClient(const Args& a, EventHistory* history, const std::string& token_key,
                  const std::vector<std::string>& bodies, int id, Clock::time_point end,
                  ClientResult* out) {
  simdjson::dom::parser parser;
  for (size_t i = static_cast<size_t>(id); Clock::now() < end; ++i) {
    const auto t0 = Clock::now();
    simdjson::padded_string padded(bodies[i % bodies.size()]);
    simdjson::dom::element in;
    Status s;
    if (parser.parse(padded).get(in)) s = Status::InvalidArgument("request is not JSON");
    Result<LookupEventsRequest> req =
        s.ok() ? api::cloudtrail::ParseLookupEventsRequest(in) : Result<LookupEventsRequest>(s);
    Result<LookupEventsResponse> r = req.ok()
                                         ? history->Lookup(*req, token_key, /*rendered_only=*/true)
                                         : Result<LookupEventsResponse>(req.status());
    if (r.ok()) {
      std::string json;
      JsonWriter w(&json);
      WriteLookupEventsResponse(*r, &w);
      out->events += r->events.size();
    } else {
      ++out->errors;
      if (out->first_error.empty()) out->first_error = r.status().ToString();
    }
    out->latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  (void)a;
}

int Main(int argc, char** argv) {
  if (argc < 2) return Usage("missing mode");
  Args a;
  a.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string k = argv[i];
    if (i + 1 >= argc) return Usage(("missing value of " + k).c_str());
    std::string v = argv[++i];
    if (k == "--endpoint")
      a.endpoint = v;
    else if (k == "--key")
      a.key = v;
    else if (k == "--secret")
      a.secret = v;
    else if (k == "--region")
      a.region = v;
    else if (k == "--requests")
      a.requests_file = v;
    else if (k == "--data")
      a.data = v;
    else if (k == "--account")
      a.account = v;
    else if (k == "--as-of")
      a.as_of = v;
    else if (k == "--clients")
      a.clients = std::atoi(v.c_str());
    else if (k == "--seconds")
      a.seconds = std::atof(v.c_str());
    else
      return Usage(("unknown option " + k).c_str());
  }
  std::vector<std::string> bodies;
  std::ifstream f(a.requests_file);
  for (std::string line; std::getline(f, line);) {
    if (!line.empty()) bodies.push_back(line);
  }
  if (bodies.empty()) return Usage("--requests: no request bodies");
  if (a.clients < 1) return Usage("--clients must be at least 1");

  std::unique_ptr<cloud::AsOfEnv> as_of;
  std::unique_ptr<cloud::DataDir> dir;
  EventHistory* history = nullptr;
  if (a.mode == "inproc") {
    Env* env = Env::Default();
    if (!a.as_of.empty()) {
      auto t = ParseTimestampMicros(a.as_of);
      if (!t) return Usage("--as-of: not an RFC 3339 time");
      as_of = std::make_unique<cloud::AsOfEnv>(env, *t);
      env = as_of.get();
    }
    cloud::DataDirOptions o;
    o.create_if_missing = false;
    auto d = cloud::DataDir::Open(env, a.data, o);
    if (!d.ok()) {
      std::fprintf(stderr, "api_load: %s\n", d.status().ToString().c_str());
      return 1;
    }
    dir = std::move(*d);
    auto h = dir->History(a.account, a.region, /*create=*/false);
    if (!h.ok()) {
      std::fprintf(stderr, "api_load: %s\n", h.status().ToString().c_str());
      return 1;
    }
    history = *h;
  } else if (a.mode != "http") {
    return Usage("mode must be http or inproc");
  }

  std::vector<ClientResult> results(static_cast<size_t>(a.clients));
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  const auto end = start + std::chrono::microseconds(static_cast<int64_t>(a.seconds * 1e6));
  for (int i = 0; i < a.clients; ++i) {
    threads.emplace_back([&, i] {
      if (history != nullptr) {
        InprocClient(a, history, dir->token_key(), bodies, i, end,
                     &results[static_cast<size_t>(i)]);
      } else {
        HttpClient(a, bodies, i, end, &results[static_cast<size_t>(i)]);
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;

  std::vector<double> all;
  uint64_t errors = 0, events = 0;
  std::string first_error;
  for (const auto& r : results) {
    all.insert(all.end(), r.latencies_ms.begin(), r.latencies_ms.end());
    errors += r.errors;
    events += r.events;
    if (first_error.empty()) first_error = r.first_error;
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Member("mode", a.mode)
      .Member("clients", a.clients)
      .Member("requests", static_cast<uint64_t>(all.size()))
      .Member("errors", errors)
      .Member("events", events)
      .Member("seconds", seconds)
      .Member("cpu_seconds", cpu)
      .Member("rps", static_cast<double>(all.size()) / seconds)
      .Member("p50_ms", pct(0.50))
      .Member("p99_ms", pct(0.99))
      .Member("max_ms", all.empty() ? 0.0 : all.back());
  if (!first_error.empty()) w.Member("first_error", first_error.substr(0, 500));
  w.EndObject();
  std::printf("%s\n", out.c_str());
  if (dir) dir->Close().IgnoreError();
  return errors > 0 && all.size() == errors ? 1 : 0;
}

}  // namespace
}  // namespace cairn

int main(int argc, char** argv) { return cairn::Main(argc, argv); }
