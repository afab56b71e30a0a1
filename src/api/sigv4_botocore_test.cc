// The real client's signer against cairn's verifier: tests/support/sigv4_botocore_requests.py signs
// requests of every shape the server meets with botocore's SigV4Auth (and tampers with copies);
// each must be accepted, or refused with exactly the AWS error it names.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <map>

#include "api/errors.h"
#include "api/sigv4.h"

namespace cairn::api {
namespace {

std::string Base64Decode(std::string_view in) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = val(c);
    if (v < 0) continue;  // '=' padding
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

bool RunCommand(const std::string& cmd, std::string* out) {
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return false;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  return pclose(p) == 0;
}

TEST(SigV4BotocoreTest, VerifierAgreesWithBotocoreSigner) {
  std::string ignored;
  if (!RunCommand("python3 -c 'import botocore' 2>/dev/null", &ignored)) {
    GTEST_SKIP() << "python3 with botocore is not installed";
  }
  std::string lines;
  ASSERT_TRUE(RunCommand(
      std::string("python3 ") + CAIRN_SOURCE_DIR + "/tests/support/sigv4_botocore_requests.py",
      &lines));
  std::map<std::string, std::string, std::less<>> secrets = {
      {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}};
  SigV4Verifier verifier(
      [&](std::string_view akid) -> Result<std::optional<std::string>> {
        auto it = secrets.find(akid);
        if (it == secrets.end()) return std::optional<std::string>();
        return std::optional<std::string>(it->second);
      },
      Env::Default());

  simdjson::dom::parser parser;
  simdjson::dom::document_stream stream;
  ASSERT_EQ(parser.parse_many(lines).get(stream), simdjson::SUCCESS);
  int cases = 0, accepted = 0;
  for (auto doc : stream) {
    simdjson::dom::element e;
    ASSERT_EQ(doc.get(e), simdjson::SUCCESS);
    std::string_view name, service, method, target, body_b64, expect;
    ASSERT_EQ(e["name"].get(name), simdjson::SUCCESS);
    ASSERT_EQ(e["service"].get(service), simdjson::SUCCESS);
    ASSERT_EQ(e["method"].get(method), simdjson::SUCCESS);
    ASSERT_EQ(e["target"].get(target), simdjson::SUCCESS);
    ASSERT_EQ(e["body_b64"].get(body_b64), simdjson::SUCCESS);
    ASSERT_EQ(e["expect"].get(expect), simdjson::SUCCESS);
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = Base64Decode(body_b64);
    simdjson::dom::array headers;
    ASSERT_EQ(e["headers"].get(headers), simdjson::SUCCESS);
    for (auto h : headers) {
      std::string_view k, v;
      ASSERT_EQ(h.at(0).get(k), simdjson::SUCCESS);
      ASSERT_EQ(h.at(1).get(v), simdjson::SUCCESS);
      r.headers.emplace_back(std::string(k), std::string(v));
    }
    auto id = verifier.Verify(r, service);
    ++cases;
    if (expect == "OK") {
      EXPECT_TRUE(id.ok()) << name << ": " << id.status().ToString();
      accepted += id.ok();
    } else {
      ASSERT_FALSE(id.ok()) << name;
      EXPECT_EQ(ToApiError(id.status(), Protocol::kJson11).type, expect)
          << name << ": " << id.status().ToString();
    }
  }
  EXPECT_GE(cases, 20);
  EXPECT_GE(accepted, 9);
}

}  // namespace
}  // namespace cairn::api
