#include "ctl/tunables_json.h"

#include <gtest/gtest.h>

#include "ctl/tunable_views.h"

namespace tandem::ctl {
namespace {

using nlohmann::json;

TEST(TunablesJson, ListvarsGivesEveryTunableAndPrintsThemInTheTablesOrder) {
  Tunables tunables;
  tunables.no_ip_failback = 1;
  const json result = listvars_result(tunables);
  EXPECT_EQ(result["tunables"].size(), tunable_specs().size());
  EXPECT_EQ(result["tunables"]["NoIPFailback"], 1);
  EXPECT_EQ(listvars_text(result).value(),
            "IPAllocAlgorithm           = 2\n"
            "NoIPFailback               = 1\n"
            "NoIPHostOnAllDisabled      = 1\n"
            "NoIPTakeover               = 0\n"
            "HeartbeatIntervalMs        = 100\n"
            "DeadTimeoutMs              = 500\n"
            "LeaseTimeoutMs             = 800\n"
            "LeaseMarginMs              = 100\n"
            "TakeoverTimeoutMs          = 2000\n"
            "MonitorIntervalMs          = 1000\n"
            "EventScriptTimeoutMs       = 30000\n"
            "BanPeriodS                 = 300\n"
            "BanCreditsMax              = 3\n"
            "AnnounceCount              = 3\n"
            "AnnounceIntervalMs         = 250\n"
            "ProbeIntervalMs            = 200\n"
            "ProbeMisses                = 3\n"
            "ProbeSuccesses             = 2\n"

            "TickleUpdateIntervalMs     = 1000\n"
            "TickleCount                = 3\n");
}

TEST(TunablesJson, ListvarsPrintsNamesFromANewerDaemonLast) {
  const json result = json::parse(R"({"tunables": {"ZNew": 5, "NoIPFailback": 0, "ANew": 7}})");
  EXPECT_EQ(listvars_text(result).value(),
            "NoIPFailback               = 0\n"
            "ANew                       = 7\n"
            "ZNew                       = 5\n");
}

TEST(TunablesJson, GetvarSpellsTheNameAsTheTableDoes) {
  const json result = getvar_result(Tunables{}, "noipfailback").value();
  EXPECT_EQ(result, json({{"name", "NoIPFailback"}, {"value", 0}}));
  EXPECT_EQ(getvar_text(result).value(), "NoIPFailback               = 0\n");
  EXPECT_EQ(getvar_result(Tunables{}, "Bogus").error().message(),
            "unknown tunable 'Bogus' (tandem listvars lists them)");
}

TEST(TunablesJson, SetvarChangesOnlyAValidValue) {
  Tunables tunables;
  EXPECT_EQ(apply_setvar(tunables, SetVar{"ipallocalgorithm", "deterministic"}).value(),
            json({{"name", "IPAllocAlgorithm"}, {"value", 0}}));
  EXPECT_EQ(tunables.algorithm(), AllocAlgorithm::kDeterministic);
  const Tunables before = tunables;
  EXPECT_FALSE(apply_setvar(tunables, SetVar{"NoIPFailback", "7"}).ok());
  EXPECT_FALSE(apply_setvar(tunables, SetVar{"NoIPFailback", "yes"}).ok());
  EXPECT_EQ(tunables, before);
}

TEST(TunableViews, NamesThePlaceInAMalformedResult) {
  EXPECT_EQ(listvars_text(json::parse(R"({"tunables": {"NoIPFailback": "x"}})")).error().message(),
            "result.tunables.NoIPFailback: expected a whole number of 0 or more, got \"x\"");
  EXPECT_EQ(getvar_text(json::parse(R"({"name": "NoIPFailback"})")).error().message(), "result: missing \"value\"");
}

}  // namespace
}  // namespace tandem::ctl
