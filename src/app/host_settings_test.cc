// The daemon's host settings against a directory shaped like /proc/sys: what it writes,
// records, restores and logs.
#include "app/host_settings.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tandem::app {
namespace {

class HostSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "host_settings_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    place_ = HostSettingsPlace{sys::ProcSys(dir_ + "/proc"), dir_ + "/state/host_settings"};
    log_ = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_st>(lines_));
    log_->set_pattern("%l %v");
    put("kernel/random/boot_id", "boot-1");
    for (const char* interface : {"all", "eth1", "eth2"}) {
      for (const char* name : {"arp_ignore", "arp_announce", "ignore_routes_with_linkdown", "rp_filter"}) {
        put(std::string("net/ipv4/conf/") + interface + "/" + name, "0");
      }
    }
    put("net/ipv4/conf/eth1/rp_filter", "1");  // strict, as some distributions ship it
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void put(const std::string& path, const std::string& value) {
    std::filesystem::create_directories(std::filesystem::path(dir_ + "/proc/" + path).parent_path());
    std::ofstream(dir_ + "/proc/" + path) << value << "\n";
  }
  int value(const std::string& path) const { return place_.proc.read(path).value(); }
  bool has_record() const { return std::filesystem::exists(place_.record_path); }
  std::string log_text() const { return lines_.str(); }

  static AddressList two_interfaces() {
    return {PublicAddress{IpPrefix::parse("198.51.100.10/24").value(), {InterfaceName("eth1"), InterfaceName("eth2")}}};
  }
  static AddressList eth1_only() {
    return {PublicAddress{IpPrefix::parse("198.51.100.10/24").value(), {InterfaceName("eth1")}}};
  }

  std::string dir_;
  HostSettingsPlace place_;
  std::ostringstream lines_;
  std::shared_ptr<spdlog::logger> log_;
};

TEST_F(HostSettingsTest, SetsEveryPublicInterfaceAndLogsEachChangeWithItsPath) {
  apply_host_settings(two_interfaces(), true, place_, *log_);
  for (const char* interface : {"eth1", "eth2"}) {
    const std::string conf = std::string("net/ipv4/conf/") + interface + "/";
    EXPECT_EQ(value(conf + "arp_ignore"), 1);
    EXPECT_EQ(value(conf + "arp_announce"), 2);
    EXPECT_EQ(value(conf + "ignore_routes_with_linkdown"), 1);
  }
  EXPECT_EQ(value("net/ipv4/conf/eth1/rp_filter"), 2);
  EXPECT_EQ(value("net/ipv4/conf/eth2/rp_filter"), 0) << "no filtering drops nothing: left as it is";
  EXPECT_EQ(value("net/ipv4/conf/all/arp_ignore"), 0) << "`all` is every interface's: never written";
  EXPECT_NE(log_text().find("info host settings: " + dir_ + "/proc/net/ipv4/conf/eth1/rp_filter 1 -> 2 (loose"),
            std::string::npos)
      << log_text();
}

TEST_F(HostSettingsTest, RestoresTheHostsValuesAtStopAndForgetsThem) {
  apply_host_settings(two_interfaces(), true, place_, *log_);
  ASSERT_TRUE(has_record());
  EXPECT_EQ(restore_host_settings(place_, *log_), 0);
  EXPECT_EQ(value("net/ipv4/conf/eth1/arp_ignore"), 0);
  EXPECT_EQ(value("net/ipv4/conf/eth2/arp_announce"), 0);
  EXPECT_EQ(value("net/ipv4/conf/eth1/rp_filter"), 1);
  EXPECT_FALSE(has_record());
  EXPECT_EQ(restore_host_settings(place_, *log_), 0) << "a second stop has nothing to do";
}

TEST_F(HostSettingsTest, ADaemonRestartedAfterACrashStillRestoresTheHostsValues) {
  apply_host_settings(two_interfaces(), true, place_, *log_);
  apply_host_settings(two_interfaces(), true, place_, *log_);  // the values are its own now
  EXPECT_EQ(restore_host_settings(place_, *log_), 0);
  EXPECT_EQ(value("net/ipv4/conf/eth1/arp_ignore"), 0);
  EXPECT_EQ(value("net/ipv4/conf/eth1/rp_filter"), 1);
}

TEST_F(HostSettingsTest, LeavesAValueAnAdministratorChangedWhileItRan) {
  apply_host_settings(two_interfaces(), true, place_, *log_);
  put("net/ipv4/conf/eth1/arp_ignore", "2");
  EXPECT_EQ(restore_host_settings(place_, *log_), 0);
  EXPECT_EQ(value("net/ipv4/conf/eth1/arp_ignore"), 2);
  EXPECT_NE(log_text().find("it was changed since tandemd set it to 1"), std::string::npos) << log_text();
}

TEST_F(HostSettingsTest, ARecordOfAnEarlierBootIsNotRestored) {
  apply_host_settings(two_interfaces(), true, place_, *log_);
  put("kernel/random/boot_id", "boot-2");  // a reboot: the kernel is back to its own values
  put("net/ipv4/conf/eth1/arp_ignore", "1");
  EXPECT_EQ(restore_host_settings(place_, *log_), 0);
  EXPECT_EQ(value("net/ipv4/conf/eth1/arp_ignore"), 1);
  EXPECT_NE(log_text().find("is from an earlier boot"), std::string::npos) << log_text();
}

TEST_F(HostSettingsTest, AReloadRestoresAnInterfaceThatIsNoLongerPublic) {
  apply_host_settings(two_interfaces(), true, place_, *log_);
  apply_host_settings(eth1_only(), true, place_, *log_);
  EXPECT_EQ(value("net/ipv4/conf/eth2/arp_ignore"), 0);
  EXPECT_EQ(value("net/ipv4/conf/eth1/arp_ignore"), 1);
}

TEST_F(HostSettingsTest, WhenNotManagedItChangesNothingAndWarnsAboutEachWrongValue) {
  apply_host_settings(two_interfaces(), false, place_, *log_);
  EXPECT_EQ(value("net/ipv4/conf/eth1/arp_ignore"), 0);
  EXPECT_EQ(value("net/ipv4/conf/eth1/rp_filter"), 1);
  EXPECT_FALSE(has_record());
  EXPECT_NE(log_text().find("warning host settings: " + dir_ +
                            "/proc/net/ipv4/conf/eth2/arp_ignore is 0, should be 1 (answer ARP only on the "
                            "interface that holds the address)"),
            std::string::npos)
      << log_text();
}

TEST_F(HostSettingsTest, TurningManagementOffRestoresWhatItHadSet) {
  apply_host_settings(two_interfaces(), true, place_, *log_);
  apply_host_settings(two_interfaces(), false, place_, *log_);
  EXPECT_EQ(value("net/ipv4/conf/eth1/arp_ignore"), 0);
  EXPECT_FALSE(has_record());
}

TEST_F(HostSettingsTest, AMissingInterfaceIsLoggedAndTheOthersAreSet) {
  const AddressList addresses{
      PublicAddress{IpPrefix::parse("198.51.100.10/24").value(), {InterfaceName("eth1"), InterfaceName("eth9")}}};
  apply_host_settings(addresses, true, place_, *log_);
  EXPECT_EQ(value("net/ipv4/conf/eth1/arp_ignore"), 1);
  EXPECT_NE(log_text().find("warning host settings: " + dir_ + "/proc/net/ipv4/conf/eth9/arp_ignore: cannot open"),
            std::string::npos)
      << log_text();
}

TEST_F(HostSettingsTest, ChangesNothingWhenItCannotRecordTheValuesBefore) {
  place_.record_path = dir_ + "/no/such/dir/host_settings";
  apply_host_settings(two_interfaces(), true, place_, *log_);
  EXPECT_EQ(value("net/ipv4/conf/eth1/arp_ignore"), 0);
  EXPECT_NE(log_text().find("nothing changed, as the values before could not be recorded"), std::string::npos)
      << log_text();
}

}  // namespace
}  // namespace tandem::app
