#include "event/envelope.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/gzip.h"
#include "common/json_writer.h"
#include "event/event_time.h"
#include "event/input_reader.h"

namespace cairn {
namespace {

std::string Rec(const std::string& id, const std::string& name = "GetObject") {
  return R"({"eventVersion":"1.09","eventTime":"2024-05-01T10:00:00Z","eventID":")" + id +
         R"(","eventName":")" + name + R"(","awsRegion":"us-east-1"})";
}

struct Outcome {
  EventBatch batch;
  ParseSummary summary;
  Envelope envelope = Envelope::kUnknown;
  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const Event& e : batch.events) out.emplace_back(e.event_id);
    return out;
  }
  bool HasError(std::string_view part) const {
    return std::any_of(summary.errors.begin(), summary.errors.end(),
                       [&](const std::string& e) { return e.find(part) != std::string::npos; });
  }
};

Outcome ParseBytes(std::string bytes, RecordParserOptions options = {}) {
  Outcome r;
  RecordParser parser(options);
  r.envelope = ParseInputBytes(std::move(bytes), "f.json", &parser, &r.batch, &r.summary);
  return r;
}

using Ids = std::vector<std::string>;

// Minified JSON text by simdjson's DOM (an independent reader).
std::string MinifyText(Str json) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(json.data(), json.size()).get(e)) return "<invalid>";
  return simdjson::minify(e);
}

TEST(EnvelopeTest, E1RecordsPlainAndGzip) {
  const std::string text = R"({"Records":[)" + Rec("a") + "," + Rec("b") + "]}";
  for (const std::string& bytes : {text, gzip::Deflate(text)}) {
    Outcome r = ParseBytes(bytes);
    EXPECT_EQ(r.envelope, Envelope::kRecords);
    EXPECT_EQ(r.ids(), (Ids{"a", "b"}));
    EXPECT_TRUE(r.summary.clean()) << r.summary.errors[0];
    EXPECT_EQ(r.summary.accepted, 2u);
    EXPECT_EQ(r.summary.files_read, 1u);
    EXPECT_EQ(r.summary.bytes_read, bytes.size());
    EXPECT_EQ(r.summary.bytes_json, text.size());
  }
}

TEST(EnvelopeTest, E1PrettyWithOtherKeysAndBom) {
  const std::string text =
      "\xEF\xBB\xBF \n{\n  \"Version\": {\"x\": [\"Records\"]},\n  \"Records\" : [\n    " +
      Rec("a") + " ,\n    " + Rec("b") + "\n  ],\n  \"After\": 1\n}\n";
  Outcome r = ParseBytes(text);
  EXPECT_EQ(r.envelope, Envelope::kRecords);
  EXPECT_EQ(r.ids(), (Ids{"a", "b"}));
  EXPECT_TRUE(r.summary.clean());
  Outcome empty = ParseBytes(R"({"Records":[]})");
  EXPECT_EQ(empty.envelope, Envelope::kRecords);
  EXPECT_EQ(empty.batch.size(), 0u);
  EXPECT_TRUE(empty.summary.clean());
}

TEST(EnvelopeTest, E2BareArray) {
  Outcome r = ParseBytes("[\n" + Rec("a") + ",\n" + Rec("b") + "\n]\n");
  EXPECT_EQ(r.envelope, Envelope::kArray);
  EXPECT_EQ(r.ids(), (Ids{"a", "b"}));
  EXPECT_TRUE(r.summary.clean());
}

TEST(EnvelopeTest, E3Ndjson) {
  Outcome r = ParseBytes(Rec("a") + "\n\n" + Rec("b") + "\r\n  " + Rec("c"));
  EXPECT_EQ(r.envelope, Envelope::kLines);
  EXPECT_EQ(r.ids(), (Ids{"a", "b", "c"}));
  EXPECT_TRUE(r.summary.clean());
}

TEST(EnvelopeTest, E3NdjsonBadLinesAreRejectedAlone) {
  Outcome r = ParseBytes(Rec("a") + "\n" + "{\"eventTime\": \n" + "[1,2]\n" + Rec("b") + " x\n" +
                         "\"str\"\n" + Rec("c") + "\n");
  EXPECT_EQ(r.envelope, Envelope::kLines);
  EXPECT_EQ(r.ids(), (Ids{"a", "c"}));
  EXPECT_EQ(r.summary.rejected[static_cast<size_t>(RejectReason::kInvalidJson)], 2u);
  EXPECT_EQ(r.summary.rejected[static_cast<size_t>(RejectReason::kNotObject)], 2u);
  EXPECT_TRUE(r.HasError("f.json: line 2 (record 1): the record is not closed on its line"));
  EXPECT_TRUE(r.HasError("f.json: line 3 (record 2): the record is an array, not a JSON object"));
  EXPECT_TRUE(r.HasError("f.json: line 4 (record 3): content after the record"));
  // A damaged first line does not hide the rest.
  Outcome first = ParseBytes("{\"eventTime\": \"2024\n" + Rec("b") + "\n");
  EXPECT_EQ(first.ids(), (Ids{"b"}));
  EXPECT_EQ(first.summary.rejected_total(), 1u);
}

TEST(EnvelopeTest, E3ConcatenatedPrettyObjects) {
  Outcome r = ParseBytes(
      "{\n \"eventTime\": \"2024-05-01T10:00:00Z\",\n \"eventID\": \"a\"\n}\n{\n "
      "\"eventTime\": \"2024-05-01T10:00:00Z\",\n \"eventID\": \"b\"\n}");
  EXPECT_EQ(r.envelope, Envelope::kSequence);
  EXPECT_EQ(r.ids(), (Ids{"a", "b"}));
}

TEST(EnvelopeTest, E4SingleRecord) {
  Outcome r = ParseBytes("  " + Rec("a") + "\n");
  EXPECT_EQ(r.envelope, Envelope::kSingle);
  EXPECT_EQ(r.ids(), (Ids{"a"}));
  EXPECT_EQ(r.batch.events[0].raw, Rec("a"));
}

TEST(EnvelopeTest, E5LookupEventsOutput) {
  std::string out;
  JsonWriter w(&out, 2);
  w.BeginObject().Key("Events").BeginArray();
  for (const char* id : {"a", "b"}) {
    w.BeginObject()
        .Member("EventId", id)
        .Member("EventName", "GetObject")
        .Member("ReadOnly", "true");
    w.Key("Resources").BeginArray().EndArray();
    w.Member("CloudTrailEvent", Rec(id, "Get\\\"Quoted\\\""));
    w.EndObject();
  }
  w.BeginObject().Member("EventId", "c").EndObject();  // no CloudTrailEvent
  w.BeginObject().Member("CloudTrailEvent", "[1]").EndObject();
  w.EndArray().Member("NextToken", "t").EndObject();
  Outcome r = ParseBytes(out);
  EXPECT_EQ(r.envelope, Envelope::kLookupEvents);
  EXPECT_EQ(r.ids(), (Ids{"a", "b"}));
  EXPECT_EQ(r.batch.events[0].event_name, "Get\"Quoted\"");
  EXPECT_EQ(r.batch.events[1].raw, Rec("b", "Get\\\"Quoted\\\""));  // the decoded inner record
  EXPECT_EQ(r.summary.rejected_total(), 2u);
  EXPECT_TRUE(r.HasError("record 2"));
  EXPECT_TRUE(r.HasError("no CloudTrailEvent"));
  EXPECT_TRUE(r.HasError("CloudTrailEvent: f.json: record 3"));
}

TEST(EnvelopeTest, NonObjectRecordsAreRejectedAlone) {
  Outcome r = ParseBytes(R"({"Records":[)" + Rec("a") + R"(,42,"x",null,[{"a":1}],true,)" +
                         Rec("b") + "]}");
  EXPECT_EQ(r.ids(), (Ids{"a", "b"}));
  EXPECT_EQ(r.summary.rejected[static_cast<size_t>(RejectReason::kNotObject)], 5u);
  EXPECT_TRUE(r.HasError("f.json: record 1 (offset"));
  EXPECT_TRUE(r.HasError("record 4 (offset"));
  EXPECT_TRUE(r.HasError("the record is an array, not a JSON object"));
  EXPECT_TRUE(r.HasError("the record is a number, not a JSON object"));
}

TEST(EnvelopeTest, BadRecordsDoNotStopTheFile) {
  Outcome r = ParseBytes("[" + Rec("a") + R"(,{"eventID":"nt"},{"eventTime":"x","eventID":"bt"},)" +
                         R"({"eventTime":"2024-05-01T10:00:00Z","eventName":5,"eventID":"wt"},)" +
                         R"({"eventTime":"2024-05-01T10:00:00Z","eventID":"ij","x":[1,]},)" +
                         Rec("b") + "]");
  EXPECT_EQ(r.ids(), (Ids{"a", "b"}));
  EXPECT_EQ(r.summary.rejected[static_cast<size_t>(RejectReason::kMissingEventTime)], 1u);
  EXPECT_EQ(r.summary.rejected[static_cast<size_t>(RejectReason::kBadEventTime)], 1u);
  EXPECT_EQ(r.summary.rejected[static_cast<size_t>(RejectReason::kWrongType)], 1u);
  EXPECT_EQ(r.summary.rejected[static_cast<size_t>(RejectReason::kInvalidJson)], 1u);
  EXPECT_TRUE(r.HasError("f.json: record 1 (offset"));
  EXPECT_TRUE(r.HasError("eventTime is missing"));
}

TEST(EnvelopeTest, TruncatedFilesKeepTheGoodRecords) {
  const std::string text = R"({"Records":[)" + Rec("a") + "," + Rec("b") + "," + Rec("c") + "]}";
  const size_t cut = text.find(Rec("c")) + 20;  // inside the third record
  Outcome r = ParseBytes(text.substr(0, cut));
  EXPECT_EQ(r.ids(), (Ids{"a", "b"}));
  EXPECT_EQ(r.summary.rejected_total(), 1u);
  EXPECT_EQ(r.summary.rejected[static_cast<size_t>(RejectReason::kTruncated)], 1u);
  EXPECT_TRUE(r.HasError("f.json: offset " + std::to_string(text.find(Rec("c"))) +
                         ": record 2 is not closed"));
  // Cut between records, and just before the closing brace.
  Outcome between = ParseBytes(text.substr(0, text.find(Rec("c"))));
  EXPECT_EQ(between.ids(), (Ids{"a", "b"}));
  EXPECT_EQ(between.summary.rejected[static_cast<size_t>(RejectReason::kTruncated)], 1u);
  Outcome no_brace = ParseBytes(text.substr(0, text.size() - 1));
  EXPECT_EQ(no_brace.ids(), (Ids{"a", "b", "c"}));
  EXPECT_EQ(no_brace.summary.rejected[static_cast<size_t>(RejectReason::kTruncated)], 1u);
  // Garbage between records.
  Outcome garbage = ParseBytes("[" + Rec("a") + " x " + Rec("b") + "]");
  EXPECT_EQ(garbage.ids(), (Ids{"a"}));
  EXPECT_TRUE(garbage.HasError("expected ',' or ']' after record 0, found 'x'"));
}

TEST(EnvelopeTest, TruncatedGzipKeepsTheGoodRecords) {
  std::string text = R"({"Records":[)";
  for (int i = 0; i < 2000; ++i) text += (i ? "," : "") + Rec("id" + std::to_string(i));
  text += "]}";
  std::string gz = gzip::Deflate(text);
  Outcome r = ParseBytes(gz.substr(0, gz.size() / 2));
  EXPECT_GT(r.batch.size(), 100u);
  EXPECT_LT(r.batch.size(), 2000u);
  EXPECT_EQ(r.summary.rejected_total(), 1u) << r.summary.errors[0];
  EXPECT_EQ(r.summary.rejected[static_cast<size_t>(RejectReason::kTruncated)], 1u);
  EXPECT_TRUE(r.HasError("gzip")) << r.summary.errors[0];
  for (size_t i = 0; i < r.batch.size(); ++i) {
    EXPECT_EQ(r.batch.events[i].event_id, "id" + std::to_string(i));
  }
  // A gzip header and nothing else: unreadable.
  Outcome bad = ParseBytes(gz.substr(0, 5));
  EXPECT_EQ(bad.summary.rejected[static_cast<size_t>(RejectReason::kUnreadable)], 1u);
  EXPECT_EQ(bad.batch.size(), 0u);
}

TEST(EnvelopeTest, NotAnEnvelope) {
  Outcome r = ParseBytes("hello world\n");
  EXPECT_EQ(r.envelope, Envelope::kUnknown);
  EXPECT_EQ(r.summary.rejected[static_cast<size_t>(RejectReason::kBadEnvelope)], 1u);
  Outcome records = ParseBytes(R"({"Records": {"a": 1}})");
  EXPECT_EQ(records.summary.rejected[static_cast<size_t>(RejectReason::kBadEnvelope)], 1u);
  EXPECT_TRUE(records.HasError("\"Records\" is an object, not an array"));
  Outcome empty = ParseBytes(" \n\t");
  EXPECT_EQ(empty.envelope, Envelope::kEmpty);
  EXPECT_TRUE(empty.summary.clean());
}

TEST(EnvelopeTest, HugeRecordIsRejectedAndTheRestKept) {
  // A 100 MB record between two normal ones: rejected by size without being parsed.
  std::string text =
      "[" + Rec("a") + R"(,{"eventTime":"2024-05-01T10:00:00Z","eventID":"big","pad":")";
  text.append(100u << 20, 'x');
  text += "\"}," + Rec("b") + "]";
  Outcome r = ParseBytes(std::move(text));
  EXPECT_EQ(r.ids(), (Ids{"a", "b"}));
  EXPECT_EQ(r.summary.rejected[static_cast<size_t>(RejectReason::kTooLarge)], 1u);
  EXPECT_TRUE(r.HasError("f.json: record 1 (offset"));
  EXPECT_TRUE(r.HasError("over the limit of 1048576"));
}

// Parses `text` fed in pieces of `chunk` bytes, the way the streaming reader does: each piece is
// the unused rest of the previous one followed by the next bytes.
Outcome ParseChunked(const std::string& text, size_t chunk, RecordParserOptions options = {}) {
  Outcome r;
  RecordParser parser(options);
  EnvelopeParser envelope("f.json", &parser, &r.summary);
  std::string carry;
  size_t pos = 0;
  while (true) {
    std::string piece = carry + text.substr(std::min(pos, text.size()), chunk);
    pos += chunk;
    const bool final = pos >= text.size();
    Str owned = OwnPadded(std::move(piece), &r.batch);
    const size_t used = envelope.Parse(owned, final, &r.batch);
    EXPECT_LE(used, owned.size());
    if (final) {
      EXPECT_EQ(used, owned.size());
      break;
    }
    carry = std::string(owned.substr(used));
  }
  r.envelope = envelope.envelope();
  return r;
}

std::vector<std::string> EnvelopeSamples() {
  const std::string two = Rec("a") + "," + Rec("b");
  std::vector<std::string> samples = {
      R"({"Records":[)" + two + "]}",
      "\xEF\xBB\xBF \n{\n  \"Version\": {\"x\": [\"Records\"]},\n  \"Records\" : [\n    " +
          Rec("a") + " ,\n    " + Rec("b") + "\n  ],\n  \"After\": 1\n}\n",
      R"({"Records":[]})",
      "[\n" + Rec("a") + ",\n" + Rec("b") + "\n]\n",
      Rec("a") + "\n\n" + Rec("b") + "\r\n  " + Rec("c"),
      "\n\n" + Rec("a") + "\n" + "{\"eventTime\": \n" + "[1,2]\n" + Rec("b") + " x\n" +
          "\"str\"\n" + Rec("c") + "\n",
      "{\"eventTime\": \"2024\n" + Rec("b") + "\n",
      "{\n \"eventTime\": \"2024-05-01T10:00:00Z\",\n \"eventID\": \"a\"\n}\n{\n \"eventTime\": "
      "\"2024-05-01T10:00:00Z\",\n \"eventID\": \"b\"\n}",
      "  " + Rec("a") + "\n",
      R"({"Records":[)" + Rec("a") + R"(,42,"x",null,[{"a":1}],true,)" + Rec("b") + "]}",
      "[" + Rec("a") + R"(,{"eventID":"nt"},{"eventTime":"x","eventID":"bt"},)" + Rec("b") + "]",
      R"({"Records":[)" + two + "," + Rec("c").substr(0, 30),
      R"({"Records":[)" + two + ",",
      R"({"Records":[)" + two + "]",
      "[" + Rec("a") + " x " + Rec("b") + "]",
      "[" + Rec("a") + "] x",
      "hello world\n",
      R"({"Records": {"a": 1}})",
      " \n\t",
      "",
      R"({"Events":[{"EventId":"a","CloudTrailEvent":"{\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventID\":\"a\"}"},{"EventId":"c"}],"NextToken":"t"})",
  };
  return samples;
}

void ExpectSameOutcome(const Outcome& whole, const Outcome& chunked, const std::string& what) {
  EXPECT_EQ(chunked.ids(), whole.ids()) << what;
  EXPECT_EQ(chunked.envelope, whole.envelope) << what;
  EXPECT_EQ(chunked.summary.accepted, whole.summary.accepted) << what;
  EXPECT_EQ(chunked.summary.rejected, whole.summary.rejected) << what;
  EXPECT_EQ(chunked.summary.errors, whole.summary.errors) << what;
  ASSERT_EQ(chunked.batch.size(), whole.batch.size()) << what;
  for (size_t i = 0; i < whole.batch.size(); ++i) {
    EXPECT_EQ(chunked.batch.events[i].raw, whole.batch.events[i].raw) << what;
  }
}

TEST(EnvelopeTest, ChunkedParsingMatchesWholeParsing) {
  for (const std::string& text : EnvelopeSamples()) {
    Outcome whole = ParseBytes(text);
    for (size_t chunk : {1, 2, 3, 7, 64, 100, 1000}) {
      ExpectSameOutcome(whole, ParseChunked(text, chunk),
                        "chunk " + std::to_string(chunk) + " of: " + text.substr(0, 60));
    }
  }
}

TEST(EnvelopeTest, ChunkedParsingSkipsOversizedRecords) {
  RecordParserOptions small;
  small.max_record_bytes = 1024;
  const std::string big = R"({"eventTime":"2024-05-01T10:00:00Z","eventID":"big","pad":")" +
                          std::string(5000, 'x') + R"(\"}]{"})";
  const std::vector<std::string> texts = {
      R"({"Records":[)" + Rec("a") + "," + big + "," + Rec("b") + "]}",
      Rec("a") + "\n" + big + "\n" + Rec("b") + "\n",
      "{\n\"eventTime\": \"2024-05-01T10:00:00Z\", \"eventID\": \"a\"\n}\n" + big + "\n" + Rec("b"),
  };
  for (const std::string& text : texts) {
    RecordParser parser(small);
    Outcome whole;
    ParseJsonText(text, "f.json", &parser, &whole.batch, &whole.summary);
    for (size_t chunk : {1, 100, 1000, 3000}) {
      Outcome c = ParseChunked(text, chunk, small);
      EXPECT_EQ(c.ids(), (Ids{"a", "b"})) << chunk;
      EXPECT_EQ(c.summary.rejected, whole.summary.rejected) << chunk;
      EXPECT_EQ(c.summary.rejected[static_cast<size_t>(RejectReason::kTooLarge)], 1u) << chunk;
    }
  }
}

// --- The Stratus Red Team detonation logs: 35 bare arrays, 310 real records. ---

struct Corpus {
  std::vector<std::string> files;
  EventBatch batch;
  ParseSummary summary;
  std::vector<std::string> file_of_event;
};

const Corpus& Stratus() {
  static Corpus* corpus = [] {
    auto* c = new Corpus;
    Env* env = Env::Default();
    const std::string dir =
        std::string(CAIRN_SHARED_DATA) + "/cloudtrail-real/stratus-red-team/detonation-logs";
    auto names = env->GetChildren(dir);
    EXPECT_TRUE(names.ok()) << names.status().ToString();
    if (!names.ok()) return c;
    std::sort(names->begin(), names->end());
    RecordParser parser;
    for (const std::string& n : *names) {
      if (n.size() < 5 || n.substr(n.size() - 5) != ".json") continue;
      c->files.push_back(dir + "/" + n);
      size_t before = c->batch.size();
      EXPECT_EQ(ParseInputFile(env, c->files.back(), &parser, &c->batch, &c->summary),
                Envelope::kArray)
          << n;
      for (size_t i = before; i < c->batch.size(); ++i) c->file_of_event.push_back(n);
    }
    return c;
  }();
  return *corpus;
}

const Event* FindEvent(const Corpus& c, std::string_view id) {
  for (const Event& e : c.batch.events) {
    if (e.event_id == id) return &e;
  }
  return nullptr;
}

TEST(StratusCorpusTest, EveryRecordParses) {
  const Corpus& c = Stratus();
  EXPECT_EQ(c.files.size(), 35u);
  EXPECT_EQ(c.summary.files_read, 35u);
  EXPECT_EQ(c.batch.size(), 310u);
  EXPECT_EQ(c.summary.accepted, 310u);
  EXPECT_TRUE(c.summary.clean()) << (c.summary.errors.empty() ? "" : c.summary.errors[0]);
  std::set<std::string_view> names;
  size_t with_error = 0, with_resources = 0, with_session_issuer = 0;
  for (const Event& e : c.batch.events) {
    names.insert(e.event_name);
    with_error += !IsNull(e.error_code);
    with_resources += e.resources_count > 0;
    with_session_issuer += !IsNull(e.user_identity.session_issuer.arn);
    EXPECT_FALSE(IsNull(e.tls_details.tls_version));
    EXPECT_EQ(e.event_category, "Management");
  }
  EXPECT_EQ(names.size(), 54u);
  EXPECT_EQ(with_error, 52u);
  EXPECT_EQ(with_resources, 13u);
  EXPECT_GT(with_session_issuer, 0u);
}

TEST(StratusCorpusTest, SpotChecks) {
  const Corpus& c = Stratus();
  // aws.credential-access.ec2-get-password-data.json, record 0.
  const Event* e = FindEvent(c, "450230d4-b39e-4a18-a6a0-d07a6e2105cb");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->event_name, "GetPasswordData");
  EXPECT_EQ(e->user_identity.type, "AssumedRole");
  EXPECT_EQ(e->user_identity.access_key_id, "ASIANQQHHS551LWULIWD");
  EXPECT_EQ(e->user_identity.session_issuer.arn,
            "arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role");
  EXPECT_EQ(e->user_identity.session_issuer.type, "Role");
  EXPECT_EQ(e->user_identity.creation_date_us, *ParseTimestampMicros("2024-07-30T21:31:15Z"));
  EXPECT_EQ(e->user_identity.mfa_authenticated, "false");
  EXPECT_EQ(e->tls_details.cipher_suite, "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(e->tls_details.client_provided_host_header, "ec2.apiso-northsouth-3r.amazonaws.com");
  EXPECT_EQ(MinifyText(e->request_parameters_json), R"({"instanceId":"i-i2jnm5swa59p4fxg"})");
  // aws.credential-access.ec2-steal-instance-credentials.json, record 5: empty webIdFederationData.
  const Event* s = FindEvent(c, "b379479b-05c9-4c3c-af4b-cbd43acf29e1");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->event_name, "GetCallerIdentity");
  EXPECT_EQ(s->user_identity.ec2_role_delivery, "1.0");
  EXPECT_TRUE(IsNull(s->user_identity.web_id_federated_provider));
  EXPECT_TRUE(IsNull(s->request_parameters_json));  // "requestParameters": null
  // aws.defense-evasion.cloudtrail-stop.json, its only record.
  const Event* t = FindEvent(c, "10163ed2-2253-469d-a5ee-cbc6651f8934");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->event_name, "StopLogging");
  EXPECT_EQ(t->event_version, "1.10");
  EXPECT_EQ(t->aws_region, "apiso-centralnorth-2r");
  EXPECT_EQ(FormatEventTime(t->event_time_us), "2024-07-31T13:06:24Z");
  EXPECT_EQ(t->user_identity.arn, "arn:aws:iam::143434273843:user/christophe");
  EXPECT_EQ(t->read_only, OptBool::kFalse);
  EXPECT_EQ(t->management_event, OptBool::kTrue);
  EXPECT_EQ(t->recipient_account_id, "143434273843");
  // The ssm-retrieve-securestring-parameters GetParameters calls: ten resources each, no type.
  size_t ssm_resources = 0;
  for (size_t i = 0; i < c.batch.size(); ++i) {
    if (c.file_of_event[i] != "aws.credential-access.ssm-retrieve-securestring-parameters.json") {
      continue;
    }
    for (const Resource& r : c.batch.ResourcesOf(c.batch.events[i])) {
      ++ssm_resources;
      EXPECT_EQ(r.arn.substr(0, 36), "arn:aws:ssm:cn-west-3r:933175858973:");
      EXPECT_EQ(r.account_id, "933175858973");
      EXPECT_TRUE(IsNull(r.type));
    }
  }
  EXPECT_EQ(ssm_resources, 42u);
}

TEST(StratusCorpusTest, ChunkedParsingMatchesWholeParsing) {
  const Corpus& c = Stratus();
  for (size_t f = 0; f < c.files.size(); f += 7) {
    std::string text = *Env::Default()->ReadFile(c.files[f]);
    Outcome whole = ParseBytes(text);
    for (size_t chunk : {5, 333, 4096}) {
      ExpectSameOutcome(whole, ParseChunked(text, chunk),
                        c.files[f] + " chunk " + std::to_string(chunk));
    }
  }
}

// Every field cairn extracts agrees with simdjson's DOM reading of the same files (an independent
// path: DOM parser, unescaped strings, minified objects).
TEST(StratusCorpusTest, AgreesWithDomReader) {
  const Corpus& c = Stratus();
  simdjson::dom::parser dom;
  size_t k = 0;
  auto str = [](simdjson::dom::element obj,
                std::initializer_list<const char*> path) -> std::string {
    simdjson::dom::element cur = obj;
    for (const char* p : path) {
      if (cur.at_key(p).get(cur)) return "<absent>";
    }
    if (cur.is_null()) return "<absent>";
    std::string_view s;
    if (cur.get_string().get(s)) return "<not a string>";
    return std::string(s);
  };
  auto view = [](Str s) { return IsNull(s) ? std::string("<absent>") : std::string(s); };
  auto obj = [](simdjson::dom::element rec, const char* key) -> std::string {
    simdjson::dom::element v;
    if (rec.at_key(key).get(v) || v.is_null()) return "<absent>";
    return simdjson::minify(v);
  };
  auto mini = [](Str s) { return IsNull(s) ? std::string("<absent>") : MinifyText(s); };
  for (const std::string& file : c.files) {
    simdjson::dom::element doc;
    ASSERT_EQ(dom.load(file).get(doc), simdjson::SUCCESS);
    for (simdjson::dom::element rec : doc.get_array()) {
      ASSERT_LT(k, c.batch.size());
      const Event& e = c.batch.events[k];
      SCOPED_TRACE(file + " event " + std::string(e.event_id));
      EXPECT_EQ(view(e.event_id), str(rec, {"eventID"}));
      EXPECT_EQ(view(e.event_name), str(rec, {"eventName"}));
      EXPECT_EQ(view(e.event_source), str(rec, {"eventSource"}));
      EXPECT_EQ(view(e.event_version), str(rec, {"eventVersion"}));
      EXPECT_EQ(FormatEventTime(e.event_time_us), str(rec, {"eventTime"}));
      EXPECT_EQ(view(e.aws_region), str(rec, {"awsRegion"}));
      EXPECT_EQ(view(e.source_ip_address), str(rec, {"sourceIPAddress"}));
      EXPECT_EQ(view(e.user_agent), str(rec, {"userAgent"}));
      EXPECT_EQ(view(e.error_code), str(rec, {"errorCode"}));
      EXPECT_EQ(view(e.error_message), str(rec, {"errorMessage"}));
      EXPECT_EQ(view(e.request_id), str(rec, {"requestID"}));
      EXPECT_EQ(view(e.event_type), str(rec, {"eventType"}));
      EXPECT_EQ(view(e.recipient_account_id), str(rec, {"recipientAccountId"}));
      EXPECT_EQ(view(e.user_identity.type), str(rec, {"userIdentity", "type"}));
      EXPECT_EQ(view(e.user_identity.arn), str(rec, {"userIdentity", "arn"}));
      EXPECT_EQ(view(e.user_identity.principal_id), str(rec, {"userIdentity", "principalId"}));
      EXPECT_EQ(view(e.user_identity.account_id), str(rec, {"userIdentity", "accountId"}));
      EXPECT_EQ(view(e.user_identity.access_key_id), str(rec, {"userIdentity", "accessKeyId"}));
      EXPECT_EQ(view(e.user_identity.user_name), str(rec, {"userIdentity", "userName"}));
      EXPECT_EQ(view(e.user_identity.invoked_by), str(rec, {"userIdentity", "invokedBy"}));
      EXPECT_EQ(view(e.user_identity.session_issuer.arn),
                str(rec, {"userIdentity", "sessionContext", "sessionIssuer", "arn"}));
      EXPECT_EQ(view(e.user_identity.session_issuer.user_name),
                str(rec, {"userIdentity", "sessionContext", "sessionIssuer", "userName"}));
      EXPECT_EQ(view(e.user_identity.mfa_authenticated),
                str(rec, {"userIdentity", "sessionContext", "attributes", "mfaAuthenticated"}));
      std::string created =
          str(rec, {"userIdentity", "sessionContext", "attributes", "creationDate"});
      EXPECT_EQ(e.user_identity.creation_date_us == INT64_MIN
                    ? std::string("<absent>")
                    : FormatEventTime(e.user_identity.creation_date_us),
                created);
      EXPECT_EQ(view(e.tls_details.tls_version), str(rec, {"tlsDetails", "tlsVersion"}));
      EXPECT_EQ(view(e.tls_details.client_provided_host_header),
                str(rec, {"tlsDetails", "clientProvidedHostHeader"}));
      EXPECT_EQ(mini(e.request_parameters_json), obj(rec, "requestParameters"));
      EXPECT_EQ(mini(e.response_elements_json), obj(rec, "responseElements"));
      EXPECT_EQ(mini(e.additional_event_data_json), obj(rec, "additionalEventData"));
      EXPECT_EQ(mini(e.service_event_details_json), obj(rec, "serviceEventDetails"));
      EXPECT_EQ(MinifyText(e.raw), simdjson::minify(rec));
      bool b;
      EXPECT_EQ(e.read_only, rec["readOnly"].get_bool().get(b) ? OptBool::kNull
                             : b                               ? OptBool::kTrue
                                                               : OptBool::kFalse);
      simdjson::dom::array resources;
      size_t n = rec["resources"].get_array().get(resources) ? 0 : resources.size();
      ASSERT_EQ(e.resources_count, n);
      size_t i = 0;
      for (const Resource& r : c.batch.ResourcesOf(e)) {
        simdjson::dom::element re = resources.at(i++);
        EXPECT_EQ(view(r.arn), str(re, {"ARN"}));
        EXPECT_EQ(view(r.account_id), str(re, {"accountId"}));
        EXPECT_EQ(view(r.type), str(re, {"type"}));
      }
      ++k;
    }
  }
  EXPECT_EQ(k, 310u);
}

// Random damage to real files (bytes flipped, cut, duplicated, brackets and quotes inserted) must
// never crash, hang or lose count: every record is accepted or rejected, and what is accepted
// has a valid eventTime and eventID and raw text that simdjson's DOM reads as an object.
TEST(StratusCorpusTest, SurvivesRandomDamage) {
  const Corpus& c = Stratus();
  std::vector<std::string> texts;
  for (const std::string& f : c.files) texts.push_back(*Env::Default()->ReadFile(f));
  std::mt19937 rng(7);
  simdjson::dom::parser dom;
  const char kNoise[] = "{}[]\",:\\ \n0tn";
  for (int iter = 0; iter < 400; ++iter) {
    std::string t = texts[rng() % texts.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits && !t.empty(); ++k) {
      const size_t at = rng() % t.size();
      switch (rng() % 5) {
        case 0:
          t[at] = kNoise[rng() % (sizeof(kNoise) - 1)];
          break;
        case 1:
          t.insert(at, 1, kNoise[rng() % (sizeof(kNoise) - 1)]);
          break;
        case 2:
          t.erase(at, 1 + rng() % 50);
          break;
        case 3:
          t.resize(at);
          break;
        default:
          t.insert(at, t.substr(rng() % t.size(), 1 + rng() % 200));
          break;
      }
    }
    if (rng() % 4 == 0) t = gzip::Deflate(t);
    Outcome r = ParseBytes(t);
    EXPECT_EQ(r.summary.accepted, r.batch.size());
    for (const Event& e : r.batch.events) {
      EXPECT_FALSE(IsNull(e.event_id));
      EXPECT_FALSE(e.event_id.empty());
      simdjson::dom::element el;
      ASSERT_EQ(dom.parse(e.raw.data(), e.raw.size()).get(el), simdjson::SUCCESS) << e.raw;
      EXPECT_TRUE(el.is_object());
    }
  }
}

}  // namespace
}  // namespace cairn
