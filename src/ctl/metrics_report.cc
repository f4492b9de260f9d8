#include "ctl/metrics_report.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "ctl/json_reader.h"

namespace tandem::ctl {

namespace {

std::string_view type_word(Metric::Type type) { return type == Metric::Type::kCounter ? "counter" : "gauge"; }

// Escapes for HELP text (backslash, newline) and label values (also the double quote).
std::string escaped(std::string_view text, bool is_label_value) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && is_label_value)
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

// Whole numbers as integers, others with enough digits to read back the same double.
std::string number_text(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string labels_text(const MetricSample& sample) {
  if (sample.labels.empty()) return "";
  std::string out = "{";
  for (const auto& [name, value] : sample.labels) {
    out += (out.size() > 1 ? "," : "") + name + "=\"" + escaped(value, true) + "\"";
  }
  return out + "}";
}

Result<MetricSample> sample_from_json(const nlohmann::json& json, const JsonPlace& place) {
  if (auto is_object = expect_object(json, place); !is_object) return fail(is_object.error());
  MetricSample sample;
  const JsonPlace value_place = place.member("value");
  auto value = required_member(json, "value", place);
  if (!value) return fail(value.error());
  if (!(*value)->is_number()) return fail(value_place.to_string(), "expected a number, got " + describe(**value));
  sample.value = (*value)->get<double>();
  const nlohmann::json* labels = optional_member(json, "labels");
  if (labels == nullptr) return sample;
  const JsonPlace labels_place = place.member("labels");
  if (auto is_array = expect_array(*labels, labels_place); !is_array) return fail(is_array.error());
  for (std::size_t i = 0; i < labels->size(); ++i) {
    const auto& pair = (*labels)[i];
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      return fail(labels_place.element(i).to_string(), "expected [NAME, VALUE], got " + describe(pair));
    }
    sample.labels.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return sample;
}

Result<Metric> metric_from_json(const nlohmann::json& json, const JsonPlace& place) {
  if (auto is_object = expect_object(json, place); !is_object) return fail(is_object.error());
  Metric metric;
  for (auto [key, field] : {std::pair{"name", &metric.name}, std::pair{"help", &metric.help}}) {
    auto member = required_member(json, key, place);
    if (!member) return fail(member.error());
    auto text = read_string(**member, place.member(key));
    if (!text) return fail(text.error());
    *field = std::string(*text);
  }
  auto type = required_member(json, "type", place);
  if (!type) return fail(type.error());
  auto type_text = read_string(**type, place.member("type"));
  if (!type_text) return fail(type_text.error());
  if (*type_text != "counter" && *type_text != "gauge") {
    return fail(place.member("type").to_string(), "expected \"counter\" or \"gauge\", got " + describe(**type));
  }
  metric.type = *type_text == "counter" ? Metric::Type::kCounter : Metric::Type::kGauge;
  auto samples = required_member(json, "samples", place);
  if (!samples) return fail(samples.error());
  const JsonPlace samples_place = place.member("samples");
  if (auto is_array = expect_array(**samples, samples_place); !is_array) return fail(is_array.error());
  for (std::size_t i = 0; i < (*samples)->size(); ++i) {
    auto sample = sample_from_json((**samples)[i], samples_place.element(i));
    if (!sample) return fail(sample.error());
    metric.samples.push_back(std::move(*sample));
  }
  return metric;
}

}  // namespace

nlohmann::json to_json(const MetricsReport& report) {
  nlohmann::json metrics = nlohmann::json::array();
  for (const Metric& metric : report.metrics) {
    nlohmann::json samples = nlohmann::json::array();
    for (const MetricSample& sample : metric.samples) {
      nlohmann::json labels = nlohmann::json::array();
      for (const auto& [name, value] : sample.labels) labels.push_back({name, value});
      samples.push_back({{"labels", labels}, {"value", sample.value}});
    }
    metrics.push_back(
        {{"name", metric.name}, {"help", metric.help}, {"type", type_word(metric.type)}, {"samples", samples}});
  }
  return {{"metrics", metrics}};
}

Result<MetricsReport> metrics_from_json(const nlohmann::json& json, std::string_view root) {
  const JsonPlace place(root);
  if (auto is_object = expect_object(json, place); !is_object) return fail(is_object.error());
  auto metrics = required_member(json, "metrics", place);
  if (!metrics) return fail(metrics.error());
  const JsonPlace metrics_place = place.member("metrics");
  if (auto is_array = expect_array(**metrics, metrics_place); !is_array) return fail(is_array.error());
  MetricsReport report;
  for (std::size_t i = 0; i < (*metrics)->size(); ++i) {
    auto metric = metric_from_json((**metrics)[i], metrics_place.element(i));
    if (!metric) return fail(metric.error());
    report.metrics.push_back(std::move(*metric));
  }
  return report;
}

std::string prometheus_text(const MetricsReport& report) {
  std::string out;
  for (const Metric& metric : report.metrics) {
    out += "# HELP " + metric.name + " " + escaped(metric.help, false) + "\n";
    out += "# TYPE " + metric.name + " " + std::string(type_word(metric.type)) + "\n";
    for (const MetricSample& sample : metric.samples) {
      out += metric.name + labels_text(sample) + " " + number_text(sample.value) + "\n";
    }
  }
  return out;
}

std::string statistics_text(const MetricsReport& report) {
  std::vector<std::pair<std::string, std::string>> lines;
  for (const Metric& metric : report.metrics) {
    if (metric.type != Metric::Type::kCounter) continue;
    std::string_view name = metric.name;
    if (name.starts_with("tandem_")) name.remove_prefix(7);
    if (name.ends_with("_total")) name.remove_suffix(6);
    for (const MetricSample& sample : metric.samples) {
      lines.emplace_back(std::string(name) + labels_text(sample), number_text(sample.value));
    }
  }
  std::size_t width = 0;
  for (const auto& line : lines) width = std::max(width, line.first.size());
  std::string out;
  for (const auto& [name, value] : lines) {
    out += name;
    out.append(width + 2 - name.size(), ' ');
    out += value;
    out += '\n';
  }
  return out;
}

}  // namespace tandem::ctl
