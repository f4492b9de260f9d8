// StrongId<Tag, T>: an integer or string that cannot be mixed up with another kind.
//
// NodeId and a count are both integers; making them distinct types lets the compiler
// reject `allocate(count, node)`. Regular: copyable, ordered, hashable, printable.
#pragma once

#include <compare>
#include <functional>
#include <ostream>
#include <utility>

namespace tandem {

template <typename Tag, typename T>
class StrongId {
 public:
  using Underlying = T;

  constexpr StrongId() = default;
  constexpr explicit StrongId(T value) : value_(std::move(value)) {}

  constexpr const T& value() const { return value_; }

  friend constexpr auto operator<=>(const StrongId&, const StrongId&) = default;
  friend constexpr bool operator==(const StrongId&, const StrongId&) = default;

  friend std::ostream& operator<<(std::ostream& out, const StrongId& id) { return out << id.value_; }

 private:
  T value_{};
};

}  // namespace tandem

template <typename Tag, typename T>
struct std::hash<tandem::StrongId<Tag, T>> {
  std::size_t operator()(const tandem::StrongId<Tag, T>& id) const noexcept { return std::hash<T>{}(id.value()); }
};
