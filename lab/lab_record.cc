#include "lab/lab_record.h"

#include <nlohmann/json.hpp>

namespace tandem::lab {
namespace {

constexpr int kVersion = 1;

}  // namespace

std::string lab_record_json(const LabRecord& record) {
  const LabOptions& options = record.options;
  nlohmann::ordered_json tunables = nlohmann::ordered_json::array();
  for (const auto& [name, value] : options.tunables) tunables.push_back({name, value});
  nlohmann::ordered_json json{
      {"version", kVersion},
      {"prefix", options.prefix},
      {"nodes", options.node_count},
      {"nics", options.public_interface_count},
      {"groups", options.group_count},
      {"ipv6", options.has_ipv6},
      {"host_settings", options.manages_host_settings},
      {"routed", options.is_routed},
      {"fabrics", options.has_separate_fabrics ? "separate" : "joined"},
      {"probes", options.has_probes},
      {"on_path_loss", options.on_path_loss ? std::string(to_string(*options.on_path_loss)) : ""},
      {"tunables", tunables},
      {"state_root", options.state_root},
      {"probe_port", options.probe_port},
      {"daemons", record.has_daemons},
      {"tandemd", record.tandemd},
      {"lab_program", record.lab_program},
      {"iscsi", options.has_iscsi},
      {"iscsi_hook", record.iscsi_hook}};
  return json.dump(2) + "\n";
}

Result<LabRecord> parse_lab_record(std::string_view text, std::string_view file_name) {
  std::string place(file_name);
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return fail(place, "not a JSON object");
  try {
    if (json.at("version").get<int>() != kVersion) return fail(place, "unknown version");
    LabRecord record;
    LabOptions& options = record.options;
    options.prefix = json.at("prefix").get<std::string>();
    options.node_count = json.at("nodes").get<int>();
    options.public_interface_count = json.at("nics").get<int>();
    options.group_count = json.at("groups").get<int>();
    options.has_ipv6 = json.at("ipv6").get<bool>();
    options.manages_host_settings = json.value("host_settings", true);  // absent before it existed
    options.is_routed = json.value("routed", false);                    // absent in records of older labs
    // Records written before separate fabrics have neither key: joined, no policy.
    options.has_separate_fabrics = json.value("fabrics", std::string("joined")) == "separate";
    options.has_probes = json.value("probes", false);  // labs recorded before probes had none
    options.on_path_loss = parse_path_loss_policy(json.value("on_path_loss", std::string()));
    for (const auto& pair : json.at("tunables")) {
      options.tunables.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
    }
    options.state_root = json.at("state_root").get<std::string>();
    options.probe_port = json.at("probe_port").get<std::uint16_t>();
    record.has_daemons = json.at("daemons").get<bool>();
    record.tandemd = json.at("tandemd").get<std::string>();
    record.lab_program = json.at("lab_program").get<std::string>();
    options.has_iscsi = json.value("iscsi", false);  // absent in records of older labs
    record.iscsi_hook = json.value("iscsi_hook", std::string());
    return record;
  } catch (const nlohmann::json::exception& error) {
    return fail(place, error.what());
  }
}

}  // namespace tandem::lab
