#include "ctl/metrics_report.h"

#include <gtest/gtest.h>

namespace tandem::ctl {
namespace {

MetricsReport sample_report() {
  MetricsReport report;
  report.metrics.push_back(Metric{"tandem_takeover_runs_total",
                                  "Takeover runs this node led, by outcome.",
                                  Metric::Type::kCounter,
                                  {MetricSample{{{"outcome", "done"}}, 3}, MetricSample{{{"outcome", "failed"}}, 1}}});
  report.metrics.push_back(
      Metric{"tandem_epoch", "The highest epoch seen.", Metric::Type::kGauge, {MetricSample{{}, 7}}});
  report.metrics.push_back(Metric{"tandem_takeover_run_seconds_total",
                                  "Time spent in takeover runs.",
                                  Metric::Type::kCounter,
                                  {MetricSample{{}, 0.25}}});
  return report;
}

TEST(PrometheusText, WritesHelpTypeAndSamples) {
  EXPECT_EQ(prometheus_text(sample_report()),
            "# HELP tandem_takeover_runs_total Takeover runs this node led, by outcome.\n"
            "# TYPE tandem_takeover_runs_total counter\n"
            "tandem_takeover_runs_total{outcome=\"done\"} 3\n"
            "tandem_takeover_runs_total{outcome=\"failed\"} 1\n"
            "# HELP tandem_epoch The highest epoch seen.\n"
            "# TYPE tandem_epoch gauge\n"
            "tandem_epoch 7\n"
            "# HELP tandem_takeover_run_seconds_total Time spent in takeover runs.\n"
            "# TYPE tandem_takeover_run_seconds_total counter\n"
            "tandem_takeover_run_seconds_total 0.25\n");
}

TEST(PrometheusText, EscapesLabelValuesAndHelp) {
  MetricsReport report;
  report.metrics.push_back(Metric{"m", "a \\ b\nc", Metric::Type::kGauge, {MetricSample{{{"l", "x\"y\\z\n"}}, 1}}});
  EXPECT_EQ(prometheus_text(report), "# HELP m a \\\\ b\\nc\n# TYPE m gauge\nm{l=\"x\\\"y\\\\z\\n\"} 1\n");
}

TEST(StatisticsText, ListsCountersOnlyWithShortNamesAligned) {
  EXPECT_EQ(statistics_text(sample_report()),
            "takeover_runs{outcome=\"done\"}    3\n"
            "takeover_runs{outcome=\"failed\"}  1\n"
            "takeover_run_seconds             0.25\n");
}

TEST(MetricsJson, ReadsBackWhatItWrote) {
  const auto report = sample_report();
  auto read = metrics_from_json(to_json(report), "result");
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_EQ(*read, report);
}

TEST(MetricsJson, NamesThePlaceOfABadType) {
  auto json = to_json(sample_report());
  json["metrics"][1]["type"] = "histogram";
  auto read = metrics_from_json(json, "result");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().place, "result.metrics[1].type");
}

}  // namespace
}  // namespace tandem::ctl
