#include "app/graph/layout.h"

#include "app/graph/detail/layered_graph.h"
#include "app/graph/detail/ordering.h"
#include "app/graph/detail/placement.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace hs::graph {

namespace {

// Characters, not bytes: labels carry "·" and "→".
std::size_t codePoints(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

double textWidth(std::string_view text, TextRole role, const LayoutOptions& o) {
    if (o.measure) {
        double w = o.measure(text, role);
        return w >= 0 && std::isfinite(w) ? w : 0.0;  // a broken measure must not poison the layout
    }
    return static_cast<double>(codePoints(text)) * (role == TextRole::Label ? o.labelCharWidth : o.detailCharWidth);
}

void grow(Rect& r, bool& empty, Point p) {
    if (empty) {
        r = {p.x, p.y, 0, 0};
        empty = false;
        return;
    }
    double x0 = std::min(r.x, p.x), y0 = std::min(r.y, p.y);
    double x1 = std::max(r.right(), p.x), y1 = std::max(r.bottom(), p.y);
    r = {x0, y0, x1 - x0, y1 - y0};
}

class Builder {
public:
    Builder(const Graph& g, const LayoutOptions& o, const LayoutMemo* previous)
        : g_(g), opt_(o), prev_(previous && !previous->empty() ? previous : nullptr) {}

    Layout run() {
        lg_ = detail::buildLayered(g_);
        sizes();
        remembered();

        detail::OrderingInput oi;
        oi.graph = &g_;
        oi.layered = &lg_;
        oi.initial = opt_.initialOrder;
        oi.heuristic = opt_.heuristic;
        oi.maxSweeps = opt_.maxSweeps;
        oi.sweepWork = opt_.sweepWork;
        oi.transpose = opt_.transpose;
        oi.moveBlocks = opt_.moveBlocks;
        oi.previousRank = previousRank_;
        order_ = detail::orderLayers(oi);

        detail::PlacementInput pi;
        pi.layered = &lg_;
        pi.ordering = &order_;
        pi.height = height_;
        pi.band = band_;
        pi.previousY = previousY_;
        pi.gap = std::max(opt_.nodeGap, 1.0);
        pi.bandGap = std::max(opt_.namespaceGap, 0.0);
        pi.sweeps = opt_.placementSweeps;
        y_ = detail::placeVertices(pi);

        geometry();
        out_.crossings = order_.crossings;
        out_.stats.initialCrossings = order_.initialCrossings;
        out_.stats.sweeps = order_.sweeps;
        out_.stats.bendPoints = lg_.vertexCount() - lg_.realCount;
        remember();
        return std::move(out_);
    }

private:
    void sizes() {
        const std::uint32_t n = lg_.vertexCount();
        width_.assign(n, 0.0);
        height_.assign(n, 0.0);
        band_.assign(n, detail::kNoBand);
        std::unordered_map<std::string_view, std::uint32_t> bands;
        for (std::uint32_t v = 0; v < lg_.realCount; ++v) {
            const GraphNode& node = g_.nodes[v];
            Rect r = nodeSize(node, opt_);
            width_[v] = r.width;
            height_[v] = r.height;
            band_[v] = bands.emplace(node.ns, static_cast<std::uint32_t>(bands.size())).first->second;
        }
    }

    std::string bendKey(std::uint32_t bend) const {
        const GraphEdge& e = g_.edges[lg_.bendEdge[bend - lg_.realCount]];
        return LayoutMemo::bendKey(g_.nodes[e.from].id, g_.nodes[e.to].id, lg_.layerLane[lg_.layer[bend]]);
    }

    // What the previous layout says about each vertex, if there is one.
    void remembered() {
        if (!prev_) return;
        const std::uint32_t n = lg_.vertexCount();
        previousRank_.assign(n, -1);
        previousY_.assign(n, std::numeric_limits<double>::quiet_NaN());
        for (std::uint32_t v = 0; v < n; ++v) {
            const bool bend = lg_.isBend(v);
            const LayoutMemo::Entry* e = bend ? prev_->find(bendKey(v)) : prev_->find(g_.nodes[v].id);
            if (!e || e->bend != bend || e->lane != lg_.layerLane[lg_.layer[v]]) continue;
            previousRank_[v] = e->order;
            previousY_[v] = e->y;
        }
    }

    void geometry() {
        const std::uint32_t layers = lg_.layerCount();
        double x = 0;
        for (std::uint32_t l = 0; l < layers; ++l) {
            double w = 0;
            for (std::uint32_t v : order_.layers[l])
                if (!lg_.isBend(v)) w = std::max(w, width_[v]);
            out_.columns.push_back({lg_.layerLane[l], x, w});
            x += w + std::max(opt_.laneGap, 1.0);
        }
        // Without a previous layout the picture starts at y = 0; with one it keeps its frame.
        double dy = 0;
        if (!prev_) {
            double top = std::numeric_limits<double>::infinity();
            for (std::uint32_t v = 0; v < lg_.vertexCount(); ++v) top = std::min(top, y_[v] - height_[v] / 2);
            if (std::isfinite(top)) dy = -top;
        }
        for (double& y : y_) y += dy;

        out_.boxes.resize(lg_.realCount);
        out_.rank.assign(lg_.realCount, 0);
        for (std::uint32_t l = 0; l < layers; ++l) {
            const LaneColumn& col = out_.columns[l];
            std::uint32_t rank = 0;
            for (std::uint32_t v : order_.layers[l]) {
                if (lg_.isBend(v)) continue;
                out_.boxes[v] = {col.x + (col.width - width_[v]) / 2, y_[v] - height_[v] / 2, width_[v], height_[v]};
                out_.rank[v] = rank++;
            }
        }

        out_.routes.resize(g_.edges.size());
        for (std::size_t e = 0; e < g_.edges.size(); ++e) out_.routes[e] = route(e);

        bool empty = true;
        for (const Rect& r : out_.boxes) {
            grow(out_.bounds, empty, {r.x, r.y});
            grow(out_.bounds, empty, {r.right(), r.bottom()});
        }
        for (const auto& pts : out_.routes)
            for (const Point& p : pts) grow(out_.bounds, empty, p);
    }

    std::vector<Point> route(std::size_t e) const {
        const GraphEdge& edge = g_.edges[e];
        const detail::EdgeChain& c = lg_.chains[e];
        const std::uint32_t n = lg_.realCount;
        if (edge.from >= n || edge.to >= n) return {};
        const Rect& a = out_.boxes[edge.from];
        const Rect& b = out_.boxes[edge.to];
        if (c.flat) {
            // Beside the lane, on its right: out of one box and into the other.
            const LaneColumn& col = out_.columns[lg_.layer[edge.from]];
            double side = col.right() + opt_.laneGap / 4;
            if (edge.from == edge.to) {
                double h = a.height / 4;
                return {{a.right(), a.centerY() - h},
                        {side, a.centerY() - h},
                        {side, a.centerY() + h},
                        {a.right(), a.centerY() + h}};
            }
            return {{a.right(), a.centerY()}, {side, a.centerY()}, {side, b.centerY()}, {b.right(), b.centerY()}};
        }
        const Rect& top = out_.boxes[c.top];
        const Rect& bottom = out_.boxes[c.bottom];
        std::vector<Point> pts;
        pts.reserve(2 + 2 * std::size_t{c.bendCount});
        pts.push_back({top.right(), top.centerY()});
        for (std::uint32_t i = 0; i < c.bendCount; ++i) {
            std::uint32_t v = c.bendBegin + i;
            const LaneColumn& col = out_.columns[lg_.layer[v]];
            pts.push_back({col.x, y_[v]});
            pts.push_back({col.right(), y_[v]});
        }
        pts.push_back({bottom.x, bottom.centerY()});
        if (c.reversed) std::reverse(pts.begin(), pts.end());
        return pts;
    }

    void remember() {
        out_.memo.reserve(lg_.vertexCount());
        for (std::uint32_t l = 0; l < lg_.layerCount(); ++l) {
            const auto& layer = order_.layers[l];
            for (std::uint32_t i = 0; i < layer.size(); ++i) {
                std::uint32_t v = layer[i];
                LayoutMemo::Entry e{lg_.layerLane[l], i, y_[v], lg_.isBend(v)};
                if (e.bend)
                    out_.memo.insert(bendKey(v), e);
                else
                    out_.memo.insert(g_.nodes[v].id, e);
            }
        }
    }

    const Graph& g_;
    const LayoutOptions& opt_;
    const LayoutMemo* prev_;
    detail::LayeredGraph lg_;
    detail::Ordering order_;
    std::vector<double> width_, height_, y_;
    std::vector<std::uint32_t> band_;
    std::vector<std::int64_t> previousRank_;
    std::vector<double> previousY_;
    Layout out_;
};

}  // namespace

Rect nodeSize(const GraphNode& n, const LayoutOptions& o) {
    double text = textWidth(n.label, TextRole::Label, o);
    if (!n.detail.empty()) text = std::max(text, textWidth(n.detail, TextRole::Detail, o));
    double w = std::clamp(text + 2 * o.paddingX, o.minNodeWidth, std::max(o.minNodeWidth, o.maxNodeWidth));
    double h = 2 * o.paddingY + (n.detail.empty() ? 1 : 2) * o.lineHeight;
    // Nonsense options (negative sizes) still give boxes that can be told apart.
    return {0, 0, std::max(w, 1.0), std::max(h, 1.0)};
}

Layout computeLayout(const Graph& g, const LayoutOptions& options, const LayoutMemo* previous) {
    return Builder(g, options, previous).run();
}

}  // namespace hs::graph
