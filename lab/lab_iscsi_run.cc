// The executor's part of `up --iscsi` (lab_iscsi.h): files, backing stores and tgtd.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/unique_fd.h"
#include "lab/command_runner.h"
#include "lab/lab.h"
#include "lab/lab_files.h"
#include "lab/lab_iscsi.h"
#include "lab/process.h"

namespace tandem::lab {
namespace {

constexpr std::chrono::milliseconds kTgtdReadyLimit{5000};
constexpr int kLogTailLines = 10;

// A sparse file of `size` bytes, made only if missing: the "cluster filesystem" keeps it.
Result<void> make_backing_file(const std::string& path, std::uint64_t size) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.is_valid()) return fail(path, std::string("cannot create: ") + std::strerror(errno));
  if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) {
    return fail(path, std::string("cannot size: ") + std::strerror(errno));
  }
  return success();
}

Result<std::string> read_text(const std::string& path) {
  std::ifstream file(path);
  if (!file) return fail(path, "cannot read");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

const IscsiNode& iscsi_node(const IscsiPlan& iscsi, const PlannedNode& node) {
  return iscsi.nodes.at(static_cast<std::size_t>(node.index));
}

}  // namespace

Result<void> Lab::install_iscsi() const {
  IscsiPlan iscsi = plan_iscsi(plan_);
  if (::mkdir(iscsi.dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return fail(iscsi.dir, std::string("cannot make the directory: ") + std::strerror(errno));
  }
  for (const auto& target : iscsi.targets) {
    if (auto made = make_backing_file(target.backing_file, kLunBytes); !made) return made;
  }
  auto hook = read_text(record_.iscsi_hook);
  if (!hook) return fail(hook.error());
  for (const auto& node : iscsi.nodes) {
    if (auto written = write_text_file(node.hook, *hook, 0755); !written) return written;
    if (auto written = write_text_file(node.config, iscsi_config_text(plan_, iscsi, node), 0644); !written)
      return written;
  }
  return success();
}

Result<void> Lab::start_tgtd(const PlannedNode& node) const {
  IscsiPlan iscsi = plan_iscsi(plan_);
  const IscsiNode& entry = iscsi_node(iscsi, node);
  auto pid = spawn_detached(entry.tgtd, entry.tgtd_log);
  if (!pid) return fail(pid.error());
  if (auto written = write_pid_file(entry.tgtd_pid, *pid); !written) return written;
  Command ask{{"tgtadm", "-C", std::to_string(entry.control_port), "--op", "show", "--mode", "system"}};
  auto deadline = std::chrono::steady_clock::now() + kTgtdReadyLimit;
  while (true) {
    auto asked = run_command(ask);
    if (asked && asked->exit_code == 0) return success();
    // Gone (not merely not yet exec'd: a fresh child still has our command line).
    const bool is_gone = !process_arguments(*pid).has_value();
    if (is_gone || std::chrono::steady_clock::now() > deadline) {
      return fail(node.name + "'s tgtd", "does not answer `" + ask.text() + "`; the end of " + entry.tgtd_log + ":\n" +
                                             tail_of(entry.tgtd_log, kLogTailLines));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// SIGKILL: a power loss, and what `down` does. tgtd ignores SIGTERM while it has
// targets; a killed tgtd leaves its control socket, which the next tgtd replaces.
Result<void> Lab::kill_tgtd(const PlannedNode& node) const {
  auto pid = read_pid_file(node.paths.dir + "/tgtd.pid");
  if (!pid) return success();
  auto killed = kill_process(*pid, tgtd_markers(node));
  if (!killed) return fail(killed.error());
  return success();
}

}  // namespace tandem::lab
