// SimEvent: what the world has scheduled to happen at a later real instant.
//
// Small value structs in one variant, so the queue needs no std::function per event. Each
// event that concerns a running daemon names the daemon's incarnation: an event meant for a
// daemon that has since crashed or lost power is dropped, as a dead process's socket is.
#pragma once

#include <cstdint>
#include <variant>

#include "cluster/event.h"
#include "model/ids.h"
#include "model/ip_address.h"
#include "proto/message.h"

namespace tandem::sim {

using NodeIndex = std::uint32_t;

struct DeliverMessage {
  NodeIndex from = 0;
  NodeIndex to = 0;
  proto::Message message;
};

// A node's Tick, valid only if `generation` is still the node's latest timer generation.
struct WakeNode {
  NodeIndex node = 0;
  std::uint64_t generation = 0;
};

struct FinishHook {
  NodeIndex node = 0;
  std::uint64_t incarnation = 0;
  std::uint64_t id = 0;
  bool ok = true;
};

// The lock service answers a try_acquire (decided when the answer arrives) or reports a loss.
struct AnswerLock {
  NodeIndex node = 0;
  std::uint64_t incarnation = 0;
  bool is_loss = false;
};

// systemd's ExecStopPost after a daemon crash: remove every managed address.
struct RunStopCleanup {
  NodeIndex node = 0;
  std::uint64_t incarnation = 0;
};

struct RestartDaemon {
  NodeIndex node = 0;
  std::uint64_t incarnation = 0;
};

// The cluster filesystem notices that the lock holder is gone (valid for one holding only).
struct FreeLock {
  std::uint64_t holding = 0;
};

// Test-only bug injection: a removal the kernel carries out late.
struct ApplyLateRemoval {
  NodeIndex node = 0;
  IpPrefix prefix;
  InterfaceName interface;
};

// A daemon in a planned stop exits: it said ShutdownDone, or its hard bound passed.
struct StopDaemon {
  NodeIndex node = 0;
  std::uint64_t incarnation = 0;
};

// An event that reached a stalled daemon (SIGSTOP): it is handled once the daemon runs
// again, as a stopped process finds its sockets' queues full when it continues.
struct DeferredEvent {
  NodeIndex node = 0;
  std::uint64_t incarnation = 0;
  cluster::Event event;
};

using SimEvent = std::variant<DeliverMessage, WakeNode, FinishHook, AnswerLock, RunStopCleanup, RestartDaemon, FreeLock,
                              ApplyLateRemoval, StopDaemon, DeferredEvent>;

}  // namespace tandem::sim
