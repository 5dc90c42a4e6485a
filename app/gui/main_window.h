#pragma once
// The main window: composes the workspace (the source and its compiled table), the routing graph
// (central), and the request, details and problems panels (docks), plus menus, the toolbar and
// the status bar. It only wires user intents to those objects; loading, compiling, routing and
// drawing live in them.

#include "app/gui/workspace.h"

#include <QMainWindow>

#include <optional>

class QComboBox;
class QDockWidget;
class QLabel;
class QLineEdit;
class QListWidget;
class QMenu;
class QStackedWidget;
class QToolButton;

namespace hs::gui {

class DetailsPanel;
class GraphView;
class ReplayPanel;
class RequestPanel;
class TeachingPanel;
class WhatIfPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // Opens `source` at once (the demo when Kind::None). `profile` overrides the one remembered
    // in the settings.
    explicit MainWindow(SourceSpec source = {}, std::optional<sim::Profile> profile = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    Workspace* workspace() const { return workspace_; }
    GraphView* graphView() const { return graph_; }
    RequestPanel* requestPanel() const { return request_; }
    DetailsPanel* detailsPanel() const { return details_; }
    ReplayPanel* replayPanel() const { return replay_; }
    WhatIfPanel* whatIfPanel() const { return whatIf_; }
    TeachingPanel* teachingPanel() const { return teaching_; }
    // The demo access log generated at build time, next to the binary or installed; "" if absent.
    static QString demoTracePath();
    QListWidget* problemsList() const { return problems_; }
    QComboBox* profileBox() const { return profileBox_; }
    QDockWidget* dock(const QString& objectName) const;
    // The status bar's fields joined ("demo · offline · 42 objects · 3 problems"), for tests.
    QString statusSummary() const;
    bool showsEmptyState() const;

    void saveLayout() const;  // geometry, dock state, profile (also done on close)

public slots:
    void openManifestsDialog();
    void openFolderDialog();
    void connectDialog();
    void exportGraphDialog();
    void about();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void buildDocks();
    void buildStatusBar();
    void restoreLayout();
    void onTableChanged();
    void onSourceChanged(const SourceSpec& spec);
    void onConnectionChanged();
    void onLoadProblems(const QString& source, const model::Diagnostics& problems);
    void onFailed(const QString& message);
    void onNodeSelected(const QString& id);
    void fillProblems();
    void rebuildNamespaceMenu();
    void applyNamespaceFilter();
    void updateTitle();
    void updateStatus();
    void addRecent(const SourceSpec& spec);
    void rebuildRecentMenu();

    Workspace* workspace_ = nullptr;
    QStackedWidget* center_ = nullptr;
    GraphView* graph_ = nullptr;
    QWidget* emptyState_ = nullptr;
    QLabel* emptyText_ = nullptr;
    RequestPanel* request_ = nullptr;
    DetailsPanel* details_ = nullptr;
    ReplayPanel* replay_ = nullptr;
    WhatIfPanel* whatIf_ = nullptr;
    TeachingPanel* teaching_ = nullptr;
    QListWidget* problems_ = nullptr;
    QDockWidget* problemsDock_ = nullptr;
    QComboBox* profileBox_ = nullptr;
    QLineEdit* search_ = nullptr;
    QToolButton* namespaces_ = nullptr;
    QMenu* namespaceMenu_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QLabel* sourceLabel_ = nullptr;
    QLabel* connectionLabel_ = nullptr;
    QLabel* syncLabel_ = nullptr;
    QLabel* countLabel_ = nullptr;
    QToolButton* problemsButton_ = nullptr;
    QStringList hiddenNamespaces_;  // unchecked in the namespace filter
};

}  // namespace hs::gui
