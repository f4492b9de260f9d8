#include "app/metrics_textfile.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "sys/process_test_support.h"

namespace tandem::app {
namespace {

namespace fs = std::filesystem;

TEST(MetricsTextfile, ReplacesTheFileWholeAndLeavesNoTemporaryBehind) {
  const sys::testing::TempDir dir;
  const std::string path = dir.file("tandem.prom");
  ASSERT_TRUE(write_file_atomically(path, "tandem_epoch 1\n").ok());
  ASSERT_TRUE(write_file_atomically(path, "tandem_epoch 2\n").ok());
  EXPECT_EQ(dir.read("tandem.prom"), "tandem_epoch 2\n");
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
}

TEST(MetricsTextfile, NamesThePathWhenItsDirectoryIsMissing) {
  const sys::testing::TempDir dir;
  const std::string path = dir.file("missing/tandem.prom");
  auto written = write_file_atomically(path, "x\n");
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().message(), path + ".tmp: cannot write: No such file or directory");
}

}  // namespace
}  // namespace tandem::app
