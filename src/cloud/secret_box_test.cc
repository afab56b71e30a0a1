// SecretBox: round trip, binding to the context, tamper detection; the key file's creation mode,
// reuse, and refusal of a group/world-readable or wrong-sized key file.
#include "cloud/secret_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "store/history_test_util.h"

namespace cairn::cloud {
namespace {

using history_testing::TempDir;

TEST(SecretBoxTest, SealsAndOpensBoundToContext) {
  SecretBox box(std::string(32, 'k'));
  const std::string sealed = box.Seal("wJalrXUtnFEMI/K7MDENG", "AKIAONE");
  EXPECT_EQ(sealed.find("wJalrXUtnFEMI"), std::string::npos);
  ASSERT_EQ(*box.Open(sealed, "AKIAONE", "t"), "wJalrXUtnFEMI/K7MDENG");
  // Fresh nonces: sealing twice gives different bytes.
  EXPECT_NE(box.Seal("s", "c"), box.Seal("s", "c"));

  auto other_context = box.Open(sealed, "AKIATWO", "row 7");
  ASSERT_FALSE(other_context.ok());
  EXPECT_EQ(other_context.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(other_context.status().message().find("row 7"), std::string::npos);

  SecretBox other_key(std::string(32, 'j'));
  EXPECT_FALSE(other_key.Open(sealed, "AKIAONE", "t").ok());
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string bad = sealed;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_FALSE(box.Open(bad, "AKIAONE", "t").ok()) << "flipped byte " << i;
  }
  EXPECT_FALSE(box.Open(sealed.substr(0, 20), "AKIAONE", "t").ok());
  EXPECT_FALSE(box.Open("", "AKIAONE", "t").ok());
}

TEST(SecretBoxTest, KeyFileIsCreatedPrivateAndReused) {
  TempDir tmp;
  const std::string path = tmp.path() + "/secrets.key";
  auto k1 = LoadOrCreateKeyFile(path);
  ASSERT_TRUE(k1.ok()) << k1.status().ToString();
  EXPECT_EQ(k1->size(), 32u);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto k2 = LoadOrCreateKeyFile(path);
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(*k1, *k2);

  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  auto loose = LoadOrCreateKeyFile(path);
  ASSERT_FALSE(loose.ok());
  EXPECT_EQ(loose.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(loose.status().message().find("0644"), std::string::npos);

  const std::string short_path = tmp.path() + "/short.key";
  ASSERT_TRUE(WritePrivateFile(short_path, "too short").ok());
  EXPECT_EQ(LoadOrCreateKeyFile(short_path).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(WritePrivateFile(short_path, "again").code(), StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace cairn::cloud
