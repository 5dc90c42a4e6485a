#pragma once
// The routing graph view: the graph of a RouteTable (app/graph buildGraph) laid out in lanes left
// to right (entry → Ingress/HTTPRoute → rule → Service → Pod), drawn as rounded cards joined by
// bezier edges. Building and laying out run on a worker thread (QtConcurrent); a newer table
// supersedes an older one still being laid out. Items are only touched on the GUI thread.
// Zoom: wheel, Ctrl+= / Ctrl+-; pan: drag; F: fit all. When zoomed out, Pods are folded into
// per-Service groups and text is elided or hidden (level of detail); zoomed out further still the
// graph is one image painted once per scale (the items hidden), so a fitted huge graph pans freely.

#include "app/graph/graph.h"

#include <QGraphicsView>
#include <QStringList>

#include <memory>

namespace hs::sim {
class RouteTable;
struct Decision;
}  // namespace hs::sim

namespace hs::gui {

class GraphScene;

class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    explicit GraphView(QWidget* parent = nullptr);
    ~GraphView() override;
    // Builds and lays out the graph of `table` on a worker thread, then shows it. Nodes that
    // existed in the previous graph keep their positions. Emits layoutReady() when shown.
    void setTable(std::shared_ptr<const hs::sim::RouteTable> table);
    // Lights up the route a Decision took; with hopIndex >= 0 only up to that hop, and a marker
    // travels (animated) to that hop's node. clearHighlight() removes it.
    void showDecision(const hs::sim::Decision& d, int hopIndex = -1);
    void clearHighlight();
    void highlightNodes(const QStringList& graphNodeIds);  // e.g. what moved in a what-if diff
    void setNamespaceFilter(const QStringList& namespaces);  // empty = all
    QStringList namespaces() const;  // of the current graph, sorted
    int search(const QString& text);  // selects and centres the first match; returns the match count
    void fitAll();
    bool exportTo(const QString& path, QString* error = nullptr);  // .png or .svg by suffix
    void selectNode(const QString& graphNodeId);
    const hs::graph::Graph* graph() const;  // the graph shown, nullptr before the first layout

    // Beyond the contract: shows a prepared graph instead of a RouteTable's (benchmarks, tools);
    // laid out on the worker like setTable().
    void setGraph(std::shared_ptr<const hs::graph::Graph> graph);
    bool isLayoutRunning() const;
    // The zoom (1 = 1:1), kept about the viewport centre; the level of detail follows it.
    void setZoom(double scale);
    double zoom() const;

signals:
    void layoutReady();
    void nodeSelected(const QString& graphNodeId);  // "" when the selection is cleared

protected:
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    void drawBackground(QPainter* painter, const QRectF& rect) override;

private:
    void zoomBy(double factor);
    struct Impl;
    std::unique_ptr<Impl> d_;
};

}  // namespace hs::gui
