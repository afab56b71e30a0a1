// src/api/request_fuzz.cc
//
// libFuzzer target for everything a client's bytes reach in `cairn serve` after the socket: the
// real ApiServer (every operation registered, self-recording on) over a data folder in a temporary
// directory, driven through Dispatcher::Handle. An input is a request written as text,
//
//   flags:u8  "METHOD TARGET\n"  ("Name: value\n")*  "\n"  body
//
// where missing parts take defaults (POST, "/"). flags bit 0 signs the request (SigV4, now) with
// the organization's admin credential and bit 1 with a member-reader's, so that inputs reach the
// handlers past authentication; unsigned inputs exercise SigV4 verification itself. It must never
// crash, and every answer must be well formed: a 36-character request id, a status of 200 or
// 400-599, and for errors a JSON body whose __type equals the x-amzn-ErrorType header.
// Built by `make fuzz` (clang, -fsanitize=fuzzer,address,undefined; tests/fuzz/run).
#include <simdjson.h>
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "api/api_server.h"
#include "api/dispatcher.h"
#include "api/sigv4.h"
#include "cloud/data_dir.h"
#include "cloud/organization.h"

namespace {

using namespace cairn;

struct Server {
  std::unique_ptr<cloud::DataDir> dir;
  std::unique_ptr<cloud::Organization> org;
  std::unique_ptr<api::ApiServer> server;
  cloud::NewCredential admin, member;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "request_fuzz: %s\n", what.c_str());
  std::abort();
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.status().ToString());
  return std::move(*r);
}

// One server for the whole run (set up on the first input), in a fresh temporary folder.
Server& TheServer() {
  static Server* s = [] {
    char tmpl[] = "/tmp/cairn-request-fuzz-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) Die("mkdtemp failed");
    auto* out = new Server;
    out->dir = Must(cloud::DataDir::Open(Env::Default(), std::string(tmpl) + "/data"), "open");
    out->org = Must(cloud::Organization::Open(out->dir.get()), "organization");
    cloud::BootstrapResult b = Must(out->org->Bootstrap("111122223333", "management"), "bootstrap");
    out->admin = b.admin;
    Must(out->org->CreateAccount("member", "444455556666"), "member account");
    out->member = Must(out->org->CreateCredential("member", cloud::Role::kMemberReader), "member");
    api::ApiServerOptions options;
    options.http.host = "127.0.0.1";
    options.http.port = 0;
    out->server = Must(api::ApiServer::Start(out->dir.get(), out->org.get(), options), "start");
    return out;
  }();
  return *s;
}

// The request an input describes (see the header comment).
api::HttpRequest ParseInput(std::string_view in) {
  api::HttpRequest r;
  r.method = "POST";
  r.target = "/";
  r.remote_addr = "127.0.0.1";
  auto line = [&in]() -> std::optional<std::string_view> {
    const size_t nl = in.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    std::string_view l = in.substr(0, nl);
    in.remove_prefix(nl + 1);
    return l;
  };
  if (auto first = line()) {
    const size_t sp = first->find(' ');
    if (sp != std::string_view::npos) {
      r.method = std::string(first->substr(0, sp));
      r.target = std::string(first->substr(sp + 1));
    }
    while (auto h = line()) {
      if (h->empty()) break;
      const size_t colon = h->find(':');
      if (colon == std::string_view::npos) continue;
      std::string_view value = h->substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      r.headers.emplace_back(std::string(h->substr(0, colon)), std::string(value));
    }
  }
  r.body = std::string(in);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Server& s = TheServer();
  const uint8_t flags = data[0];
  api::HttpRequest req =
      ParseInput(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  if (flags & 3) {
    const cloud::NewCredential& c = (flags & 2) ? s.member : s.admin;
    const bool data_plane = !req.Header("X-Amz-Target").has_value();
    api::SignRequest(&req,
                     {c.info.access_key_id, c.secret_access_key, "us-east-1",
                      data_plane ? "cloudtrail-data" : "cloudtrail"},
                     Env::Default()->NowMicros() / 1000000);
  }
  api::HttpResponse resp = s.server->dispatcher()->Handle(req);
  if (resp.Header("x-amzn-RequestId").value_or("").size() != 36) Die("no request id");
  if (resp.status == 200) return 0;
  if (resp.status < 400 || resp.status > 599) Die("status " + std::to_string(resp.status));
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view type;
  if (parser.parse(resp.body).get(doc) != simdjson::SUCCESS || doc["__type"].get(type) ||
      resp.Header("x-amzn-ErrorType").value_or("") != type) {
    Die("malformed error " + std::to_string(resp.status) + ": " + resp.body);
  }
  return 0;
}
