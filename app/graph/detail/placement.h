#pragma once
// Vertical placement: every lane keeps its order and its gaps, and within that its vertices sit
// as close as they can to the weighted mean of their neighbours (or, with a previous layout, to
// where they were).

#include "app/graph/detail/layered_graph.h"
#include "app/graph/detail/ordering.h"

#include <span>
#include <vector>

namespace hs::graph::detail {

struct PlacementInput {
    const LayeredGraph* layered = nullptr;
    const Ordering* ordering = nullptr;
    std::span<const double> height;  // per vertex
    std::span<const std::uint32_t> band;  // per vertex: namespace id, or kNoBand for bend vertices
    std::span<const double> previousY;  // per vertex: previous centre, NaN if new; empty: none
    double gap = 0;  // between neighbouring vertices of a layer
    double bandGap = 0;  // extra, between neighbours of different namespaces
    int sweeps = 0;
};
inline constexpr std::uint32_t kNoBand = 0xffffffffu;

// Vertical centres per vertex. No two vertices of a layer overlap (gaps included). Without a
// previous layout, layers start centred on y = 0.
std::vector<double> placeVertices(const PlacementInput& in);

}  // namespace hs::graph::detail
