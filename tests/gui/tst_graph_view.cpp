// gui.graph_view: the routing graph view on the bundled demo, offscreen. The graph is built and
// laid out on a worker; every test waits for layoutReady with a QSignalSpy.

#include "app/gui/graph_items.h"
#include "app/gui/graph_view.h"
#include "resources/demo.h"
#include "simulator/decision.h"
#include "simulator/request.h"
#include "simulator/route_table.h"

#include <QDir>
#include <QFile>
#include <QGraphicsScene>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <set>

using namespace hs;
using gui::GraphNodeItem;
using gui::GraphView;

namespace {

constexpr int kLayoutTimeoutMs = 60000;

// The demo, optionally with extra manifests appended and one text replaced, compiled for ingress-nginx.
std::shared_ptr<const sim::RouteTable> demoTable(const std::string& extra = {}, const std::string& from = {},
                                                 const std::string& to = {}) {
    std::vector<model::InputText> texts;
    for (const auto& f : demo::manifests()) {
        std::string text = f.text;
        if (!from.empty())
            if (auto at = text.find(from); at != std::string::npos) text.replace(at, from.size(), to);
        texts.push_back({std::string("demo/") + f.name, std::move(text)});
    }
    if (!extra.empty()) texts.push_back({"extra.yaml", extra});
    auto loaded = model::loadTexts(std::move(texts));
    return sim::compileRouteTable(loaded.state, sim::ProfileOptions{});
}

bool showTable(GraphView& view, std::shared_ptr<const sim::RouteTable> table) {
    QSignalSpy spy(&view, &GraphView::layoutReady);
    view.setTable(std::move(table));
    return spy.count() > 0 || spy.wait(kLayoutTimeoutMs);
}

// The node items of the full graph (not the folded level of detail), by id.
std::map<QString, GraphNodeItem*> fullItems(GraphView& view) {
    std::map<QString, GraphNodeItem*> out;
    for (QGraphicsItem* i : view.scene()->items())
        if (i->type() == GraphNodeItem::Type) {
            auto* n = static_cast<GraphNodeItem*>(i);
            if (!n->inFoldedSet()) out[n->id()] = n;
        }
    return out;
}

// Pixels of `image` that are strongly red (the broken colour), and that differ from `bg`.
int redPixels(const QImage& image) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            QColor c = image.pixelColor(x, y);
            if (c.red() > 170 && c.green() < 120 && c.blue() < 120) ++n;
        }
    return n;
}

int pixelsDifferentFrom(const QImage& image, QColor bg) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (image.pixelColor(x, y) != bg) ++n;
    return n;
}

QImage renderItem(GraphView& view, GraphNodeItem* item) {
    QRectF r = item->sceneBoundingRect();
    QImage image((r.size() * 2).toSize(), QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    view.scene()->render(&p, QRectF(QPointF(0, 0), QSizeF(image.size())), r);
    return image;
}

sim::Decision route(const sim::RouteTable& table, const std::string& host, const std::string& target) {
    sim::Request r;
    r.scheme = "https";
    r.host = host;
    r.target = target;
    sim::Decision d;
    table.newSession(1)->route(r, d, {});
    return d;
}

std::set<QString> litIds(GraphView& view) {
    std::set<QString> out;
    for (const auto& [id, item] : fullItems(view))
        if (item->emphasis() == gui::Emphasis::Lit) out.insert(id);
    return out;
}

}  // namespace

class TestGraphView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void itemsForEveryNode();
    void brokenDrawnAsBroken();
    void search_data();
    void search();
    void namespaceFilter();
    void decisionHighlight();
    void decisionHop();
    void selectionLightsRoute();
    void stableAcrossUpdates();
    void newerTableSupersedes();
    void exportFiles();
    void screenshot();

private:
    std::shared_ptr<const sim::RouteTable> table_;
};

void TestGraphView::initTestCase() {
    table_ = demoTable();
    QVERIFY2(table_, "the demo does not compile");
}

void TestGraphView::itemsForEveryNode() {
    GraphView view;
    view.resize(1600, 1000);
    QVERIFY(view.graph() == nullptr);
    QVERIFY2(showTable(view, table_), "no layoutReady");
    const graph::Graph* g = view.graph();
    QVERIFY(g);
    QVERIFY2(g->nodes.size() > 50, qPrintable(QString("only %1 nodes in the demo graph").arg(g->nodes.size())));
    auto items = fullItems(view);
    QCOMPARE(items.size(), g->nodes.size());
    for (const auto& n : g->nodes) QVERIFY2(items.count(QString::fromStdString(n.id)), n.id.c_str());
    std::vector<GraphNodeItem*> list;
    for (const auto& [id, item] : items) list.push_back(item);
    for (std::size_t i = 0; i < list.size(); ++i)
        for (std::size_t j = i + 1; j < list.size(); ++j) {
            QRectF a = list[i]->mapRectToScene(list[i]->card()), b = list[j]->mapRectToScene(list[j]->card());
            QVERIFY2(!a.intersects(b), qPrintable(list[i]->id() + " overlaps " + list[j]->id()));
        }
    // One level of detail at a time: what is visible never overlaps, at any zoom; zoomed out the
    // Pods of a workload are one folded card.
    for (double zoom : {1.0, 0.5, 0.2, 0.1}) {
        view.setZoom(zoom);
        std::vector<QRectF> visible;
        int folded = 0;
        for (QGraphicsItem* i : view.scene()->items())
            if (i->type() == GraphNodeItem::Type && i->isVisible()) {
                auto* n = static_cast<GraphNodeItem*>(i);
                folded += n->id().startsWith("Fold/");
                visible.push_back(n->card());
            }
        QVERIFY2(visible.size() >= 40, qPrintable(QString("%1 cards visible at %2").arg(visible.size()).arg(zoom)));
        for (std::size_t i = 0; i < visible.size(); ++i)
            for (std::size_t j = i + 1; j < visible.size(); ++j)
                QVERIFY2(!visible[i].intersects(visible[j]),
                         qPrintable(QString("visible cards overlap at zoom %1").arg(zoom)));
        if (zoom >= 0.5)
            QCOMPARE(folded, 0);
        else
            QVERIFY2(folded > 0, qPrintable(QString("no folded Pods at zoom %1").arg(zoom)));
    }
    QStringList ns = view.namespaces();
    QCOMPARE(ns, (QStringList{"blog", "ops", "shop", "tenants"}));
}

void TestGraphView::brokenDrawnAsBroken() {
    GraphView view;
    view.resize(1600, 1000);
    QVERIFY(showTable(view, table_));
    auto items = fullItems(view);
    // checkout's Pods are not ready: its Service has no endpoints.
    GraphNodeItem* broken = items["Service/shop/checkout"];
    GraphNodeItem* ok = items["Service/shop/api"];
    QVERIFY(broken && ok);
    QCOMPARE(broken->health(), graph::Health::Broken);
    QVERIFY2(broken->toolTip().contains("no endpoints") || broken->toolTip().contains("not ready"),
             qPrintable("tooltip without the reason: " + broken->toolTip()));
    const int red = redPixels(renderItem(view, broken));
    const int redOk = redPixels(renderItem(view, ok));
    QVERIFY2(red > 100, qPrintable(QString("the broken Service has only %1 red pixels").arg(red)));
    QVERIFY2(redOk < 10, qPrintable(QString("a healthy Service has %1 red pixels").arg(redOk)));
}

void TestGraphView::search_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("selected");
    QTest::newRow("Service by name") << "maintenance" << 2 << "Service/shop/maintenance";
    QTest::newRow("case-insensitive") << "MAINTENANCE" << 2 << "Service/shop/maintenance";
    QTest::newRow("by id") << "Service/shop/api-canary" << 1 << "Service/shop/api-canary";
    QTest::newRow("no match") << "no-such-thing" << 0 << "";
}

void TestGraphView::search() {
    QFETCH(QString, text);
    QFETCH(int, count);
    QFETCH(QString, selected);
    GraphView view;
    view.resize(1600, 1000);
    QVERIFY(showTable(view, table_));
    QSignalSpy spy(&view, &GraphView::nodeSelected);
    QCOMPARE(view.search(text), count);
    auto sel = view.scene()->selectedItems();
    if (selected.isEmpty()) {
        QVERIFY(sel.isEmpty());
        QCOMPARE(spy.count(), 0);
        return;
    }
    QCOMPARE(sel.size(), 1);
    QCOMPARE(static_cast<GraphNodeItem*>(sel.front())->id(), selected);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.front().front().toString(), selected);
    // Centred: the node is in the middle of the viewport.
    QPoint c = view.mapFromScene(static_cast<GraphNodeItem*>(sel.front())->card().center());
    QVERIFY2((c - view.viewport()->rect().center()).manhattanLength() < 4,
             qPrintable(QString("not centred: at %1,%2").arg(c.x()).arg(c.y())));
}

void TestGraphView::namespaceFilter() {
    GraphView view;
    view.resize(1600, 1000);
    QVERIFY(showTable(view, table_));
    view.setZoom(1.0);  // every Pod drawn (not folded)
    view.setNamespaceFilter({"shop"});
    int shown = 0;
    for (const auto& [id, item] : fullItems(view)) {
        const bool visible = item->isVisible();
        if (item->ns().isEmpty() || item->ns() == "shop") {
            QVERIFY2(visible, qPrintable(id + " hidden"));
            ++shown;
        } else {
            QVERIFY2(!visible, qPrintable(id + " of namespace " + item->ns() + " is shown"));
        }
    }
    QVERIFY(shown > 10);
    QCOMPARE(view.search("blog-web"), 0);  // search looks only at what is shown
    view.setNamespaceFilter({});
    for (const auto& [id, item] : fullItems(view)) QVERIFY2(item->isVisible(), qPrintable(id + " still hidden"));
}

void TestGraphView::decisionHighlight() {
    GraphView view;
    view.resize(1600, 1000);
    QVERIFY(showTable(view, table_));
    sim::Decision d = route(*table_, "shop.example.com", "/");
    QCOMPARE(d.outcome, sim::Outcome::Routed);
    QVERIFY2(d.pod.rfind("shop/storefront-7d9c6b5f4-", 0) == 0, d.pod.c_str());
    view.showDecision(d);
    const std::set<QString> expected{"Entry/ingressclass/nginx", "Ingress/shop/storefront",
                                     "Rule/Ingress/shop/storefront/0/0", "Service/shop/storefront",
                                     "Pod/" + QString::fromStdString(d.pod)};
    QCOMPARE(litIds(view), expected);
    // Everything else is dimmed.
    for (const auto& [id, item] : fullItems(view))
        if (!expected.count(id)) QVERIFY2(item->emphasis() == gui::Emphasis::Dimmed, qPrintable(id + " not dimmed"));
    view.clearHighlight();
    QVERIFY(litIds(view).empty());
    for (const auto& [id, item] : fullItems(view)) QVERIFY(item->emphasis() == gui::Emphasis::Normal);

    // A Decision of the regex-mode blog: the rule id comes from host + path as written.
    sim::Decision b = route(*table_, "blog.example.com", "/api/posts");
    QCOMPARE(b.outcome, sim::Outcome::Routed);
    view.showDecision(b);
    QVERIFY2(litIds(view).count("Rule/Ingress/blog/blog-api/0/0"), "the blog API rule is not lit");
    QVERIFY2(litIds(view).count("Service/blog/blog-api"), "the blog API Service is not lit");

    view.highlightNodes({"Service/shop/api", "Pod/shop/api-0"});
    QCOMPARE(litIds(view), (std::set<QString>{"Service/shop/api", "Pod/shop/api-0"}));
}

void TestGraphView::decisionHop() {
    GraphView view;
    view.resize(1600, 1000);
    QVERIFY(showTable(view, table_));
    sim::Decision d = route(*table_, "shop.example.com", "/");
    int pathHop = -1;
    for (std::size_t i = 0; i < d.hops.size(); ++i)
        if (d.hops[i].stage == sim::Stage::Path) pathHop = static_cast<int>(i);
    QVERIFY2(pathHop >= 0, "no Path hop in the Decision");
    view.showDecision(d, pathHop);
    QCOMPARE(
        litIds(view),
        (std::set<QString>{"Entry/ingressclass/nginx", "Ingress/shop/storefront", "Rule/Ingress/shop/storefront/0/0"}));
    // The marker travels and comes to rest on the rule.
    QGraphicsItem* marker = nullptr;
    for (QGraphicsItem* i : view.scene()->items())
        if (i->zValue() >= 10) marker = i;
    QVERIFY2(marker && marker->isVisible(), "no marker");
    const QPointF target = fullItems(view)["Rule/Ingress/shop/storefront/0/0"]->card().center();
    QTRY_VERIFY2_WITH_TIMEOUT(QLineF(marker->pos(), target).length() < 1.0, "the marker did not reach the rule", 5000);
}

void TestGraphView::selectionLightsRoute() {
    GraphView view;
    view.resize(1600, 1000);
    QVERIFY(showTable(view, table_));
    QSignalSpy spy(&view, &GraphView::nodeSelected);
    view.selectNode("Service/shop/api");
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.front().front().toString(), QString("Service/shop/api"));
    auto lit = litIds(view);
    // Upstream: the rules sending to it, their Ingresses and the entry; downstream: its Pods.
    for (const char* id : {"Entry/ingressclass/nginx", "Ingress/shop/storefront", "Rule/Ingress/shop/storefront/0/1",
                           "Service/shop/api", "Pod/shop/api-0", "Pod/shop/api-1", "Pod/shop/api-2"})
        QVERIFY2(lit.count(id), id);
    for (const char* id : {"Service/shop/storefront", "Pod/shop/api-canary-0", "Ingress/blog/blog-web",
                           "Rule/Ingress/shop/storefront/0/0"})
        QVERIFY2(!lit.count(id), id);
    view.scene()->clearSelection();
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.back().front().toString(), QString());
    QVERIFY(litIds(view).empty());
}

void TestGraphView::stableAcrossUpdates() {
    GraphView view;
    view.resize(1600, 1000);
    QVERIFY(showTable(view, table_));
    view.setZoom(0.8);  // the user zoomed: an update must not refit
    std::map<QString, QRectF> before;
    for (const auto& [id, item] : fullItems(view)) before[id] = item->card();
    const QTransform zoom = view.transform();

    // One more blog-web Pod: the Deployment scaled from 2 to 3 (its Pods are synthesised).
    const std::string deployment = "  name: blog-web\n  namespace: blog\nspec:\n  replicas: 2\n";
    QVERIFY(showTable(view, demoTable({}, deployment, "  name: blog-web\n  namespace: blog\nspec:\n  replicas: 3\n")));
    auto after = fullItems(view);
    QVERIFY2(after.count("Pod/blog/blog-web-2"), "the added Pod is not in the graph");
    QCOMPARE(after.size(), before.size() + 1);
    const double slot = 2 * 6 + 2 * 16 + 14;  // one row: the layout options the view uses
    for (const auto& [id, r] : before) {
        QVERIFY2(after.count(id), qPrintable(id + " lost"));
        const QRectF now = after[id]->card();
        QVERIFY2(std::abs(now.center().x() - r.center().x()) < 1.0, qPrintable(id + " changed lane position"));
        QVERIFY2(std::abs(now.center().y() - r.center().y()) <= slot,
                 qPrintable(QString("%1 moved by %2").arg(id).arg(now.center().y() - r.center().y())));
    }
    // Order within each lane kept.
    for (const auto& [a, ra] : before)
        for (const auto& [b, rb] : before)
            if (std::abs(ra.center().x() - rb.center().x()) < 1 && ra.center().y() < rb.center().y())
                QVERIFY2(after[a]->card().center().y() < after[b]->card().center().y(),
                         qPrintable(a + " and " + b + " swapped"));
    QCOMPARE(view.transform(), zoom);
}

void TestGraphView::newerTableSupersedes() {
    GraphView view;
    view.resize(1600, 1000);
    QSignalSpy spy(&view, &GraphView::layoutReady);
    // Two tables in a row: only the newest is shown (the older layout's result is dropped).
    auto older = demoTable();
    auto newer = demoTable(R"(apiVersion: v1
kind: Service
metadata: {name: extra, namespace: shop}
spec: {selector: {app: nothing}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: extra, namespace: shop}
spec:
  ingressClassName: nginx
  rules: [{host: extra.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: extra, port: {number: 80}}}}]}}]
)");
    view.setTable(older);
    view.setTable(newer);
    QVERIFY(spy.wait(kLayoutTimeoutMs));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isLayoutRunning(), kLayoutTimeoutMs);
    QCOMPARE(spy.count(), 1);
    QVERIFY2(view.graph()->find("Ingress/shop/extra") != UINT32_MAX, "the newer table is not the one shown");
}

void TestGraphView::exportFiles() {
    GraphView view;
    view.resize(1600, 1000);
    QString error;
    QTemporaryDir dir;
    QVERIFY(!view.exportTo(dir.filePath("none.png"), &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(showTable(view, table_));

    const QString png = dir.filePath("graph.png");
    QVERIFY2(view.exportTo(png, &error), qPrintable(error));
    QImage image(png);
    QVERIFY2(!image.isNull(), "the PNG does not load");
    QVERIFY2(image.width() > 1000 && image.height() > 1000,
             qPrintable(QString("%1×%2").arg(image.width()).arg(image.height())));
    const QColor bg = image.pixelColor(1, 1);
    const int differing = pixelsDifferentFrom(image, bg);
    QVERIFY2(differing > image.width() * image.height() / 50,
             qPrintable(QString("only %1 of %2 pixels drawn").arg(differing).arg(image.width() * image.height())));

    const QString svg = dir.filePath("graph.svg");
    QVERIFY2(view.exportTo(svg, &error), qPrintable(error));
    QSvgRenderer renderer(svg);
    QVERIFY2(renderer.isValid(), "the SVG does not parse");
    QFile f(svg);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    QVERIFY2(text.contains("storefront"), "the SVG lacks the node labels");
    QImage fromSvg(800, 600, QImage::Format_ARGB32);
    fromSvg.fill(Qt::transparent);
    {
        QPainter p(&fromSvg);
        renderer.render(&p);
    }
    QVERIFY2(pixelsDifferentFrom(fromSvg, Qt::transparent) > 800 * 600 / 10, "the SVG draws nothing");

    QVERIFY(!view.exportTo(dir.filePath("graph.bmp"), &error));
    QVERIFY2(error.contains("bmp"), qPrintable(error));
}

// Renders the demo graph the way the window shows it (fit to 1600×1000) and checks the picture is
// not blank. With HS_SCREENSHOT_DIR set, saves it there as graph.png (docs/screenshots).
void TestGraphView::screenshot() {
    GraphView view;
    view.resize(1600, 1000);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(showTable(view, table_));
    view.fitAll();
    sim::Decision d = route(*table_, "shop.example.com", "/api");
    view.showDecision(d);
    QImage image(view.viewport()->size(), QImage::Format_ARGB32);
    image.fill(Qt::black);
    {
        QPainter p(&image);
        view.render(&p, QRectF(), view.viewport()->rect());
    }
    const QColor bg = view.scene()->backgroundBrush().color();
    const int differing = pixelsDifferentFrom(image, bg);
    QVERIFY2(differing > image.width() * image.height() / 20,
             qPrintable(QString("only %1 pixels differ from the background").arg(differing)));
    QVERIFY2(pixelsDifferentFrom(image, Qt::black) > image.width() * image.height() / 2, "the frame was not painted");
    const QByteArray dir = qgetenv("HS_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        // Once the marker has travelled to the Pod.
        QGraphicsItem* marker = nullptr;
        for (QGraphicsItem* i : view.scene()->items())
            if (i->zValue() >= 10) marker = i;
        QVERIFY(marker);
        const QPointF pod = fullItems(view)["Pod/" + QString::fromStdString(d.pod)]->card().center();
        QTRY_VERIFY_WITH_TIMEOUT(QLineF(marker->pos(), pod).length() < 1.0, 5000);
        QVERIFY(QDir().mkpath(QString::fromLocal8Bit(dir)));
        QImage shot(view.viewport()->size(), QImage::Format_ARGB32);
        QPainter p(&shot);
        view.render(&p, QRectF(), view.viewport()->rect());
        p.end();
        QVERIFY(shot.save(QDir(QString::fromLocal8Bit(dir)).filePath("graph.png")));
    }
}

QTEST_MAIN(TestGraphView)
#include "tst_graph_view.moc"
