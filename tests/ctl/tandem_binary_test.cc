// Runs the real `tandem` binary as a shell would, and checks what it prints and its exit
// status. Placements are the engine's business (src/alloc/); only the shape is checked here.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

struct ProcessRun {
  int exit_code = -1;
  std::string out;  // stdout, and stderr too when the command says 2>&1
};

ProcessRun run(const std::string& shell_command) {
  ProcessRun result;
  std::FILE* pipe = popen(shell_command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  std::size_t count = 0;
  while ((count = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), count);
  const int status = pclose(pipe);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

const std::string kTandem = std::string("'") + TANDEM_BINARY + "'";
const std::string kExample = std::string("'") + TANDEM_ALLOC_EXAMPLE + "'";

TEST(TandemAlloc, PrintsTheExampleStatesAssignmentAsJson) {
  const ProcessRun alloc = run(kTandem + " alloc " + kExample);
  ASSERT_EQ(alloc.exit_code, 0);
  const auto printed = nlohmann::json::parse(alloc.out, nullptr, false);
  ASSERT_TRUE(printed.is_object()) << alloc.out;
  ASSERT_TRUE(printed["assignment"].is_object()) << alloc.out;
  ASSERT_TRUE(printed["unhosted"].is_object()) << alloc.out;
  EXPECT_TRUE(printed["moves"].is_number_unsigned()) << alloc.out;
  EXPECT_EQ(printed.size(), 3u) << alloc.out;
  for (const auto& [address, placement] : printed["assignment"].items()) {
    if (placement.is_null()) {
      EXPECT_TRUE(printed["unhosted"][address].is_string()) << address;
    } else {
      EXPECT_TRUE(placement["pnn"].is_number_unsigned()) << address;
      EXPECT_TRUE(placement["interface"].is_string()) << address;
    }
  }
}

TEST(TandemAlloc, ReadsTheStateFromStandardInputWithoutFileOrWithDash) {
  const ProcessRun from_file = run(kTandem + " alloc " + kExample);
  const ProcessRun from_stdin = run(kTandem + " alloc < " + kExample);
  const ProcessRun from_dash = run(kTandem + " alloc - < " + kExample);
  EXPECT_EQ(from_stdin.exit_code, 0);
  EXPECT_EQ(from_stdin.out, from_file.out);
  EXPECT_EQ(from_dash.exit_code, 0);
  EXPECT_EQ(from_dash.out, from_file.out);
}

TEST(TandemAlloc, NamesThePlaceOfAMalformedStateAndExitsTwo) {
  const ProcessRun alloc = run("printf '%s' '{\"nodes\": 1}' | " + kTandem + " alloc 2>&1");
  EXPECT_EQ(alloc.exit_code, 2);
  EXPECT_EQ(alloc.out, "tandem alloc: state.nodes: expected an array, got 1\n");
}

TEST(TandemAlloc, ExitsOneWhenTheFileCannotBeRead) {
  const ProcessRun alloc = run(kTandem + " alloc /nonexistent/state.json 2>&1");
  EXPECT_EQ(alloc.exit_code, 1);
  EXPECT_EQ(alloc.out, "tandem alloc: /nonexistent/state.json: No such file or directory\n");
}

TEST(TandemCommandLine, RejectsAnUnknownCommandWithExitTwo) {
  const ProcessRun frob = run(kTandem + " frob 2>&1");
  EXPECT_EQ(frob.exit_code, 2);
  EXPECT_EQ(frob.out.rfind("tandem: unknown command 'frob' (commands: alloc", 0), 0u) << frob.out;
}

TEST(TandemCommandLine, PrintsHelpOnStdoutAndExitsZero) {
  const ProcessRun help = run(kTandem + " --help 2>/dev/null");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("alloc"), std::string::npos) << help.out;
  const ProcessRun alloc_help = run(kTandem + " alloc --help 2>/dev/null");
  EXPECT_EQ(alloc_help.exit_code, 0);
  EXPECT_NE(alloc_help.out.find("[FILE]"), std::string::npos) << alloc_help.out;
}

}  // namespace
