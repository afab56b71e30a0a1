// Every API of the catalogue, written by every kind of identity that may call it, must be a
// well-formed record: valid JSON, the identity's shape, errors shaped like the service's.
#include "event/generator/record_writer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>

namespace cairn::gen {
namespace {

std::string Get(simdjson::dom::element e, std::string_view path) {
  std::string_view v;
  if (e.at_pointer(path).get_string().get(v) != simdjson::SUCCESS) return "<absent>";
  return std::string(v);
}

TEST(RecordWriter, EveryApiAndIdentityKindWritesValidJson) {
  auto org = Organization::Build(42, 4, 3);
  ASSERT_TRUE(org.ok());
  RecordWriter writer(*org);
  Rng rng(1);
  simdjson::dom::parser parser;
  std::set<std::string> sources;
  int written = 0;
  for (const Api& api : Catalog()) {
    sources.insert(api.source);
    for (int a = 0; a < static_cast<int>(org->accounts.size()); ++a) {
      const Account& acct = org->accounts[a];
      std::set<IdentityKind> seen;
      for (const Identity& id : acct.identities) {
        bool service =
            id.kind == IdentityKind::kAwsService || id.kind == IdentityKind::kServiceEvent;
        if (!service && (api.actors & KindBit(id.kind)) == 0) continue;
        if (!seen.insert(id.kind).second) continue;
        for (int error = -1; error < static_cast<int>(api.error_kinds.size()); ++error) {
          RecordSpec spec;
          spec.account = a;
          spec.region = api.scope == ApiScope::kRegional ? 2 : 0;
          spec.api = &api;
          spec.identity = &id;
          spec.time = 1741600000 + written;
          spec.invoked_by = api.invoked_by.empty() ? std::string_view("ec2.amazonaws.com")
                                                   : std::string_view(api.invoked_by[0]);
          spec.error = error;
          std::string out;
          RecordFacts facts;
          writer.Write(spec, rng, &out, &facts);
          EXPECT_EQ(facts.error, error >= 0);
          simdjson::dom::element r;
          ASSERT_EQ(parser.parse(out).get(r), simdjson::SUCCESS) << api.name << ": " << out;
          ++written;
          EXPECT_EQ(Get(r, "/eventSource"), api.source);
          EXPECT_EQ(Get(r, "/eventName"), api.name);
          EXPECT_EQ(Get(r, "/recipientAccountId"), acct.id);
          EXPECT_EQ(Get(r, "/eventType"), api.event_type);
          EXPECT_EQ(Get(r, "/eventCategory"), api.event_category);
          if (id.kind == IdentityKind::kServiceEvent) {
            // AwsServiceEvent records name the account and the service, no type.
            EXPECT_EQ(Get(r, "/userIdentity/type"), "<absent>");
            EXPECT_EQ(Get(r, "/userIdentity/accountId"), acct.id);
          } else {
            EXPECT_NE(Get(r, "/userIdentity/type"), "<absent>") << out;
          }
          if (id.kind == IdentityKind::kAwsService) {
            EXPECT_EQ(Get(r, "/userIdentity/invokedBy"), spec.invoked_by);
            EXPECT_EQ(Get(r, "/sourceIPAddress"), spec.invoked_by);
            EXPECT_EQ(Get(r, "/tlsDetails/tlsVersion"), "<absent>");
          }
          if (id.kind == IdentityKind::kSsoSession) {
            EXPECT_NE(Get(r, "/userIdentity/arn").find("AWSReservedSSO_"), std::string::npos);
            EXPECT_NE(Get(r, "/userIdentity/sessionContext/sessionIssuer/arn")
                          .find(":role/aws-reserved/sso.amazonaws.com/"),
                      std::string::npos);
          }
          if (id.kind == IdentityKind::kIdcUser) {
            EXPECT_NE(Get(r, "/userIdentity/onBehalfOf/userId"), "<absent>");
            EXPECT_NE(Get(r, "/userIdentity/onBehalfOf/identityStoreArn").find(":identitystore/d-"),
                      std::string::npos);
          }
          if (error >= 0) {
            const ApiError& e = api.error_kinds[error];
            EXPECT_EQ(Get(r, "/errorCode"), e.code.empty() ? "<absent>" : e.code);
            EXPECT_NE(Get(r, "/errorMessage"), "<absent>");
            EXPECT_EQ(Get(r, "/errorMessage").find("${"), std::string::npos);
          }
        }
      }
    }
  }
  EXPECT_GE(sources.size(), 20u);
  EXPECT_GT(written, 500);
}

TEST(RecordWriter, SessionKeysLastASessionThenChange) {
  auto org = Organization::Build(5, 2, 1);
  ASSERT_TRUE(org.ok());
  const Account& acct = org->accounts[1];
  const Identity* role = nullptr;
  for (const Identity& id : acct.identities) {
    if (id.kind == IdentityKind::kAppRole && id.session_seconds > 0) role = &id;
  }
  ASSERT_NE(role, nullptr);
  const Api* api = nullptr;
  for (const Api& a : Catalog()) {
    if (a.name == "GetCallerIdentity") api = &a;
  }
  ASSERT_NE(api, nullptr);
  RecordWriter writer(*org);
  Rng rng(3);
  simdjson::dom::parser parser;
  auto key_at = [&](int64_t t) {
    RecordSpec spec{1, 0, api, role, t, {}, -1};
    std::string out;
    RecordFacts facts;
    writer.Write(spec, rng, &out, &facts);
    simdjson::dom::element r;
    EXPECT_EQ(parser.parse(out).get(r), simdjson::SUCCESS);
    return Get(r, "/userIdentity/accessKeyId") + " " +
           Get(r, "/userIdentity/sessionContext/attributes/creationDate");
  };
  std::set<std::string> keys;
  const int64_t t0 = 1741600000;
  for (int64_t t = t0; t < t0 + 10 * role->session_seconds; t += 60) keys.insert(key_at(t));
  // About one key per session: reused within a session, renewed between sessions.
  EXPECT_GE(keys.size(), 10u);
  EXPECT_LE(keys.size(), 11u);
  for (const std::string& k : keys) EXPECT_TRUE(k.starts_with("ASIA")) << k;
}

}  // namespace
}  // namespace cairn::gen
