#include "app/graph/detail/layered_graph.h"

#include <algorithm>
#include <utility>

namespace hs::graph::detail {

namespace {

// Fills a CSR adjacency from (vertex, neighbour) pairs, keeping the pairs' order per vertex.
void fillCsr(std::uint32_t vertices, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs,
             std::vector<std::uint32_t>& begin, std::vector<std::uint32_t>& list) {
    begin.assign(std::size_t{vertices} + 1, 0);
    for (const auto& [v, w] : pairs) ++begin[v + 1];
    for (std::uint32_t v = 0; v < vertices; ++v) begin[v + 1] += begin[v];
    list.resize(pairs.size());
    std::vector<std::uint32_t> next(begin.begin(), begin.end() - 1);
    for (const auto& [v, w] : pairs) list[next[v]++] = w;
}

}  // namespace

LayeredGraph buildLayered(const Graph& g) {
    LayeredGraph lg;
    const auto n = static_cast<std::uint32_t>(g.nodes.size());
    lg.realCount = n;
    lg.layerOfLane.fill(-1);
    std::array<bool, kLaneCount> used{};
    for (const auto& node : g.nodes) used[static_cast<int>(node.lane)] = true;
    for (int l = 0; l < kLaneCount; ++l)
        if (used[l]) {
            lg.layerOfLane[l] = static_cast<int>(lg.layerLane.size());
            lg.layerLane.push_back(static_cast<Lane>(l));
        }
    lg.layer.resize(n);
    for (std::uint32_t v = 0; v < n; ++v)
        lg.layer[v] = static_cast<std::uint32_t>(lg.layerOfLane[static_cast<int>(g.nodes[v].lane)]);

    // (upper vertex, lower vertex) for every segment between neighbouring layers.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> segments;
    segments.reserve(g.edges.size());
    lg.chains.resize(g.edges.size());
    for (std::size_t e = 0; e < g.edges.size(); ++e) {
        const GraphEdge& edge = g.edges[e];
        EdgeChain& c = lg.chains[e];
        if (edge.from >= n || edge.to >= n) {
            c.flat = true;  // dangling: nothing to lay out
            continue;
        }
        std::uint32_t a = lg.layer[edge.from], b = lg.layer[edge.to];
        if (a == b) {
            c.top = edge.from;
            c.bottom = edge.to;
            c.flat = true;
            continue;
        }
        c.reversed = a > b;
        c.top = c.reversed ? edge.to : edge.from;
        c.bottom = c.reversed ? edge.from : edge.to;
        std::uint32_t lo = std::min(a, b), hi = std::max(a, b);
        c.bendBegin = lg.vertexCount();
        c.bendCount = hi - lo - 1;
        std::uint32_t prev = c.top;
        for (std::uint32_t l = lo + 1; l < hi; ++l) {
            std::uint32_t bend = lg.vertexCount();
            lg.layer.push_back(l);
            lg.bendEdge.push_back(static_cast<std::uint32_t>(e));
            segments.emplace_back(prev, bend);
            prev = bend;
        }
        segments.emplace_back(prev, c.bottom);
    }

    const std::uint32_t vertices = lg.vertexCount();
    fillCsr(vertices, segments, lg.downBegin, lg.downList);
    for (auto& s : segments) std::swap(s.first, s.second);
    fillCsr(vertices, segments, lg.upBegin, lg.upList);
    return lg;
}

}  // namespace hs::graph::detail
