#include "app/graph/crossings.h"

#include "app/graph/detail/fenwick.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace hs::graph {

namespace {

// The height of a polyline where it crosses the vertical line at x (its first crossing), or the
// height of its point nearest to x if it never does.
double heightAt(const std::vector<Point>& pts, double x) {
    for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
        const Point& p = pts[i];
        const Point& q = pts[i + 1];
        if (x < std::min(p.x, q.x) || x > std::max(p.x, q.x)) continue;
        if (p.x == q.x) return p.y;
        return p.y + (q.y - p.y) * (x - p.x) / (q.x - p.x);
    }
    double best = 0, dist = -1;
    for (const Point& p : pts)
        if (dist < 0 || std::abs(p.x - x) < dist) dist = std::abs(p.x - x), best = p.y;
    return best;
}

}  // namespace

std::int64_t countCrossings(const Graph& g, const Layout& layout) {
    std::array<int, kLaneCount> column;
    column.fill(-1);
    for (std::size_t c = 0; c < layout.columns.size(); ++c)
        column[static_cast<int>(layout.columns[c].lane)] = static_cast<int>(c);
    const std::size_t columns = layout.columns.size();
    if (columns < 2) return 0;

    // Per gap between columns c and c+1: (height at c, height at c+1) of every segment.
    std::vector<std::vector<std::pair<double, double>>> segments(columns - 1);
    std::vector<double> heights;
    for (std::size_t e = 0; e < g.edges.size(); ++e) {
        const GraphEdge& edge = g.edges[e];
        if (edge.from >= g.nodes.size() || edge.to >= g.nodes.size() || edge.from >= layout.boxes.size() ||
            edge.to >= layout.boxes.size())
            continue;
        int a = column[static_cast<int>(g.nodes[edge.from].lane)];
        int b = column[static_cast<int>(g.nodes[edge.to].lane)];
        if (a < 0 || b < 0 || a == b) continue;
        std::uint32_t top = a < b ? edge.from : edge.to;
        std::uint32_t bottom = a < b ? edge.to : edge.from;
        int lo = std::min(a, b), hi = std::max(a, b);
        heights.clear();
        heights.push_back(layout.boxes[top].centerY());
        for (int c = lo + 1; c < hi; ++c) {
            const LaneColumn& col = layout.columns[static_cast<std::size_t>(c)];
            heights.push_back(e < layout.routes.size() ? heightAt(layout.routes[e], col.x + col.width / 2) : 0.0);
        }
        heights.push_back(layout.boxes[bottom].centerY());
        for (int c = lo; c < hi; ++c)
            segments[static_cast<std::size_t>(c)].emplace_back(heights[static_cast<std::size_t>(c - lo)],
                                                               heights[static_cast<std::size_t>(c - lo + 1)]);
    }

    // Pairs sorted by upper end: a crossing is an inversion of the lower ends (ties never cross).
    std::uint64_t total = 0;
    detail::Fenwick tree;
    std::vector<double> lower;
    for (auto& segs : segments) {
        std::sort(segs.begin(), segs.end());
        lower.clear();
        for (const auto& s : segs) lower.push_back(s.second);
        std::sort(lower.begin(), lower.end());
        lower.erase(std::unique(lower.begin(), lower.end()), lower.end());
        tree.reset(lower.size());
        for (const auto& s : segs) {
            auto r = static_cast<std::uint32_t>(std::lower_bound(lower.begin(), lower.end(), s.second) - lower.begin());
            total += tree.greater(r);
            tree.add(r);
        }
    }
    return static_cast<std::int64_t>(total);
}

}  // namespace hs::graph
