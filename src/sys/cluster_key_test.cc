#include "sys/cluster_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace tandem::sys {
namespace {

// A key file in a fresh directory, removed afterwards.
class KeyFile {
 public:
  KeyFile(const std::string& contents, mode_t mode) {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    directory_ =
        std::filesystem::temp_directory_path() / ("tandem-key-" + std::to_string(::getpid()) + "-" + test->name());
    std::filesystem::create_directories(directory_);
    path_ = (directory_ / "cluster.key").string();
    std::ofstream(path_, std::ios::binary) << contents;
    ::chmod(path_.c_str(), mode);
  }
  ~KeyFile() { std::filesystem::remove_all(directory_); }
  const std::string& path() const { return path_; }

 private:
  std::filesystem::path directory_;
  std::string path_;
};

std::string key_bytes() { return std::string(kClusterKeySize, '\x5a'); }

TEST(LoadClusterKey, ReadsAKeyOnlyItsOwnerMayRead) {
  KeyFile file(key_bytes(), 0600);
  auto key = load_cluster_key(file.path());
  ASSERT_TRUE(key.ok()) << key.error();
  ClusterKey expected;
  expected.bytes.fill(0x5a);
  EXPECT_EQ(*key, expected);
}

TEST(LoadClusterKey, RefusesAKeyAnotherUserOwns) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the file away";
  KeyFile file(key_bytes(), 0600);
  ASSERT_EQ(::chown(file.path().c_str(), 65534, 65534), 0);
  auto key = load_cluster_key(file.path());
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().place, file.path());
  EXPECT_EQ(
      key.error().cause,
      "the cluster key is owned by uid 65534, not by uid 0 that runs the daemon; chown it (root:root, mode 0600)");
}

TEST(LoadClusterKey, RefusesAFileThatGroupOrOtherMayRead) {
  KeyFile file(key_bytes(), 0644);
  auto key = load_cluster_key(file.path());
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().place, file.path());
  EXPECT_NE(key.error().cause.find("mode 0644"), std::string::npos) << key.error();
}

TEST(LoadClusterKey, RefusesAFileOfTheWrongSize) {
  KeyFile short_file(key_bytes().substr(1), 0600);
  EXPECT_FALSE(load_cluster_key(short_file.path()).ok());
}

TEST(LoadClusterKey, RefusesAMissingFileNamingIt) {
  auto key = load_cluster_key("/nonexistent/tandem/cluster.key");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().place, "/nonexistent/tandem/cluster.key");
}

TEST(FrameTag, VerifiesOnlyWithTheSameKeyAndBytes) {
  ClusterKey key;
  key.bytes.fill(1);
  ClusterKey other;
  other.bytes.fill(2);
  std::vector<std::uint8_t> bytes = {1, 2, 3, 4};
  const auto tag = compute_tag(key, bytes);
  EXPECT_TRUE(is_tag_valid(key, bytes, tag));
  EXPECT_FALSE(is_tag_valid(other, bytes, tag));
  bytes[2] ^= 1;
  EXPECT_FALSE(is_tag_valid(key, bytes, tag));
  EXPECT_FALSE(is_tag_valid(key, bytes, std::span(tag).first(16)));
}

}  // namespace
}  // namespace tandem::sys
