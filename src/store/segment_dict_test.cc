#include "store/segment_dict.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace cairn::segment {
namespace {

// The values of `order` in turn must be the values sorted as std::string_view sorts them.
void ExpectSorted(const std::vector<std::string>& strings) {
  std::vector<Str> values(strings.begin(), strings.end());
  const std::vector<uint32_t> order = SortedOrder(values);
  ASSERT_EQ(order.size(), values.size());
  std::vector<uint32_t> seen(values.size(), 0);
  std::vector<Str> got;
  for (uint32_t i : order) {
    ASSERT_LT(i, values.size());
    ++seen[i];
    got.push_back(values[i]);
  }
  for (uint32_t n : seen) ASSERT_EQ(n, 1u);  // a permutation
  std::vector<Str> want = values;
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

TEST(SortedOrder, Empty) { EXPECT_TRUE(SortedOrder({}).empty()); }

TEST(SortedOrder, EdgeBytesAndLengths) {
  // Zero bytes against padding, 0xFF (unsigned order), prefixes of each other across the 8-byte
  // chunk boundaries, empty strings.
  ExpectSorted({"", "a", std::string("a\0", 2), std::string("a\0\0", 3), "ab", "\xff", "\x7f",
                "abcdefgh", "abcdefg", "abcdefghi", std::string("abcdefgh\0", 9), "abcdefgh\xff",
                "abcdefghabcdefgh", "abcdefghabcdefg", "abcdefghabcdefghX", "b", ""});
}

TEST(SortedOrder, RandomWithSharedPrefixes) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::string> strings;
    const size_t n = rng() % 3000;
    const std::string prefixes[] = {"", "{\"bucketName\":\"", "arn:aws:iam::123456789012:role/",
                                    "abcdefgh", "abcdefghabcdefgh"};
    for (size_t i = 0; i < n; ++i) {
      std::string s = prefixes[rng() % 5];
      const size_t len = rng() % 24;
      for (size_t k = 0; k < len; ++k) {
        // A small alphabet (with 0x00 and 0xFF) makes long shared prefixes and duplicates.
        const char alphabet[] = {'\0', 'a', 'b', '\xff'};
        s.push_back(alphabet[rng() % 4]);
      }
      strings.push_back(s);
    }
    ExpectSorted(strings);
  }
}

TEST(SortedOrder, LongSharedPrefixes) {
  // Deeper than the chunk sort goes (then whole comparisons), groups at every depth.
  std::vector<std::string> strings;
  std::string base(2000, 'x');
  for (size_t at = 0; at < base.size(); at += 37) {
    for (char c : {'a', 'b', 'y'}) {
      strings.push_back(base.substr(0, at) + c);
      strings.push_back(base.substr(0, at) + c + "tail");
    }
  }
  strings.push_back(base);
  ExpectSorted(strings);
}

}  // namespace
}  // namespace cairn::segment
