// The iSCSI part of a lab (`tandem-lab up --iscsi`): one tgt target per IP group, served by
// the example hook examples/iscsi-tgt/60.iscsi-tgt, which the lab installs on every node.
//
// Pure: what to write and what to run, from the LabPlan. The executor (lab.cc) copies the
// hook into every node's events.d/, writes the hook's configuration beside it, makes the
// backing files on the lab's "cluster filesystem" (/run/P/shared/iscsi/), and starts one
// tgtd per node before that node's tandemd (the hook's startup fails without it).
//
// Every node has the same targets: group g<i> is tid i+1, IQN kIqnPrefix + "g<i>", LUN 1
// on shared/iscsi/g<i>.img, serial TDMLABG<i>, device id tandem-lab-g<i>. Only the INQUIRY
// product revision differs: the node's name ("n1"), which is how the lab's initiator tells
// which node answered (examples/iscsi-tgt/README.md). tgtd's control socket is a file in
// /var/run/tgtd/ shared by every namespace, so each node's tgtd has a control port of its
// own, derived from the prefix and the node (kControlPortFirst and up).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lab/command.h"
#include "lab/lab_plan.h"

namespace tandem::lab {

inline constexpr std::string_view kIqnPrefix = "iqn.2026-12.org.example.tandem-lab:";
inline constexpr std::uint64_t kLunBytes = 16 * 1024 * 1024;
inline constexpr int kControlPortFirst = 12000;  // tgtd takes -C up to 32767
inline constexpr int kControlPortSpan = 20000;   // ports kControlPortFirst to kControlPortFirst + span - 1
inline constexpr std::uint16_t kIscsiPort = 3260;
inline constexpr int kIscsiLun = 1;
inline constexpr std::string_view kHookName = "60.iscsi-tgt";

struct IscsiTarget {
  std::string group;
  int tid = 0;
  std::string iqn;
  std::string backing_file;
  std::vector<IpAddress> portals;  // the group's addresses, ip_groups order
};

struct IscsiNode {
  std::string node;      // n<i>
  int control_port = 0;  // tgtd -C / tgtadm -C
  std::string hook;      // events.d/60.iscsi-tgt
  std::string config;    // events.d/iscsi-tgt.conf
  std::string tgtd_pid;  // n<i>/tgtd.pid: also tgtd's `-p`, which marks the process as the lab's
  std::string tgtd_log;  // n<i>/tgtd.log
  Command tgtd;          // tgtd in the foreground, in the node's namespace, loopback portal only
};

struct IscsiPlan {
  std::string dir;  // shared/iscsi
  std::vector<IscsiTarget> targets;
  std::vector<IscsiNode> nodes;  // as LabPlan::nodes
};

IscsiPlan plan_iscsi(const LabPlan& plan);

// The hook's iscsi-tgt.conf for `node`.
std::string iscsi_config_text(const LabPlan& plan, const IscsiPlan& iscsi, const IscsiNode& node);

// The control port of node `index`'s tgtd in the lab named `prefix`.
int tgtd_control_port(std::string_view prefix, int index);

}  // namespace tandem::lab
