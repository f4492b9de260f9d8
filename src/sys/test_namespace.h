// TestNamespace: a network namespace of its own for one netns test, with one veth pair.
//
// Test-only. Creates `tdm-t-<pid>-<n>` (iproute2's `ip netns`), in it a veth pair — the
// switch side kSwitchSide and the node side kNodeSide, both up — and deletes the namespace
// by name when destroyed, whatever the test did (and, on creation, those that crashed
// test processes left behind). run() executes a test body on a thread
// that has entered the namespace, so the gtest process itself never leaves its own. It must
// never touch an interface outside the namespace it made.
#pragma once

#include <functional>
#include <string>

#include "base/result.h"

namespace tandem::sys {

class TestNamespace {
 public:
  static constexpr const char* kSwitchSide = "sw0";
  static constexpr const char* kNodeSide = "node0";

  // Why netns tests cannot run here (not root), or empty when they can.
  static std::string reason_to_skip();

  static Result<void> create(TestNamespace& into);

  TestNamespace() = default;
  ~TestNamespace();
  TestNamespace(const TestNamespace&) = delete;
  TestNamespace& operator=(const TestNamespace&) = delete;

  const std::string& name() const { return name_; }

  // Runs `body` on a thread inside the namespace and waits for it. False (with the reason
  // in `error`) if the thread could not enter the namespace.
  bool run(const std::function<void()>& body, std::string& error) const;

  // Runs `ip -n <namespace> <arguments>` (e.g. "link set sw0 down"); false if it failed.
  bool ip(const std::string& arguments) const;

 private:
  std::string name_;  // empty: nothing to delete
};

}  // namespace tandem::sys
