// bench/put_audit_events.cc — a load client for cloudtrail-data PutAuditEvents over HTTP.
//
// Usage:
//   put_audit_events --endpoint 127.0.0.1:PORT --access-key K --secret S --channel-arn ARN
//                    --events FILE [--clients 16] [--batch 100] [--region us-east-1]
//
// FILE holds one eventData JSON object per line. The events are cut into requests of `batch`
// events (each with its eventDataChecksum) before the clock starts; `clients` threads then send
// them over keep-alive HTTP/1.1 connections, each request signed with SigV4 when it is sent.
// A reply counts only when it is HTTP 200 with every event in `successful` — cairn answers after
// the events are durable, so the figure is durable events per second.
// Prints one JSON document: events, requests, seconds, events_per_second, p50/p99 request ms.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "api/http_message.h"
#include "api/sigv4.h"
#include "common/json_writer.h"

namespace {

struct Args {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string key, secret, channel_arn, events_file, region = "us-east-1";
  int clients = 16;
  size_t batch = 100;
};

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "put_audit_events: %s\n", msg.c_str());
  std::exit(1);
}

std::string Checksum(const std::string& s) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(s.data(), s.size(), d, &n, EVP_sha256(), nullptr);
  unsigned char b64[64];
  int m = EVP_EncodeBlock(b64, d, static_cast<int>(n));
  return std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(m));
}

int Connect(const Args& a) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) Die("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(a.port));
  inet_pton(AF_INET, a.host.c_str(), &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Die("connect failed");
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Sends `wire` and reads one response; returns (status, body). Reconnects once if the server
// closed the keep-alive connection.
std::pair<int, std::string> RoundTrip(const Args& a, int* fd, const std::string& wire) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    size_t sent = 0;
    bool broken = false;
    while (sent < wire.size()) {
      ssize_t n = send(*fd, wire.data() + sent, wire.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        broken = true;
        break;
      }
      sent += static_cast<size_t>(n);
    }
    std::string in;
    char buf[65536];
    size_t header_end = std::string::npos;
    size_t content_length = 0;
    while (!broken) {
      ssize_t n = recv(*fd, buf, sizeof buf, 0);
      if (n <= 0) {
        broken = true;
        break;
      }
      in.append(buf, static_cast<size_t>(n));
      if (header_end == std::string::npos) {
        header_end = in.find("\r\n\r\n");
        if (header_end == std::string::npos) continue;
        std::string head = in.substr(0, header_end);
        for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t cl = head.find("content-length:");
        if (cl == std::string::npos) Die("response without Content-Length");
        content_length = std::strtoull(head.c_str() + cl + 15, nullptr, 10);
      }
      if (in.size() >= header_end + 4 + content_length) {
        int status = std::atoi(in.c_str() + 9);
        return {status, in.substr(header_end + 4, content_length)};
      }
    }
    close(*fd);
    *fd = Connect(a);
  }
  Die("connection failed twice");
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die(k + " needs a value");
      return argv[++i];
    };
    if (k == "--endpoint") {
      std::string e = next();
      size_t colon = e.rfind(':');
      if (colon == std::string::npos) Die("--endpoint HOST:PORT");
      a.host = e.substr(0, colon);
      a.port = std::atoi(e.c_str() + colon + 1);
    } else if (k == "--access-key") {
      a.key = next();
    } else if (k == "--secret") {
      a.secret = next();
    } else if (k == "--channel-arn") {
      a.channel_arn = next();
    } else if (k == "--events") {
      a.events_file = next();
    } else if (k == "--clients") {
      a.clients = std::max(1, std::atoi(next().c_str()));
    } else if (k == "--batch") {
      a.batch = static_cast<size_t>(std::max(1, std::atoi(next().c_str())));
    } else if (k == "--region") {
      a.region = next();
    } else {
      Die("unknown option " + k);
    }
  }
  if (a.port == 0 || a.key.empty() || a.channel_arn.empty() || a.events_file.empty()) {
    Die("usage: put_audit_events --endpoint HOST:PORT --access-key K --secret S --channel-arn ARN "
        "--events FILE [--clients N] [--batch N]");
  }
  std::ifstream f(a.events_file);
  if (!f) Die("cannot read " + a.events_file);
  std::vector<std::string> events;
  for (std::string line; std::getline(f, line);) {
    if (!line.empty()) events.push_back(line);
  }
  // Request bodies, built before the clock starts.
  std::vector<std::string> bodies;
  for (size_t i = 0; i < events.size(); i += a.batch) {
    std::string body;
    cairn::JsonWriter w(&body);
    w.BeginObject().Key("auditEvents").BeginArray();
    for (size_t j = i; j < std::min(events.size(), i + a.batch); ++j) {
      w.BeginObject()
          .Member("id", "e" + std::to_string(j))
          .Member("eventData", events[j])
          .Member("eventDataChecksum", Checksum(events[j]))
          .EndObject();
    }
    w.EndArray().EndObject();
    bodies.push_back(std::move(body));
  }
  const std::string target =
      "/PutAuditEvents?channelArn=" + cairn::api::PercentEncode(a.channel_arn);
  const std::string host = a.host + ":" + std::to_string(a.port);
  std::atomic<size_t> next_body{0};
  std::atomic<uint64_t> acked{0};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(a.clients));
  std::atomic<bool> failed{false};
  std::string failure;
  std::mutex failure_mu;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < a.clients; ++c) {
    threads.emplace_back([&, c] {
      int fd = Connect(a);
      for (size_t b = next_body++; b < bodies.size() && !failed.load(); b = next_body++) {
        cairn::api::HttpRequest r;
        r.method = "POST";
        r.target = target;
        r.body = bodies[b];
        r.headers = {{"Host", host}, {"Content-Type", "application/json"}};
        const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        cairn::api::SignRequest(&r, {a.key, a.secret, a.region, "cloudtrail-data"}, now);
        std::string wire = "POST " + r.target + " HTTP/1.1\r\n";
        for (const auto& [k, v] : r.headers) wire += k + ": " + v + "\r\n";
        wire += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
        const auto t0 = std::chrono::steady_clock::now();
        auto [status, body] = RoundTrip(a, &fd, wire);
        latencies[static_cast<size_t>(c)].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
        if (status != 200 || body.find("\"failed\":[]") == std::string::npos) {
          std::lock_guard<std::mutex> l(failure_mu);
          failure = "HTTP " + std::to_string(status) + ": " + body.substr(0, 500);
          failed.store(true);
          break;
        }
        const size_t n = std::min(a.batch, events.size() - b * a.batch);
        acked += n;
      }
      close(fd);
    });
  }
  for (auto& t : threads) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failed.load()) Die("a request failed: " + failure);
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  std::printf(
      "{\"events\":%llu,\"requests\":%zu,\"clients\":%d,\"batch\":%zu,\"seconds\":%.3f,"
      "\"events_per_second\":%.0f,\"p50_ms\":%.2f,\"p99_ms\":%.2f}\n",
      static_cast<unsigned long long>(acked.load()), bodies.size(), a.clients, a.batch, seconds,
      acked.load() / seconds, pct(0.50), pct(0.99));
  return 0;
}
