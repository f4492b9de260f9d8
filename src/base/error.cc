#include "base/error.h"

namespace tandem {

std::string Error::message() const {
  if (place.empty()) {
    return cause;
  }
  // Appending (rather than `place + ": " + cause`) also sidesteps a GCC 12 -Wrestrict
  // false positive at -O3.
  std::string text;
  text.reserve(place.size() + 2 + cause.size());
  text.append(place).append(": ").append(cause);
  return text;
}

Error Error::within(const std::string& outer) const {
  if (outer.empty()) {
    return *this;
  }
  if (place.empty()) return Error{outer, cause};
  std::string combined;
  combined.reserve(outer.size() + 2 + place.size());
  combined.append(outer).append(": ").append(place);
  return Error{std::move(combined), cause};
}

std::ostream& operator<<(std::ostream& out, const Error& error) { return out << error.message(); }

}  // namespace tandem
