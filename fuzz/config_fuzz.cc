// The configuration parsers on arbitrary text: byte 0 picks tandem.conf, nodes,
// public_addresses or ip_groups; the rest is the file. Parsers return errors, never crash;
// what parses must hold the limits the wire relies on.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/ip_groups_file.h"
#include "config/nodes_file.h"
#include "config/public_addresses_file.h"
#include "config/settings.h"
#include "proto/limits.h"

using namespace tandem;

namespace {

void check_interface(const InterfaceName& name) {
  if (name.value().empty() || name.value().size() > proto::kInterfaceNameMax) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0:
      (void)config::parse_settings(text, "tandem.conf");
      break;
    case 1:
      (void)config::parse_nodes(text, "nodes");
      break;
    case 2:
      if (auto addresses = config::parse_public_addresses(text, "public_addresses"); addresses.ok()) {
        for (const auto& address : *addresses) {
          for (const auto& interface : address.interfaces) check_interface(interface);
        }
      }
      break;
    case 3:
      if (auto groups = config::parse_ip_groups(text, "ip_groups"); groups.ok()) {
        for (const auto& group : groups->groups()) {
          if (group.name.value().empty() || group.name.value().size() > proto::kGroupNameMax) std::abort();
          for (const auto& member : group.members) {
            if (member.preferred) check_interface(*member.preferred);
          }
        }
      }
      break;
  }
  return 0;
}
