#pragma once
// Crossing reduction: the order of the vertices within each layer.

#include "app/graph/detail/layered_graph.h"
#include "app/graph/layout.h"

#include <cstdint>
#include <span>
#include <vector>

namespace hs::graph::detail {

struct OrderingInput {
    const Graph* graph = nullptr;
    const LayeredGraph* layered = nullptr;
    InitialOrder initial = InitialOrder::Traversal;
    OrderHeuristic heuristic = OrderHeuristic::Balanced;
    int maxSweeps = 0;
    std::size_t sweepWork = 0;  // see LayoutOptions::sweepWork
    bool transpose = true;
    bool moveBlocks = true;
    // Per vertex: its rank in the previous layout's lane, or -1 for a new vertex. Vertices with a
    // rank keep their relative order; new ones are slotted in between. Empty: no previous layout.
    std::span<const std::int64_t> previousRank;
};

struct Ordering {
    std::vector<std::vector<std::uint32_t>> layers;  // vertices of each layer, top to bottom
    std::vector<std::uint32_t> pos;  // per vertex: its index in its layer
    std::int64_t initialCrossings = 0;
    std::int64_t crossings = 0;
    int sweeps = 0;  // down+up sweep pairs run
};

Ordering orderLayers(const OrderingInput& in);

// Exact crossings of the segments between neighbouring layers, for the order in `o`.
std::int64_t countOrderCrossings(const LayeredGraph& lg, const Ordering& o);

}  // namespace hs::graph::detail
