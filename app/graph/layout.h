#pragma once
// The layered layout of the routing graph: lanes are fixed columns, left to right the way a request
// travels; within each lane the nodes are ordered to cross as few edges as possible, then placed
// vertically near their neighbours. Plain C++ (no Qt), pure and deterministic: the same graph,
// options and memo give the same layout, bit for bit. Safe to run on any thread; the options'
// `measure` callback is called on the calling thread only. See docs/layout.md.

#include "app/graph/graph.h"
#include "app/graph/layout_memo.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace hs::graph {

struct Point {
    double x = 0;
    double y = 0;
    friend bool operator==(const Point&, const Point&) = default;
};

struct Rect {
    double x = 0;
    double y = 0;
    double width = 0;
    double height = 0;
    double right() const { return x + width; }
    double bottom() const { return y + height; }
    double centerY() const { return y + height / 2; }
    friend bool operator==(const Rect&, const Rect&) = default;
};

enum class TextRole : std::uint8_t { Label, Detail };

// Width of a line of text in layout units. The GUI passes its font metrics here.
using TextMeasure = std::function<double(std::string_view text, TextRole role)>;

enum class InitialOrder : std::uint8_t {
    Traversal,  // depth-first, one namespace after the other, children by name: namespaces form bands
    Input,  // the order of Graph::nodes (for tests and comparisons)
};

// The key a sweep sorts a lane by.
enum class OrderHeuristic : std::uint8_t {
    Balanced,  // mean relative position of the neighbours in both neighbouring lanes, each weighted
    // by 1 / its degree, so a hub (an entry with 900 Ingresses) hardly pulls
    Barycenter,  // mean position of the neighbours in the lane the sweep comes from (classic)
    Median,  // median of those
};

struct LayoutOptions {
    // Node size: padding around one line (label) or two (label over detail). Without `measure`,
    // text is as wide as its UTF-8 code points times the average character width.
    double labelCharWidth = 7.0;
    double detailCharWidth = 6.0;
    TextMeasure measure;
    double lineHeight = 16;
    double paddingX = 10;
    double paddingY = 6;
    double minNodeWidth = 60;
    double maxNodeWidth = 360;

    // Spacing.
    double laneGap = 100;  // between the columns of neighbouring lanes
    double nodeGap = 12;  // between neighbouring boxes of one lane
    double namespaceGap = 24;  // extra gap where the namespace changes within a lane

    // Crossing reduction.
    InitialOrder initialOrder = InitialOrder::Traversal;
    OrderHeuristic heuristic = OrderHeuristic::Balanced;
    int maxSweeps = 24;  // down+up sweep pairs at most; 0 keeps the initial order
    // Large graphs get fewer sweeps: at most sweepWork / (vertices + segments), at least 4 (0: no
    // limit). The last sweeps on a 10k-Pod graph gain 0.2 % fewer crossings for twice the time.
    std::size_t sweepWork = 250'000;
    bool transpose = true;  // swap neighbours while that removes crossings
    bool moveBlocks = true;  // move whole parts that hang off a lane as one (see docs/layout.md)

    // Vertical placement: relaxation sweeps pulling nodes towards their neighbours.
    int placementSweeps = 8;

    // One row of a lane: the height of a two-line node plus the gap (the unit of Stability).
    double slot() const { return 2 * paddingY + 2 * lineHeight + nodeGap; }
};

struct LaneColumn {
    Lane lane = Lane::Route;
    double x = 0;
    double width = 0;
    double right() const { return x + width; }
};

struct LayoutStats {
    std::int64_t initialCrossings = 0;  // of the initial order, before any sweep
    int sweeps = 0;  // sweep pairs run
    std::uint32_t bendPoints = 0;  // bend vertices of lane-skipping edges
};

struct Layout {
    std::vector<Rect> boxes;  // per node, indexed like Graph::nodes
    std::vector<std::vector<Point>> routes;  // per edge, indexed like Graph::edges: from → to
    std::vector<LaneColumn> columns;  // lanes that have nodes, left to right
    std::vector<std::uint32_t> rank;  // per node: its index in its lane, 0 = top
    Rect bounds;  // of every box and route point
    std::int64_t crossings = 0;  // between lanes, counted as countCrossings() does
    LayoutStats stats;
    LayoutMemo memo;  // pass to the next computeLayout() to keep this one's order and places
};

// Lays out `g`. With `previous`, nodes whose id is in it (in the same lane) keep their relative
// order and stay near their previous y; new nodes are slotted in next to their neighbours, and the
// coordinates keep the previous layout's frame (bounds may start above 0). Without it the layout
// starts at (0, 0). Edges within one lane and back edges are laid out, never rejected.
// O((V + E) log V) per sweep; see docs/layout.md.
Layout computeLayout(const Graph& g, const LayoutOptions& options = {}, const LayoutMemo* previous = nullptr);

// The size computeLayout() gives a node.
Rect nodeSize(const GraphNode& n, const LayoutOptions& options);

}  // namespace hs::graph
