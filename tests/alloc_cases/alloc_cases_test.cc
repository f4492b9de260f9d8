// Golden allocation cases: every tests/alloc_cases/*.case file is one test, named after
// the file, that runs validate() and allocate() on the cluster the file describes and
// compares EVERY IP's placement with the file's `expect` lines (README.md has the format).
//
// With TANDEM_REGENERATE=1 in the environment the runner rewrites each file's `expect`
// block from the actual result instead of comparing (everything else in the file is
// kept; bug_*.case files are never rewritten); review the diff before committing it,
// since that diff IS the behaviour change.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "alloc/allocate.h"
#include "base/text.h"
#include "support/cluster_text.h"

namespace tandem {
namespace {

namespace fs = std::filesystem;

// Tests run with the repository root as working directory (gtest_discover_tests'
// WORKING_DIRECTORY); the build's own copy of the path lets the binary also run by hand
// from elsewhere.
fs::path cases_folder() {
  const fs::path relative = "tests/alloc_cases";
  if (fs::is_directory(relative)) return relative;
  return fs::path(TANDEM_SOURCE_DIR) / relative;
}

bool regenerates() {
  const char* value = std::getenv("TANDEM_REGENERATE");
  return value != nullptr && std::string_view(value) == "1";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string describe(const std::optional<Placement>& placement) {
  if (!placement) return "unhosted";
  return std::to_string(placement->node.value()) + " " + placement->interface.value();
}

// Every difference between the file's expectations and the result, one per line; empty
// when they agree on every IP.
std::string differences(const testing::AllocationCase& allocation_case, const Assignment& actual) {
  std::string out;
  for (const auto& entry : actual.ips()) {
    auto expected = allocation_case.expected.find(entry.address);
    if (expected == allocation_case.expected.end()) {
      out += "  " + entry.address.to_string() + ": no expect line (got " + describe(entry.placement) + ")\n";
    } else if (expected->second != entry.placement) {
      out += "  " + entry.address.to_string() + ": expected " + describe(expected->second) + ", got " +
             describe(entry.placement) + "\n";
    }
    if (!entry.placement && entry.unhosted_reason.empty()) {
      out += "  " + entry.address.to_string() + ": unhosted without a reason\n";
    }
    if (entry.placement && !entry.unhosted_reason.empty()) {
      out += "  " + entry.address.to_string() + ": hosted, yet with a reason '" + entry.unhosted_reason + "'\n";
    }
  }
  for (const auto& [address, placement] : allocation_case.expected) {
    if (actual.find(address) == nullptr) {
      out += "  " + address.to_string() + ": expected " + describe(placement) + ", but the result does not have it\n";
    }
  }
  return out;
}

// The file without its `expect` lines and trailing blank lines, then the new expect block.
std::string with_expect_block(std::string_view text, const Assignment& actual) {
  std::vector<std::string_view> kept;
  for (auto line : split_lines(text)) {
    const auto fields = split_fields(line);
    if (!fields.empty() && fields.front() == "expect") continue;
    kept.push_back(line);
  }
  while (!kept.empty() && trim(kept.back()).empty()) kept.pop_back();
  std::string out;
  for (auto line : kept) {
    out += line;
    out += '\n';
  }
  out += '\n';
  out += testing::expect_lines(actual);
  return out;
}

class GoldenCase : public ::testing::Test {
 public:
  explicit GoldenCase(fs::path path) : path_(std::move(path)) {}

  void TestBody() override {
    const std::string text = read_file(path_);
    ASSERT_FALSE(text.empty()) << path_ << " is empty or cannot be read";
    auto parsed = testing::parse_case(text);
    ASSERT_TRUE(parsed.ok()) << path_.string() << ": " << parsed.error().message();
    auto valid = alloc::validate(parsed->view);
    ASSERT_TRUE(valid.ok()) << path_.string() << ": the cluster is not valid: " << valid.error().message();

    const Assignment actual = alloc::allocate(parsed->view, parsed->tunables, parsed->current);
    // bug_*.case files hold what the rules demand of a known engine bug, never the engine's
    // output, so regeneration leaves them alone and still compares them.
    if (regenerates() && !path_.stem().string().starts_with("bug_")) {
      std::ofstream(path_, std::ios::binary | std::ios::trunc) << with_expect_block(text, actual);
      return;
    }
    const std::string diff = differences(*parsed, actual);
    EXPECT_TRUE(diff.empty()) << path_.string() << " differs:\n"
                              << diff << "actual result, as expect lines:\n"
                              << testing::expect_lines(actual);

    // A rule of its own, checked on every case: re-allocating from the result moves nothing.
    const Assignment again = alloc::allocate(parsed->view, parsed->tunables, actual);
    EXPECT_EQ(count_moves(actual, again), 0u) << path_.string() << ": re-allocating from the result moves IPs; "
                                              << "the second result is:\n"
                                              << testing::expect_lines(again);
  }

 private:
  fs::path path_;
};

class MissingFolder : public ::testing::Test {
 public:
  void TestBody() override { FAIL() << "no *.case files found in " << cases_folder(); }
};

std::vector<fs::path> case_files() {
  std::vector<fs::path> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(cases_folder(), error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".case") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Registered at static initialisation, before gtest_main runs, so `--gtest_list_tests`
// (and thus CTest) sees one test per file.
bool register_cases() {
  const auto files = case_files();
  if (files.empty()) {
    ::testing::RegisterTest("AllocCases", "FolderHasCases", nullptr, nullptr, __FILE__, __LINE__,
                            []() -> ::testing::Test* { return new MissingFolder(); });
  }
  for (const auto& path : files) {
    const std::string file = path.string();
    ::testing::RegisterTest("AllocCases", path.stem().string().c_str(), nullptr, nullptr, file.c_str(), 1,
                            [path]() -> ::testing::Test* { return new GoldenCase(path); });
  }
  return true;
}

[[maybe_unused]] const bool kRegistered = register_cases();

}  // namespace
}  // namespace tandem
