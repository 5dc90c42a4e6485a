// The main window: opens on the demo and draws it; switches to a folder of manifests; loads the
// valid part of a bad file and lists the located problems; recompiles on a profile switch;
// routes the prefilled request and lights it up; shows a Service's details on selection;
// remembers its layout and profile.
#include "app/gui/details_panel.h"
#include "app/gui/graph_view.h"
#include "app/gui/main_window.h"
#include "app/gui/request_panel.h"
#include "model/loader.h"
#include "tests/test_paths.h"

#include <QComboBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using namespace hs;

namespace {

constexpr int kTimeoutMs = 20000;

bool waitForTable(gui::MainWindow& w) {
    QSignalSpy spy(w.workspace(), &gui::Workspace::tableChanged);
    return spy.wait(kTimeoutMs);
}

bool waitForLayout(gui::MainWindow& w) {
    QSignalSpy spy(w.graphView(), &gui::GraphView::layoutReady);
    return spy.wait(kTimeoutMs);
}

void writeFile(const QString& path, const char* text) {
    std::ofstream f(path.toStdString());
    f << text;
}

const char* kGood = R"(apiVersion: v1
kind: Service
metadata: {name: web, namespace: site}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: site}
spec:
  ingressClassName: nginx
  rules:
  - host: www.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: web, port: {number: 80}}}
)";

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
    QTemporaryDir settingsDir_;

private slots:
    void initTestCase() {
        QVERIFY(settingsDir_.isValid());
        // Settings of this test only, whatever else runs in parallel.
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir_.path());
        QCoreApplication::setOrganizationName(QStringLiteral("HopscopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
    }
    void init() { QSettings().clear(); }

    void opensOnTheDemo() {
        gui::MainWindow w;
        w.show();
        QVERIFY2(waitForLayout(w), "the demo's graph was never laid out");
        QVERIFY(w.graphView()->graph());
        QVERIFY2(!w.graphView()->graph()->nodes.empty(), "the demo graph has nodes");
        QCOMPARE(w.workspace()->source().kind, gui::SourceSpec::Kind::Demo);
        QVERIFY2(w.windowTitle().contains(QStringLiteral("demo")), qPrintable(w.windowTitle()));
        QVERIFY(!w.showsEmptyState());
        const QString status = w.statusSummary();
        QVERIFY2(status.contains(QStringLiteral("%1 object").arg(w.workspace()->state()->objectCount())),
                 qPrintable(status));
        QVERIFY2(status.contains(QStringLiteral("offline")), qPrintable(status));
        QVERIFY2(status.contains(QStringLiteral("%1 problem").arg(w.workspace()->problemCount())), qPrintable(status));
        QCOMPARE(w.requestPanel()->url(), QStringLiteral("https://shop.example.com/api/v2/orders"));
    }

    void opensAGoldenFolder() {
        gui::MainWindow w;
        w.show();
        QVERIFY(waitForTable(w));
        const QString folder = QString::fromStdString(hs::testing::sourceDir() + "/tests/golden/ingress-nginx/hosts");
        w.workspace()->openFiles({folder});
        QVERIFY2(waitForTable(w), "the folder never compiled");
        QCOMPARE(w.workspace()->source().kind, gui::SourceSpec::Kind::Files);
        QVERIFY2(w.windowTitle().contains(QStringLiteral("hosts/")), qPrintable(w.windowTitle()));
        const auto expected = model::loadManifests({folder.toStdString()});
        QCOMPARE(w.workspace()->state()->objectCount(), expected.state->objectCount());
        QCOMPARE(w.workspace()->state()->ingresses().size(), expected.state->ingresses().size());
        QVERIFY(waitForLayout(w) || w.graphView()->graph());
        // The source is remembered for File ▸ Recent sources.
        const QStringList recent = QSettings().value(QStringLiteral("recentSources")).toStringList();
        QVERIFY2(!recent.isEmpty() && recent.front().contains(folder), qPrintable(recent.join('|')));
    }

    void badManifestLoadsTheRest() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString good = dir.filePath(QStringLiteral("good.yaml"));
        const QString bad = dir.filePath(QStringLiteral("bad.yaml"));
        writeFile(good, kGood);
        writeFile(bad, "apiVersion: v1\nkind: Service\nmetadata: {name: broken, namespace: site\nspec: [\n");
        gui::MainWindow w;
        w.show();
        QVERIFY(waitForTable(w));
        QSignalSpy problems(w.workspace(), &gui::Workspace::loadProblems);
        w.workspace()->openFiles({dir.path()});
        QVERIFY(waitForTable(w));
        QCOMPARE(problems.count(), 1);
        // The valid documents loaded...
        QVERIFY(w.workspace()->state()->ingresses().find("site", "web"));
        QVERIFY(w.workspace()->state()->services().find("site", "web"));
        QVERIFY(!w.showsEmptyState());
        // ...and the Problems panel lists the located error and is shown.
        QListWidget* list = w.problemsList();
        bool located = false;
        for (int i = 0; i < list->count(); ++i) located |= list->item(i)->text().contains(QStringLiteral("bad.yaml:"));
        QStringList all;
        for (int i = 0; i < list->count(); ++i) all << list->item(i)->text();
        QVERIFY2(located, qPrintable(all.join('\n')));
        QVERIFY(w.dock(QStringLiteral("problemsDock"))->isVisible());
    }

    void unreadableSourceSaysSo() {
        gui::MainWindow w;
        w.show();
        QVERIFY(waitForTable(w));
        QSignalSpy failed(w.workspace(), &gui::Workspace::failed);
        w.workspace()->openFiles({QStringLiteral("/nonexistent/hopscope/none.yaml")});
        QVERIFY(failed.wait(kTimeoutMs));
        QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("none.yaml")),
                 qPrintable(failed.at(0).at(0).toString()));
        // A dialog says what to check, without blocking the window.
        auto* box = w.findChild<QMessageBox*>(QStringLiteral("failureBox"));
        QVERIFY(box);
        QVERIFY(QTest::qWaitFor([&] { return box->isVisible(); }, 5000));
        QVERIFY2(box->informativeText().contains(QStringLiteral("demo")), qPrintable(box->informativeText()));
        QVERIFY2(box->detailedText().contains(QStringLiteral("none.yaml")), qPrintable(box->detailedText()));
    }

    void toolbarSearchSelectsANode() {
        gui::MainWindow w;
        w.show();
        QVERIFY(waitForLayout(w));
        auto* search = w.findChild<QLineEdit*>(QStringLiteral("graphSearch"));
        QVERIFY(search);
        search->setText(QStringLiteral("api-canary"));
        QTest::keyClick(search, Qt::Key_Return);
        // The graph selects the first match and the details panel follows the selection.
        QVERIFY2(QTest::qWaitFor([&] { return w.detailsPanel()->object().has_value(); }, 5000),
                 "searching did not select a node with an object");
        QVERIFY2(QString::fromStdString(w.detailsPanel()->object()->name).contains(QStringLiteral("api-canary")),
                 w.detailsPanel()->object()->name.c_str());
    }

    void noIngressesShowsTheEmptyState() {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("svc.yaml"));
        writeFile(file,
                  "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: b}\nspec: {ports: [{port: 80}]}\n");
        gui::MainWindow w;
        w.show();
        QVERIFY(waitForTable(w));
        w.workspace()->openFiles({file});
        QVERIFY(waitForTable(w));
        QVERIFY(w.showsEmptyState());
        w.workspace()->openDemo();
        QVERIFY(waitForTable(w));
        QVERIFY(!w.showsEmptyState());
    }

    void profileSwitchRecompiles_data() {
        QTest::addColumn<QString>("profile");
        QTest::newRow("gateway-api") << "gateway-api";
        QTest::newRow("gce") << "gce";
        QTest::newRow("spec") << "spec";
        QTest::newRow("ingress-nginx") << "ingress-nginx";
    }
    void profileSwitchRecompiles() {
        QFETCH(QString, profile);
        gui::MainWindow w(gui::SourceSpec{},
                          profile == QLatin1String("ingress-nginx") ? std::optional(sim::Profile::Spec) : std::nullopt);
        w.show();
        QVERIFY(waitForTable(w));
        const int index = w.profileBox()->findText(profile);
        QVERIFY(index >= 0);
        QSignalSpy tables(w.workspace(), &gui::Workspace::tableChanged);
        w.profileBox()->setCurrentIndex(index);
        QVERIFY(tables.wait(kTimeoutMs));
        QCOMPARE(QString::fromUtf8(sim::profileName(w.workspace()->table()->profile())), profile);
        QVERIFY2(w.windowTitle().contains(profile), qPrintable(w.windowTitle()));
    }

    void routesAndLightsUpTheGraph() {
        gui::MainWindow w;
        w.resize(1200, 800);
        w.show();
        QVERIFY(waitForLayout(w));
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QImage before = w.graphView()->grab().toImage();
        QSignalSpy ready(w.requestPanel(), &gui::RequestPanel::decisionReady);
        w.requestPanel()->route();
        QCOMPARE(ready.count(), 1);
        const sim::Decision& d = w.requestPanel()->decision();
        QVERIFY2(!d.hops.empty(), "the prefilled request has hops");
        QVERIFY2(QTest::qWaitFor([&] { return w.graphView()->grab().toImage() != before; }, 5000),
                 "routing a request changes nothing in the graph");
    }

    void selectingAServiceShowsItsDetails() {
        gui::MainWindow w;
        w.show();
        QVERIFY(waitForLayout(w));
        const graph::Graph* g = w.graphView()->graph();
        QVERIFY(g);
        QString serviceId;
        for (const auto& n : g->nodes)
            if (n.object && n.object->kind == model::Kind::Service && n.object->ns == "shop" && n.object->name == "api")
                serviceId = QString::fromStdString(n.id);
        QVERIFY2(!serviceId.isEmpty(), "the demo graph has the Service shop/api");
        emit w.graphView()->nodeSelected(serviceId);
        auto obj = w.detailsPanel()->object();
        QVERIFY(obj);
        QCOMPARE(obj->name, std::string("api"));
        QVERIFY(w.detailsPanel()->facts().contains(QStringLiteral("Kind: Service")));
        QVERIFY(w.detailsPanel()->yaml().contains(QStringLiteral("kind: Service")));
        QVERIFY(!w.detailsPanel()->routes().isEmpty());
        emit w.graphView()->nodeSelected(QString());
        QVERIFY(!w.detailsPanel()->object());
    }

    void settingsRoundTrip() {
        {
            gui::MainWindow w;
            w.show();
            QVERIFY(waitForTable(w));
            w.dock(QStringLiteral("detailsDock"))->hide();
            w.profileBox()->setCurrentIndex(w.profileBox()->findText(QStringLiteral("gce")));
            QVERIFY(waitForTable(w));
            w.close();  // saves, as a user quitting does
        }
        gui::MainWindow w2;
        w2.show();
        QVERIFY(waitForTable(w2));
        QVERIFY2(!w2.dock(QStringLiteral("detailsDock"))->isVisible(), "the hidden dock stays hidden");
        QVERIFY(w2.dock(QStringLiteral("requestDock"))->isVisible());
        QCOMPARE(w2.profileBox()->currentText(), QStringLiteral("gce"));
        QCOMPARE(w2.workspace()->table()->profile(), sim::Profile::Gce);
        // An explicit --profile wins over the remembered one.
        gui::MainWindow w3(gui::SourceSpec{}, sim::Profile::Spec);
        QVERIFY(waitForTable(w3));
        QCOMPARE(w3.workspace()->table()->profile(), sim::Profile::Spec);
    }

    void sourceSpecRoundTrip_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QStringList>("paths");
        QTest::addColumn<QString>("kubeconfig");
        QTest::addColumn<QString>("context");
        QTest::newRow("demo") << int(gui::SourceSpec::Kind::Demo) << QStringList() << QString() << QString();
        QTest::newRow("files") << int(gui::SourceSpec::Kind::Files) << QStringList{"/a/b.yaml", "/c d/"} << QString()
                               << QString();
        QTest::newRow("live") << int(gui::SourceSpec::Kind::Live) << QStringList() << "/home/x/.kube/config"
                              << "kind-hopscope";
        QTest::newRow("live default") << int(gui::SourceSpec::Kind::Live) << QStringList() << QString() << QString();
    }
    void sourceSpecRoundTrip() {
        QFETCH(int, kind);
        QFETCH(QStringList, paths);
        QFETCH(QString, kubeconfig);
        QFETCH(QString, context);
        gui::SourceSpec s{static_cast<gui::SourceSpec::Kind>(kind), paths, kubeconfig, context};
        QVERIFY2(gui::SourceSpec::deserialize(s.serialize()) == s, qPrintable(s.serialize()));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
