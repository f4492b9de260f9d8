#include "alloc/min_cost_assignment.h"

#include <limits>

#include "base/check.h"

namespace tandem::alloc {

// The classic shortest-augmenting-path form of the Hungarian method: rows are added one at
// a time, and column potentials keep reduced costs non-negative so each augmentation is a
// Dijkstra-like scan. Indices are 1-based inside, with column 0 as the virtual source.
std::vector<std::size_t> min_cost_assignment(const std::vector<std::vector<std::int64_t>>& costs) {
  const std::size_t rows = costs.size();
  if (rows == 0) return {};
  const std::size_t columns = costs.front().size();
  TANDEM_CHECK(rows <= columns);
  constexpr std::int64_t kInfinity = std::numeric_limits<std::int64_t>::max() / 4;

  std::vector<std::int64_t> row_potential(rows + 1, 0);
  std::vector<std::int64_t> column_potential(columns + 1, 0);
  std::vector<std::size_t> row_of_column(columns + 1, 0);
  std::vector<std::size_t> previous_column(columns + 1, 0);

  for (std::size_t row = 1; row <= rows; ++row) {
    TANDEM_CHECK(costs[row - 1].size() == columns);
    row_of_column[0] = row;
    std::size_t column = 0;
    std::vector<std::int64_t> slack(columns + 1, kInfinity);
    std::vector<bool> visited(columns + 1, false);
    do {
      visited[column] = true;
      const std::size_t current_row = row_of_column[column];
      std::int64_t delta = kInfinity;
      std::size_t next_column = 0;
      for (std::size_t c = 1; c <= columns; ++c) {
        if (visited[c]) continue;
        const std::int64_t reduced = costs[current_row - 1][c - 1] - row_potential[current_row] - column_potential[c];
        if (reduced < slack[c]) {
          slack[c] = reduced;
          previous_column[c] = column;
        }
        if (slack[c] < delta) {
          delta = slack[c];
          next_column = c;
        }
      }
      for (std::size_t c = 0; c <= columns; ++c) {
        if (visited[c]) {
          row_potential[row_of_column[c]] += delta;
          column_potential[c] -= delta;
        } else {
          slack[c] -= delta;
        }
      }
      column = next_column;
    } while (row_of_column[column] != 0);
    do {  // flip the augmenting path back to the source
      const std::size_t before = previous_column[column];
      row_of_column[column] = row_of_column[before];
      column = before;
    } while (column != 0);
  }

  std::vector<std::size_t> column_of_row(rows, 0);
  for (std::size_t c = 1; c <= columns; ++c) {
    if (row_of_column[c] != 0) column_of_row[row_of_column[c] - 1] = c - 1;
  }
  return column_of_row;
}

}  // namespace tandem::alloc
