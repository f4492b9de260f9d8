// ProbeListener: the tiny service on every lab node that tells the prober who answered.
//
// Listens on 0.0.0.0:PORT and, when the namespace has IPv6, on [::]:PORT (IPv6 only), and
// answers every connection with one line, "NODE INTERFACE\n", where INTERFACE holds the
// connection's local address (getsockname, then getifaddrs), then closes it. It reads
// nothing from the client. It runs in the calling thread's network namespace: `tandem-lab
// listen` is started in a node's namespace with `ip netns exec`.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace tandem::lab {

class ProbeListener {
 public:
  // `port` 0 picks a free port (IPv4's, then the same for IPv6): for tests.
  static Result<ProbeListener> open(std::string node_name, std::uint16_t port);

  std::uint16_t port() const { return port_; }

  // Answers connections until `stop` is set (looked at every 100 ms).
  Result<void> serve(const std::atomic<bool>& stop) const;

 private:
  ProbeListener(std::string node_name, UniqueFd v4, UniqueFd v6, std::uint16_t port)
      : node_name_(std::move(node_name)), v4_(std::move(v4)), v6_(std::move(v6)), port_(port) {}

  void answer(int listening_fd) const;

  std::string node_name_;
  UniqueFd v4_;
  UniqueFd v6_;  // not valid when the namespace has no IPv6
  std::uint16_t port_ = 0;
};

// The name of the local interface that holds `address` (a sockaddr_in or sockaddr_in6),
// or "?" when none does.
std::string interface_holding(const void* address);

}  // namespace tandem::lab
