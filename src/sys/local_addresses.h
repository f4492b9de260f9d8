// The addresses configured on this machine's interfaces (in the caller's network
// namespace), for tandemd to find which line of the nodes file is its own.
#pragma once

#include <vector>

#include "base/result.h"
#include "model/ip_address.h"

namespace tandem::sys {

Result<std::vector<IpAddress>> local_addresses();

}  // namespace tandem::sys
