// The layered layout of the routing graph: geometry (no overlaps, lanes as ordered columns),
// crossing counts (known answers, brute force), crossing reduction, stability under small
// changes, Pod folding, determinism, and graphs the layout must survive (empty, cycles, edges
// within a lane, dangling edges).

#include "app/graph/build_graph.h"
#include "app/graph/crossings.h"
#include "app/graph/fold.h"
#include "app/graph/graph.h"
#include "app/graph/layout.h"
#include "resources/demo.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace hs::graph;
using Count = std::int64_t;  // what the layout counts in (qint64 is another type on LP64)

Q_DECLARE_METATYPE(hs::graph::Graph)
Q_DECLARE_METATYPE(hs::graph::LayoutOptions)

namespace {

// Concatenation by appending: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string.
template <class... Parts>
std::string cat(const Parts&... parts) {
    std::string s;
    (s.append(parts), ...);
    return s;
}

std::uint32_t addNode(Graph& g, Lane lane, const std::string& name, const std::string& ns = "default",
                      const std::string& group = {}) {
    GraphNode n;
    n.id = std::string(laneName(lane)) + "/" + ns + "/" + name;
    n.lane = lane;
    n.label = name;
    n.detail = lane == Lane::Pod ? "10.0.0.1 · node-a" : std::string(laneName(lane));
    n.ns = ns;
    n.group = group;
    return g.add(std::move(n));
}

// Random bits that are the same on every standard library (no std distributions).
struct Bits {
    std::mt19937 engine;
    explicit Bits(std::uint32_t seed) : engine(seed) {}
    std::uint32_t below(std::uint32_t n) { return n ? engine() % n : 0; }
};

// A cluster-like graph: entries → Ingresses → rules → Services → Pods, some Services shared
// between rules and some Pods selected by two Services; namespaces of a few Ingresses each.
Graph clusterGraph(std::uint32_t ingresses, std::uint32_t seed) {
    Bits r(seed);
    Graph g;
    std::vector<std::uint32_t> entries = {addNode(g, Lane::Entry, "nginx", ""),
                                          addNode(g, Lane::Entry, "internal", "")};
    std::vector<std::uint32_t> services, pods;
    for (std::uint32_t i = 0; i < ingresses; ++i) {
        std::string ns = "team-" + std::to_string(i / 4);
        std::uint32_t in = addNode(g, Lane::Route, "ing-" + std::to_string(i), ns);
        g.connect(entries[r.below(5) == 0 ? 1 : 0], in);
        std::uint32_t rules = 1 + r.below(3);
        for (std::uint32_t k = 0; k < rules; ++k) {
            std::uint32_t rule = addNode(g, Lane::Rule, "ing-" + std::to_string(i) + "/r" + std::to_string(k), ns);
            g.connect(in, rule);
            if (!services.empty() && r.below(6) == 0 && g.nodes[services.back()].ns == ns) {
                g.connect(rule,
                          services[services.size() - 1 -
                                   r.below(std::min<std::uint32_t>(2, static_cast<std::uint32_t>(services.size())))]);
                continue;
            }
            std::string svcName = "svc-" + std::to_string(services.size());
            std::uint32_t svc = addNode(g, Lane::Service, svcName, ns);
            g.connect(rule, svc);
            if (!pods.empty() && r.below(8) == 0 && g.nodes[pods.back()].ns == ns) {
                g.connect(svc, pods.back());  // a Pod selected by two Services
            }
            std::uint32_t count = 1 + r.below(6);
            for (std::uint32_t p = 0; p < count; ++p) {
                std::uint32_t pod =
                    addNode(g, Lane::Pod, svcName + "-pod-" + std::to_string(p), ns, ns + "/ReplicaSet/" + svcName);
                g.connect(svc, pod);
                pods.push_back(pod);
            }
            services.push_back(svc);
        }
    }
    return g;
}

// A random layered graph: `width` nodes per lane over five lanes, every node after the first lane
// with 1-3 parents in the lane before, and some edges skipping a lane.
Graph randomLayered(std::uint32_t width, std::uint32_t seed, bool skips) {
    Bits r(seed);
    Graph g;
    const Lane lanes[] = {Lane::Entry, Lane::Route, Lane::Rule, Lane::Service, Lane::Pod};
    std::vector<std::vector<std::uint32_t>> byLane(5);
    for (int l = 0; l < 5; ++l)
        for (std::uint32_t i = 0; i < width; ++i) {
            std::uint32_t v = addNode(g, lanes[l], cat("n", std::to_string(l), "-", std::to_string(i)),
                                      cat("ns-", std::to_string(r.below(3))));
            byLane[static_cast<std::size_t>(l)].push_back(v);
            if (l == 0) continue;
            std::uint32_t parents = 1 + r.below(3);
            for (std::uint32_t p = 0; p < parents; ++p)
                g.connect(byLane[static_cast<std::size_t>(l) - 1][r.below(width)], v);
            if (skips && l >= 2 && r.below(4) == 0)
                g.connect(byLane[static_cast<std::size_t>(l) - 2][r.below(width)], v);
        }
    return g;
}

// A tree: one entry, every later node with exactly one parent, added in a shuffled order; in one
// namespace or in several at random.
Graph randomTree(std::uint32_t seed, bool namespaces) {
    Bits r(seed);
    struct Proto {
        Lane lane;
        std::string name;
        std::uint32_t parent;  // index into protos, or UINT32_MAX
    };
    std::vector<Proto> protos = {{Lane::Entry, "root", UINT32_MAX}};
    std::vector<std::uint32_t> previous = {0};
    for (Lane lane : {Lane::Route, Lane::Rule, Lane::Service, Lane::Pod}) {
        std::vector<std::uint32_t> current;
        for (std::uint32_t parent : previous) {
            std::uint32_t children = 1 + r.below(4);
            for (std::uint32_t c = 0; c < children; ++c) {
                current.push_back(static_cast<std::uint32_t>(protos.size()));
                protos.push_back({lane, protos[parent].name + "." + std::to_string(c), parent});
            }
        }
        previous = current;
    }
    std::vector<std::uint32_t> order(protos.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[r.below(static_cast<std::uint32_t>(i))]);
    Graph g;
    std::vector<std::uint32_t> index(protos.size());
    for (std::uint32_t p : order)
        index[p] =
            addNode(g, protos[p].lane, protos[p].name, namespaces ? cat("ns-", std::to_string(r.below(4))) : "ns");
    for (std::uint32_t p : order)
        if (protos[p].parent != UINT32_MAX) g.connect(index[protos[p].parent], index[p]);
    return g;
}

Graph demoRouting(const BuildOptions& options = {}) {
    auto loaded = hs::demo::load();
    return loaded.state ? buildGraph(*loaded.state, options) : Graph{};
}

LayoutOptions inputOrderOnly() {
    LayoutOptions o;
    o.initialOrder = InitialOrder::Input;
    o.maxSweeps = 0;
    return o;
}

const LaneColumn* columnOf(const Layout& l, Lane lane) {
    for (const auto& c : l.columns)
        if (c.lane == lane) return &c;
    return nullptr;
}

// The first pair of overlapping boxes, as text, or empty.
QString overlap(const Graph& g, const Layout& l) {
    std::vector<std::uint32_t> byY(l.boxes.size());
    for (std::uint32_t i = 0; i < byY.size(); ++i) byY[i] = i;
    std::sort(byY.begin(), byY.end(), [&](std::uint32_t a, std::uint32_t b) { return l.boxes[a].y < l.boxes[b].y; });
    for (std::size_t i = 0; i < byY.size(); ++i) {
        const Rect& a = l.boxes[byY[i]];
        for (std::size_t j = i + 1; j < byY.size() && l.boxes[byY[j]].y < a.bottom(); ++j) {
            const Rect& b = l.boxes[byY[j]];
            if (b.x < a.right() && a.x < b.right())
                return QString("%1 and %2 overlap")
                    .arg(QString::fromStdString(g.nodes[byY[i]].id), QString::fromStdString(g.nodes[byY[j]].id));
        }
    }
    return {};
}

// Crossings by brute force over all pairs of segments between neighbouring columns, the
// segments cut from the routes at the columns' centres. O(E^2): small graphs only.
std::int64_t bruteForceCrossings(const Graph& g, const Layout& l) {
    struct Seg {
        std::size_t gap;
        double a, b;
    };
    auto heightAt = [](const std::vector<Point>& pts, double x) {
        for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
            const Point& p = pts[i];
            const Point& q = pts[i + 1];
            if (x >= std::min(p.x, q.x) && x <= std::max(p.x, q.x))
                return p.x == q.x ? p.y : p.y + (q.y - p.y) * (x - p.x) / (q.x - p.x);
        }
        return 0.0;
    };
    auto columnIndex = [&](Lane lane) {
        for (std::size_t c = 0; c < l.columns.size(); ++c)
            if (l.columns[c].lane == lane) return c;
        return std::size_t(-1);
    };
    std::vector<Seg> segs;
    for (std::size_t e = 0; e < g.edges.size(); ++e) {
        const GraphEdge& edge = g.edges[e];
        if (edge.from >= g.nodes.size() || edge.to >= g.nodes.size()) continue;
        std::size_t a = columnIndex(g.nodes[edge.from].lane), b = columnIndex(g.nodes[edge.to].lane);
        if (a == b) continue;
        std::uint32_t top = a < b ? edge.from : edge.to, bottom = a < b ? edge.to : edge.from;
        std::size_t lo = std::min(a, b), hi = std::max(a, b);
        double prev = l.boxes[top].centerY();
        for (std::size_t c = lo + 1; c <= hi; ++c) {
            double y =
                c == hi ? l.boxes[bottom].centerY() : heightAt(l.routes[e], l.columns[c].x + l.columns[c].width / 2);
            segs.push_back({c - 1, prev, y});
            prev = y;
        }
    }
    std::int64_t n = 0;
    for (std::size_t i = 0; i < segs.size(); ++i)
        for (std::size_t j = i + 1; j < segs.size(); ++j)
            if (segs[i].gap == segs[j].gap && (segs[i].a - segs[j].a) * (segs[i].b - segs[j].b) < 0) ++n;
    return n;
}

// Index of the node with this id (tests only; Graph::find does the same, linearly).
std::uint32_t idx(const Graph& g, const std::string& id) { return g.find(id); }

Graph withoutNode(const Graph& g, std::uint32_t drop) {
    Graph out;
    std::vector<std::uint32_t> map(g.nodes.size(), UINT32_MAX);
    for (std::uint32_t i = 0; i < g.nodes.size(); ++i)
        if (i != drop) map[i] = out.add(g.nodes[i]);
    for (const auto& e : g.edges)
        if (e.from != drop && e.to != drop) out.connect(map[e.from], map[e.to], e.health, e.label);
    return out;
}

}  // namespace

class TestLayout : public QObject {
    Q_OBJECT

private slots:
    void geometry_data();
    void geometry();
    void knownCrossings_data();
    void knownCrossings();
    void counterMatchesBruteForce_data();
    void counterMatchesBruteForce();
    void reductionBeatsInitialOrder_data();
    void reductionBeatsInitialOrder();
    void treeHasNoCrossings_data();
    void treeHasNoCrossings();
    void stability_data();
    void stability();
    void relayoutWithOwnMemoIsFixed();
    void foldTwelvePods();
    void foldBelowThreshold();
    void foldedGraphLaysOut();
    void deterministic_data();
    void deterministic();
    void emptyGraph();
    void singleNode();
    void awkwardGraphs_data();
    void awkwardGraphs();
    void textMeasure();
    void demoGraph_data();
    void demoGraph();
};

// Every graph: no two boxes overlap, every box inside its lane's column, columns only for lanes
// with nodes, left to right in lane order without overlapping, routes start and end on their boxes.
void TestLayout::geometry_data() {
    QTest::addColumn<Graph>("graph");
    QTest::addColumn<LayoutOptions>("options");
    LayoutOptions wide;
    wide.labelCharWidth = 14;
    wide.nodeGap = 0;
    wide.namespaceGap = 0;
    wide.laneGap = 10;
    LayoutOptions tiny;
    tiny.lineHeight = 4;
    tiny.paddingX = tiny.paddingY = 0;
    tiny.minNodeWidth = 1;
    tiny.labelCharWidth = tiny.detailCharWidth = 1;
    LayoutOptions nonsense;
    nonsense.lineHeight = -5;
    nonsense.paddingX = nonsense.paddingY = -3;
    nonsense.laneGap = -10;
    nonsense.nodeGap = -3;
    nonsense.namespaceGap = -1;
    nonsense.measure = [](std::string_view, TextRole) { return std::nan(""); };
    QTest::newRow("demo") << demoRouting() << LayoutOptions{};
    QTest::newRow("demo, negative sizes, NaN text widths") << demoRouting() << nonsense;
    QTest::newRow("demo, wide labels, no gaps") << demoRouting() << wide;
    QTest::newRow("demo, tiny boxes") << demoRouting() << tiny;
    QTest::newRow("cluster 60 ingresses") << clusterGraph(60, 1) << LayoutOptions{};
    QTest::newRow("cluster 60 ingresses, wide") << clusterGraph(60, 2) << wide;
    QTest::newRow("random layered with skips") << randomLayered(20, 3, true) << LayoutOptions{};
    QTest::newRow("random layered, tiny") << randomLayered(25, 4, true) << tiny;
    QTest::newRow("input order, no sweeps") << randomLayered(20, 5, true) << inputOrderOnly();
}

void TestLayout::geometry() {
    QFETCH(Graph, graph);
    QFETCH(LayoutOptions, options);
    const Layout l = computeLayout(graph, options);
    QCOMPARE(l.boxes.size(), graph.nodes.size());
    QCOMPARE(l.routes.size(), graph.edges.size());
    QString o = overlap(graph, l);
    QVERIFY2(o.isEmpty(), qPrintable(o));

    for (std::size_t c = 1; c < l.columns.size(); ++c) {
        QVERIFY2(l.columns[c - 1].lane < l.columns[c].lane, "columns out of lane order");
        QVERIFY2(l.columns[c - 1].right() < l.columns[c].x, "columns overlap");
    }
    for (const auto& c : l.columns) {
        bool used =
            std::any_of(graph.nodes.begin(), graph.nodes.end(), [&](const GraphNode& n) { return n.lane == c.lane; });
        QVERIFY2(used, qPrintable(QString("column for the empty lane %1").arg(laneName(c.lane))));
    }
    for (std::size_t v = 0; v < graph.nodes.size(); ++v) {
        const LaneColumn* c = columnOf(l, graph.nodes[v].lane);
        QVERIFY2(c, "node without a column");
        const Rect& b = l.boxes[v];
        QVERIFY2(b.x >= c->x - 1e-9 && b.right() <= c->right() + 1e-9,
                 qPrintable(QString("%1 outside its column").arg(QString::fromStdString(graph.nodes[v].id))));
        QVERIFY2(b.width > 0 && b.height > 0, "empty box");
    }
    for (std::size_t e = 0; e < graph.edges.size(); ++e) {
        const auto& r = l.routes[e];
        QVERIFY2(r.size() >= 2, "an edge without a route");
        const Rect& from = l.boxes[graph.edges[e].from];
        const Rect& to = l.boxes[graph.edges[e].to];
        QVERIFY2(std::abs(r.front().y - from.centerY()) < from.height / 2 + 1e-9 &&
                     (std::abs(r.front().x - from.x) < 1e-9 || std::abs(r.front().x - from.right()) < 1e-9),
                 "route does not start on its source box");
        QVERIFY2(std::abs(r.back().y - to.centerY()) < to.height / 2 + 1e-9 &&
                     (std::abs(r.back().x - to.x) < 1e-9 || std::abs(r.back().x - to.right()) < 1e-9),
                 "route does not end on its target box");
    }
    for (const Rect& b : l.boxes)
        QVERIFY2(
            b.x >= l.bounds.x && b.y >= l.bounds.y && b.right() <= l.bounds.right() && b.bottom() <= l.bounds.bottom(),
            "box outside the bounds");
    // Ranks follow the vertical order within each lane.
    for (std::size_t a = 0; a < graph.nodes.size(); ++a)
        for (std::size_t b = 0; b < graph.nodes.size(); ++b)
            if (graph.nodes[a].lane == graph.nodes[b].lane && l.rank[a] < l.rank[b])
                QVERIFY2(l.boxes[a].y < l.boxes[b].y, "rank and y disagree");
}

// Hand-made graphs, laid out in input order without sweeps, so the answer is known.
void TestLayout::knownCrossings_data() {
    QTest::addColumn<Graph>("graph");
    QTest::addColumn<qint64>("inputOrder");  // crossings as given
    QTest::addColumn<qint64>("reduced");  // the minimum, which the layout must reach

    {
        Graph g;  // a1→b2 and a2→b1 cross once
        auto a1 = addNode(g, Lane::Service, "a1"), a2 = addNode(g, Lane::Service, "a2");
        auto b1 = addNode(g, Lane::Pod, "b1"), b2 = addNode(g, Lane::Pod, "b2");
        g.connect(a1, b2);
        g.connect(a2, b1);
        QTest::newRow("one crossing") << g << qint64(1) << qint64(0);
    }
    {
        Graph g;  // edges sharing an end never cross
        auto a1 = addNode(g, Lane::Service, "a1");
        auto b1 = addNode(g, Lane::Pod, "b1"), b2 = addNode(g, Lane::Pod, "b2");
        g.connect(a1, b2);
        g.connect(a1, b1);
        QTest::newRow("shared end") << g << qint64(0) << qint64(0);
    }
    {
        Graph g;  // K3,3: every order has C(3,2)^2 = 9 crossings
        std::vector<std::uint32_t> a, b;
        for (int i = 0; i < 3; ++i) a.push_back(addNode(g, Lane::Service, "a" + std::to_string(i)));
        for (int i = 0; i < 3; ++i) b.push_back(addNode(g, Lane::Pod, "b" + std::to_string(i)));
        for (auto x : a)
            for (auto y : b) g.connect(x, y);
        QTest::newRow("K3,3") << g << qint64(9) << qint64(9);
    }
    {
        Graph g;  // a reversed order: 4 nodes each side, i → 3-i: C(4,2) = 6
        std::vector<std::uint32_t> a, b;
        for (int i = 0; i < 4; ++i) a.push_back(addNode(g, Lane::Rule, "a" + std::to_string(i)));
        for (int i = 0; i < 4; ++i) b.push_back(addNode(g, Lane::Service, "b" + std::to_string(i)));
        for (int i = 0; i < 4; ++i) g.connect(a[static_cast<std::size_t>(i)], b[static_cast<std::size_t>(3 - i)]);
        QTest::newRow("reversed") << g << qint64(6) << qint64(0);
    }
    {
        // e1 → s1 skips the Route lane; its bend point comes after r1 in input order, so it
        // crosses e2 → r1 on the left and r1 → s2 on the right.
        Graph g;
        auto e1 = addNode(g, Lane::Entry, "e1", ""), e2 = addNode(g, Lane::Entry, "e2", "");
        auto r1 = addNode(g, Lane::Route, "r1");
        auto s1 = addNode(g, Lane::Service, "s1"), s2 = addNode(g, Lane::Service, "s2");
        g.connect(e1, s1);
        g.connect(e2, r1);
        g.connect(r1, s2);
        QTest::newRow("lane-skipping edge") << g << qint64(2) << qint64(0);
    }
    {
        // The same edges, one of them pointing back: counted the same way.
        Graph g;
        auto e1 = addNode(g, Lane::Entry, "e1", ""), e2 = addNode(g, Lane::Entry, "e2", "");
        auto r1 = addNode(g, Lane::Route, "r1");
        auto s1 = addNode(g, Lane::Service, "s1"), s2 = addNode(g, Lane::Service, "s2");
        g.connect(s1, e1);
        g.connect(e2, r1);
        g.connect(r1, s2);
        QTest::newRow("back edge skipping a lane") << g << qint64(2) << qint64(0);
    }
}

void TestLayout::knownCrossings() {
    QFETCH(Graph, graph);
    QFETCH(qint64, inputOrder);
    QFETCH(qint64, reduced);
    const Layout given = computeLayout(graph, inputOrderOnly());
    QCOMPARE(countCrossings(graph, given), Count(inputOrder));
    QCOMPARE(given.crossings, Count(inputOrder));
    const Layout best = computeLayout(graph);
    QCOMPARE(best.crossings, Count(reduced));
    QCOMPARE(countCrossings(graph, best), Count(reduced));
}

// The Fenwick counter, the layout's own count and an O(E^2) count agree.
void TestLayout::counterMatchesBruteForce_data() {
    QTest::addColumn<Graph>("graph");
    QTest::addColumn<LayoutOptions>("options");
    for (std::uint32_t seed = 1; seed <= 4; ++seed) {
        QTest::addRow("random %u, input order", seed) << randomLayered(12, seed, true) << inputOrderOnly();
        QTest::addRow("random %u, reduced", seed) << randomLayered(12, seed, true) << LayoutOptions{};
    }
    QTest::newRow("cluster") << clusterGraph(20, 9) << LayoutOptions{};
    QTest::newRow("demo with Node lane") << demoRouting({false, true}) << LayoutOptions{};
}

void TestLayout::counterMatchesBruteForce() {
    QFETCH(Graph, graph);
    QFETCH(LayoutOptions, options);
    const Layout l = computeLayout(graph, options);
    const std::int64_t brute = bruteForceCrossings(graph, l);
    QCOMPARE(countCrossings(graph, l), brute);
    QCOMPARE(l.crossings, brute);
}

void TestLayout::reductionBeatsInitialOrder_data() {
    QTest::addColumn<Graph>("graph");
    for (std::uint32_t seed = 1; seed <= 5; ++seed)
        QTest::addRow("random layered %u", seed) << randomLayered(30, seed, seed % 2);
    QTest::newRow("cluster") << clusterGraph(80, 7);
}

void TestLayout::reductionBeatsInitialOrder() {
    QFETCH(Graph, graph);
    const std::int64_t input = computeLayout(graph, inputOrderOnly()).crossings;
    LayoutOptions traversalOnly;
    traversalOnly.maxSweeps = 0;
    const std::int64_t traversal = computeLayout(graph, traversalOnly).crossings;
    const Layout l = computeLayout(graph);
    QVERIFY2(l.crossings < input, qPrintable(QString("reduced %1, input order %2").arg(l.crossings).arg(input)));
    QVERIFY2(l.crossings <= traversal,
             qPrintable(QString("reduced %1, traversal order %2").arg(l.crossings).arg(traversal)));
    QCOMPARE(l.stats.initialCrossings, traversal);
    // Every heuristic improves on the input order too.
    for (OrderHeuristic h : {OrderHeuristic::Barycenter, OrderHeuristic::Median}) {
        LayoutOptions o;
        o.initialOrder = InitialOrder::Input;
        o.heuristic = h;
        std::int64_t c = computeLayout(graph, o).crossings;
        QVERIFY2(c < input, qPrintable(QString("heuristic %1: %2, input order %3").arg(int(h)).arg(c).arg(input)));
    }
}

void TestLayout::treeHasNoCrossings_data() {
    QTest::addColumn<Graph>("graph");
    QTest::addColumn<bool>("namespaces");
    for (std::uint32_t seed = 1; seed <= 5; ++seed) {
        QTest::addRow("tree %u", seed) << randomTree(seed, false) << false;
        QTest::addRow("tree %u, random namespaces", seed) << randomTree(seed, true) << true;
    }
}

void TestLayout::treeHasNoCrossings() {
    QFETCH(Graph, graph);
    QFETCH(bool, namespaces);
    LayoutOptions traversalOnly;
    traversalOnly.maxSweeps = 0;
    // The traversal alone is planar within a namespace (it walks namespaces one by one).
    if (!namespaces) QCOMPARE(computeLayout(graph, traversalOnly).crossings, Count(0));
    const Layout l = computeLayout(graph);
    QCOMPARE(l.crossings, Count(0));
    QCOMPARE(countCrossings(graph, l), Count(0));
}

// Relayout after a small change, with the previous memo: no pair of nodes that stayed swaps, none
// moves more than one slot per node added to its lane (none more than one slot for a single Pod
// added or removed), and a new Pod lands next to a sibling.
void TestLayout::stability_data() {
    QTest::addColumn<Graph>("graph");
    QTest::addColumn<QString>("change");
    for (const char* change : {"add pod", "remove pod", "add service", "remove ingress"}) {
        QTest::addRow("demo, %s", change) << demoRouting() << QString(change);
        QTest::addRow("cluster, %s", change) << clusterGraph(120, 11) << QString(change);
    }
}

void TestLayout::stability() {
    QFETCH(Graph, graph);
    QFETCH(QString, change);
    const LayoutOptions options;
    const Layout before = computeLayout(graph);

    // The Service with the most Pods, and one of its Pods.
    std::vector<std::uint32_t> podsOf(graph.nodes.size(), 0);
    for (const auto& e : graph.edges)
        if (graph.nodes[e.from].lane == Lane::Service && graph.nodes[e.to].lane == Lane::Pod) ++podsOf[e.from];
    const auto service = static_cast<std::uint32_t>(std::max_element(podsOf.begin(), podsOf.end()) - podsOf.begin());
    std::uint32_t sibling = UINT32_MAX;
    for (const auto& e : graph.edges)
        if (e.from == service && graph.nodes[e.to].lane == Lane::Pod) sibling = e.to;
    QVERIFY(sibling != UINT32_MAX);

    Graph after = graph;
    std::string newId;
    if (change == "add pod") {
        GraphNode pod = graph.nodes[sibling];
        pod.id += "-new";
        pod.label += "-new";
        newId = pod.id;
        after.connect(service, after.add(std::move(pod)));
    } else if (change == "remove pod") {
        after = withoutNode(graph, sibling);
    } else if (change == "add service") {
        std::uint32_t rule = UINT32_MAX;
        for (const auto& e : graph.edges)
            if (e.to == service && graph.nodes[e.from].lane == Lane::Rule) rule = e.from;
        QVERIFY(rule != UINT32_MAX);
        GraphNode svc = graph.nodes[service];
        svc.id += "-new";
        svc.label += "-new";
        std::uint32_t s = after.add(std::move(svc));
        after.connect(rule, s);
        for (int i = 0; i < 3; ++i) {
            GraphNode pod = graph.nodes[sibling];
            pod.id += "-new" + std::to_string(i);
            after.connect(s, after.add(std::move(pod)));
        }
    } else {
        std::uint32_t route = UINT32_MAX;
        for (std::uint32_t i = 0; i < graph.nodes.size() && route == UINT32_MAX; ++i)
            if (graph.nodes[i].lane == Lane::Route) route = i;
        after = withoutNode(graph, route);
    }

    const Layout relaid = computeLayout(after, options, &before.memo);
    QString o = overlap(after, relaid);
    QVERIFY2(o.isEmpty(), qPrintable(o));
    const Stability s = compareLayouts(before.memo, relaid.memo, options.slot());
    QVERIFY2(s.common + 4 >= std::min(graph.nodes.size(), after.nodes.size()), "nodes lost by id");
    // A lane packed tight must open one slot per node added to it; nothing moves more than that.
    const double added = change == "add service" ? 3 : 1;
    QVERIFY2(s.maxShift <= added * options.slot() + 1e-6,
             qPrintable(QString("a node moved %1, more than %2 slots").arg(s.maxShift).arg(added)));
    if (added == 1)
        QVERIFY2(
            s.moved == 0,
            qPrintable(
                QString("%1 of %2 nodes moved more than a slot (max %3)").arg(s.moved).arg(s.common).arg(s.maxShift)));
    QVERIFY2(s.swaps == 0, qPrintable(QString("%1 pairs of nodes swapped").arg(s.swaps)));
    QCOMPARE(relaid.crossings, countCrossings(after, relaid));

    if (!newId.empty()) {
        std::uint32_t pod = idx(after, newId);
        bool nextToSibling = false;
        for (const auto& e : after.edges)
            if (e.from == service && e.to != pod)
                nextToSibling = nextToSibling ||
                    (relaid.rank[e.to] + 1 == relaid.rank[pod] || relaid.rank[pod] + 1 == relaid.rank[e.to]);
        QVERIFY2(nextToSibling, "the new Pod is not next to a Pod of its Service");
    }
}

void TestLayout::relayoutWithOwnMemoIsFixed() {
    const Graph g = clusterGraph(40, 5);
    const Layout a = computeLayout(g);
    const Layout b = computeLayout(g, {}, &a.memo);
    QCOMPARE(b.rank, a.rank);
    for (std::size_t i = 0; i < a.boxes.size(); ++i)
        QVERIFY2(std::abs(a.boxes[i].y - b.boxes[i].y) < 1e-6, "a node moved in a relayout of the same graph");
    const Stability s = compareLayouts(a.memo, b.memo, 1e-6);
    QCOMPARE(s.common, g.nodes.size());
    QCOMPARE(s.moved, std::size_t(0));
}

void TestLayout::foldTwelvePods() {
    Graph g;
    auto rule = addNode(g, Lane::Rule, "shop/");
    auto web = addNode(g, Lane::Service, "web", "shop");
    std::vector<std::uint32_t> nodes = {addNode(g, Lane::Node, "node-a", ""), addNode(g, Lane::Node, "node-b", "")};
    g.connect(rule, web);
    for (int i = 0; i < 12; ++i) {
        auto p = addNode(g, Lane::Pod, "web-" + std::to_string(i), "shop", "shop/ReplicaSet/web-7d9f");
        if (i == 3) g.nodes[p].health = Health::Inactive;
        g.connect(web, p, g.nodes[p].health);
        g.connect(p, nodes[static_cast<std::size_t>(i % 2)]);
    }
    auto lone = addNode(g, Lane::Pod, "debug", "shop");  // no group: never folded
    g.connect(web, lone);

    const FoldedGraph f = foldPods(g, 4);
    QCOMPARE(f.graph.nodes.size(), std::size_t(1 + 1 + 2 + 1 + 1));  // rule, web, 2 nodes, fold, debug
    const std::uint32_t fold = f.nodeMap[idx(g, "pod/shop/web-0")];
    const GraphNode& n = f.graph.nodes[fold];
    QCOMPARE(n.members, 12u);
    QCOMPARE(n.label, std::string("12 pods"));
    QCOMPARE(n.id, std::string("Fold/shop/ReplicaSet/web-7d9f"));
    QCOMPARE(n.detail, std::string("ReplicaSet/web-7d9f"));
    QCOMPARE(n.lane, Lane::Pod);
    QCOMPARE(n.health, Health::Warning);  // one of twelve not serving
    QCOMPARE(n.healthReason, std::string("1 of 12 pods not serving"));
    for (int i = 0; i < 12; ++i) QCOMPARE(f.nodeMap[idx(g, "pod/shop/web-" + std::to_string(i))], fold);

    // web → fold once (health mixed), fold → each Node once, web → debug, rule → web.
    QCOMPARE(f.graph.edges.size(), std::size_t(5));
    int intoFold = 0, outOfFold = 0;
    for (const auto& e : f.graph.edges) {
        if (e.to == fold) {
            ++intoFold;
            QCOMPARE(e.health, Health::Warning);
        }
        if (e.from == fold) ++outOfFold;
    }
    QCOMPARE(intoFold, 1);
    QCOMPARE(outOfFold, 2);
    for (std::size_t e = 0; e < g.edges.size(); ++e) {
        QVERIFY(f.edgeMap[e] < f.graph.edges.size());
        const GraphEdge& mapped = f.graph.edges[f.edgeMap[e]];
        QCOMPARE(mapped.from, f.nodeMap[g.edges[e].from]);
        QCOMPARE(mapped.to, f.nodeMap[g.edges[e].to]);
    }
}

void TestLayout::foldBelowThreshold() {
    Graph g;
    auto svc = addNode(g, Lane::Service, "db", "shop");
    for (int i = 0; i < 3; ++i)
        g.connect(svc, addNode(g, Lane::Pod, "db-" + std::to_string(i), "shop", "shop/StatefulSet/db"));
    QCOMPARE(foldPods(g, 4).graph.nodes.size(), g.nodes.size());
    QCOMPARE(foldPods(g, 3).graph.nodes.size(), std::size_t(2));
    QCOMPARE(foldPods(g, 0).graph.nodes.size(), std::size_t(2));  // thresholds below 2 mean 2
    const FoldedGraph same = foldPods(g, 4);
    for (std::uint32_t i = 0; i < g.nodes.size(); ++i) QCOMPARE(same.nodeMap[i], i);
}

void TestLayout::foldedGraphLaysOut() {
    const Graph g = clusterGraph(60, 3);
    const FoldedGraph f = foldPods(g, 2);
    QVERIFY(f.graph.nodes.size() < g.nodes.size());
    const Layout l = computeLayout(f.graph);
    QString o = overlap(f.graph, l);
    QVERIFY2(o.isEmpty(), qPrintable(o));
    QCOMPARE(l.crossings, countCrossings(f.graph, l));
}

void TestLayout::deterministic_data() {
    QTest::addColumn<Graph>("graph");
    QTest::newRow("demo") << demoRouting();
    QTest::newRow("cluster") << clusterGraph(100, 13);
    QTest::newRow("random with skips") << randomLayered(30, 8, true);
}

void TestLayout::deterministic() {
    QFETCH(Graph, graph);
    const Layout a = computeLayout(graph);
    const Layout b = computeLayout(graph);
    QVERIFY2(a.boxes == b.boxes, "boxes differ between two runs");
    QVERIFY2(a.routes == b.routes, "routes differ between two runs");
    QCOMPARE(a.crossings, b.crossings);
    QCOMPARE(a.rank, b.rank);
    // With a memo too.
    const Layout c = computeLayout(graph, {}, &a.memo);
    const Layout d = computeLayout(graph, {}, &b.memo);
    QVERIFY2(c.boxes == d.boxes, "boxes differ between two runs with a memo");
}

void TestLayout::emptyGraph() {
    const Graph g;
    const Layout l = computeLayout(g);
    QVERIFY(l.boxes.empty());
    QVERIFY(l.routes.empty());
    QVERIFY(l.columns.empty());
    QCOMPARE(l.crossings, Count(0));
    QCOMPARE(l.bounds, Rect{});
    QCOMPARE(countCrossings(g, l), Count(0));
    QVERIFY(l.memo.empty());
    QCOMPARE(foldPods(g, 2).graph.nodes.size(), std::size_t(0));
    const Layout again = computeLayout(g, {}, &l.memo);
    QVERIFY(again.boxes.empty());
}

void TestLayout::singleNode() {
    Graph g;
    addNode(g, Lane::Service, "alone");
    const Layout l = computeLayout(g);
    QCOMPARE(l.boxes.size(), std::size_t(1));
    QCOMPARE(l.columns.size(), std::size_t(1));
    QCOMPARE(l.columns[0].lane, Lane::Service);
    QCOMPARE(l.boxes[0].x, 0.0);
    QCOMPARE(l.boxes[0].y, 0.0);
    QCOMPARE(l.bounds, l.boxes[0]);
    QCOMPARE(l.crossings, Count(0));
}

// Graphs the builder does not make but the layout must take: cycles, back edges, edges within a
// lane, self-loops, parallel edges, dangling edge indexes.
void TestLayout::awkwardGraphs_data() {
    QTest::addColumn<Graph>("graph");
    QTest::addColumn<bool>("dangling");
    {
        Graph g;
        auto e = addNode(g, Lane::Entry, "e", ""), r = addNode(g, Lane::Route, "r"), s = addNode(g, Lane::Service, "s");
        auto p = addNode(g, Lane::Pod, "p");
        g.connect(e, r);
        g.connect(r, s);
        g.connect(s, p);
        g.connect(p, e);  // back to the start: a cycle
        g.connect(s, r);  // back one lane
        QTest::newRow("cycle and back edges") << g << false;
    }
    {
        Graph g;
        auto a = addNode(g, Lane::Service, "a"), b = addNode(g, Lane::Service, "b"), c = addNode(g, Lane::Service, "c");
        auto p = addNode(g, Lane::Pod, "p");
        g.connect(a, b);
        g.connect(b, c);
        g.connect(c, a);  // a cycle inside one lane
        g.connect(a, a);  // a self-loop
        g.connect(a, p);
        g.connect(a, p);  // parallel
        QTest::newRow("within a lane") << g << false;
    }
    {
        Graph g = randomLayered(10, 2, true);
        for (std::uint32_t i = 0; i + 1 < g.nodes.size(); i += 7) g.connect(i + 1, i);  // assorted back and flat edges
        QTest::newRow("random with back edges") << g << false;
    }
    {
        Graph g;
        auto a = addNode(g, Lane::Service, "a"), p = addNode(g, Lane::Pod, "p");
        g.connect(a, p);
        g.connect(a, 99);  // out of range
        g.connect(77, p);
        QTest::newRow("dangling edges") << g << true;
    }
}

void TestLayout::awkwardGraphs() {
    QFETCH(Graph, graph);
    QFETCH(bool, dangling);
    const Layout l = computeLayout(graph);
    QCOMPARE(l.boxes.size(), graph.nodes.size());
    QCOMPARE(l.routes.size(), graph.edges.size());
    QString o = overlap(graph, l);
    QVERIFY2(o.isEmpty(), qPrintable(o));
    for (std::size_t e = 0; e < graph.edges.size(); ++e) {
        bool valid = graph.edges[e].from < graph.nodes.size() && graph.edges[e].to < graph.nodes.size();
        QVERIFY2(valid == (l.routes[e].size() >= 2), "a valid edge without route, or a dangling one with one");
    }
    QCOMPARE(countCrossings(graph, l), l.crossings);
    if (!dangling) QCOMPARE(bruteForceCrossings(graph, l), l.crossings);
    const Layout again = computeLayout(graph, {}, &l.memo);
    QVERIFY2(again.boxes == l.boxes || compareLayouts(l.memo, again.memo, 1).moved == 0, "unstable relayout");
    (void)foldPods(graph, 2);
}

void TestLayout::textMeasure() {
    Graph g;
    auto a = addNode(g, Lane::Service, "short");
    auto b = addNode(g, Lane::Service, "a much longer label");
    LayoutOptions o;
    o.minNodeWidth = 0;
    o.paddingX = 5;
    int calls = 0;
    o.measure = [&](std::string_view text, TextRole role) {
        ++calls;
        return role == TextRole::Label ? 3.0 * static_cast<double>(text.size()) : 1.0;
    };
    const Layout l = computeLayout(g, o);
    QVERIFY(calls > 0);
    QCOMPARE(l.boxes[a].width, 3.0 * 5 + 10);
    QCOMPARE(l.boxes[b].width, 3.0 * 19 + 10);
    QCOMPARE(l.columns[0].width, l.boxes[b].width);
    // Without a callback: code points, not bytes ("→" is one character).
    GraphNode n;
    n.label = "a→b";
    LayoutOptions plain;
    plain.minNodeWidth = 0;
    QCOMPARE(nodeSize(n, plain).width, 3 * plain.labelCharWidth + 2 * plain.paddingX);
    QCOMPARE(nodeSize(n, plain).height, plain.lineHeight + 2 * plain.paddingY);
    o.maxNodeWidth = 20;
    QCOMPARE(computeLayout(g, o).boxes[b].width, 20.0);
}

void TestLayout::demoGraph_data() {
    QTest::addColumn<Graph>("graph");
    QTest::newRow("lanes entry to pod") << demoRouting();
    QTest::newRow("with slices") << demoRouting({true, false});
    QTest::newRow("with nodes") << demoRouting({false, true});
    QTest::newRow("with slices and nodes") << demoRouting({true, true});
    QTest::newRow("folded") << foldPods(demoRouting(), 2).graph;
}

void TestLayout::demoGraph() {
    QFETCH(Graph, graph);
    QVERIFY2(!graph.nodes.empty(), "the demo did not load");
    const Layout l = computeLayout(graph);
    QString o = overlap(graph, l);
    QVERIFY2(o.isEmpty(), qPrintable(o));
    QCOMPARE(countCrossings(graph, l), l.crossings);
    QVERIFY2(l.crossings <= l.stats.initialCrossings, "crossing reduction made things worse");
    QVERIFY2(l.crossings < computeLayout(graph, inputOrderOnly()).crossings || l.crossings == 0,
             "no better than the builder's order");
}

QTEST_APPLESS_MAIN(TestLayout)
#include "tst_layout.moc"
