// The two record parser kernels (record_parser_kernel.h) must agree on every field and every
// rejection: the Stratus corpus, generated records and broken records through both.
#include "event/record_parser_kernel.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/env.h"
#include "event/envelope.h"
#include "event/input_reader.h"
#include "event/record_parser.h"

namespace cairn {
namespace {

// Every string view of an event, with a name, in a fixed order (NULL shown apart from empty).
std::vector<std::pair<std::string, std::string>> Fields(const Event& e, const EventBatch& b) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const char* name, Str s) {
    out.emplace_back(name, IsNull(s) ? std::string("<null>") : "=" + std::string(s));
  };
  const UserIdentity& u = e.user_identity;
  out.emplace_back("eventTime", std::to_string(e.event_time_us));
  out.emplace_back("creationDate", std::to_string(u.creation_date_us));
  out.emplace_back("present", u.present ? "1" : "0");
  out.emplace_back("readOnly", std::to_string(static_cast<int>(e.read_only)));
  out.emplace_back("managementEvent", std::to_string(static_cast<int>(e.management_event)));
  add("eventVersion", e.event_version);
  add("eventSource", e.event_source);
  add("eventName", e.event_name);
  add("awsRegion", e.aws_region);
  add("sourceIPAddress", e.source_ip_address);
  add("userAgent", e.user_agent);
  add("errorCode", e.error_code);
  add("errorMessage", e.error_message);
  add("requestParameters", e.request_parameters_json);
  add("responseElements", e.response_elements_json);
  add("additionalEventData", e.additional_event_data_json);
  add("requestID", e.request_id);
  add("eventID", e.event_id);
  add("eventType", e.event_type);
  add("apiVersion", e.api_version);
  add("recipientAccountId", e.recipient_account_id);
  add("sharedEventID", e.shared_event_id);
  add("annotation", e.annotation);
  add("vpcEndpointId", e.vpc_endpoint_id);
  add("vpcEndpointAccountId", e.vpc_endpoint_account_id);
  add("serviceEventDetails", e.service_event_details_json);
  add("addendum", e.addendum_json);
  add("edgeDeviceDetails", e.edge_device_details_json);
  add("insightDetails", e.insight_details_json);
  add("eventCategory", e.event_category);
  add("tlsVersion", e.tls_details.tls_version);
  add("cipherSuite", e.tls_details.cipher_suite);
  add("clientProvidedHostHeader", e.tls_details.client_provided_host_header);
  add("keyExchange", e.tls_details.key_exchange);
  add("sessionCredentialFromConsole", e.session_credential_from_console);
  add("raw", e.raw);
  add("ui.type", u.type);
  add("ui.principalId", u.principal_id);
  add("ui.arn", u.arn);
  add("ui.accountId", u.account_id);
  add("ui.accessKeyId", u.access_key_id);
  add("ui.userName", u.user_name);
  add("ui.invokedBy", u.invoked_by);
  add("ui.identityProvider", u.identity_provider);
  add("ui.credentialId", u.credential_id);
  add("ui.mfaAuthenticated", u.mfa_authenticated);
  add("ui.issuer.type", u.session_issuer.type);
  add("ui.issuer.principalId", u.session_issuer.principal_id);
  add("ui.issuer.arn", u.session_issuer.arn);
  add("ui.issuer.accountId", u.session_issuer.account_id);
  add("ui.issuer.userName", u.session_issuer.user_name);
  add("ui.webIdProvider", u.web_id_federated_provider);
  add("ui.webIdAttributes", u.web_id_attributes_json);
  add("ui.sourceIdentity", u.source_identity);
  add("ui.ec2RoleDelivery", u.ec2_role_delivery);
  add("ui.ec2IssuedInVpc", u.ec2_issued_in_vpc);
  add("ui.onBehalfOf.userId", u.on_behalf_of_user_id);
  add("ui.onBehalfOf.identityStoreArn", u.on_behalf_of_identity_store_arn);
  add("ui.inScopeOf.sourceArn", u.in_scope_of_source_arn);
  add("ui.inScopeOf.sourceAccount", u.in_scope_of_source_account);
  add("ui.inScopeOf.issuerType", u.in_scope_of_issuer_type);
  add("ui.inScopeOf.credentialsIssuedTo", u.in_scope_of_credentials_issued_to);
  for (const Resource& r : b.ResourcesOf(e)) {
    add("resource.arn", r.arn);
    add("resource.accountId", r.account_id);
    add("resource.type", r.type);
  }
  return out;
}

struct Outcome {
  std::vector<std::pair<std::string, std::string>> fields;
  std::string error;
  RejectReason reason = RejectReason::kUnreadable;
};

Outcome ParseWith(bool fallback, const std::string& json) {
  RecordParserOptions options;
  options.force_fallback_kernel = fallback;
  RecordParser parser(options);
  if (fallback) {
    EXPECT_EQ(parser.kernel(), "fallback");
  }
  EventBatch batch;
  Str in = OwnPadded(json, &batch);
  RecordSource src;
  src.file = "kernels.json";
  Outcome o;
  Status st = parser.Parse(in, src, &batch, &o.reason);
  if (!st.ok()) {
    o.error = st.ToString();
    return o;
  }
  o.fields = Fields(batch.events.at(0), batch);
  return o;
}

void ExpectSameOutcome(const std::string& json) {
  Outcome a = ParseWith(true, json), b = ParseWith(false, json);
  EXPECT_EQ(a.error, b.error) << json.substr(0, 200);
  EXPECT_EQ(a.reason, b.reason) << json.substr(0, 200);
  ASSERT_EQ(a.fields.size(), b.fields.size()) << json.substr(0, 200);
  for (size_t i = 0; i < a.fields.size(); ++i) {
    EXPECT_EQ(a.fields[i], b.fields[i]) << json.substr(0, 200);
  }
}

TEST(RecordParserKernelTest, TheCpuGetsTheHaswellKernelWhenSimdjsonRunsIt) {
  RecordParser parser;
  const simdjson::implementation* haswell = simdjson::get_available_implementations()["haswell"];
#if defined(__x86_64__)
  const bool runs = haswell != nullptr && haswell->supported_by_runtime_system();
  EXPECT_EQ(parser.kernel(), runs ? "haswell" : "fallback");
#else
  (void)haswell;
  EXPECT_EQ(parser.kernel(), "fallback");
#endif
}

TEST(RecordParserKernelTest, KernelsAgreeOnTheStratusCorpus) {
  Env* env = Env::Default();
  const std::string dir =
      std::string(CAIRN_SHARED_DATA) + "/cloudtrail-real/stratus-red-team/detonation-logs";
  auto names = env->GetChildren(dir);
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  std::sort(names->begin(), names->end());
  size_t records = 0;
  for (const std::string& n : *names) {
    if (n.size() < 5 || n.substr(n.size() - 5) != ".json") continue;
    // Split the file's bare array into records with the fallback kernel's batch, then parse
    // each record's exact bytes with both kernels.
    RecordParserOptions options;
    options.force_fallback_kernel = true;
    RecordParser splitter(options);
    EventBatch batch;
    ParseSummary summary;
    ParseInputFile(env, dir + "/" + n, &splitter, &batch, &summary);
    for (const Event& e : batch.events) {
      ExpectSameOutcome(std::string(e.raw));
      ++records;
    }
  }
  EXPECT_EQ(records, 310u);
}

TEST(RecordParserKernelTest, KernelsAgreeOnEdgeCasesAndRejections) {
  const char* cases[] = {
      R"({"eventTime":"2025-01-02T03:04:05Z","eventID":"a","eventName":"X\u00e9\"q\\"})",
      R"({"eventTime":"2025-01-02T03:04:05.123+02:00","eventID":"b","readOnly":"true",)"
      R"("resources":[{"ARN":"arn:a","type":"T"},{"arn":"arn:b","accountId":"1"}]})",
      R"({"eventTime":"2025-01-02T03:04:05Z","eventID":"c","requestParameters":{"a":[1,2,{"b":null}]},)"
      R"("userIdentity":{"type":"AssumedRole","principalId":"AID:s","sessionContext":{"attributes":)"
      R"({"creationDate":"20250101T000000Z","mfaAuthenticated":"false"},"sessionIssuer":{"userName":"r"}}}})",
      R"({"eventTime":"2025-01-02T03:04:05Z","eventID":"d","unknown":{"deep":[[[[1]]]]},"x\u0041":1})",
      R"({"eventTime":"2025-01-02T03:04:05Z"})",
      R"({"eventID":"e"})",
      R"({"eventTime":5,"eventID":"f"})",
      R"({"eventTime":"2025-01-02T03:04:05Z","eventID":"g","readOnly":"maybe"})",
      R"({"eventTime":"2025-01-02T03:04:05Z","eventID":"h","requestParameters":{"a":tru}})",
      R"({"eventTime":"2025-01-02T03:04:05Z","eventID":"i"} x)",
      R"([1,2])",
      R"({"eventTime":"2025-01-02T03:04:05Z","eventID":"j","resources":{"ARN":"a"}})",
      R"({"eventTime":"2025-01-02T03:04:05Z","eventID":"k","eventName":"unterminated)",
      R"({"":["":},"":},)",
      R"({"eventTime":"2025-01-02T03:04:05Z","eventID":"l","b":["":},"":},)",
  };
  for (const char* c : cases) ExpectSameOutcome(c);
}

}  // namespace
}  // namespace cairn
