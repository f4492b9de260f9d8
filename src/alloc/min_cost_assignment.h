// min_cost_assignment(): the cheapest way to give each row its own column. PURE.
//
// Used to choose interfaces inside a node: rows are a group's IPs, columns are interface
// "slots". Exact (Hungarian method with potentials, O(rows² × columns)), and deterministic:
// among equally cheap answers it returns the same one for the same matrix.
#pragma once

#include <cstdint>
#include <vector>

namespace tandem::alloc {

// A cost too high to be chosen when any other answer exists. Every real total stays far
// below it, and sums of a few of them cannot overflow int64.
inline constexpr std::int64_t kForbiddenCost = std::int64_t{1} << 56;

// costs[r][c]; requires rows <= columns and every row of equal length. Returns, for each
// row, its column.
std::vector<std::size_t> min_cost_assignment(const std::vector<std::vector<std::int64_t>>& costs);

}  // namespace tandem::alloc
