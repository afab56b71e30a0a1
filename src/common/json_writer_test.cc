#include "common/json_writer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <limits>

namespace cairn {
namespace {

std::string Str(std::string_view s) {
  std::string out;
  JsonWriter::AppendString(&out, s);
  return out;
}

// Parses `json` with simdjson (an independent reader) and returns the string it holds.
std::string ReadBack(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  EXPECT_EQ(parser.parse(json).get(e), simdjson::SUCCESS) << json;
  std::string_view s;
  EXPECT_EQ(e.get_string().get(s), simdjson::SUCCESS) << json;
  return std::string(s);
}

TEST(JsonWriterTest, NestedCompact) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Key("Events")
      .BeginArray()
      .String("a\"b")
      .Int(-3)
      .Uint(18446744073709551615ull)
      .Bool(true)
      .Bool(false)
      .Null()
      .BeginObject()
      .EndObject()
      .BeginArray()
      .EndArray()
      .EndArray()
      .Member("n", 1.5)
      .Key("raw")
      .Raw(R"({"x":[1,2]})")
      .EndObject();
  EXPECT_TRUE(w.complete());
  EXPECT_EQ(out, R"({"Events":["a\"b",-3,18446744073709551615,true,false,null,{},[]],"n":1.5,)"
                 R"("raw":{"x":[1,2]}})");
}

TEST(JsonWriterTest, PrettyPrintsAndStaysValid) {
  std::string out;
  JsonWriter w(&out, 2);
  w.BeginObject().Member("a", int64_t{1}).Key("b").BeginArray().Int(1).Int(2).EndArray();
  w.Key("c").BeginObject().EndObject().EndObject();
  EXPECT_EQ(out, "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": {}\n}");
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  EXPECT_EQ(parser.parse(out).get(e), simdjson::SUCCESS);
}

TEST(JsonWriterTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(Str("plain"), "\"plain\"");
  EXPECT_EQ(Str(""), "\"\"");
  EXPECT_EQ(Str("q\"b\\"), R"("q\"b\\")");
  EXPECT_EQ(Str("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(Str(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(Str("\x7f"), "\"\x7f\"");  // DEL is legal in JSON strings
  EXPECT_EQ(Str("/"), "\"/\"");
}

TEST(JsonWriterTest, PassesValidUtf8Through) {
  const std::string s = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBF \xF4\x8F\xBF\xBF";
  EXPECT_EQ(Str(s), "\"" + s + "\"");
  EXPECT_EQ(ReadBack(Str(s)), s);
}

TEST(JsonWriterTest, ReplacesInvalidUtf8) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(Str("a\x80z"), "\"a" + r + "z\"");                      // stray continuation byte
  EXPECT_EQ(Str("\xC0\xAF"), "\"" + r + r + "\"");                  // overlong '/'
  EXPECT_EQ(Str("\xED\xA0\x80"), "\"" + r + r + r + "\"");          // surrogate U+D800
  EXPECT_EQ(Str("\xF4\x90\x80\x80"), "\"" + r + r + r + r + "\"");  // above U+10FFFF
  EXPECT_EQ(Str("\xE2\x82"), "\"" + r + "\"");  // truncated: one maximal subpart
  EXPECT_EQ(Str("\xE2\x82z"), "\"" + r + "z\"");
  EXPECT_EQ(Str("\xFF"), "\"" + r + "\"");
  // Whatever the input, the output reads back as a valid JSON string.
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  std::string json = Str(all);
  std::string back = ReadBack(json);
  EXPECT_EQ(back.substr(0, 128), all.substr(0, 128));
}

TEST(JsonWriterTest, Numbers) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray()
      .Int(std::numeric_limits<int64_t>::min())
      .Double(0.1)
      .Double(1e300)
      .Double(-0.0)
      .Double(std::nan(""))
      .Double(std::numeric_limits<double>::infinity())
      .Double(3)
      .EndArray();
  EXPECT_EQ(out, "[-9223372036854775808,0.1,1e+300,-0,null,null,3]");
}

TEST(JsonWriterTest, KeysAreEscapedAndSequencesAllowed) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Member("a\"k", "v").EndObject();
  out.push_back('\n');
  w.BeginObject().Member("b", true).EndObject();
  EXPECT_EQ(out, "{\"a\\\"k\":\"v\"}\n{\"b\":true}");
}

}  // namespace
}  // namespace cairn
