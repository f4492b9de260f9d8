// `tandem check` on real files in a temporary directory: a good configuration passes, and
// each broken file is caught at its place.
#include "app/config_check.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "sys/process_test_support.h"

namespace tandem::app {
namespace {

namespace fs = std::filesystem;

class CheckConfiguration : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directory(path("events.d"));
    fs::create_directory(path("shared"));
    write("nodes", "192.0.2.1\n192.0.2.2\n");
    // "lo" exists on every Linux host, in every network namespace.
    write("public_addresses", "198.51.100.10/24 lo\n203.0.113.10/24 lo\n");
    write("ip_groups", "g0 198.51.100.10 203.0.113.10\n");
    dir_.write("cluster.key", std::string(32, 'k'), 0600);
    write_conf("lock = \"" + path("shared/lock") + "\"\n");
  }

  void write(const std::string& name, const std::string& text) { dir_.write(name, text); }
  void write_conf(const std::string& cluster_lines) {
    write("tandem.conf", "[node]\naddress = \"192.0.2.2\"\n[paths]\nnodes = \"" + path("nodes") +
                             "\"\npublic_addresses = \"" + path("public_addresses") + "\"\nip_groups = \"" +
                             path("ip_groups") + "\"\nevents = \"" + path("events.d") + "\"\n[cluster]\nkey_file = \"" +
                             path("cluster.key") + "\"\n" + cluster_lines);
  }
  std::string path(const std::string& name) const { return dir_.file(name); }

  CheckReport check() const { return check_configuration(path("tandem.conf"), CheckOptions{.key_owner = ::geteuid()}); }

  // The report's only problem, as "PLACE: CAUSE".
  static std::string only_problem(const CheckReport& report) {
    if (report.problems.size() != 1) {
      std::string all = std::to_string(report.problems.size()) + " problems:";
      for (const auto& problem : report.problems) all += " [" + problem.message() + "]";
      return all;
    }
    return report.problems.front().message();
  }

  sys::testing::TempDir dir_;
};

TEST_F(CheckConfiguration, AGoodConfigurationIsValid) {
  const auto report = check();
  EXPECT_TRUE(report.is_valid()) << only_problem(report);
  EXPECT_TRUE(report.warnings.empty());
  EXPECT_EQ(report.summary, "node 1 of 2, 2 public addresses, 1 IP group");
  const auto output = render_check(report, false);
  EXPECT_EQ(output.exit_code, 0);
  EXPECT_EQ(output.out,
            "tandem check: " + path("tandem.conf") + ": valid: node 1 of 2, 2 public addresses, 1 IP group\n");
}

TEST_F(CheckConfiguration, ABadTandemConfIsCaughtAtItsLine) {
  write("tandem.conf", "[cluster]\nport = 0\n");
  EXPECT_EQ(only_problem(check()).substr(0, path("tandem.conf").size() + 3), path("tandem.conf") + ":2:");
}

TEST_F(CheckConfiguration, AMissingTandemConfIsCaught) {
  fs::remove(path("tandem.conf"));
  EXPECT_EQ(only_problem(check()), path("tandem.conf") + ": cannot read: No such file or directory");
}

TEST_F(CheckConfiguration, ABadLineInEachFileIsCaughtAtItsPlace) {
  write("nodes", "192.0.2.1\n192.0.2.2\nnot-an-address\n");
  write("public_addresses", "198.51.100.10/24 lo\n203.0.113.10/33 lo\n");
  write("ip_groups", "g0 198.51.100.10\n\ng0 203.0.113.10\n");
  const auto report = check();
  ASSERT_EQ(report.problems.size(), 3u) << only_problem(report);
  EXPECT_EQ(report.problems[0].place, path("nodes") + ":3");
  EXPECT_EQ(report.problems[1].place, path("public_addresses") + ":2");
  EXPECT_EQ(report.problems[2].place, path("ip_groups") + ":3");
  EXPECT_FALSE(report.summary);
  EXPECT_EQ(render_check(report, false).exit_code, 1);
}

TEST_F(CheckConfiguration, AnInterfaceThisHostLacksIsCaughtAtItsLine) {
  write("public_addresses", "198.51.100.10/24 lo\n203.0.113.10/24 lo,tandemck9\n");
  EXPECT_EQ(only_problem(check()), path("public_addresses") + ":2: interface tandemck9 does not exist on this host");
}

TEST_F(CheckConfiguration, ANodeAddressMissingFromTheNodesFileIsCaught) {
  write("nodes", "192.0.2.1\n192.0.2.3\n");
  EXPECT_NE(only_problem(check()).find("[node] address 192.0.2.2 is not in the nodes file"), std::string::npos);
}

TEST_F(CheckConfiguration, AKeyOthersMayReadIsCaught) {
  dir_.write("cluster.key", std::string(32, 'k'), 0644);
  EXPECT_EQ(only_problem(check()),
            path("cluster.key") + ": mode 0644 allows group or other access to the cluster key; chmod 600 it");
}

TEST_F(CheckConfiguration, AKeyOfTheWrongLengthIsCaught) {
  write("cluster.key", "short");
  EXPECT_NE(only_problem(check()).find(path("cluster.key") + ": "), std::string::npos);
}

TEST_F(CheckConfiguration, AKeyAnotherAccountOwnsIsCaught) {
  const auto report = check_configuration(path("tandem.conf"), CheckOptions{.key_owner = ::geteuid() + 1});
  EXPECT_NE(only_problem(report).find("the cluster key belongs to uid"), std::string::npos);
}

TEST_F(CheckConfiguration, AnEventsPathThatIsAFileIsCaught) {
  fs::remove(path("events.d"));
  write("events.d", "");
  EXPECT_EQ(only_problem(check()), path("tandem.conf") + ": [paths] events '" + path("events.d") +
                                       "' is a regular file; it must be a directory");
}

TEST_F(CheckConfiguration, ALockInAMissingDirectoryIsCaught) {
  write_conf("lock = \"" + path("nowhere/lock") + "\"\n");
  EXPECT_NE(only_problem(check()).find("its directory '" + path("nowhere") + "' does not exist"), std::string::npos);
}

TEST_F(CheckConfiguration, AMissingLockHelperIsCaught) {
  write_conf("lock = \"!" + path("no-helper") + " arg\"\n");
  EXPECT_NE(only_problem(check()).find("lock helper '" + path("no-helper") + "' does not exist"), std::string::npos);
}

TEST_F(CheckConfiguration, AGroupAddressThisNodeDoesNotListIsAWarningOnly) {
  write("ip_groups", "g0 198.51.100.10 203.0.113.10\ng1 192.0.2.99\n");
  const auto report = check();
  EXPECT_TRUE(report.is_valid()) << only_problem(report);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_EQ(report.warnings.front().place, path("ip_groups") + ":2");
  const auto output = render_check(report, false);
  EXPECT_EQ(output.exit_code, 0);
  EXPECT_NE(output.out.find(path("ip_groups") + ":2: warning: address 192.0.2.99"), std::string::npos);
}

TEST_F(CheckConfiguration, JsonListsEachProblemWithItsPlace) {
  write("public_addresses", "198.51.100.10/24 tandemck9\n203.0.113.10/24 lo\n");
  const auto output = render_check(check(), true);
  EXPECT_EQ(output.exit_code, 1);
  const auto json = nlohmann::json::parse(output.out);
  EXPECT_EQ(json["valid"], false);
  ASSERT_EQ(json["problems"].size(), 1u);
  EXPECT_EQ(json["problems"][0]["place"], path("public_addresses") + ":1");
  EXPECT_EQ(json["problems"][0]["cause"], "interface tandemck9 does not exist on this host");
}

}  // namespace
}  // namespace tandem::app
