#include "app/gui/graph_view.h"

#include "simulator/decision.h"
#include "simulator/route_table.h"

namespace hs::gui {

struct GraphView::Impl {
    std::shared_ptr<const hs::graph::Graph> graph;
};

GraphView::GraphView(QWidget* parent) : QGraphicsView(parent), d_(std::make_unique<Impl>()) {}
GraphView::~GraphView() = default;
void GraphView::setTable(std::shared_ptr<const hs::sim::RouteTable>) {}
void GraphView::showDecision(const hs::sim::Decision&, int) {}
void GraphView::clearHighlight() {}
void GraphView::highlightNodes(const QStringList&) {}
void GraphView::setNamespaceFilter(const QStringList&) {}
QStringList GraphView::namespaces() const { return {}; }
int GraphView::search(const QString&) { return 0; }
void GraphView::fitAll() {}
bool GraphView::exportTo(const QString&, QString* error) {
    if (error) *error = QStringLiteral("nothing to export yet");
    return false;
}
void GraphView::selectNode(const QString&) {}
const hs::graph::Graph* GraphView::graph() const { return d_->graph.get(); }

}  // namespace hs::gui
