#include "ctl/alloc_command.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tandem::ctl {
namespace {

// Only the shape: where addresses go is the engine's business, tested in alloc/.
TEST(RunAlloc, PrintsTheAssignmentAsJsonAndExitsZero) {
  const CommandOutput output = run_alloc(R"({
    "addresses": [{"ip": "198.51.100.10/24", "interfaces": ["eth1"]}],
    "nodes": [{"pnn": 0, "interfaces": {"eth1": "up"}}]})");
  EXPECT_EQ(output.exit_code, kExitOk);
  EXPECT_EQ(output.err, "");
  const auto printed = nlohmann::json::parse(output.out, nullptr, false);
  ASSERT_TRUE(printed.is_object()) << output.out;
  EXPECT_TRUE(printed["assignment"].is_object());
  EXPECT_TRUE(printed["unhosted"].is_object());
  EXPECT_TRUE(printed["moves"].is_number_unsigned());
}

TEST(RunAlloc, ReportsAMalformedStateOnStderrAndExitsTwo) {
  const CommandOutput output = run_alloc(R"({"nodes": [{"pnn": 0, "interfaces": {"eth1": "sideways"}}]})");
  EXPECT_EQ(output, (CommandOutput{kExitBadInput, "",
                                   "tandem alloc: state.nodes[0].interfaces.eth1: expected \"up\" or \"down\", "
                                   "got \"sideways\"\n"}));
}

}  // namespace
}  // namespace tandem::ctl
