#include "sys/trusted_path.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/process_test_support.h"

namespace tandem::sys {
namespace {

TEST(EnsureTrustedDirectory, MakesAMissingDirectoryAndItsParents) {
  testing::TempDir scratch;
  const std::string path = scratch.file("var/lib/tandem");
  auto made = ensure_trusted_directory(path, "state directory", ::geteuid());
  ASSERT_TRUE(made.ok()) << made.error();
  struct stat status {};
  ASSERT_EQ(::stat(path.c_str(), &status), 0);
  EXPECT_TRUE(S_ISDIR(status.st_mode));
  EXPECT_EQ(status.st_mode & 07777, 0755u);
}

TEST(EnsureTrustedDirectory, RefusesAFileWhereTheDirectoryShouldBe) {
  testing::TempDir scratch;
  scratch.write("events.d", "not a directory");
  auto made = ensure_trusted_directory(scratch.file("events.d"), "events directory", ::geteuid());
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().message(), scratch.file("events.d") + ": the events directory is not a directory");
}

TEST(EnsureTrustedDirectory, RefusesADirectoryOthersMayWrite) {
  testing::TempDir scratch;
  ASSERT_EQ(::mkdir(scratch.file("events.d").c_str(), 0777), 0);
  ASSERT_EQ(::chmod(scratch.file("events.d").c_str(), 01777), 0);
  auto made = ensure_trusted_directory(scratch.file("events.d"), "events directory", ::geteuid());
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().cause,
            "mode 1777 lets group or other write the events directory; chmod go-w it (see "
            "docs/design/trust.md)");
}

TEST(CheckTrusted, RefusesAFileOwnedBySomeoneElse) {
  testing::TempDir scratch;
  scratch.write("hook", "#!/bin/sh\n", 0755);
  auto checked = check_trusted(scratch.file("hook"), "hook", ::geteuid() + 1);
  ASSERT_FALSE(checked.ok());
  EXPECT_NE(checked.error().cause.find("the hook is owned by uid"), std::string::npos) << checked.error();
}

}  // namespace
}  // namespace tandem::sys
