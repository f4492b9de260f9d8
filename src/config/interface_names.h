// The rule for interface names in public_addresses and ip_groups.
//
// A name the kernel would refuse can never come up, so the address that names it could
// never be hosted there; catching it at parse time turns a silent failure into a line
// number. Pure: it checks the text by Linux's rules, it never asks the kernel.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/result.h"
#include "model/ids.h"

namespace tandem::config {

// Linux's IFNAMSIZ (16) less the terminating NUL.
inline constexpr std::size_t kInterfaceNameMax = 15;

// A valid name is 1 to kInterfaceNameMax bytes, is not "." or "..", and has no '/', ':',
// ',' (it separates interfaces in public_addresses), blank or control character. The
// error has no place; the caller knows the line.
Result<InterfaceName> parse_interface_name(std::string_view text);

}  // namespace tandem::config
