#include "config/interface_names.h"

#include <gtest/gtest.h>

#include "config/test_helpers.h"

namespace tandem::config {
namespace {

TEST(InterfaceNames, AcceptsTheNamesLinuxGives) {
  for (std::string_view name : {"eth1", "bond0", "enp3s0f1", "eth0.100", "br-lan", "x"}) {
    auto parsed = parse_interface_name(name);
    ASSERT_TRUE(succeeds(parsed)) << name;
    EXPECT_EQ(parsed->value(), name);
  }
}

TEST(InterfaceNames, AcceptsFifteenCharactersAndRejectsSixteen) {
  EXPECT_TRUE(succeeds(parse_interface_name("abcdefghijklmno")));
  EXPECT_TRUE(fails_at(parse_interface_name("abcdefghijklmnop"), "", "is 16 characters long; Linux allows at most 15"));
}

TEST(InterfaceNames, RejectsAnEmptyName) { EXPECT_TRUE(fails_at(parse_interface_name(""), "", "empty")); }

TEST(InterfaceNames, RejectsDotAndDotDot) {
  EXPECT_TRUE(fails_at(parse_interface_name("."), "", "'.' is not allowed"));
  EXPECT_TRUE(fails_at(parse_interface_name(".."), "", "'..' is not allowed"));
}

TEST(InterfaceNames, RejectsSlashColonCommaBlanksAndControlCharacters) {
  for (std::string_view name : {"eth/1", "eth1:0", "eth1,eth2", "eth 1", "eth\t1", "eth\x01"}) {
    EXPECT_TRUE(fails_at(parse_interface_name(name), "", "may not contain")) << name;
  }
  EXPECT_TRUE(fails_at(parse_interface_name(std::string_view("eth\0", 4)), "", "contains '\\x00'"));
}

}  // namespace
}  // namespace tandem::config
