#include "app/gui/main_window.h"

#include <QHeaderView>
#include <QStatusBar>
#include <QTreeWidget>

namespace hs::gui {

MainWindow::MainWindow(model::LoadResult loaded, QWidget* parent) : QMainWindow(parent), loaded_(std::move(loaded)) {
    setWindowTitle(QStringLiteral("Hopscope — %1").arg(QString::fromStdString(loaded_.state->source())));
    tree_ = new QTreeWidget(this);
    tree_->setColumnCount(2);
    tree_->setHeaderLabels({tr("Object"), tr("Details")});
    tree_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    setCentralWidget(tree_);
    populate();
    statusBar()->showMessage(tr("%1 objects from %2 · %3 problem(s)")
                                 .arg(loaded_.state->objectCount())
                                 .arg(QString::fromStdString(loaded_.state->source()))
                                 .arg(loaded_.diagnostics.size()));
    resize(900, 640);
}

void MainWindow::populate() {
    const auto& st = *loaded_.state;
    auto group = [&](const QString& title, const auto& store, auto describe) {
        auto* top = new QTreeWidgetItem(tree_, {title, QString::number(store.size())});
        for (const auto& o : store.all()) {
            QString name = QString::fromStdString(o->meta.key());
            new QTreeWidgetItem(top, {name, QString::fromStdString(describe(*o))});
        }
        top->setExpanded(title == tr("Ingresses"));
    };
    group(tr("Ingresses"), st.ingresses(), [](const model::Ingress& i) {
        std::string hosts;
        for (const auto& r : i.rules) hosts += (hosts.empty() ? "" : ", ") + (r.host.empty() ? std::string("*") : r.host);
        return hosts;
    });
    group(tr("Services"), st.services(), [](const model::Service& s) { return s.type; });
    group(tr("Pods"), st.pods(), [](const model::Pod& p) { return p.podIP + (p.meta.derived ? " (synthetic)" : ""); });
    group(tr("HTTPRoutes"), st.httpRoutes(), [](const model::HTTPRoute& r) {
        std::string hosts;
        for (const auto& h : r.hostnames) hosts += (hosts.empty() ? "" : ", ") + h;
        return hosts;
    });
}

}  // namespace hs::gui
