#include "common/status.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int h, Half(x));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  RETURN_IF_ERROR(Half(x).status());
  return Status::OK();
}

TEST(StatusTest, PropagatesFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().ToString(), "InvalidArgument: odd: 3");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_FALSE(CheckEven(5).ok());
}

TEST(StatusTest, PrefixNamesWhere) {
  Status s = Status::DataLoss("bad crc").WithPrefix("seg-1.cseg: offset 4096");
  EXPECT_EQ(s.message(), "seg-1.cseg: offset 4096: bad crc");
  EXPECT_TRUE(Status::OK().WithPrefix("x").ok());
}

TEST(StatusTest, AwsErrorNameTravelsWithPrefix) {
  Status s = Status::NotFound("Unknown trail: t").WithAwsError("TrailNotFoundException");
  EXPECT_EQ(s.aws_error(), "TrailNotFoundException");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  Status p = s.WithPrefix("GetTrail");
  EXPECT_EQ(p.aws_error(), "TrailNotFoundException");
  EXPECT_EQ(p.message(), "GetTrail: Unknown trail: t");
  EXPECT_TRUE(Status::OK().WithAwsError("X").ok());
  EXPECT_TRUE(Status::OK().WithAwsError("X").aws_error().empty());
  EXPECT_FALSE(s == Status::NotFound("Unknown trail: t"));
  EXPECT_TRUE(Status::NotFound("m").aws_error().empty());
}

TEST(StatusTest, ResultFromOkStatusIsInternal) {
  Result<int> r{Status::OK()};
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace cairn
