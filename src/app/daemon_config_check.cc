#include "app/daemon_config_check.h"

#include <algorithm>

#include "config/cluster_check.h"
#include "config/host_check.h"
#include "proto/limits.h"
#include "proto/payload.h"
#include "proto/writer.h"

namespace tandem::app {

namespace {

std::size_t encoded_size(const proto::Message& message) {
  proto::Writer out;
  proto::encode_payload(message, out);
  return out.size();
}

// The longest of an address's interfaces: the worst case for a held entry.
const InterfaceName& longest_interface(const PublicAddress& address) {
  return *std::max_element(
      address.interfaces.begin(), address.interfaces.end(),
      [](const InterfaceName& a, const InterfaceName& b) { return a.value().size() < b.value().size(); });
}

// This node's links, held addresses and public addresses at their largest: every
// interface reported, every address held.
proto::NodeStatus fullest_status(const DaemonConfig& config) {
  proto::NodeStatus status;
  status.node = config.self;
  status.has_report = true;
  for (const InterfaceName& interface : config.public_interfaces()) status.links.emplace(interface, LinkState::kUp);
  for (const PublicAddress& address : config.public_addresses) {
    status.held.push_back(proto::HeldAddress{address.prefix, longest_interface(address)});
  }
  status.addresses = config.public_addresses;
  return status;
}

Result<void> check_timeouts(const DaemonConfig& config) {
  const Tunables& tunables = config.settings.tunables;
  if (tunables.lease_timeout_ms > tunables.dead_timeout_ms) return success();
  return fail(config.path, "LeaseTimeoutMs (" + std::to_string(tunables.lease_timeout_ms) +
                               ") must be longer than DeadTimeoutMs (" + std::to_string(tunables.dead_timeout_ms) +
                               "): otherwise losing the leader makes every node drop its IPs before a new "
                               "leader can renew a lease");
}

Result<void> check_message_sizes(const DaemonConfig& config) {
  const MessageSizes sizes = reckon_message_sizes(config);
  const std::string limit = std::to_string(proto::kPayloadSizeMax) + " bytes";
  const std::string counts = std::to_string(config.public_addresses.size()) + " public addresses on " +
                             std::to_string(config.public_interfaces().size()) + " interfaces";
  if (sizes.state_report > proto::kPayloadSizeMax) {
    return fail(config.settings.paths.public_addresses,
                counts + " make this node's state report " + std::to_string(sizes.state_report) +
                    " bytes, more than a message may carry (" + limit + "); list fewer addresses");
  }
  if (sizes.status_reply > proto::kPayloadSizeMax) {
    return fail(config.settings.paths.public_addresses,
                counts + " on each of " + std::to_string(config.node_addresses().size()) +
                    " nodes make the leader's status reply about " + std::to_string(sizes.status_reply) +
                    " bytes, more than a message may carry (" + limit + "); list fewer addresses or nodes");
  }
  return success();
}

// The groups of which this node lists at least one address: those it might host.
config::IpGroupsFile groups_touching(const DaemonConfig& config) {
  config::IpGroupsFile touching{config.groups.file_name, {}};
  for (const config::GroupEntry& entry : config.groups.entries) {
    const bool is_touching =
        std::any_of(entry.group.members.begin(), entry.group.members.end(), [&](const GroupMember& member) {
          return std::any_of(config.public_addresses.begin(), config.public_addresses.end(),
                             [&](const PublicAddress& address) { return address.address() == member.address; });
        });
    if (is_touching) touching.entries.push_back(entry);
  }
  return touching;
}

}  // namespace

MessageSizes reckon_message_sizes(const DaemonConfig& config) {
  proto::NodeStatus status = fullest_status(config);
  proto::StateReport report;
  report.epoch = ~std::uint64_t{0};
  report.links = status.links;
  report.held = status.held;
  report.addresses = status.addresses;
  report.applied_epoch = report.applied_run_id = ~std::uint64_t{0};
  report.shutting_down = true;
  MessageSizes sizes;
  sizes.state_report = encoded_size(report);
  const std::size_t nodes = std::max<std::size_t>(config.node_addresses().size(), 1);
  if (sizes.state_report > proto::kPayloadSizeMax) {
    sizes.status_reply = sizes.state_report * nodes;  // too large to encode as one nested item
    return sizes;
  }
  proto::StatusReply reply;
  reply.request_id = reply.epoch = ~std::uint64_t{0};
  const std::size_t empty = encoded_size(reply);
  reply.nodes.push_back(std::move(status));
  const std::size_t one_node = encoded_size(reply) - empty;
  sizes.status_reply = empty + one_node * nodes;
  return sizes;
}

Result<std::vector<std::string>> check_daemon_config(const DaemonConfig& config) {
  if (auto timeouts = check_timeouts(config); !timeouts) return fail(timeouts.error());
  if (auto sizes = check_message_sizes(config); !sizes) return fail(sizes.error());
  if (auto own = config::check_nodes_not_public(config.settings.paths.nodes, config.nodes,
                                                config.settings.paths.public_addresses, config.public_addresses);
      !own) {
    return fail(own.error());
  }
  std::vector<std::string> warnings;
  for (const Error& warning : config::check_groups_against_node(groups_touching(config), config.public_addresses)) {
    warnings.push_back(warning.message());
  }
  return warnings;
}

}  // namespace tandem::app
