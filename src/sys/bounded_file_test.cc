#include "sys/bounded_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace tandem::sys {
namespace {

constexpr BoundedRead kSmall{.size_max = 16, .links = Links::kFollow};

class BoundedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "bounded_file_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::string put(const std::string& name, const std::string& text) {
    std::ofstream(root_ + "/" + name) << text;
    return root_ + "/" + name;
  }

  std::string root_;
};

TEST_F(BoundedFileTest, ReadsAWholeFileUpToTheLimit) {
  const std::string path = put("nodes", "192.0.2.1\n192.0.2.2\n");
  EXPECT_EQ(read_bounded_file(path, {.size_max = 20}).value(), "192.0.2.1\n192.0.2.2\n");
}

TEST_F(BoundedFileTest, RefusesAFileLargerThanTheLimit) {
  const std::string path = put("nodes", std::string(17, 'x'));
  auto text = read_bounded_file(path, kSmall);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message(), path + ": larger than 16 bytes");
}

// Opening a FIFO without a writer would block the daemon; it is refused at once.
TEST_F(BoundedFileTest, RefusesAFifoWithoutBlocking) {
  const std::string path = root_ + "/ip_groups";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  auto text = read_bounded_file(path, kSmall);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message(), path + ": not a regular file");
}

TEST_F(BoundedFileTest, RefusesADeviceThatNeverEnds) {
  auto text = read_bounded_file("/dev/zero", kSmall);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message(), "/dev/zero: not a regular file");
}

TEST_F(BoundedFileTest, RefusesADirectory) {
  auto text = read_bounded_file(root_, kSmall);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message(), root_ + ": not a regular file");
}

TEST_F(BoundedFileTest, FollowsASymbolicLinkOnlyWhenAllowed) {
  const std::string target = put("target", "text");
  const std::string link = root_ + "/link";
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  EXPECT_EQ(read_bounded_file(link, kSmall).value(), "text");
  auto refused = read_bounded_file(link, {.size_max = 16, .links = Links::kRefuse});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message(), link + ": is a symbolic link");
}

TEST_F(BoundedFileTest, AFileThatIsNotThereIsNothingWhenItMayBeAbsent) {
  auto text = read_bounded_file_if_present(root_ + "/missing", kSmall);
  ASSERT_TRUE(text.ok()) << text.error();
  EXPECT_FALSE(text->has_value());
  EXPECT_FALSE(read_bounded_file(root_ + "/missing", kSmall).ok());
}

}  // namespace
}  // namespace tandem::sys
