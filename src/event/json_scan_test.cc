#include "event/json_scan.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace cairn::json_scan {
namespace {

// Copies `s` into a buffer with scan padding (filled with bytes that would confuse a scanner
// reading past the end: quotes and braces).
std::string Padded(const std::string& s) {
  std::string b = s;
  b.append(kScanPadding, '"');
  return b;
}

size_t End(const std::string& s, size_t begin = 0) {
  std::string b = Padded(s);
  return FindContainerEnd(b.data(), begin, s.size());
}

TEST(JsonScanTest, FindsContainerEnds) {
  EXPECT_EQ(End("{}"), 2u);
  EXPECT_EQ(End("{} "), 2u);
  EXPECT_EQ(End("[1,[2],{\"a\":[]}] ,"), 16u);
  EXPECT_EQ(End(R"({"a":"}"})"), 9u);
  EXPECT_EQ(End(R"({"a":"\"}"})"), 11u);
  EXPECT_EQ(End(R"({"a":"\\"})"), 10u);
  EXPECT_EQ(End(R"({"a":"\\\"}"})"), 13u);
  EXPECT_EQ(End("{\"a\":1"), kNotFound);
  EXPECT_EQ(End("{\"a\":\"}"), kNotFound);
  EXPECT_EQ(End("  {}", 2), 4u);
  bool backslash = true;
  std::string plain = Padded(R"({"a":"b"})");
  EXPECT_EQ(FindContainerEnd(plain.data(), 0, 9, &backslash), 9u);
  EXPECT_FALSE(backslash);
  std::string esc = Padded(R"({"a":"\n"})");
  EXPECT_EQ(FindContainerEnd(esc.data(), 0, 10, &backslash), 10u);
  EXPECT_TRUE(backslash);
}

TEST(JsonScanTest, EscapesAndStringsAcrossBlockBoundaries) {
  for (size_t pad = 0; pad < 140; ++pad) {
    // A backslash at every position relative to the 64-byte blocks, and a string that spans them.
    std::string s =
        "{\"k\":\"" + std::string(pad, 'x') + "\\\\\",\"q\":\"" + std::string(pad, '}') + "\\\"\"}";
    EXPECT_EQ(End(s), s.size()) << pad;
    EXPECT_EQ(FindContainerEndScalar(Padded(s).data(), 0, s.size()), s.size()) << pad;
    EXPECT_EQ(FindContainerEndBaseline(Padded(s).data(), 0, s.size()), s.size()) << pad;
    // Cut anywhere inside: never found.
    for (size_t cut = 1; cut < s.size(); cut += 7) {
      std::string t = s.substr(0, cut);
      EXPECT_EQ(End(t), kNotFound) << pad << " " << cut;
    }
  }
}

// Random JSON-shaped text (valid JSON: nested containers, strings full of brackets, quotes and
// backslashes); the block scanner must agree with the byte-at-a-time one at every start.
void RandomValue(std::mt19937* rng, int depth, std::string* out) {
  std::uniform_int_distribution<int> pick(0, depth > 6 ? 1 : 4);
  switch (pick(*rng)) {
    case 0:
    case 1: {
      out->push_back('"');
      int n = std::uniform_int_distribution<int>(0, 90)(*rng);
      static const char kChars[] = "ab{}[]:, \\\"";
      for (int i = 0; i < n; ++i) {
        char c = kChars[std::uniform_int_distribution<int>(0, sizeof(kChars) - 2)(*rng)];
        if (c == '\\' || c == '"') out->push_back('\\');
        out->push_back(c);
      }
      out->push_back('"');
      return;
    }
    case 2:
      out->append("123");
      return;
    case 3: {
      out->push_back('[');
      int n = std::uniform_int_distribution<int>(0, 5)(*rng);
      for (int i = 0; i < n; ++i) {
        if (i) out->push_back(',');
        RandomValue(rng, depth + 1, out);
      }
      out->push_back(']');
      return;
    }
    default: {
      out->push_back('{');
      int n = std::uniform_int_distribution<int>(0, 5)(*rng);
      for (int i = 0; i < n; ++i) {
        if (i) out->append(",\n ");
        out->append("\"k\\\\\":");
        RandomValue(rng, depth + 1, out);
      }
      out->push_back('}');
    }
  }
}

TEST(JsonScanTest, BlockScannerAgreesWithScalar) {
  std::mt19937 rng(42);
  for (int iter = 0; iter < 300; ++iter) {
    std::string s = "[";
    RandomValue(&rng, 0, &s);
    s += ",";
    RandomValue(&rng, 0, &s);
    s += "]";
    std::string b = Padded(s);
    EXPECT_EQ(FindContainerEnd(b.data(), 0, s.size()), s.size());
    bool in_string = false;
    for (size_t i = 0; i < s.size(); ++i) {
      // Only brackets outside strings start values.
      if (in_string) {
        if (s[i] == '\\')
          ++i;
        else if (s[i] == '"')
          in_string = false;
        continue;
      }
      if (s[i] == '"') in_string = true;
      if (s[i] != '{' && s[i] != '[') continue;
      const size_t want = FindContainerEndScalar(b.data(), i, s.size());
      EXPECT_EQ(FindContainerEnd(b.data(), i, s.size()), want) << iter << " at " << i;
      EXPECT_EQ(FindContainerEndBaseline(b.data(), i, s.size()), want) << iter << " at " << i;
    }
  }
}

// A value cut into two buffers at every position (inside strings, right after a backslash, at
// block boundaries) is found by resuming the scan in the second buffer.
TEST(JsonScanTest, ResumesAcrossBuffers) {
  std::mt19937 rng(9);
  for (int iter = 0; iter < 60; ++iter) {
    std::string s;
    RandomValue(&rng, 5, &s);  // depth 5: a few levels at most
    s = "{\"k\":" + s + ",\"e\":\"a\\\\\\\"b\"}";
    for (size_t cut = 1; cut < s.size(); ++cut) {
      std::string a = Padded(s.substr(0, cut));
      std::string b = Padded(s.substr(cut));
      ScanState st;
      size_t first = ResumeContainerEnd(a.data(), 0, cut, &st);
      ASSERT_EQ(first, kNotFound) << s << " cut " << cut;
      size_t second = ResumeContainerEnd(b.data(), 0, s.size() - cut, &st);
      ASSERT_EQ(second, s.size() - cut) << s << " cut " << cut;
    }
  }
}

TEST(JsonScanTest, StringsAndScalars) {
  std::string s = Padded(R"("ab\"c\\" , tru})");
  EXPECT_EQ(FindStringEnd(s.data(), 0, 16), 9u);
  EXPECT_EQ(FindStringEnd(s.data(), 0, 8), kNotFound);
  EXPECT_EQ(SkipValue(s.data(), 0, 16), 9u);
  EXPECT_EQ(SkipValue(s.data(), 12, 16), 15u);
  EXPECT_EQ(SkipWhitespace(s.data(), 9, 16), 10u);
}

}  // namespace
}  // namespace cairn::json_scan
