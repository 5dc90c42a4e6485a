#pragma once
// The selected object: key facts (kind, namespace, name, hosts/paths/ports/IP/node as relevant),
// its YAML (the document as written when it came from a file; otherwise written out by
// model/manifest_writer — a Secret always the latter, so no key material is ever shown), the
// findings that concern it (loader, reference lint, the profile's lint) and the rules whose
// traffic passes through it (RouteTable::rules()).

#include "model/diagnostic.h"
#include "model/objects.h"

#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QStackedWidget;
class QTabWidget;
class QTreeWidget;

namespace hs::graph {
struct GraphNode;
}
namespace hs::sim {
class RouteTable;
}

namespace hs::gui {

class DetailsPanel : public QWidget {
    Q_OBJECT
public:
    explicit DetailsPanel(QWidget* parent = nullptr);
    ~DetailsPanel() override;

    // The table objects are looked up in, and every finding about the source. Clears the view
    // when the shown object no longer exists.
    void setContext(std::shared_ptr<const hs::sim::RouteTable> table, hs::model::Diagnostics findings);
    // A graph node (its object when it has one, else the node's own label and detail).
    void showNode(const hs::graph::GraphNode& node);
    void showObject(const hs::model::ObjectRef& ref);
    void clear();

    std::optional<hs::model::ObjectRef> object() const { return object_; }
    // What the tabs show, for tests and copy/paste: "Key: value" lines, YAML, finding lines, route lines.
    QStringList facts() const;
    QString yaml() const;
    QStringList warnings() const;
    QStringList routes() const;
    QTabWidget* tabs() const { return tabs_; }

private:
    void refresh();
    void fillFacts(const hs::model::ObjectRef& ref);
    void fillYaml(const hs::model::ObjectRef& ref);
    void fillWarnings(const hs::model::ObjectRef& ref);
    void fillRoutes(const hs::model::ObjectRef& ref);
    void addFact(const QString& key, const QString& value);

    std::shared_ptr<const hs::sim::RouteTable> table_;
    hs::model::Diagnostics findings_;
    std::optional<hs::model::ObjectRef> object_;
    QString nodeTitle_, nodeDetail_, nodeHealth_;
    QStackedWidget* stack_ = nullptr;
    QLabel* empty_ = nullptr;
    QLabel* title_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QTreeWidget* facts_ = nullptr;
    QPlainTextEdit* yaml_ = nullptr;
    QListWidget* warnings_ = nullptr;
    QTreeWidget* routes_ = nullptr;
};

}  // namespace hs::gui
