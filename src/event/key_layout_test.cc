#include "event/key_layout.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

TEST(KeyLayoutTest, AccountLayout) {
  KeyLayout k = ParseKeyLayout(
      "bucket/AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/"
      "111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz");
  EXPECT_EQ(k.kind, LogFileKind::kLog);
  EXPECT_EQ(k.org_id, "");
  EXPECT_EQ(k.account_id, "111122223333");
  EXPECT_EQ(k.region, "us-east-2");
  EXPECT_EQ(k.date, "2015-08-01");
}

TEST(KeyLayoutTest, OrganizationLayoutWithPrefixNamedLikeTheOrg) {
  KeyLayout k = ParseKeyLayout(
      "o-fxozgwu6rc/AWSLogs/o-fxozgwu6rc/123456789015/CloudTrail-Insight/ca-central-1/2020/09/23/"
      "123456789015_CloudTrail-Insight_ca-central-1_20200923T0516Z_KL5e9VCV2SS7IqzB.json.gz");
  EXPECT_EQ(k.kind, LogFileKind::kInsight);
  EXPECT_EQ(k.org_id, "o-fxozgwu6rc");
  EXPECT_EQ(k.account_id, "123456789015");
  EXPECT_EQ(k.region, "ca-central-1");
  EXPECT_EQ(k.date, "2020-09-23");
}

TEST(KeyLayoutTest, DigestsByFolderOrName) {
  EXPECT_EQ(ParseKeyLayout(
                "AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/"
                "111122223333_CloudTrail-Digest_us-east-2_trail_us-east-2_20150817T150131Z.json.gz")
                .kind,
            LogFileKind::kDigest);
  KeyLayout k = ParseKeyLayout(
      "/tmp/x/"
      "111122223333_CloudTrail-Digest_eu-west-1_my-trail_us-east-1_20240102T030405Z.json.gz");
  EXPECT_EQ(k.kind, LogFileKind::kDigest);
  EXPECT_EQ(k.account_id, "111122223333");
  EXPECT_EQ(k.region, "eu-west-1");
  EXPECT_EQ(k.date, "2024-01-02");
}

TEST(KeyLayoutTest, AnythingElseIsUnknown) {
  for (const char* p : {"events.json", "/data/AWSLogs/readme.txt", "a/b/c.json.gz",
                        "AWSLogs/not-an-account/Other/x.json", "12345_CloudTrail_x.json"}) {
    EXPECT_EQ(ParseKeyLayout(p).kind, LogFileKind::kUnknown) << p;
  }
  // A made-up region is kept as written.
  EXPECT_EQ(
      ParseKeyLayout("AWSLogs/111122223333/CloudTrail/apiso-centralnorth-2r/2024/07/31/f.json")
          .region,
      "apiso-centralnorth-2r");
}

}  // namespace
}  // namespace cairn
