#include "base/error.h"

namespace tandem {

std::string Error::message() const {
  if (place.empty()) {
    return cause;
  }
  return place + ": " + cause;
}

Error Error::within(const std::string& outer) const {
  if (outer.empty()) {
    return *this;
  }
  return Error{place.empty() ? outer : outer + ": " + place, cause};
}

std::ostream& operator<<(std::ostream& out, const Error& error) { return out << error.message(); }

}  // namespace tandem
