#include "config/interface_names.h"

#include <string>

#include "config/lines.h"

namespace tandem::config {

namespace {

bool is_forbidden(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return c == '/' || c == ':' || c == ',' || byte <= 0x20 || byte == 0x7f;
}

}  // namespace

Result<InterfaceName> parse_interface_name(std::string_view text) {
  if (text.empty()) return fail("", "an interface name is empty");
  if (text.size() > kInterfaceNameMax) {
    return fail("", "interface name " + quote(text) + " is " + std::to_string(text.size()) +
                        " characters long; Linux allows at most " + std::to_string(kInterfaceNameMax));
  }
  if (text == "." || text == "..") {
    return fail("", "interface name " + quote(text) + " is not allowed by Linux");
  }
  for (char c : text) {
    if (is_forbidden(c)) {
      return fail("", "interface name " + quote(text) + " contains " + quote(std::string_view(&c, 1)) +
                          "; an interface name may not contain '/', ':', ',', blanks or control characters");
    }
  }
  return InterfaceName(std::string(text));
}

}  // namespace tandem::config
