#include "store/page_cache.h"

#include <gtest/gtest.h>

namespace cairn::segment {
namespace {

TEST(PageCacheTest, LookupInsertEvict) {
  PageCache cache(10);
  std::string out;
  EXPECT_FALSE(cache.Lookup(1, 0, &out));
  cache.Insert(1, 0, "abcd");
  cache.Insert(2, 0, "efgh");  // another file, same offset: another page
  ASSERT_TRUE(cache.Lookup(1, 0, &out));
  EXPECT_EQ(out, "abcd");
  ASSERT_TRUE(cache.Lookup(2, 0, &out));
  EXPECT_EQ(out, "efgh");
  EXPECT_EQ(cache.bytes(), 8u);
  // Over the budget: the least recently used page (file 1) goes.
  ASSERT_TRUE(cache.Lookup(2, 0, &out));
  cache.Insert(1, 64, "ijkl");
  EXPECT_FALSE(cache.Lookup(1, 0, &out));
  EXPECT_TRUE(cache.Lookup(2, 0, &out));
  EXPECT_TRUE(cache.Lookup(1, 64, &out));
  EXPECT_EQ(out, "ijkl");
  // A page larger than the budget is not cached; a budget of 0 empties the cache.
  cache.Insert(3, 0, std::string(11, 'x'));
  EXPECT_FALSE(cache.Lookup(3, 0, &out));
  cache.SetCapacity(0);
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_FALSE(cache.Lookup(2, 0, &out));
}

TEST(PageCacheTest, FileIdsAreUnique) { EXPECT_NE(PageCache::NewFileId(), PageCache::NewFileId()); }

}  // namespace
}  // namespace cairn::segment
