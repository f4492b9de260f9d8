#include "app/config_check.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "app/host_facts.h"
#include "config/cluster_check.h"
#include "config/host_check.h"
#include "sys/cluster_key.h"
#include "sys/local_addresses.h"

namespace tandem::app {

namespace {

void add(std::vector<Error>& to, std::vector<Error> more) {
  to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

// Which nodes-file line is this node, as the daemon decides it.
void check_self(const config::Settings& settings, const std::vector<config::NodeEntry>& nodes,
                const std::string& conf_path, CheckReport& report, std::optional<NodeId>& self) {
  auto local = sys::local_addresses();
  if (!local) {
    report.problems.push_back(local.error());
    return;
  }
  auto found = find_self(settings, nodes, *local, conf_path);
  if (!found) {
    report.problems.push_back(found.error());
    return;
  }
  self = *found;
}

void check_interfaces(const config::Settings& settings, CheckReport& report) {
  auto text = read_text_file(settings.paths.public_addresses);
  auto names = host_interface_names();
  if (!text || !names) {
    report.problems.push_back(!text ? text.error() : names.error());
    return;
  }
  add(report.problems, config::check_interfaces_exist(settings.paths.public_addresses, *text, *names));
}

void check_host_paths(const config::Settings& settings, const std::string& conf_path, const CheckOptions& options,
                      CheckReport& report) {
  if (auto key = sys::load_cluster_key(settings.key_file); !key) {
    report.problems.push_back(key.error());
  } else {
    add(report.problems,
        config::check_key_owner(settings.key_file, inspect_path(settings.key_file), options.key_owner));
  }
  add(report.problems, config::check_events_dir(conf_path, settings.paths.events, inspect_path(settings.paths.events)));
  const std::string lock_path = config::cluster_lock_path_to_inspect(settings.cluster_lock);
  add(report.problems, config::check_cluster_lock(conf_path, settings.cluster_lock,
                                                  lock_path.empty() ? config::PathFacts{} : inspect_path(lock_path)));
}

std::string plural(std::size_t count, const std::string& word) {
  if (count == 1) return "1 " + word;
  return std::to_string(count) + " " + word + (word.ends_with("s") ? "es" : "s");
}

nlohmann::json errors_json(const std::vector<Error>& errors) {
  nlohmann::json list = nlohmann::json::array();
  for (const Error& error : errors) list.push_back({{"place", error.place}, {"cause", error.cause}});
  return list;
}

}  // namespace

CheckReport check_configuration(const std::string& conf_path, const CheckOptions& options) {
  CheckReport report{.conf_path = conf_path, .problems = {}, .warnings = {}, .summary = std::nullopt};
  auto settings = read_settings(conf_path);
  if (!settings) {
    report.problems.push_back(settings.error());
    return report;
  }
  auto nodes = read_nodes(*settings);
  auto addresses = read_public_addresses(*settings);
  auto groups = read_ip_groups(*settings);
  std::optional<NodeId> self;
  for (const Error* error : {nodes ? nullptr : &nodes.error(), addresses ? nullptr : &addresses.error(),
                             groups ? nullptr : &groups.error()}) {
    if (error != nullptr) report.problems.push_back(*error);
  }
  if (nodes) check_self(*settings, *nodes, conf_path, report, self);
  if (addresses) check_interfaces(*settings, report);
  if (nodes && addresses) {
    if (auto own =
            config::check_nodes_not_public(settings->paths.nodes, *nodes, settings->paths.public_addresses, *addresses);
        !own) {
      report.problems.push_back(own.error());
    }
  }
  if (addresses && groups) add(report.warnings, config::check_groups_against_node(*groups, *addresses));
  check_host_paths(*settings, conf_path, options, report);
  if (nodes && addresses && groups && self) {
    const auto live = std::count_if(nodes->begin(), nodes->end(), [](const auto& node) { return !node.is_deleted(); });
    report.summary = "node " + std::to_string(self->value()) + " of " + std::to_string(live) + ", " +
                     plural(addresses->size(), "public address") + ", " + plural(groups->entries.size(), "IP group");
  }
  return report;
}

ctl::CommandOutput render_check(const CheckReport& report, bool wants_json) {
  ctl::CommandOutput output;
  output.exit_code = report.is_valid() ? ctl::kExitOk : ctl::kExitFailed;
  if (wants_json) {
    nlohmann::json json{{"valid", report.is_valid()},
                        {"config", report.conf_path},
                        {"problems", errors_json(report.problems)},
                        {"warnings", errors_json(report.warnings)},
                        {"summary", report.summary ? nlohmann::json(*report.summary) : nlohmann::json(nullptr)}};
    output.out = json.dump(2) + "\n";
    return output;
  }
  for (const Error& problem : report.problems) output.out += problem.message() + "\n";
  for (const Error& warning : report.warnings) {
    output.out += (warning.place.empty() ? "" : warning.place + ": ") + "warning: " + warning.cause + "\n";
  }
  const std::string warnings = report.warnings.empty() ? "" : " (" + plural(report.warnings.size(), "warning") + ")";
  if (report.is_valid()) {
    output.out += "tandem check: " + report.conf_path + ": valid" +
                  (report.summary ? ": " + *report.summary : std::string()) + warnings + "\n";
  } else {
    output.out +=
        "tandem check: " + report.conf_path + ": " + plural(report.problems.size(), "problem") + warnings + "\n";
  }
  return output;
}

}  // namespace tandem::app
