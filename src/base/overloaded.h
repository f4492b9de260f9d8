// Overloaded: one visitor made of lambdas, for exhaustive std::visit.
//
//   std::visit(Overloaded{[&](const A& a) {...}, [&](const B& b) {...}}, variant);
//
// Give one lambda per alternative and no generic `auto` catch-all: then an alternative
// added to the variant that nobody handles fails to compile, instead of being ignored.
// Where an `if constexpr` chain reads better, end it with
// `else static_assert(kUnhandled<T>, "...")`.
#pragma once

namespace tandem {

template <typename... Lambdas>
struct Overloaded : Lambdas... {
  using Lambdas::operator()...;
};
template <typename... Lambdas>
Overloaded(Lambdas...) -> Overloaded<Lambdas...>;

// False for every type, but only when instantiated: for the last branch of an exhaustive
// `if constexpr` chain.
template <typename>
inline constexpr bool kUnhandled = false;

}  // namespace tandem
