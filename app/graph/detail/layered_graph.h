#pragma once
// The graph as the layered layout sees it. Every lane in use is a layer; vertices
// [0, realCount) are the graph's nodes, the rest are bend vertices that split edges skipping
// lanes, so every remaining edge joins neighbouring layers. An edge pointing to an earlier lane is
// laid out reversed; an edge within one lane (or a self-loop) takes no part in the ordering.

#include "app/graph/graph.h"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace hs::graph::detail {

struct EdgeChain {
    std::uint32_t top = 0;  // the endpoint in the earlier lane (the source unless reversed)
    std::uint32_t bottom = 0;  // the endpoint in the later lane
    std::uint32_t bendBegin = 0;  // bend vertices bendBegin .. bendBegin + bendCount - 1, top to bottom
    std::uint32_t bendCount = 0;
    bool reversed = false;  // the edge points from a later lane to an earlier one
    bool flat = false;  // both ends in one lane: routed beside the lane, not ordered
};

struct LayeredGraph {
    std::uint32_t realCount = 0;
    std::vector<Lane> layerLane;  // lane of each layer, in lane order
    std::array<int, kLaneCount> layerOfLane{};  // -1 for lanes without nodes
    std::vector<std::uint32_t> layer;  // per vertex
    std::vector<std::uint32_t> bendEdge;  // per bend vertex (v - realCount): its graph edge
    std::vector<EdgeChain> chains;  // per graph edge

    // Neighbours in the layer above (up) and below (down), with multiplicity; CSR.
    std::vector<std::uint32_t> upBegin, upList, downBegin, downList;

    std::uint32_t vertexCount() const { return static_cast<std::uint32_t>(layer.size()); }
    std::uint32_t layerCount() const { return static_cast<std::uint32_t>(layerLane.size()); }
    bool isBend(std::uint32_t v) const { return v >= realCount; }
    std::span<const std::uint32_t> ups(std::uint32_t v) const {
        return {upList.data() + upBegin[v], upList.data() + upBegin[v + 1]};
    }
    std::span<const std::uint32_t> downs(std::uint32_t v) const {
        return {downList.data() + downBegin[v], downList.data() + downBegin[v + 1]};
    }
};

// O(V + E + bends). Edges with an endpoint out of range are ignored.
LayeredGraph buildLayered(const Graph& g);

}  // namespace hs::graph::detail
