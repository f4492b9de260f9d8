#include "lab/lab_iscsi.h"

namespace tandem::lab {
namespace {

// FNV-1a: a stable spread of prefixes over the control ports.
std::uint32_t fnv1a(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

}  // namespace

int tgtd_control_port(std::string_view prefix, int index) {
  // Labs sit kNodeCountMax ports apart, so the nodes of one lab never collide.
  const int slots = kControlPortSpan / kNodeCountMax;
  const int slot = static_cast<int>(fnv1a(prefix) % static_cast<std::uint32_t>(slots));
  return kControlPortFirst + slot * kNodeCountMax + index;
}

IscsiPlan plan_iscsi(const LabPlan& plan) {
  IscsiPlan iscsi;
  iscsi.dir = plan.shared_dir + "/iscsi";
  for (std::size_t g = 0; g < plan.groups.size(); ++g) {
    const PlannedGroup& group = plan.groups[g];
    IscsiTarget target{group.name,
                       static_cast<int>(g) + 1,
                       std::string(kIqnPrefix) + group.name,
                       iscsi.dir + "/" + group.name + ".img",
                       {}};
    for (const auto& address : group.addresses) target.portals.push_back(address.prefix.address);
    iscsi.targets.push_back(std::move(target));
  }
  for (const auto& node : plan.nodes) {
    IscsiNode entry;
    entry.node = node.name;
    entry.control_port = tgtd_control_port(plan.options.prefix, node.index);
    entry.hook = node.paths.events + "/" + std::string(kHookName);
    entry.config = node.paths.events + "/iscsi-tgt.conf";
    entry.tgtd_pid = node.paths.dir + "/tgtd.pid";
    entry.tgtd_log = node.paths.dir + "/tgtd.log";
    entry.tgtd = Command{{"ip", "netns", "exec", node.netns, "tgtd", "-f", "-C", std::to_string(entry.control_port),
                          "-p", entry.tgtd_pid, "--iscsi", "portal=127.0.0.1:" + std::to_string(kIscsiPort)}};
    iscsi.nodes.push_back(std::move(entry));
  }
  return iscsi;
}

std::string iscsi_config_text(const LabPlan& plan, const IscsiPlan& iscsi, const IscsiNode& node) {
  std::string text = "# iscsi-tgt.conf of node " + node.node + " in lab " + plan.options.prefix +
                     " (written by tandem-lab; examples/iscsi-tgt/iscsi-tgt.conf explains it)\n";
  text += "ip_groups = " + plan.ip_groups_file + "\n";
  text += "control_port = " + std::to_string(node.control_port) + "\n";
  text += "iscsi_port = " + std::to_string(kIscsiPort) + "\n";
  text += "initiators = ALL\n";
  text += "node_label = " + node.node + "\n";
  for (const auto& target : iscsi.targets) {
    text += "target " + target.group + " " + std::to_string(target.tid) + " " + target.iqn + " " + target.backing_file +
            " TDMLAB" + target.group + " tandem-lab-" + target.group + "\n";
  }
  return text;
}

}  // namespace tandem::lab
