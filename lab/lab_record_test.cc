#include "lab/lab_record.h"

#include <gtest/gtest.h>

namespace tandem::lab {
namespace {

TEST(LabRecord, ReadsBackWhatItWrote) {
  LabRecord record;
  record.options.prefix = "tdm-t42";
  record.options.node_count = 5;
  record.options.public_interface_count = 3;
  record.options.group_count = 7;
  record.options.has_ipv6 = true;
  record.options.manages_host_settings = false;
  record.options.is_routed = true;
  record.options.tunables = {{"NoIPFailback", "1"}, {"IPAllocAlgorithm", "lcp2"}};
  record.options.state_root = "/tmp/labs";
  record.options.probe_port = 7100;
  record.has_daemons = false;
  record.tandemd = "";
  record.lab_program = "/usr/bin/tandem-lab";
  auto read = parse_lab_record(lab_record_json(record), "lab.json");
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_EQ(*read, record);
}

TEST(LabRecord, RefusesTextThatIsNotARecordNamingTheFile) {
  auto garbage = parse_lab_record("not json", "/run/x/lab.json");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().place, "/run/x/lab.json");
  auto missing = parse_lab_record(R"({"version": 1, "prefix": "x"})", "lab.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().place, "lab.json");
}

}  // namespace
}  // namespace tandem::lab
