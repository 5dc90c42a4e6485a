#include "app/gui/graph_view.h"

#include "app/graph/build_graph.h"
#include "app/graph/fold.h"
#include "app/graph/layout.h"
#include "app/gui/graph_items.h"
#include "simulator/decision.h"
#include "simulator/route_table.h"

#include <QApplication>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QFutureWatcher>
#include <QGraphicsScene>
#include <QHash>
#include <QImage>
#include <QKeyEvent>
#include <QPainter>
#include <QScopeGuard>
#include <QSet>
#include <QStyleOptionGraphicsItem>
#include <QSvgGenerator>
#include <QVariantAnimation>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

namespace hs::gui {

using hs::graph::Graph;
using hs::graph::Health;
using hs::graph::Lane;

namespace {

// Below this scale the folded graph is shown ("12 pods"); from it on every Pod.
constexpr double kFoldBelow = 0.38;
// Below this scale (a 10,000-Pod graph fitted is ~0.002) the graph is one cached image: thousands
// of sub-pixel cards cost a frame far more to paint one by one than the picture they make.
constexpr double kOverviewBelow = 0.02;
constexpr double kMaxOverviewPixels = 16e6;
constexpr double kMaxScale = 4.0;
constexpr double kFitMaxScale = 1.25;
constexpr double kHeaderHeight = 34;
constexpr double kHeaderGap = 26;

struct Adjacency {
    std::vector<std::vector<std::uint32_t>> out, in;  // edge indexes per node
    explicit Adjacency(const Graph& g) : out(g.nodes.size()), in(g.nodes.size()) {
        for (std::uint32_t e = 0; e < g.edges.size(); ++e) {
            out[g.edges[e].from].push_back(e);
            in[g.edges[e].to].push_back(e);
        }
    }
};

// What the worker hands back: immutable values only.
struct Built {
    std::uint64_t generation = 0;
    std::shared_ptr<const Graph> graph;
    std::shared_ptr<const hs::graph::FoldedGraph> folded;  // null when folding changes nothing
    hs::graph::Layout layout, foldLayout;
    std::shared_ptr<const Adjacency> adj, foldAdj;
};

struct Fonts {
    QFont label, detail;
};

std::shared_ptr<Built> buildAndLayout(std::uint64_t generation, std::shared_ptr<const hs::sim::RouteTable> table,
                                      std::shared_ptr<const Graph> given, Fonts fonts, hs::graph::LayoutMemo memo,
                                      hs::graph::LayoutMemo foldMemo) {
    auto out = std::make_shared<Built>();
    out->generation = generation;
    out->graph = given ? given : std::make_shared<const Graph>(table ? hs::graph::buildGraph(*table) : Graph{});
    // Font metrics are reentrant: measuring on this thread with our own QFontMetricsF objects.
    QFontMetricsF labelMetrics(fonts.label), detailMetrics(fonts.detail);
    hs::graph::LayoutOptions options;
    options.measure = [&](std::string_view text, hs::graph::TextRole role) {
        QString s = QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
        return std::ceil(role == hs::graph::TextRole::Label ? labelMetrics.horizontalAdvance(s)
                                                            : detailMetrics.horizontalAdvance(s));
    };
    options.paddingX = 18;  // room for the kind icon on the left
    options.paddingY = 6;
    options.lineHeight = 16;
    options.nodeGap = 14;
    options.laneGap = 110;
    options.minNodeWidth = 96;
    options.maxNodeWidth = 340;
    out->layout = hs::graph::computeLayout(*out->graph, options, memo.empty() ? nullptr : &memo);
    out->adj = std::make_shared<const Adjacency>(*out->graph);
    auto folded = std::make_shared<hs::graph::FoldedGraph>(hs::graph::foldPods(*out->graph, 2));
    if (folded->graph.nodes.size() < out->graph->nodes.size()) {
        out->foldLayout =
            hs::graph::computeLayout(folded->graph, options, foldMemo.empty() ? &out->layout.memo : &foldMemo);
        out->foldAdj = std::make_shared<const Adjacency>(folded->graph);
        out->folded = std::move(folded);
    }
    return out;
}

QString laneTitle(Lane l) {
    switch (l) {
    case Lane::Entry: return QObject::tr("Entry point");
    case Lane::Route: return QObject::tr("Ingress / HTTPRoute");
    case Lane::Rule: return QObject::tr("Rule (host + path)");
    case Lane::Service: return QObject::tr("Service (port)");
    case Lane::Slice: return QObject::tr("EndpointSlice");
    case Lane::Pod: return QObject::tr("Pod (endpoint)");
    case Lane::Node: return QObject::tr("Node");
    }
    return {};
}

Lane laneOfStage(hs::sim::Stage s) {
    switch (s) {
    case hs::sim::Stage::Tls: return Lane::Entry;
    case hs::sim::Stage::Host: return Lane::Route;
    case hs::sim::Stage::Path:
    case hs::sim::Stage::Annotation: return Lane::Rule;
    case hs::sim::Stage::Canary:
    case hs::sim::Stage::Service: return Lane::Service;
    case hs::sim::Stage::Endpoint:
    case hs::sim::Stage::Pod: return Lane::Pod;
    }
    return Lane::Entry;
}

}  // namespace

// One set of items: the full graph or the folded one. The items are top-level (no common parent)
// so the scene's BSP index finds the few in view; a parent would make every frame walk them all.
struct ItemSet {
    std::vector<GraphNodeItem*> nodes;
    std::vector<GraphEdgeItem*> edges;  // the long ones are not in the scene: `longEdges` paints them
    LongEdgesItem* longEdges = nullptr;
    std::vector<char> pass;  // per node: passes the namespace filter
    bool shown = true;
};

struct GraphView::Impl {
    GraphView* q;
    GraphStyle style;
    QGraphicsScene* scene = nullptr;

    // The shown graph.
    std::shared_ptr<Built> shown;
    ItemSet full, fold;
    std::vector<LaneHeaderItem*> headers;
    QHash<QString, std::uint32_t> index;  // full-graph node id -> index
    bool foldMode = false;
    QRectF graphRect;
    // The overview: the shown set painted once at the view's scale while items are hidden.
    bool overviewMode = false;
    QImage overview;
    double overviewScale = 0;  // the device scale it was painted at; 0 = stale
    bool exporting = false;  // an export renders the items themselves, at its own scale

    // The worker.
    QFutureWatcher<std::shared_ptr<Built>>* watcher = nullptr;
    std::uint64_t generation = 0;
    bool pending = false;
    std::shared_ptr<const hs::sim::RouteTable> pendingTable;
    std::shared_ptr<const Graph> pendingGraph;

    // View state.
    bool userZoomed = false;
    QSet<QString> nsFilter;

    // Highlights, in full-graph ids so they survive a relayout.
    QStringList litIds;  // highlightNodes / showDecision
    std::vector<std::pair<QString, QString>> litEdgeIds;  // showDecision: hop to hop
    bool decisionMode = false;
    QString selectedId;
    MarkerItem* marker = nullptr;
    QVariantAnimation* anim = nullptr;
    QPainterPath markerPath;
    bool applyingSelection = false;

    explicit Impl(GraphView* view) : q(view) {}

    ItemSet& active() { return foldMode && shown && shown->folded ? fold : full; }

    void startWorker() {
        pending = false;
        Fonts fonts{style.labelFont, style.detailFont};
        hs::graph::LayoutMemo memo = shown ? shown->layout.memo : hs::graph::LayoutMemo{};
        hs::graph::LayoutMemo foldMemo = shown && shown->folded ? shown->foldLayout.memo : hs::graph::LayoutMemo{};
        watcher->setFuture(QtConcurrent::run(buildAndLayout, ++generation, std::move(pendingTable),
                                             std::move(pendingGraph), fonts, std::move(memo), std::move(foldMemo)));
        pendingTable.reset();
        pendingGraph.reset();
    }

    void submit(std::shared_ptr<const hs::sim::RouteTable> table, std::shared_ptr<const Graph> g) {
        pendingTable = std::move(table);
        pendingGraph = std::move(g);
        pending = true;
        // A layout still running is superseded: its result is dropped when it arrives and the
        // newest table starts then (the layout has no cancellation point; one worker at a time
        // keeps the cores free).
        if (!watcher->isRunning()) startWorker();
    }

    void finished() {
        std::shared_ptr<Built> b = watcher->result();
        if (pending) {  // superseded while it ran
            startWorker();
            return;
        }
        if (!b || b->generation != generation) return;
        show(std::move(b));
    }

    void buildSet(ItemSet& set, const Graph& g, const hs::graph::Layout& l, bool folded) {
        set.nodes.reserve(g.nodes.size());
        for (std::uint32_t i = 0; i < g.nodes.size(); ++i) {
            const auto& b = l.boxes[i];
            auto* item = new GraphNodeItem(g.nodes[i], i, QRectF(b.x, b.y, b.width, b.height), &style, folded);
            scene->addItem(item);
            set.nodes.push_back(item);
        }
        set.edges.reserve(g.edges.size());
        std::vector<QPointF> pts;
        std::vector<GraphEdgeItem*> longOnes;
        for (std::uint32_t e = 0; e < g.edges.size(); ++e) {
            pts.clear();
            for (const auto& p : l.routes[e]) pts.emplace_back(p.x, p.y);
            const auto& ge = g.edges[e];
            auto* item = new GraphEdgeItem(pts, ge.from, ge.to, ge.health, QString::fromStdString(ge.label), &style);
            if (item->isLong())
                longOnes.push_back(item);
            else
                scene->addItem(item);
            set.edges.push_back(item);
        }
        set.longEdges = new LongEdgesItem(std::move(longOnes));
        scene->addItem(set.longEdges);
    }

    void clearItems() {
        if (anim) anim->stop();
        if (marker) marker->hide();
        for (ItemSet* s : {&full, &fold}) {
            delete s->longEdges;
            for (auto* e : s->edges) delete e;
            for (auto* n : s->nodes) delete n;
            *s = ItemSet{};
        }
        for (auto* h : headers) delete h;
        headers.clear();
    }

    void show(std::shared_ptr<Built> b) {
        const bool first = !shown;
        QSignalBlocker block(scene);
        clearItems();
        shown = std::move(b);
        const Graph& g = *shown->graph;
        index.clear();
        index.reserve(static_cast<qsizetype>(g.nodes.size()));
        for (std::uint32_t i = 0; i < g.nodes.size(); ++i) index.insert(QString::fromStdString(g.nodes[i].id), i);
        buildSet(full, g, shown->layout, false);
        if (shown->folded) buildSet(fold, shown->folded->graph, shown->foldLayout, true);

        // Lane headers above the columns (of the wider of the two layouts).
        const auto& l = shown->layout;
        QRectF bounds(l.bounds.x, l.bounds.y, l.bounds.width, l.bounds.height);
        if (shown->folded) {
            const auto& fb = shown->foldLayout.bounds;
            bounds = bounds.united(QRectF(fb.x, fb.y, fb.width, fb.height));
        }
        const double headerY = bounds.top() - kHeaderGap - kHeaderHeight;
        const QFontMetricsF headerMetrics(style.headerFont);
        for (const auto& c : l.columns) {
            const QString title = laneTitle(c.lane);
            const double w = std::max({c.width, 120.0, headerMetrics.horizontalAdvance(title.toUpper()) * 1.12 + 28});
            auto* h =
                new LaneHeaderItem(title, QRectF(c.x + c.width / 2 - w / 2, headerY, w, kHeaderHeight), c.lane, &style);
            scene->addItem(h);
            headers.push_back(h);
        }
        graphRect =
            bounds.united(QRectF(bounds.left(), headerY, bounds.width(), kHeaderHeight)).adjusted(-40, -30, 40, 40);
        scene->setSceneRect(graphRect.adjusted(-2000, -2000, 2000, 2000));

        foldMode = shown->folded && q->transform().m11() < kFoldBelow;
        overviewMode = false;  // updateLod() decides once the graph's extent is known
        full.shown = !foldMode;
        fold.shown = foldMode;
        applyFilter();
        updateLod();
        block.unblock();
        if (!selectedId.isEmpty()) {
            if (index.contains(selectedId))
                selectId(selectedId, false);
            else {
                selectedId.clear();
                emit q->nodeSelected(QString());
            }
        }
        applyEmphasis();
        if (first || !userZoomed) q->fitAll(), userZoomed = false;
        emit q->layoutReady();
    }

    bool passesFilter(const std::string& ns) const {
        return nsFilter.isEmpty() || ns.empty() || nsFilter.contains(QString::fromStdString(ns));
    }

    void applyFilter() {
        if (!shown) return;
        auto filter = [&](ItemSet& set, const Graph& g) {
            set.pass.assign(g.nodes.size(), 0);
            for (std::uint32_t i = 0; i < g.nodes.size(); ++i) set.pass[i] = passesFilter(g.nodes[i].ns);
            applyVisibility(set);
        };
        filter(full, *shown->graph);
        if (shown->folded) filter(fold, shown->folded->graph);
        invalidateOverview();
    }

    // Items are visible when their set is the level of detail shown and they pass the filter.
    static void applyVisibility(ItemSet& set) {
        for (std::size_t i = 0; i < set.nodes.size(); ++i) set.nodes[i]->setVisible(set.shown && set.pass[i]);
        for (auto* e : set.edges) e->setVisible(set.shown && set.pass[e->from()] && set.pass[e->to()]);
        if (set.longEdges) {
            set.longEdges->setVisible(set.shown);
            set.longEdges->update();
        }
    }

    void updateLod() {
        if (!shown) return;
        const double scale = q->transform().m11();
        foldMode = shown->folded && scale < kFoldBelow;
        const bool wantOverview = !exporting && scale < kOverviewBelow &&
            graphRect.width() * graphRect.height() * scale * scale <= kMaxOverviewPixels;
        if (wantOverview != overviewMode) {
            overviewMode = wantOverview;
            if (!overviewMode) overview = QImage(), overviewScale = 0;  // its memory back
            q->viewport()->update();
        }
        const bool fullShown = !foldMode && !overviewMode, foldShown = foldMode && !overviewMode;
        if (full.shown == fullShown && fold.shown == foldShown) return;
        full.shown = fullShown;
        fold.shown = foldShown;
        applyVisibility(full);
        applyVisibility(fold);
    }

    // What the items look like changed (emphasis, selection, filter, style): repaint the overview.
    void invalidateOverview() {
        overviewScale = 0;
        if (overviewMode) q->viewport()->update();
    }

    // Paints the set of the folding level into an image at the painter's scale, as the items
    // would paint themselves there (edges under cards), then draws it. Repainted only when the
    // scale or the look changes: panning blits it.
    void drawOverview(QPainter* painter) {
        const QTransform& t = painter->worldTransform();
        const double scale = std::abs(t.m11());
        if (scale <= 0 || graphRect.isEmpty()) return;
        const double dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
        if (overview.isNull() || overviewScale != scale * dpr) {
            const double s = scale * dpr;
            const QSize size(std::max(1, static_cast<int>(std::ceil(graphRect.width() * s))),
                             std::max(1, static_cast<int>(std::ceil(graphRect.height() * s))));
            overview = QImage(size, QImage::Format_ARGB32_Premultiplied);
            if (overview.isNull()) return;
            overview.fill(Qt::transparent);
            overviewScale = s;
            QPainter p(&overview);
            p.scale(s, s);
            p.translate(-graphRect.topLeft());
            const ItemSet& set = foldMode && shown->folded ? fold : full;
            QStyleOptionGraphicsItem option;
            for (auto* e : set.edges)
                if (set.pass[e->from()] && set.pass[e->to()]) {
                    option.exposedRect = e->boundingRect();
                    e->paint(&p, &option, nullptr);
                }
            for (std::size_t i = 0; i < set.nodes.size(); ++i)
                if (set.pass[i]) {
                    option.exposedRect = set.nodes[i]->boundingRect();
                    set.nodes[i]->paint(&p, &option, nullptr);
                }
            overview.setDevicePixelRatio(dpr);
        }
        painter->drawImage(graphRect, overview);
    }

    // Nodes and edges lit, in full-graph indexes; empty vectors = no highlight.
    void applyEmphasis() {
        if (!shown) return;
        const Graph& g = *shown->graph;
        std::vector<char> litNode(g.nodes.size(), 0), litEdge(g.edges.size(), 0);
        bool any = false;
        if (!selectedId.isEmpty() && index.contains(selectedId)) {
            // The whole route through the selected node: everything upstream and downstream.
            any = true;
            const std::uint32_t start = index.value(selectedId);
            const Adjacency& adj = *shown->adj;
            for (int dir = 0; dir < 2; ++dir) {
                std::vector<std::uint32_t> stack{start};
                std::vector<char> seen(g.nodes.size(), 0);
                seen[start] = 1;
                while (!stack.empty()) {
                    std::uint32_t n = stack.back();
                    stack.pop_back();
                    litNode[n] = 1;
                    for (std::uint32_t e : dir == 0 ? adj.out[n] : adj.in[n]) {
                        litEdge[e] = 1;
                        std::uint32_t m = dir == 0 ? g.edges[e].to : g.edges[e].from;
                        if (!seen[m]) seen[m] = 1, stack.push_back(m);
                    }
                }
            }
        } else if (!litIds.isEmpty()) {
            any = true;
            for (const QString& id : litIds)
                if (auto it = index.constFind(id); it != index.constEnd()) litNode[*it] = 1;
            if (decisionMode) {
                for (const auto& [a, b] : litEdgeIds) {
                    auto ia = index.constFind(a), ib = index.constFind(b);
                    if (ia == index.constEnd() || ib == index.constEnd()) continue;
                    for (std::uint32_t e : shown->adj->out[*ia])
                        if (g.edges[e].to == *ib) litEdge[e] = 1;
                }
            } else {
                for (std::uint32_t e = 0; e < g.edges.size(); ++e)
                    litEdge[e] = litNode[g.edges[e].from] && litNode[g.edges[e].to];
            }
        }
        auto node = [&](bool lit) { return !any ? Emphasis::Normal : lit ? Emphasis::Lit : Emphasis::Dimmed; };
        invalidateOverview();
        for (std::uint32_t i = 0; i < full.nodes.size(); ++i) full.nodes[i]->setEmphasis(node(litNode[i]));
        for (std::uint32_t e = 0; e < full.edges.size(); ++e) full.edges[e]->setEmphasis(node(litEdge[e]));
        if (shown->folded) {
            const auto& f = *shown->folded;
            std::vector<char> fn(f.graph.nodes.size(), 0), fe(f.graph.edges.size(), 0);
            for (std::uint32_t i = 0; i < litNode.size(); ++i)
                if (litNode[i]) fn[f.nodeMap[i]] = 1;
            for (std::uint32_t e = 0; e < litEdge.size(); ++e)
                if (litEdge[e] && f.edgeMap[e] != hs::graph::kNoEdge) fe[f.edgeMap[e]] = 1;
            for (std::uint32_t i = 0; i < fold.nodes.size(); ++i) fold.nodes[i]->setEmphasis(node(fn[i]));
            for (std::uint32_t e = 0; e < fold.edges.size(); ++e) fold.edges[e]->setEmphasis(node(fe[e]));
        }
        for (ItemSet* set : {&full, &fold})
            if (set->longEdges) set->longEdges->update();
    }

    // Selects a node of the full graph (zooming in to where Pods are drawn one by one).
    void selectId(const QString& id, bool centre) {
        auto it = index.constFind(id);
        if (it == index.constEnd()) return;
        GraphNodeItem* item = full.nodes[*it];
        if (centre && q->transform().m11() < kFoldBelow) {
            const double s = 1.0 / q->transform().m11();
            q->scale(s, s);
            userZoomed = true;
            updateLod();
        }
        applyingSelection = true;
        scene->clearSelection();
        if (passesFilter(shown->graph->nodes[*it].ns)) item->setSelected(true);
        applyingSelection = false;
        selectedId = id;
        if (centre) q->centerOn(item->card().center());
    }

    void onSelectionChanged() {
        if (applyingSelection || !shown) return;
        QString id;
        const auto sel = scene->selectedItems();
        for (QGraphicsItem* i : sel)
            if (i->type() == GraphNodeItem::Type) {
                auto* n = static_cast<GraphNodeItem*>(i);
                if (!n->inFoldedSet())
                    id = n->id();
                else if (shown->folded) {
                    // A folded group: stand for it with its first member.
                    for (std::uint32_t k = 0; k < shown->folded->nodeMap.size(); ++k)
                        if (shown->folded->nodeMap[k] == n->index()) {
                            id = QString::fromStdString(shown->graph->nodes[k].id);
                            break;
                        }
                }
                break;
            }
        if (id == selectedId) return;
        selectedId = id;
        applyEmphasis();
        emit q->nodeSelected(id);
    }

    // The ids along a Decision's route, in travel order (entry, route, rule, Service, Pod), with
    // their lanes; only nodes the graph has.
    std::vector<std::pair<QString, Lane>> routeOf(const hs::sim::Decision& d) const {
        std::vector<std::pair<QString, Lane>> out;
        if (!shown || d.ingress.empty()) return out;
        const Graph& g = *shown->graph;
        const Adjacency& adj = *shown->adj;
        const std::string kind = d.routeKind.empty() ? std::string("Ingress") : d.routeKind;
        const std::uint32_t route = g.find(kind + "/" + d.ingress);
        if (route == UINT32_MAX) return out;
        // The entry: the one serving this route (an active one first).
        std::uint32_t entry = UINT32_MAX;
        for (std::uint32_t e : adj.in[route]) {
            std::uint32_t from = g.edges[e].from;
            if (g.nodes[from].lane != Lane::Entry) continue;
            if (entry == UINT32_MAX || (g.edges[e].health != Health::Inactive)) entry = from;
        }
        if (entry != UINT32_MAX) out.emplace_back(QString::fromStdString(g.nodes[entry].id), Lane::Entry);
        out.emplace_back(QString::fromStdString(g.nodes[route].id), Lane::Route);
        // The rule: its label is "<host or *><space if the path is a regex group><path>".
        std::uint32_t rule = UINT32_MAX;
        if (!d.path.empty() || !d.pathType.empty()) {
            const std::string label =
                (d.host.empty() ? std::string("*") : d.host) + (d.path.rfind("(", 0) == 0 ? " " : "") + d.path;
            for (std::uint32_t e : adj.out[route]) {
                std::uint32_t to = g.edges[e].to;
                if (g.nodes[to].lane == Lane::Rule && g.nodes[to].label == label) {
                    rule = to;
                    // Prefer the rule that leads to the Decision's Service.
                    for (std::uint32_t e2 : adj.out[to])
                        if (g.nodes[g.edges[e2].to].id == "Service/" + d.service) goto found;
                }
            }
        found:
            if (rule != UINT32_MAX) out.emplace_back(QString::fromStdString(g.nodes[rule].id), Lane::Rule);
        }
        if (!d.service.empty()) {
            const std::string sid = "Service/" + d.service;
            if (g.find(sid) != UINT32_MAX) out.emplace_back(QString::fromStdString(sid), Lane::Service);
            std::string pid;
            if (!d.pod.empty())
                pid = "Pod/" + d.pod;
            else if (!d.endpoint.empty())
                pid = "Endpoint/" + d.service.substr(0, d.service.find('/')) + "/" + d.endpoint;
            if (!pid.empty() && g.find(pid) != UINT32_MAX) out.emplace_back(QString::fromStdString(pid), Lane::Pod);
        }
        return out;
    }

    GraphNodeItem* shownItem(const QString& id) {
        auto it = index.constFind(id);
        if (it == index.constEnd()) return nullptr;
        if (foldMode && shown->folded) return fold.nodes[shown->folded->nodeMap[*it]];
        return full.nodes[*it];
    }

    // The marker's path along the route's edges from node a to b (indexes into `ids`).
    void animateMarker(const std::vector<QString>& ids, std::size_t from, std::size_t to) {
        if (!marker) {
            marker = new MarkerItem(&style);
            scene->addItem(marker);
        }
        anim->stop();
        if (ids.empty()) {
            marker->hide();
            return;
        }
        markerPath = QPainterPath();
        GraphNodeItem* first = shownItem(ids[from]);
        if (!first) {
            marker->hide();
            return;
        }
        markerPath.moveTo(first->card().center());
        for (std::size_t i = from; i < to; ++i) {
            GraphNodeItem* a = shownItem(ids[i]);
            GraphNodeItem* b = shownItem(ids[i + 1]);
            if (!a || !b || a == b) continue;
            const ItemSet& set = foldMode && shown->folded ? fold : full;
            const GraphEdgeItem* edge = nullptr;
            for (auto* e : set.edges)
                if (e->from() == a->index() && e->to() == b->index()) {
                    edge = e;
                    break;
                }
            if (edge) {
                markerPath.lineTo(edge->path().pointAtPercent(0));
                markerPath.connectPath(edge->path());
            }
            markerPath.lineTo(b->card().center());
        }
        marker->setPos(markerPath.pointAtPercent(0));
        marker->show();
        const int hops = static_cast<int>(std::max<std::size_t>(1, to - from));
        anim->setDuration(std::min(2400, 420 * hops));
        anim->start();
    }
};

GraphView::GraphView(QWidget* parent) : QGraphicsView(parent), d_(std::make_unique<Impl>(this)) {
    d_->style = GraphStyle::fromPalette(palette(), font());
    d_->scene = new QGraphicsScene(this);
    // No index: a frame's lookup is a linear pass that skips hidden items (the other level of
    // detail) at once. A BSP tree was measured slower here (16 ms against 2 ms to find the 445
    // items of a 1:1 frame of the 10,000-Pod graph): edges spanning the graph's height sit in
    // most of its leaves and each lookup sorts what it gathers.
    d_->scene->setItemIndexMethod(QGraphicsScene::NoIndex);
    d_->scene->setBackgroundBrush(d_->style.background);
    setScene(d_->scene);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
    setOptimizationFlags(QGraphicsView::DontSavePainterState | QGraphicsView::DontAdjustForAntialiasing);
    // No background cache: the background is a flat fill (as cheap as blitting a cached one),
    // and at overview zoom it carries the overview image, which changes with the scale.
    setCacheMode(QGraphicsView::CacheNone);
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::NoFrame);

    d_->watcher = new QFutureWatcher<std::shared_ptr<Built>>(this);
    connect(d_->watcher, &QFutureWatcherBase::finished, this, [this] { d_->finished(); });
    connect(d_->scene, &QGraphicsScene::selectionChanged, this, [this] { d_->onSelectionChanged(); });
    d_->anim = new QVariantAnimation(this);
    d_->anim->setStartValue(0.0);
    d_->anim->setEndValue(1.0);
    d_->anim->setEasingCurve(QEasingCurve::InOutCubic);
    connect(d_->anim, &QVariantAnimation::valueChanged, this, [this](const QVariant& v) {
        if (d_->marker && !d_->markerPath.isEmpty())
            d_->marker->setPos(d_->markerPath.pointAtPercent(std::clamp(v.toDouble(), 0.0, 1.0)));
    });
}

GraphView::~GraphView() {
    // The worker holds only its own copies (table, memo, fonts); it may finish after we are gone.
    d_->watcher->disconnect(this);
    d_->anim->stop();
    d_->scene->disconnect(this);
    d_->clearItems();  // the long edges are not the scene's to delete
    delete d_->scene;  // its items first, while Impl is whole
    d_->scene = nullptr;
}

void GraphView::setTable(std::shared_ptr<const hs::sim::RouteTable> table) { d_->submit(std::move(table), nullptr); }

void GraphView::setGraph(std::shared_ptr<const hs::graph::Graph> graph) { d_->submit(nullptr, std::move(graph)); }

bool GraphView::isLayoutRunning() const { return d_->watcher->isRunning(); }

void GraphView::showDecision(const hs::sim::Decision& d, int hopIndex) {
    auto route = d_->routeOf(d);
    // With a hop: the route up to the lane of that hop's stage.
    std::size_t upTo = route.size();
    if (hopIndex >= 0 && hopIndex < static_cast<int>(d.hops.size()) && !route.empty()) {
        const Lane lane = laneOfStage(d.hops[static_cast<std::size_t>(hopIndex)].stage);
        upTo = 0;
        for (std::size_t i = 0; i < route.size(); ++i)
            if (static_cast<int>(route[i].second) <= static_cast<int>(lane)) upTo = i + 1;
        if (upTo == 0) upTo = 1;
    }
    std::vector<QString> ids;
    for (std::size_t i = 0; i < upTo; ++i) ids.push_back(route[i].first);
    d_->litIds = QStringList(ids.begin(), ids.end());
    d_->litEdgeIds.clear();
    for (std::size_t i = 0; i + 1 < ids.size(); ++i) d_->litEdgeIds.emplace_back(ids[i], ids[i + 1]);
    d_->decisionMode = true;
    d_->selectedId.clear();
    {
        QSignalBlocker block(d_->scene);
        d_->scene->clearSelection();
    }
    d_->applyEmphasis();
    // The marker travels from the previous hop's node (or the entry) to this one.
    std::size_t from = 0;
    if (hopIndex > 0 && ids.size() >= 2) {
        const Lane prevLane = laneOfStage(d.hops[static_cast<std::size_t>(hopIndex - 1)].stage);
        for (std::size_t i = 0; i < ids.size(); ++i)
            if (static_cast<int>(route[i].second) <= static_cast<int>(prevLane)) from = i;
    }
    if (ids.empty())
        d_->animateMarker({}, 0, 0);
    else
        d_->animateMarker(ids, from, ids.size() - 1);
}

void GraphView::clearHighlight() {
    d_->litIds.clear();
    d_->litEdgeIds.clear();
    d_->decisionMode = false;
    if (d_->anim) d_->anim->stop();
    if (d_->marker) d_->marker->hide();
    d_->applyEmphasis();
}

void GraphView::highlightNodes(const QStringList& graphNodeIds) {
    d_->litIds = graphNodeIds;
    d_->litEdgeIds.clear();
    d_->decisionMode = false;
    if (d_->anim) d_->anim->stop();
    if (d_->marker) d_->marker->hide();
    d_->applyEmphasis();
}

void GraphView::setNamespaceFilter(const QStringList& namespaces) {
    d_->nsFilter = QSet<QString>(namespaces.begin(), namespaces.end());
    d_->applyFilter();
}

QStringList GraphView::namespaces() const {
    QStringList out;
    if (!d_->shown) return out;
    QSet<QString> seen;
    for (const auto& n : d_->shown->graph->nodes)
        if (!n.ns.empty()) seen.insert(QString::fromStdString(n.ns));
    out = QStringList(seen.begin(), seen.end());
    out.sort();
    return out;
}

int GraphView::search(const QString& text) {
    const QString t = text.trimmed();
    if (t.isEmpty() || !d_->shown) return 0;
    const Graph& g = *d_->shown->graph;
    int count = 0;
    std::uint32_t best = UINT32_MAX;
    bool bestExact = false;
    for (std::uint32_t i = 0; i < g.nodes.size(); ++i) {
        if (!d_->passesFilter(g.nodes[i].ns)) continue;
        const QString label = QString::fromStdString(g.nodes[i].label);
        const QString id = QString::fromStdString(g.nodes[i].id);
        if (!label.contains(t, Qt::CaseInsensitive) && !id.contains(t, Qt::CaseInsensitive)) continue;
        ++count;
        const bool exact = label.compare(t, Qt::CaseInsensitive) == 0;
        if (best == UINT32_MAX || (exact && !bestExact)) best = i, bestExact = exact;
    }
    if (best != UINT32_MAX) selectNode(QString::fromStdString(g.nodes[best].id));
    return count;
}

void GraphView::fitAll() {
    if (!d_->shown) return;
    resetTransform();
    fitInView(d_->graphRect, Qt::KeepAspectRatio);
    if (transform().m11() > kFitMaxScale) {
        resetTransform();
        scale(kFitMaxScale, kFitMaxScale);
        centerOn(d_->graphRect.center());
    }
    d_->userZoomed = false;
    d_->updateLod();
}

bool GraphView::exportTo(const QString& path, QString* error) {
    auto fail = [&](const QString& why) {
        if (error) *error = why;
        return false;
    };
    if (!d_->shown) return fail(tr("nothing to export: no graph is shown yet"));
    d_->exporting = true;  // the items shown even when the view draws the overview
    d_->updateLod();
    const auto restore = qScopeGuard([this] {
        d_->exporting = false;
        d_->updateLod();
    });
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QRectF source = d_->graphRect;
    if (suffix == QLatin1String("png")) {
        // Twice the scene size for crispness, within what a QImage can hold.
        double s = 2.0;
        const double maxSide = 16000;
        s = std::min({s, maxSide / source.width(), maxSide / source.height()});
        const QSize size(std::max(1, static_cast<int>(std::ceil(source.width() * s))),
                         std::max(1, static_cast<int>(std::ceil(source.height() * s))));
        QImage image(size, QImage::Format_ARGB32_Premultiplied);
        if (image.isNull())
            return fail(tr("the image is too large to export (%1 × %2)").arg(size.width()).arg(size.height()));
        image.fill(d_->style.background);
        {
            QPainter p(&image);
            p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
            d_->scene->render(&p, QRectF(QPointF(0, 0), QSizeF(size)), source, Qt::KeepAspectRatio);
        }
        if (!image.save(path, "PNG")) return fail(tr("could not write %1").arg(path));
        return true;
    }
    if (suffix == QLatin1String("svg")) {
        QSvgGenerator gen;
        gen.setFileName(path);
        gen.setSize(source.size().toSize());
        gen.setViewBox(QRectF(QPointF(0, 0), source.size()));
        gen.setTitle(QStringLiteral("Hopscope routing graph"));
        gen.setDescription(QStringLiteral("Routing graph exported by Hopscope"));
        {
            QPainter p;
            if (!p.begin(&gen)) return fail(tr("could not write %1").arg(path));
            p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
            d_->scene->render(&p, QRectF(QPointF(0, 0), source.size()), source, Qt::KeepAspectRatio);
            p.end();
        }
        if (QFileInfo(path).size() <= 0) return fail(tr("could not write %1").arg(path));
        return true;
    }
    return fail(tr("unknown export format \"%1\": use .png or .svg").arg(suffix));
}

void GraphView::selectNode(const QString& graphNodeId) {
    if (graphNodeId.isEmpty()) {
        d_->scene->clearSelection();
        return;
    }
    const QString before = d_->selectedId;
    d_->selectId(graphNodeId, true);
    d_->applyEmphasis();
    if (d_->selectedId != before) emit nodeSelected(d_->selectedId);
}

const hs::graph::Graph* GraphView::graph() const { return d_->shown ? d_->shown->graph.get() : nullptr; }

void GraphView::wheelEvent(QWheelEvent* event) {
    const double delta = event->angleDelta().y();
    if (delta == 0) return QGraphicsView::wheelEvent(event);
    zoomBy(std::pow(1.0015, delta));
    event->accept();
}

void GraphView::zoomBy(double factor) {
    const double current = transform().m11();
    double fitScale = 1;
    if (d_->shown && !d_->graphRect.isEmpty())
        fitScale = std::min(viewport()->width() / d_->graphRect.width(), viewport()->height() / d_->graphRect.height());
    const double minScale = std::min(0.5 * fitScale, 0.05);
    const double target = std::clamp(current * factor, minScale, kMaxScale);
    if (target == current) return;
    scale(target / current, target / current);
    d_->userZoomed = true;
    d_->updateLod();
}

void GraphView::setZoom(double s) {
    const double current = transform().m11();
    if (s <= 0 || current <= 0) return;
    const ViewportAnchor anchor = transformationAnchor();
    setTransformationAnchor(AnchorViewCenter);
    scale(s / current, s / current);
    setTransformationAnchor(anchor);
    d_->userZoomed = true;
    d_->updateLod();
}

double GraphView::zoom() const { return transform().m11(); }

void GraphView::drawBackground(QPainter* painter, const QRectF& rect) {
    QGraphicsView::drawBackground(painter, rect);
    if (d_->overviewMode && d_->shown) d_->drawOverview(painter);
}

void GraphView::keyPressEvent(QKeyEvent* event) {
    if (event->matches(QKeySequence::ZoomIn) ||
        (event->modifiers() & Qt::ControlModifier && event->key() == Qt::Key_Equal)) {
        zoomBy(1.25);
        return;
    }
    if (event->matches(QKeySequence::ZoomOut)) {
        zoomBy(0.8);
        return;
    }
    if (event->key() == Qt::Key_F &&
        !(event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))) {
        fitAll();
        return;
    }
    if (event->key() == Qt::Key_0 && event->modifiers() & Qt::ControlModifier) {
        zoomBy(1.0 / transform().m11());
        return;
    }
    if (event->key() == Qt::Key_Escape) {
        d_->scene->clearSelection();
        clearHighlight();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void GraphView::resizeEvent(QResizeEvent* event) {
    QGraphicsView::resizeEvent(event);
    if (d_->shown && !d_->userZoomed) fitAll();
}

void GraphView::changeEvent(QEvent* event) {
    QGraphicsView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) {
        d_->style = GraphStyle::fromPalette(palette(), font());
        d_->scene->setBackgroundBrush(d_->style.background);
        resetCachedContent();
        d_->invalidateOverview();
        d_->scene->update();
    }
}

}  // namespace hs::gui
