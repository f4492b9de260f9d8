// Error: an expected failure, as a value that crosses module boundaries.
//
// Every error names where it happened (a file and line, a field of a message, a command)
// and what was wrong, so that an operator reading "public_addresses:12: bad prefix /33"
// knows what to fix without reading code. Bugs are not errors: they are TANDEM_CHECKs.
#pragma once

#include <ostream>
#include <string>

namespace tandem {

struct Error {
  std::string place;  // e.g. "public_addresses:12", "state.nodes[3].flags"; may be empty
  std::string cause;  // what was wrong, in the domain's words

  // "place: cause", or the cause alone when there is no place.
  std::string message() const;

  // The same cause seen from an outer place: "outer: place: cause".
  Error within(const std::string& outer) const;

  friend bool operator==(const Error&, const Error&) = default;
};

std::ostream& operator<<(std::ostream& out, const Error& error);

}  // namespace tandem
