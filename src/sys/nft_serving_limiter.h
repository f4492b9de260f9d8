// NftServingLimiter: the kernel's serving limit (io::ServingLimiter) as nftables tables.
//
// Why nftables (docs/design/cluster.md, "The kernel's bound"): set elements with a timeout
// expire in the kernel, to the jiffy, whether or not the daemon runs; kernel address
// lifetimes (IFA_CACHEINFO) would do the same in whole seconds, rounded up to the next
// second by the kernel's check, which would add about 2 s to every node failover.
//
// Two tables named `tandem`, family arp and family inet. `public4`/`public6` list this
// node's public addresses; `live4`/`live6` list them with a timeout that ends where the
// lease ends. The arp output chain drops ARP sent from a public address that is not live
// (replies, requests); the inet output and input chains drop IPv4/IPv6 packets from or to
// one (neighbour advertisements carry the address as their source). So once the lease's
// end passes, the addresses stay in the kernel but answer nothing, until the daemon runs
// again and removes them. Each limit() is one nftables transaction: the live sets are
// flushed and filled again, atomically. Gratuitous ARPs go through a packet socket, which
// nftables does not see; the daemon sends them only while it runs and holds the lease.
//
// Must never touch a table other than its own two.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "io/interfaces.h"

struct nft_ctx;

namespace tandem::sys {

inline constexpr const char* kNftTable = "tandem";

// The nftables commands (nft(8) syntax) that create the tables, or take over those an
// earlier daemon left: their sets and chains as defined here, nothing live.
std::string nft_table_commands();
// The commands of one limit(): `live_ms` is how long the addresses still serve (0: no
// longer); the public sets are refilled only when `public_changed`.
std::string nft_limit_commands(const std::vector<IpAddress>& addresses, std::uint64_t live_ms, bool public_changed);
// The commands that delete both tables (nothing is left to limit).
std::string nft_remove_commands();

class NftServingLimiter final : public io::ServingLimiter {
 public:
  // Creates the tables (or takes over an earlier daemon's, making nothing live). `now`
  // reads the clock of the TimePoints limit() is given.
  static Result<std::unique_ptr<NftServingLimiter>> create(std::function<TimePoint()> now);
  // Deletes both tables, if there (`tandemd --release-all`, after the addresses went).
  static Result<void> remove();

  ~NftServingLimiter() override;
  NftServingLimiter(const NftServingLimiter&) = delete;
  NftServingLimiter& operator=(const NftServingLimiter&) = delete;

  Result<void> limit(TimePoint until, const std::vector<IpAddress>& addresses) override;

  // The text `nft list table <family> tandem` prints (for tests and `tandem` diagnostics).
  Result<std::string> list(const std::string& family);

 private:
  NftServingLimiter(nft_ctx* context, std::function<TimePoint()> now);
  Result<std::string> run(const std::string& commands);

  nft_ctx* context_;
  std::function<TimePoint()> now_;
  std::vector<IpAddress> public_;  // what the public sets hold
  bool is_public_known_ = false;
};

}  // namespace tandem::sys
