#include "app/gui/main_window.h"

#include "app/gui/details_panel.h"
#include "app/gui/graph_view.h"
#include "app/gui/replay_panel.h"
#include "app/gui/request_panel.h"
#include "app/gui/source_dialog.h"
#include "app/gui/teaching_panel.h"
#include "app/gui/whatif_panel.h"
#include "hopscope/version.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace hs::gui {

namespace {

constexpr int kMaxRecent = 8;
constexpr int kStateVersion = 1;  // bump when docks are added/removed so old layouts are ignored
const char* const kDemoUrl = "https://shop.example.com/api/v2/orders";

QIcon icon(const char* name) { return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name))); }

// Graph node ids of objects are "Kind/ns/name" (cluster-scoped: "Kind/name").
QString nodeIdOf(const std::string& object) {
    QString s = QString::fromStdString(object);  // "Ingress shop/web"
    return s.replace(QLatin1Char(' '), QLatin1Char('/'));
}

QString timeText(std::chrono::system_clock::time_point t) {
    return QDateTime::fromMSecsSinceEpoch(
               std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count())
        .toString(QStringLiteral("HH:mm:ss"));
}

}  // namespace

MainWindow::MainWindow(SourceSpec source, std::optional<sim::Profile> profile, QWidget* parent)
    : QMainWindow(parent), workspace_(new Workspace(this)) {
    setObjectName(QStringLiteral("MainWindow"));
    setWindowIcon(QIcon::fromTheme(QStringLiteral(HOPSCOPE_APP_ID), icon("hopscope")));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);

    graph_ = new GraphView(this);
    graph_->setToolTip(
        tr("The routing graph: entry → Ingress/HTTPRoute → rule → Service → Pod. Click a node for its "
           "details; wheel zooms, drag pans, F fits."));
    emptyState_ = new QWidget(this);
    {
        emptyText_ = new QLabel(emptyState_);
        emptyText_->setAlignment(Qt::AlignCenter);
        emptyText_->setWordWrap(true);
        auto* openBtn = new QPushButton(icon("open"), tr("Open manifests…"), emptyState_);
        auto* demoBtn = new QPushButton(icon("demo"), tr("Open the demo"), emptyState_);
        connect(openBtn, &QPushButton::clicked, this, &MainWindow::openManifestsDialog);
        connect(demoBtn, &QPushButton::clicked, workspace_, &Workspace::openDemo);
        auto* buttons = new QHBoxLayout;
        buttons->addStretch();
        buttons->addWidget(openBtn);
        buttons->addWidget(demoBtn);
        buttons->addStretch();
        auto* l = new QVBoxLayout(emptyState_);
        l->addStretch();
        l->addWidget(emptyText_);
        l->addLayout(buttons);
        l->addStretch();
    }
    center_ = new QStackedWidget(this);
    center_->addWidget(graph_);
    center_->addWidget(emptyState_);
    setCentralWidget(center_);

    buildDocks();
    buildActions();
    buildStatusBar();

    connect(workspace_, &Workspace::tableChanged, this, &MainWindow::onTableChanged);
    connect(workspace_, &Workspace::sourceChanged, this, &MainWindow::onSourceChanged);
    connect(workspace_, &Workspace::connectionChanged, this, &MainWindow::onConnectionChanged);
    connect(workspace_, &Workspace::loadProblems, this, &MainWindow::onLoadProblems);
    connect(workspace_, &Workspace::failed, this, &MainWindow::onFailed);
    connect(workspace_, &Workspace::busyChanged, this, [this] { updateStatus(); });
    connect(graph_, &GraphView::nodeSelected, this, &MainWindow::onNodeSelected);
    connect(graph_, &GraphView::layoutReady, this, [this] {
        rebuildNamespaceMenu();
        // The request shown was routed again on the new table: light its route up in the new graph.
        if (request_->hasDecision()) graph_->showDecision(request_->decision());
    });
    connect(request_, &RequestPanel::decisionReady, graph_,
            [this](const sim::Decision& d) { graph_->showDecision(d); });
    connect(request_, &RequestPanel::hopChosen, graph_,
            [this](const sim::Decision& d, int hop) { graph_->showDecision(d, hop); });

    // The Details panel runs the full height on the right; Request and its neighbours share the bottom.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
    resize(1280, 800);
    resizeDocks({dock(QStringLiteral("requestDock"))}, {260}, Qt::Vertical);
    resizeDocks({dock(QStringLiteral("detailsDock"))}, {400}, Qt::Horizontal);
    restoreLayout();
    if (profile) {
        const int i = profileBox_->findData(static_cast<int>(*profile));
        if (i >= 0) profileBox_->setCurrentIndex(i);
    }
    workspace_->setProfile(static_cast<sim::Profile>(profileBox_->currentData().toInt()));
    request_->setUrl(QString::fromLatin1(kDemoUrl));
    if (source.kind == SourceSpec::Kind::None) source.kind = SourceSpec::Kind::Demo;
    workspace_->open(source);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildDocks() {
    request_ = new RequestPanel(this);
    auto* requestDock = new QDockWidget(tr("Request"), this);
    requestDock->setObjectName(QStringLiteral("requestDock"));
    requestDock->setWidget(request_);
    requestDock->setToolTip(tr("Where does this request go, and why?"));
    addDockWidget(Qt::BottomDockWidgetArea, requestDock);

    details_ = new DetailsPanel(this);
    auto* detailsDock = new QDockWidget(tr("Details"), this);
    detailsDock->setObjectName(QStringLiteral("detailsDock"));
    detailsDock->setWidget(details_);
    addDockWidget(Qt::RightDockWidgetArea, detailsDock);

    problems_ = new QListWidget(this);
    problems_->setObjectName(QStringLiteral("problemsList"));
    problems_->setWordWrap(true);
    problems_->setToolTip(
        tr("Problems found while loading and checking the source; double-click one to select its object"));
    problemsDock_ = new QDockWidget(tr("Problems"), this);
    problemsDock_->setObjectName(QStringLiteral("problemsDock"));
    problemsDock_->setWidget(problems_);
    addDockWidget(Qt::RightDockWidgetArea, problemsDock_);
    tabifyDockWidget(detailsDock, problemsDock_);
    detailsDock->raise();
    connect(problems_, &QListWidget::itemDoubleClicked, this, [this](QListWidgetItem* item) {
        const QString id = item->data(Qt::UserRole).toString();
        if (!id.isEmpty()) graph_->selectNode(id);
    });

    // Replay, what-if and teaching share the bottom area with the request panel, as tabs.
    auto addPanelDock = [this, requestDock](QWidget* panel, const QString& title, const char* name) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(QString::fromLatin1(name));
        d->setWidget(panel);
        addDockWidget(Qt::BottomDockWidgetArea, d);
        tabifyDockWidget(requestDock, d);
        return d;
    };
    replay_ = new ReplayPanel(this);
    addPanelDock(replay_, tr("Replay"), "replayDock")
        ->setToolTip(tr("Replay an access log or HAR through the current configuration"));
    whatIf_ = new WhatIfPanel(this);
    addPanelDock(whatIf_, tr("What if"), "whatIfDock")
        ->setToolTip(tr("Edit the manifests or pick another controller and see which requests would change"));
    teaching_ = new TeachingPanel(this);
    addPanelDock(teaching_, tr("Teaching"), "teachingDock")->setToolTip(tr("Guided lessons, hop by hop"));
    requestDock->raise();
    connect(replay_, &ReplayPanel::decisionChosen, graph_, [this](const sim::Decision& d) { graph_->showDecision(d); });
    connect(whatIf_, &WhatIfPanel::decisionChosen, graph_, [this](const sim::Decision& d) { graph_->showDecision(d); });
    connect(whatIf_, &WhatIfPanel::highlightRequested, graph_, &GraphView::highlightNodes);
    connect(teaching_, &TeachingPanel::hopShown, graph_,
            [this](const sim::Decision& d, int hop) { graph_->showDecision(d, hop); });
    const QString trace = demoTracePath();
    if (!trace.isEmpty()) {
        replay_->setTraceFile(trace);
        whatIf_->setTraceFile(trace);
    }
}

QString MainWindow::demoTracePath() {
    // Installed: <prefix>/bin/hopscope → <prefix>/share/hopscope/demo; build tree: <build>/app/gui/
    // hopscope or <build>/tests/gui/tst_* → <build>/share/hopscope/demo.
    const QString dir = QCoreApplication::applicationDirPath();
    for (const QString& rel : {QStringLiteral("/../share/hopscope/demo/access.log.gz"),
                               QStringLiteral("/../../share/hopscope/demo/access.log.gz")}) {
        const QFileInfo fi(dir + rel);
        if (fi.isFile()) return fi.canonicalFilePath();
    }
    return QStandardPaths::locate(QStandardPaths::GenericDataLocation, QStringLiteral("hopscope/demo/access.log.gz"));
}

void MainWindow::buildActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* openAct = file->addAction(icon("open"), tr("&Open manifests…"), this, &MainWindow::openManifestsDialog);
    openAct->setShortcut(QKeySequence::Open);
    openAct->setToolTip(tr("Load Kubernetes manifests (YAML or JSON files) (Ctrl+O)"));
    QAction* folderAct = file->addAction(icon("folder"), tr("Open &folder…"), this, &MainWindow::openFolderDialog);
    folderAct->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    QAction* demoAct = file->addAction(icon("demo"), tr("Open &demo"), workspace_, &Workspace::openDemo);
    demoAct->setToolTip(tr("The bundled demo cluster: a shop, a blog and a multi-tenant platform"));
    QAction* connectAct =
        file->addAction(icon("connect"), tr("&Connect to cluster…"), this, &MainWindow::connectDialog);
    connectAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    connectAct->setToolTip(tr("Watch a live cluster through a kubeconfig context (Ctrl+K)"));
    recentMenu_ = file->addMenu(tr("&Recent sources"));
    rebuildRecentMenu();
    file->addSeparator();
    QAction* exportAct = file->addAction(icon("export"), tr("&Export graph…"), this, &MainWindow::exportGraphDialog);
    exportAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addSeparator();
    QAction* quitAct = file->addAction(tr("&Quit"), this, &QWidget::close);
    quitAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));

    viewMenu_ = menuBar()->addMenu(tr("&View"));
    QAction* fitAct = viewMenu_->addAction(icon("fit"), tr("&Fit graph"), graph_, &GraphView::fitAll);
    fitAct->setShortcut(QKeySequence(Qt::Key_F));
    fitAct->setToolTip(tr("Show the whole graph (F)"));
    QAction* findAct = viewMenu_->addAction(icon("search"), tr("F&ind…"), this, [this] {
        search_->setFocus(Qt::ShortcutFocusReason);
        search_->selectAll();
    });
    findAct->setShortcut(QKeySequence::Find);
    QAction* urlAct = viewMenu_->addAction(icon("route"), tr("Request &URL"), this, [this] {
        if (auto* d = dock(QStringLiteral("requestDock"))) {
            d->show();
            d->raise();
        }
        request_->focusUrl();
    });
    urlAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    viewMenu_->addSeparator();
    for (QDockWidget* d : findChildren<QDockWidget*>()) viewMenu_->addAction(d->toggleViewAction());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(icon("hopscope"), tr("&About Hopscope"), this, &MainWindow::about);

    QToolBar* tb = addToolBar(tr("Main"));
    tb->setObjectName(QStringLiteral("mainToolBar"));
    tb->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    tb->addAction(openAct);
    tb->addAction(demoAct);
    tb->addAction(connectAct);
    tb->addSeparator();
    auto* profileLabel = new QLabel(tr(" Profile: "), tb);
    tb->addWidget(profileLabel);
    profileBox_ = new QComboBox(tb);
    profileBox_->setObjectName(QStringLiteral("profileBox"));
    for (sim::Profile p : {sim::Profile::IngressNginx, sim::Profile::GatewayApi, sim::Profile::Gce, sim::Profile::Spec})
        profileBox_->addItem(QString::fromUtf8(sim::profileName(p)), static_cast<int>(p));
    profileBox_->setToolTip(
        tr("Which controller Hopscope simulates: ingress-nginx, Gateway API, the GCE L7 load "
           "balancer, or plain Ingress spec semantics"));
    profileLabel->setBuddy(profileBox_);
    tb->addWidget(profileBox_);
    connect(profileBox_, &QComboBox::currentIndexChanged, this, [this] {
        workspace_->setProfile(static_cast<sim::Profile>(profileBox_->currentData().toInt()));
        updateTitle();
    });
    tb->addSeparator();
    search_ = new QLineEdit(tb);
    search_->setObjectName(QStringLiteral("graphSearch"));
    search_->setPlaceholderText(tr("Search the graph (Ctrl+F)"));
    search_->setClearButtonEnabled(true);
    search_->addAction(icon("search"), QLineEdit::LeadingPosition);
    search_->setMaximumWidth(260);
    search_->setToolTip(tr("Find a host, path, Service or Pod; Enter selects the next match"));
    tb->addWidget(search_);
    connect(search_, &QLineEdit::returnPressed, this, [this] {
        if (search_->text().isEmpty()) return;
        const int n = graph_->search(search_->text());
        statusBar()->showMessage(n ? tr("%n match(es)", nullptr, n) : tr("No node matches \"%1\"").arg(search_->text()),
                                 4000);
    });
    namespaces_ = new QToolButton(tb);
    namespaces_->setText(tr("Namespaces"));
    namespaces_->setToolTip(tr("Show only some namespaces in the graph"));
    namespaces_->setPopupMode(QToolButton::InstantPopup);
    namespaceMenu_ = new QMenu(namespaces_);
    namespaces_->setMenu(namespaceMenu_);
    tb->addWidget(namespaces_);
    tb->addAction(fitAct);
    tb->addAction(exportAct);
}

void MainWindow::buildStatusBar() {
    sourceLabel_ = new QLabel(this);
    connectionLabel_ = new QLabel(this);
    syncLabel_ = new QLabel(this);
    countLabel_ = new QLabel(this);
    problemsButton_ = new QToolButton(this);
    problemsButton_->setAutoRaise(true);
    problemsButton_->setToolTip(tr("Show the Problems panel"));
    connect(problemsButton_, &QToolButton::clicked, this, [this] {
        problemsDock_->show();
        problemsDock_->raise();
    });
    statusBar()->addPermanentWidget(sourceLabel_);
    statusBar()->addPermanentWidget(connectionLabel_);
    statusBar()->addPermanentWidget(syncLabel_);
    statusBar()->addPermanentWidget(countLabel_);
    statusBar()->addPermanentWidget(problemsButton_);
    updateStatus();
}

QDockWidget* MainWindow::dock(const QString& objectName) const {
    return findChild<QDockWidget*>(objectName, Qt::FindDirectChildrenOnly);
}

// ---- workspace events --------------------------------------------------------------------------

void MainWindow::onSourceChanged(const SourceSpec& spec) {
    addRecent(spec);
    details_->clear();
    updateTitle();
    updateStatus();
    statusBar()->showMessage(tr("Opening %1…").arg(spec.label()));
}

void MainWindow::onTableChanged() {
    auto table = workspace_->table();
    graph_->setTable(table);
    request_->setTable(table);
    details_->setContext(table, workspace_->findings());
    replay_->setTable(table);
    teaching_->setTable(table);
    whatIf_->setBaseline(workspace_->state(), workspace_->profileOptions());
    fillProblems();
    const auto& st = table->state();
    const bool empty = st.ingresses().size() == 0 && st.httpRoutes().size() == 0;
    if (empty)
        emptyText_->setText(tr("<h3>No Ingresses in this source</h3><p>%1 holds %2 object(s), but no Ingress or "
                               "HTTPRoute to route through.<br>Open manifests that contain some, or the demo.</p>")
                                .arg(workspace_->source().label().toHtmlEscaped())
                                .arg(st.objectCount()));
    center_->setCurrentWidget(empty ? emptyState_ : static_cast<QWidget*>(graph_));
    statusBar()->clearMessage();
    updateTitle();
    updateStatus();
}

void MainWindow::onConnectionChanged() { updateStatus(); }

void MainWindow::onLoadProblems(const QString& source, const model::Diagnostics& problems) {
    const auto errors = model::countSeverity(problems, model::Severity::Error);
    statusBar()->showMessage(
        tr("%1: %2 problem(s) in the input (%3 error(s)); everything valid was loaded — see Problems")
            .arg(source)
            .arg(problems.size())
            .arg(errors),
        10000);
    problemsDock_->show();
    problemsDock_->raise();
}

void MainWindow::onFailed(const QString& message) {
    const bool live = workspace_->source().kind == SourceSpec::Kind::Live;
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Cannot open %1").arg(workspace_->source().label()),
                                live ? tr("Hopscope could not connect to the cluster.")
                                     : tr("Hopscope could not read anything from this source."),
                                QMessageBox::Ok, this);
    box->setInformativeText(live ? tr("Check the context with `kubectl --context … get ingress` or `hopscope-cli "
                                      "contexts`, then try File ▸ Connect to cluster again.")
                                 : tr("Check the path (files or folders of YAML/JSON manifests), or open the demo "
                                      "from File ▸ Open demo."));
    box->setDetailedText(message);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("failureBox"));
    box->open();  // not exec(): the window keeps running (and tests keep going)
    updateStatus();
}

void MainWindow::onNodeSelected(const QString& id) {
    if (id.isEmpty()) {
        details_->clear();
        return;
    }
    const graph::Graph* g = graph_->graph();
    if (!g) return;
    const std::uint32_t i = g->find(id.toStdString());
    if (i == UINT32_MAX) return;
    details_->showNode(g->nodes[i]);
    if (auto* d = dock(QStringLiteral("detailsDock"))) d->raise();
}

void MainWindow::fillProblems() {
    problems_->clear();
    for (const auto& d : workspace_->findings()) {
        auto* item = new QListWidgetItem(QString::fromStdString(d.format()), problems_);
        item->setIcon(icon(d.severity == model::Severity::Error         ? "error"
                               : d.severity == model::Severity::Warning ? "warning"
                                                                        : "info"));
        if (!d.object.empty()) item->setData(Qt::UserRole, nodeIdOf(d.object));
        item->setToolTip(QString::fromStdString(d.code));
    }
    if (problems_->count() == 0) {
        auto* none = new QListWidgetItem(tr("No problems found."), problems_);
        none->setFlags(Qt::NoItemFlags);
    }
}

// ---- namespace filter --------------------------------------------------------------------------

void MainWindow::rebuildNamespaceMenu() {
    namespaceMenu_->clear();
    const QStringList all = graph_->namespaces();
    QAction* allAct = namespaceMenu_->addAction(tr("All namespaces"), this, [this] {
        hiddenNamespaces_.clear();
        rebuildNamespaceMenu();
        applyNamespaceFilter();
    });
    allAct->setEnabled(!hiddenNamespaces_.isEmpty());
    namespaceMenu_->addSeparator();
    for (const QString& ns : all) {
        QAction* a = namespaceMenu_->addAction(ns);
        a->setCheckable(true);
        a->setChecked(!hiddenNamespaces_.contains(ns));
        connect(a, &QAction::toggled, this, [this, ns](bool on) {
            if (on)
                hiddenNamespaces_.removeAll(ns);
            else if (!hiddenNamespaces_.contains(ns))
                hiddenNamespaces_ << ns;
            applyNamespaceFilter();
        });
    }
    namespaces_->setEnabled(!all.isEmpty());
}

void MainWindow::applyNamespaceFilter() {
    QStringList shown;
    for (const QString& ns : graph_->namespaces())
        if (!hiddenNamespaces_.contains(ns)) shown << ns;
    graph_->setNamespaceFilter(hiddenNamespaces_.isEmpty() ? QStringList() : shown);
    namespaces_->setText(hiddenNamespaces_.isEmpty()
                             ? tr("Namespaces")
                             : tr("Namespaces (%1 of %2)").arg(shown.size()).arg(graph_->namespaces().size()));
}

// ---- title and status --------------------------------------------------------------------------

void MainWindow::updateTitle() {
    setWindowTitle(tr("%1 · %2 — Hopscope")
                       .arg(workspace_->source().label(), QString::fromUtf8(sim::profileName(workspace_->profile()))));
}

void MainWindow::updateStatus() {
    const SourceSpec& src = workspace_->source();
    sourceLabel_->setText(src.label());
    sourceLabel_->setToolTip(src.kind == SourceSpec::Kind::Files ? src.paths.join(QLatin1Char('\n')) : src.label());
    const kube::LiveStatus& ls = workspace_->liveStatus();
    QString conn;
    switch (ls.state) {
    case kube::ConnectionState::Connecting: conn = tr("connecting…"); break;
    case kube::ConnectionState::Live: conn = tr("● live"); break;
    case kube::ConnectionState::Reconnecting: conn = tr("reconnecting since %1").arg(timeText(ls.since)); break;
    case kube::ConnectionState::Error: conn = tr("offline (error)"); break;
    case kube::ConnectionState::Stopped: conn = tr("offline"); break;
    }
    connectionLabel_->setText(conn);
    QStringList tip;
    if (!ls.message.empty()) tip << QString::fromStdString(ls.message);
    for (const auto& p : ls.problems) tip << QString::fromStdString(p);
    connectionLabel_->setToolTip(tip.isEmpty() ? tr("Files and the demo are offline snapshots")
                                               : tip.join(QLatin1Char('\n')));
    syncLabel_->setText(workspace_->lastSync().isValid()
                            ? tr("synced %1").arg(workspace_->lastSync().toString(QStringLiteral("HH:mm:ss")))
                            : QString());
    syncLabel_->setVisible(workspace_->lastSync().isValid());
    auto st = workspace_->state();
    countLabel_->setText(workspace_->busy() ? tr("loading…")
                             : st           ? tr("%n object(s)", nullptr, static_cast<int>(st->objectCount()))
                                            : QString());
    const auto problems = static_cast<int>(workspace_->problemCount());
    problemsButton_->setText(tr("%n problem(s)", nullptr, problems));
    problemsButton_->setIcon(problems ? icon("warning") : QIcon());
}

QString MainWindow::statusSummary() const {
    QStringList parts;
    for (QWidget* w : {static_cast<QWidget*>(sourceLabel_), static_cast<QWidget*>(connectionLabel_),
                       static_cast<QWidget*>(syncLabel_), static_cast<QWidget*>(countLabel_)}) {
        const QString t = static_cast<QLabel*>(w)->text();
        if (!t.isEmpty()) parts << t;
    }
    parts << problemsButton_->text();
    return parts.join(QStringLiteral(" · "));
}

bool MainWindow::showsEmptyState() const { return center_->currentWidget() == emptyState_; }

// ---- dialogs -----------------------------------------------------------------------------------

void MainWindow::openManifestsDialog() {
    QSettings s;
    const QStringList files =
        QFileDialog::getOpenFileNames(this, tr("Open manifests"), s.value(QStringLiteral("lastDir")).toString(),
                                      tr("Kubernetes manifests (*.yaml *.yml *.json);;All files (*)"));
    if (files.isEmpty()) return;
    s.setValue(QStringLiteral("lastDir"), QFileInfo(files.front()).absolutePath());
    workspace_->openFiles(files);
}

void MainWindow::openFolderDialog() {
    QSettings s;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a folder of manifests"),
                                                          s.value(QStringLiteral("lastDir")).toString());
    if (dir.isEmpty()) return;
    s.setValue(QStringLiteral("lastDir"), dir);
    workspace_->openFiles({dir});
}

void MainWindow::connectDialog() {
    ContextDialog dialog(workspace_->source().kubeconfig, this);
    if (dialog.exec() != QDialog::Accepted || dialog.context().isEmpty()) return;
    workspace_->connectLive(dialog.kubeconfig(), dialog.context());
}

void MainWindow::exportGraphDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export graph"), QStringLiteral("hopscope-graph.png"),
                                                      tr("PNG image (*.png);;SVG drawing (*.svg)"));
    if (path.isEmpty()) return;
    QString error;
    if (!graph_->exportTo(path, &error))
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1: %2").arg(path, error));
    else
        statusBar()->showMessage(tr("Graph exported to %1").arg(path), 5000);
}

void MainWindow::about() {
    QMessageBox::about(this, tr("About Hopscope"),
                       tr("<h3>Hopscope %1</h3><p>%2</p><p>Where does this request go, and why? Hopscope simulates "
                          "ingress-nginx, Gateway API, GCE and plain Ingress routing over manifests, a live cluster "
                          "or the bundled demo, hop by hop.</p><p>Command line: <code>hopscope-cli --help</code></p>")
                           .arg(QStringLiteral(HOPSCOPE_VERSION), QStringLiteral(HOPSCOPE_DESCRIPTION)));
}

// ---- settings ----------------------------------------------------------------------------------

void MainWindow::saveLayout() const {
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState(kStateVersion));
    s.setValue(QStringLiteral("profile"), QString::fromUtf8(sim::profileName(workspace_->profile())));
}

void MainWindow::restoreLayout() {
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray(), kStateVersion);
    if (auto p = sim::profileFromName(s.value(QStringLiteral("profile")).toString().toStdString())) {
        const int i = profileBox_->findData(static_cast<int>(*p));
        if (i >= 0) profileBox_->setCurrentIndex(i);
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveLayout();
    QMainWindow::closeEvent(event);
}

void MainWindow::addRecent(const SourceSpec& spec) {
    const QString entry = spec.serialize();
    if (entry.isEmpty()) return;
    QSettings s;
    QStringList recent = s.value(QStringLiteral("recentSources")).toStringList();
    recent.removeAll(entry);
    recent.prepend(entry);
    while (recent.size() > kMaxRecent) recent.removeLast();
    s.setValue(QStringLiteral("recentSources"), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = QSettings().value(QStringLiteral("recentSources")).toStringList();
    for (const QString& entry : recent) {
        const SourceSpec spec = SourceSpec::deserialize(entry);
        if (spec.kind == SourceSpec::Kind::None) continue;
        QAction* a = recentMenu_->addAction(spec.label(), this, [this, spec] { workspace_->open(spec); });
        if (spec.kind == SourceSpec::Kind::Files) a->setToolTip(spec.paths.join(QLatin1Char('\n')));
    }
    recentMenu_->setEnabled(!recentMenu_->isEmpty());
}

}  // namespace hs::gui
