// NetnsTest: the gtest fixture of the netns tests — a TestNamespace per test, skipped with
// the reason when the process may not create one. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "model/ids.h"
#include "sys/test_namespace.h"

namespace tandem::sys {

class NetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string reason = TestNamespace::reason_to_skip();
    if (!reason.empty()) GTEST_SKIP() << reason;
    auto created = TestNamespace::create(netns_);
    ASSERT_TRUE(created.ok()) << created.error();
  }

  // Runs `body` inside the namespace (on a thread of its own).
  void in_namespace(const std::function<void()>& body) {
    std::string error;
    ASSERT_TRUE(netns_.run(body, error)) << error;
  }

  static InterfaceName node_side() { return InterfaceName(TestNamespace::kNodeSide); }
  static InterfaceName switch_side() { return InterfaceName(TestNamespace::kSwitchSide); }

  TestNamespace netns_;
};

}  // namespace tandem::sys
