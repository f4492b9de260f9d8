// The control socket's request line: parse it; what parses must encode as a request line
// that parses back to the same request, and an admin command must encode as the mesh's
// AdminRequest (where a 65-byte group name once aborted the follower that encoded it) and
// decode back to the same command.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "ctl/control_request.h"
#include "proto/payload.h"
#include "proto/writer.h"

using namespace tandem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  auto request = ctl::parse_control_request(line);
  if (!request.ok()) return 0;
  auto again = ctl::parse_control_request(ctl::encode_request(*request));
  if (!again.ok() || !(*again == *request)) std::abort();
  if (const auto* admin = std::get_if<ctl::Admin>(&*request)) {
    // The daemon names itself where the request named no node.
    const proto::AdminCommand command =
        admin->names_node ? admin->command : proto::acting_on(admin->command, NodeId(0));
    const proto::Message message = proto::AdminRequest{1, command};
    proto::Writer out;
    proto::encode_payload(message, out);
    auto decoded = proto::decode_payload(static_cast<std::uint16_t>(proto::MessageType::kAdminRequest), out.data());
    if (!decoded.ok() || !(*decoded == message)) std::abort();
  }
  return 0;
}
