// A chaos run in CI: 120 s of random faults (lab/chaos_schedule.h) against a 3 x 2 x 3 lab,
// judged from the client (lab/chaos_run.h): never one IP answered from two nodes, never a
// group split, and every group whole and answered within 5 s of the final heal.
//
// The seed is fixed, so a failure replays: `tandem-lab chaos --seconds 120 --seed SEED`
// gives the same faults. TANDEM_CHAOS_SEED and TANDEM_CHAOS_SECONDS override both, to try
// others by hand.
#include <cstdlib>
#include <iostream>
#include <string>

#include "lab/chaos_run.h"
#include "lab/chaos_schedule.h"
#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

constexpr std::uint64_t kSeed = 1;
constexpr std::chrono::seconds kDuration{120};

std::uint64_t from_environment(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  return std::strtoull(text, nullptr, 10);
}

class Chaos : public LabTest {};

TEST_F(Chaos, ARandomFaultScheduleNeverPutsAnIpOnTwoNodesNorSplitsAGroupAndEndsConverged) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  stop_prober();  // the run has its own
  lab::ChaosRunOptions options;
  options.schedule.seed = from_environment("TANDEM_CHAOS_SEED", kSeed);
  options.schedule.duration =
      std::chrono::seconds(static_cast<std::int64_t>(from_environment("TANDEM_CHAOS_SECONDS", kDuration.count())));
  options.lab_program = lab_program();
  const lab::ChaosShape shape{static_cast<int>(plan().nodes.size()), plan().options.public_interface_count,
                              static_cast<int>(lab().public_ips().size())};
  ASSERT_TRUE(lab::check_chaos_options(shape, options.schedule).ok());
  const auto schedule = lab::make_chaos_schedule(shape, options.schedule);

  auto report = lab::run_chaos(lab(), schedule, options, std::cout);
  ASSERT_TRUE(report.ok()) << report.error().message();
  std::cout << lab::chaos_summary_text(*report);
  EXPECT_EQ(report->failed_fault_count(), 0);
  EXPECT_TRUE(report->conflicts.empty()) << "rounds with an IP on two nodes:" << conflicts_text(report->conflicts);
  EXPECT_TRUE(report->splits.empty()) << report->splits.size() << " rounds with a group split";
  EXPECT_TRUE(report->convergence_ms.has_value()) << "no convergence: " << report->unconverged;
  EXPECT_GT(report->arp_replies, report->arp_rounds) << "the watcher heard too little to judge";
}

}  // namespace
}  // namespace tandem::integration
