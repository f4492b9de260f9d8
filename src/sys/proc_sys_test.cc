#include "sys/proc_sys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace tandem::sys {
namespace {

// A directory of its own, shaped like /proc/sys where a test needs it; removed after.
class ProcSysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "proc_sys_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void put(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(root_ + "/" + path).parent_path());
    std::ofstream(root_ + "/" + path) << text;
  }
  std::string contents(const std::string& path) {
    std::ifstream in(root_ + "/" + path);
    return {std::istreambuf_iterator<char>(in), {}};
  }

  std::string root_;
};

TEST_F(ProcSysTest, ReadsAndWritesAWholeNumber) {
  put("net/ipv4/conf/eth1/arp_ignore", "0\n");
  ProcSys proc(root_);
  EXPECT_EQ(proc.read("net/ipv4/conf/eth1/arp_ignore").value(), 0);
  ASSERT_TRUE(proc.write("net/ipv4/conf/eth1/arp_ignore", 1).ok());
  EXPECT_EQ(contents("net/ipv4/conf/eth1/arp_ignore"), "1\n");
  EXPECT_EQ(proc.read("net/ipv4/conf/eth1/arp_ignore").value(), 1);
}

TEST_F(ProcSysTest, AMissingSettingIsAnErrorNamingItsPath) {
  ProcSys proc(root_);
  auto read = proc.read("net/ipv4/conf/eth9/arp_ignore");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().place, root_ + "/net/ipv4/conf/eth9/arp_ignore");
  EXPECT_NE(read.error().cause.find("No such file"), std::string::npos) << read.error().cause;
  EXPECT_EQ(proc.write("net/ipv4/conf/eth9/arp_ignore", 1).error().place, root_ + "/net/ipv4/conf/eth9/arp_ignore");
}

TEST_F(ProcSysTest, AValueThatIsNotANumberIsAnError) {
  put("kernel/random/boot_id", "6f0d2c9e-aaaa\n");
  ProcSys proc(root_);
  EXPECT_EQ(proc.read_text("kernel/random/boot_id").value(), "6f0d2c9e-aaaa");
  auto read = proc.read("kernel/random/boot_id");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().cause.find("not a whole number"), std::string::npos);
}

TEST_F(ProcSysTest, ReplacesAFileWholeAndCreatesItsDirectory) {
  const std::string path = root_ + "/state/host_settings";
  EXPECT_FALSE(read_file_if_present(path).value().has_value());
  ASSERT_TRUE(replace_file(path, "first\n").ok());
  ASSERT_TRUE(replace_file(path, "second\n").ok());
  EXPECT_EQ(read_file_if_present(path).value(), "second\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".new"));
  ASSERT_TRUE(remove_file(path).ok());
  ASSERT_TRUE(remove_file(path).ok()) << "removing what is gone succeeds";
  EXPECT_FALSE(read_file_if_present(path).value().has_value());
}

TEST_F(ProcSysTest, ReplacingAFileInAnUnwritablePlaceIsAnErrorNamingIt) {
  auto replaced = replace_file(root_ + "/missing/deeper/host_settings", "x\n");
  ASSERT_FALSE(replaced.ok());
  EXPECT_EQ(replaced.error().place, root_ + "/missing/deeper");
}

}  // namespace
}  // namespace tandem::sys
