#pragma once
// Counting edge crossings of a layout, the same way for any layout (ours, or Graphviz's read back).

#include "app/graph/graph.h"
#include "app/graph/layout.h"

#include <cstdint>

namespace hs::graph {

// Exact number of pairs of edge segments that cross between neighbouring columns of `layout`.
// An edge is cut at every column it passes: its ends sit at their boxes' vertical centres, and
// where it passes a column in between it sits at the height of its route at the column's centre
// (the bend point). Segments sharing an end do not cross; edges within one lane are not counted.
// Uses only boxes, routes and columns, so it also counts layouts made elsewhere.
// O(E log E) for edges between neighbouring lanes.
std::int64_t countCrossings(const Graph& g, const Layout& layout);

}  // namespace hs::graph
