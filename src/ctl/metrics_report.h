// MetricsReport: a node's counters and gauges, as `tandem statistics` and `tandem metrics`
// show them and as the daemon's `statistics` reply carries them (control-protocol.md).
//
// One list of metrics in Prometheus's model (a name, a help text, counter or gauge, and
// samples with labels), so the statistics text, the JSON and the Prometheus text
// exposition cannot disagree: the daemon fills it in (app/daemon_metrics.h), the tool reads
// it back from JSON and prints it. Pure.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace tandem::ctl {

struct MetricSample {
  std::vector<std::pair<std::string, std::string>> labels;  // in the order printed
  double value = 0;

  friend bool operator==(const MetricSample&, const MetricSample&) = default;
};

struct Metric {
  enum class Type : std::uint8_t { kCounter, kGauge };
  std::string name;  // "tandem_takeover_runs_total": [a-zA-Z_][a-zA-Z0-9_]*
  std::string help;  // one line
  Type type = Type::kCounter;
  std::vector<MetricSample> samples;

  friend bool operator==(const Metric&, const Metric&) = default;
};

struct MetricsReport {
  std::vector<Metric> metrics;

  friend bool operator==(const MetricsReport&, const MetricsReport&) = default;
};

// {"metrics": [{"name", "help", "type": "counter"|"gauge", "samples": [{"labels": {...}, "value"}]}]}.
// Label order is kept by writing labels as [[name, value], ...].
nlohmann::json to_json(const MetricsReport& report);
// The reverse; errors name the place from `root` ("result.metrics[2].type: ...").
Result<MetricsReport> metrics_from_json(const nlohmann::json& json, std::string_view root);

// Prometheus's text exposition format (version 0.0.4): # HELP, # TYPE, then the samples.
std::string prometheus_text(const MetricsReport& report);

// The counters only, one line each, "NAME{LABELS}  VALUE" with the tandem_ prefix and
// _total suffix left out, aligned: what `tandem statistics` prints.
std::string statistics_text(const MetricsReport& report);

}  // namespace tandem::ctl
