// The fuzz target's checks (fuzz_check.h) on ~100k inputs made by mutating the spec's sample
// queries, so CI exercises the SQL front end against hostile input without libFuzzer.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "sql/fuzz_check.h"
#include "sql/lexer.h"
#include "sql/sample_queries.h"

namespace cairn::sql {
namespace {

// Pieces that reach deep parts of the grammar when spliced in.
const char* const kFragments[] = {
    "(",
    ")",
    ",",
    "'",
    "\"",
    "--",
    "/*",
    "*/",
    ";",
    ".",
    "[",
    "]",
    "->",
    "||",
    "=",
    "<>",
    "*",
    "?",
    "%",
    " SELECT ",
    " FROM ",
    " WHERE ",
    " GROUP BY ",
    " ORDER BY ",
    " LIMIT 1",
    " UNION ALL ",
    " EXCEPT ",
    " INTERSECT ",
    " JOIN ",
    " LEFT JOIN ",
    " CROSS JOIN UNNEST(resources) AS t(r) ",
    " ON ",
    " USING (eventid) ",
    " WITH ",
    " AS ",
    " CASE WHEN ",
    " THEN ",
    " ELSE ",
    " END ",
    " CAST(",
    " TRY_CAST(",
    " AS varchar)",
    " AS map(varchar, json))",
    " IN (",
    " NOT ",
    " IS NULL ",
    " IS DISTINCT FROM ",
    " BETWEEN ",
    " LIKE ",
    " ESCAPE ",
    " AND ",
    " OR ",
    " DISTINCT ",
    " OVER (PARTITION BY eventname ORDER BY eventtime) ",
    " x -> x ",
    " INTERVAL '1' DAY ",
    " TIMESTAMP '2024-01-01' ",
    " ARRAY[1, 2] ",
    " ROW(1, 'a') ",
    " element_at(requestParameters, 'bucketName') ",
    " json_extract_scalar(eventjson, '$.a[0]') ",
    " count(*) ",
    " count(DISTINCT eventname) ",
    " array_agg(eventname ORDER BY eventtime) ",
    " transform(resources, r -> r.arn) ",
    " eventTime > '2024-01-01' ",
    " userIdentity.sessionContext.sessionIssuer.arn ",
    " 9223372036854775807 ",
    " -9223372036854775808 ",
    " 1e308 ",
    " 'é' ",
    " NULL ",
    " TRUE ",
    " (SELECT 1) ",
    " EXISTS (SELECT 1 FROM ct_eds) ",
    " regexp_like(eventname, '(a|b)*c') ",
    " date_trunc('day', eventtime) ",
    " VALUES (1, 2) ",
    " OFFSET 1 ",
    " FETCH FIRST 2 ROWS ONLY ",
    " HAVING count(*) > 1 ",
    " NULLS FIRST ",
};

std::string Mutate(std::string s, std::mt19937_64& rng, const std::vector<std::string>& corpus) {
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 8) {
      case 0:  // delete a span
        if (!s.empty()) s.erase(pos == s.size() ? pos - 1 : pos, 1 + rng() % 12);
        break;
      case 1:  // insert a fragment
        s.insert(pos, kFragments[rng() % (sizeof(kFragments) / sizeof(kFragments[0]))]);
        break;
      case 2:  // flip a byte
        if (!s.empty()) s[pos % s.size()] = static_cast<char>(rng() % 256);
        break;
      case 3: {  // splice a span of another sample
        const std::string& other = corpus[rng() % corpus.size()];
        size_t from = rng() % (other.size() + 1);
        s.insert(pos, other.substr(from, rng() % 40));
        break;
      }
      case 4:  // duplicate a span
        if (!s.empty()) s.insert(pos, s.substr(rng() % s.size(), rng() % 30));
        break;
      case 5:  // printable noise
        s.insert(pos, 1, static_cast<char>(' ' + rng() % 95));
        break;
      case 6:  // truncate
        s.resize(pos);
        break;
      default:  // nest in parentheses
        s = "SELECT * FROM (" + s + ")";
        break;
    }
  }
  if (s.size() > 12000) s.resize(12000);
  return s;
}

TEST(ParserFuzzTest, SamplesPassTheChecks) {
  for (const SampleQuery& q : SampleQueries()) {
    std::string why;
    EXPECT_TRUE(FuzzCheck(q.sql, &why)) << "sample " << q.number << ": " << why;
  }
}

TEST(ParserFuzzTest, HostileShapes) {
  std::vector<std::string> inputs = {
      "",
      ";",
      ";;",
      "SELECT",
      std::string(20000, '('),
      std::string(9000, '(') + "1",
      "SELECT " + std::string(4000, '-') + "1",
      "SELECT '" + std::string(9000, 'x'),
      "SELECT \"" + std::string(300, '"'),
      "SELECT 1" + std::string(5000, '+'),
      std::string("SELECT \0 1", 10),
      "SELECT /*",
      "SELECT x FROM t WHERE x LIKE '%%%%%%%%%%%%%%%%%%%%b'",
      "SELECT regexp_like(repeat('a', 5000)[1], '(a*)*b')",
      "SELECT * FROM t a, t b, t c, t d, t e, t f, t g, t h, t i, t j",
      "SELECT sequence(1, 10000), repeat('x', 10000)",
      "SELECT json_parse('" + std::string(600, '[') + std::string(600, ']') + "')",
  };
  for (const std::string& s : inputs) {
    std::string why;
    EXPECT_TRUE(FuzzCheck(s, &why)) << s.substr(0, 80) << ": " << why;
  }
}

TEST(ParserFuzzTest, RandomMutationsOfTheSamples) {
  std::vector<std::string> corpus;
  for (const SampleQuery& q : SampleQueries()) corpus.emplace_back(q.sql);
  // ~100k inputs; fewer under sanitizers, which are an order of magnitude slower. For longer local
  // runs: CAIRN_FUZZ_SEED=n CAIRN_FUZZ_INPUTS=m build/cairn_tests --gtest_filter='ParserFuzz*'.
  uint64_t seed = 20240731;
  if (const char* s = std::getenv("CAIRN_FUZZ_SEED")) seed = std::strtoull(s, nullptr, 10);
#if defined(__SANITIZE_ADDRESS__)
  int kInputs = 10000;
#else
  int kInputs = 100000;
#endif
  if (const char* s = std::getenv("CAIRN_FUZZ_INPUTS")) kInputs = std::atoi(s);
  std::mt19937_64 rng(seed);
  int parsed = 0;
  for (int i = 0; i < kInputs; ++i) {
    std::string input = Mutate(corpus[rng() % corpus.size()], rng, corpus);
    std::string why;
    ASSERT_TRUE(FuzzCheck(input, &why)) << "input #" << i << ":\n" << input << "\n" << why;
    parsed += Tokenize(input).ok();
  }
  EXPECT_GT(parsed, kInputs / 10);  // the mutations keep reaching past the lexer
}

}  // namespace
}  // namespace cairn::sql
