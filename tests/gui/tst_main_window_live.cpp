// The main window on a real API server (tests/cluster): it connects without blocking the GUI
// thread, shows what the cluster holds, says it is live, and moves to another source keeping the
// window. Needs the cluster harness (label `cluster`).
#include "app/gui/main_window.h"
#include "tests/kubeclient/test_cluster.h"

#include <QSignalSpy>
#include <QTest>

using namespace hs;

class TestMainWindowLive : public QObject {
    Q_OBJECT
    QTemporaryDir settingsDir_;

private slots:
    void initTestCase() {
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir_.path());
        QCoreApplication::setOrganizationName(QStringLiteral("HopscopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_main_window_live"));
    }

    void opensOnALiveCluster() {
        test::TestCluster cluster;
        QString error;
        QVERIFY2(cluster.start(error), qPrintable(error));
        // What a one-shot read of the same context sees.
        auto expected = kube::readLiveOnce(cluster.admin());
        QVERIFY2(expected, expected ? "" : expected.error().message.c_str());

        gui::SourceSpec live{gui::SourceSpec::Kind::Live, {}, cluster.env(QStringLiteral("ADMIN_KUBECONFIG")), {}};
        gui::MainWindow w(live);
        w.show();
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return w.workspace()->table() &&
                             w.workspace()->connectionState() == kube::ConnectionState::Live;
                     },
                     120'000),
                 qPrintable(w.statusSummary()));
        QCOMPARE(w.workspace()->source().kind, gui::SourceSpec::Kind::Live);
        QCOMPARE(w.workspace()->state()->ingresses().size(), expected->state->ingresses().size());
        QCOMPARE(w.workspace()->state()->services().size(), expected->state->services().size());
        QVERIFY2(w.statusSummary().contains(QStringLiteral("live")), qPrintable(w.statusSummary()));
        QVERIFY2(w.statusSummary().contains(QStringLiteral("synced")), qPrintable(w.statusSummary()));
        QVERIFY2(w.windowTitle().contains(QStringLiteral("context")), qPrintable(w.windowTitle()));

        // Switching source keeps the window and stops watching.
        QSignalSpy tables(w.workspace(), &gui::Workspace::tableChanged);
        w.workspace()->openDemo();
        QVERIFY(tables.wait(20'000));
        QCOMPARE(w.workspace()->connectionState(), kube::ConnectionState::Stopped);
        QVERIFY2(w.statusSummary().contains(QStringLiteral("offline")), qPrintable(w.statusSummary()));
    }

    void unreachableServerSaysSo() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("kubeconfig"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\n"
                "users:\n- name: u\n  user: {token: abc}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
                "current-context: x\n");
        }
        gui::MainWindow w(gui::SourceSpec{gui::SourceSpec::Kind::Live, {}, path, QStringLiteral("x")});
        QSignalSpy failed(w.workspace(), &gui::Workspace::failed);
        QVERIFY(failed.wait(60'000));
        QCOMPARE(w.workspace()->connectionState(), kube::ConnectionState::Error);
        QVERIFY2(!failed.at(0).at(0).toString().contains(QStringLiteral("abc")), "the token never reaches the UI");
    }
};

QTEST_MAIN(TestMainWindowLive)
#include "tst_main_window_live.moc"
