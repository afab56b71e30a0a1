#include "sql/vector.h"

#include <gtest/gtest.h>

namespace cairn::sql {
namespace {

TEST(VectorTest, ValidityResizeAndValues) {
  Vector v(Type::Bigint());
  v.Resize(130);
  EXPECT_FALSE(v.HasNulls());
  v.SetNull(129);
  EXPECT_TRUE(v.IsNull(129));
  EXPECT_TRUE(v.HasNulls());
  v.i64()[5] = 42;
  EXPECT_EQ(v.GetValue(5).i64, 42);
  v.Reset(3);
  EXPECT_EQ(v.size(), 3u);
  EXPECT_EQ(v.i64()[1], 0);
  EXPECT_FALSE(v.HasNulls());
}

TEST(VectorTest, NestedValuesRoundTrip) {
  Type t = Type::Array(Type::Row({{"a", Type::Varchar()}, {"b", Type::Bigint()}}));
  Value elem = Value::Row(t.element(), {Value::Varchar("x"), Value::Null(Type::Bigint())});
  Value arr = Value::Array(t.element(), {elem, elem});
  Vector v(t);
  v.Resize(2);
  v.SetValue(0, arr);
  v.SetValue(1, Value::Null(t));
  EXPECT_TRUE(v.GetValue(0).SameAs(arr));
  EXPECT_TRUE(v.IsNull(1));
  Vector g(t);
  std::vector<uint32_t> rows = {1, 0, 0};
  g.Gather(v, rows);
  EXPECT_TRUE(g.IsNull(0));
  EXPECT_TRUE(g.GetValue(2).SameAs(arr));
  EXPECT_EQ(g.child(0).size(), 4u);
}

// Strings copied into nested children must stay alive through copies of just the child, after the
// source and the outer copy are gone (the bug the store scan test found).
TEST(VectorTest, NestedStringsPinTheirSourceChildByChild) {
  Type t = Type::Array(Type::Varchar());
  Vector inner_copy(Type::Varchar());
  {
    auto source = std::make_unique<Vector>(t);
    source->Resize(1);
    source->SetValue(0, Value::Array(Type::Varchar(), {Value::Varchar(std::string(100, 'q'))}));
    auto outer = std::make_unique<Vector>(t);
    outer->AppendRange(*source, 0, 1);
    source.reset();
    inner_copy.AppendRange(outer->child(0), 0, 1);
  }
  EXPECT_EQ(inner_copy.strs()[0], std::string(100, 'q'));
}

TEST(VectorTest, CopyRowOwnedDoesNotPin) {
  Vector owned(Type::Varchar());
  owned.Resize(1);
  {
    Vector src(Type::Varchar());
    src.Resize(1);
    src.strs()[0] = src.AddString("hello");
    owned.CopyRowOwned(src, 0, 0);
  }
  EXPECT_EQ(owned.strs()[0], "hello");
  EXPECT_GE(owned.heap_bytes(), 5u);
}

}  // namespace
}  // namespace cairn::sql
