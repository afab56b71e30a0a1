#include "store/event_fields.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cairn {
namespace {

TEST(EventFieldsTest, OffsetsReachTheSameMembersAsStringField) {
  // Every string member gets its own value, so a wrong offset reads a different one.
  Event e;
  std::vector<std::string> names;
  names.reserve(kColumnCount);
  for (const ColumnDef& c : AllColumns()) {
    Str* field = MutableStringField(&e, c.id);
    if (field == nullptr) continue;
    names.push_back("value of " + std::string(c.name));
    *field = names.back();
  }
  int with_member = 0;
  for (const ColumnDef& c : AllColumns()) {
    const Str* field = StringField(e, c.id);
    const int32_t offset = StringFieldOffset(c.id);
    if (field == nullptr) {
      EXPECT_EQ(offset, -1) << c.name;
      continue;
    }
    ASSERT_GE(offset, 0) << c.name;
    EXPECT_EQ(StringAtOffset(e, offset), *field) << c.name;
    EXPECT_EQ(StringAtOffset(e, offset).data(), field->data()) << c.name;
    ++with_member;
  }
  EXPECT_GT(with_member, 50);
  // Columns without a member of their own.
  EXPECT_EQ(StringFieldOffset(ColumnId::kUsername), -1);
  EXPECT_EQ(StringFieldOffset(ColumnId::kResourcesArn), -1);
  EXPECT_EQ(StringFieldOffset(ColumnId::kEventTime), -1);
  EXPECT_EQ(StringFieldOffset(static_cast<ColumnId>(kColumnCount)), -1);
}

}  // namespace
}  // namespace cairn
