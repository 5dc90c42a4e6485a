#pragma once
// Level of detail: many Pods of one workload drawn as one node ("12 pods"). A pure function from
// graph to graph, so the GUI can switch between the full and the folded graph as it zooms.

#include "app/graph/graph.h"

#include <cstdint>
#include <vector>

namespace hs::graph {

inline constexpr std::uint32_t kNoEdge = 0xffffffffu;

struct FoldedGraph {
    Graph graph;
    std::vector<std::uint32_t> nodeMap;  // per original node: the node standing for it in `graph`
    std::vector<std::uint32_t> edgeMap;  // per original edge: its edge in `graph`, or kNoEdge (folded inside a group)
};

// Folds the Pods (Pod lane, non-empty `group`) of every group with at least `threshold` members
// (2 at least) into one node: id "Fold/<group>", label "<n> pods", `members` the sum of theirs,
// health the worst of theirs (Warning when mixed). Parallel edges that folding creates become one,
// with the worst health. Nodes and edges keep the order of their first member.
FoldedGraph foldPods(const Graph& g, std::uint32_t threshold);

}  // namespace hs::graph
