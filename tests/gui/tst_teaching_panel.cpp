// TeachingPanel: stepping emits hopShown with the right hop indices and stops at the ends, play
// advances by itself and stops at the last hop, the YAML lines highlighted for a path hop are the
// matched path's lines in the real manifest file, free mode routes typed URLs, and the panel can
// render a screenshot for the docs.
#include "app/gui/teaching_panel.h"
#include "resources/demo.h"
#include "tests/test_paths.h"

#include <QApplication>
#include <QFile>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>

using namespace hs;

namespace {

int hopIndexOf(const QList<QVariant>& args) { return args.at(1).toInt(); }

int lessonIndex(const gui::TeachingPanel& p, const QString& title) {
    for (int i = 0; i < p.lessonCount(); ++i)
        if (p.lessonTitle(i) == title) return i;
    return -1;
}

QStringList fileLines(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(f.readAll()).split(u'\n');
}

}  // namespace

class TestTeachingPanel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void stepsForwardAndBackAndStopsAtTheEnds();
    void playAdvancesByItselfAndStops();
    void pathHopHighlightsTheMatchedPath_data();
    void pathHopHighlightsTheMatchedPath();
    void hopsOfDerivedObjectsSayWhereTheyComeFrom();
    void lessonAgreesWithEngineInThePanel();
    void freeModeRoutesTypedUrls();
    void screenshot();

private:
    std::shared_ptr<const sim::RouteTable> demoTable_;
};

void TestTeachingPanel::initTestCase() {
    demoTable_ = sim::compileRouteTable(demo::load().state, {});
    QVERIFY(demoTable_);
}

void TestTeachingPanel::stepsForwardAndBackAndStopsAtTheEnds() {
    gui::TeachingPanel panel;
    panel.setTable(demoTable_);
    QVERIFY2(panel.lessonCount() >= 6, "the built-in lessons are compiled in");
    QSignalSpy spy(&panel, &gui::TeachingPanel::hopShown);

    panel.openLesson(0);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(hopIndexOf(spy.takeFirst()), 0);
    const int n = panel.hopCount();
    QVERIFY2(n >= 3, "the first request of the first lesson has several hops");

    for (int i = 1; i < n; ++i) {
        panel.next();
        QCOMPARE(spy.count(), 1);
        const QList<QVariant> args = spy.takeFirst();
        QCOMPARE(hopIndexOf(args), i);
        QCOMPARE(panel.currentHop(), i);
        // The decision carried is the one being stepped, complete with its hops.
        const auto d = args.at(0).value<sim::Decision>();
        QCOMPARE(static_cast<int>(d.hops.size()), n);
    }
    panel.next();  // at the last hop: nothing happens
    QCOMPARE(spy.count(), 0);
    QCOMPARE(panel.currentHop(), n - 1);

    for (int i = n - 2; i >= 0; --i) {
        panel.back();
        QCOMPARE(spy.count(), 1);
        QCOMPARE(hopIndexOf(spy.takeFirst()), i);
    }
    panel.back();  // at the first hop: nothing happens
    QCOMPARE(spy.count(), 0);
    QCOMPARE(panel.currentHop(), 0);

    // Another request of the lesson starts again at hop 0.
    QVERIFY(panel.requestCount() >= 2);
    panel.openRequest(1);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(hopIndexOf(spy.takeFirst()), 0);
    QCOMPARE(panel.currentRequest(), 1);
}

void TestTeachingPanel::playAdvancesByItselfAndStops() {
    gui::TeachingPanel panel;
    panel.setTable(demoTable_);
    panel.setPlayInterval(20);
    panel.openLesson(lessonIndex(panel, QStringLiteral("Path types")));
    const int n = panel.hopCount();
    QVERIFY(n >= 3);
    QSignalSpy spy(&panel, &gui::TeachingPanel::hopShown);
    panel.setPlaying(true);
    QVERIFY(panel.isPlaying());
    QVERIFY2(QTest::qWaitFor([&] { return !panel.isPlaying(); }, 5000), "play must stop by itself at the last hop");
    QCOMPARE(spy.count(), n - 1);
    for (int i = 0; i < spy.count(); ++i) QCOMPARE(hopIndexOf(spy.at(i)), i + 1);
    QCOMPARE(panel.currentHop(), n - 1);
    // Stopped means stopped: no further ticks.
    QVERIFY(!spy.wait(100));
    QCOMPARE(spy.count(), n - 1);

    // Play at the last hop starts over from the first.
    spy.clear();
    panel.setPlaying(true);
    QCOMPARE(hopIndexOf(spy.first()), 0);
    panel.setPlaying(false);
    QVERIFY(!panel.isPlaying());
}

void TestTeachingPanel::pathHopHighlightsTheMatchedPath_data() {
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("file");
    QTest::newRow("prefix /api") << "https://shop.example.com/api/v2/orders"
                                 << "10-shop.yaml";
    QTest::newRow("exact /healthz") << "https://shop.example.com/healthz"
                                    << "10-shop.yaml";
    QTest::newRow("regex on blog") << "https://blog.example.com/API/posts/42"
                                   << "20-blog.yaml";
    QTest::newRow("wildcard host /") << "https://acme.tenants.example.com/x"
                                     << "30-tenants.yaml";
    QTest::newRow("hostless /status") << "http://10.0.0.1/status"
                                      << "30-tenants.yaml";
}

void TestTeachingPanel::pathHopHighlightsTheMatchedPath() {
    QFETCH(QString, url);
    QFETCH(QString, file);
    gui::TeachingPanel panel;
    panel.setTable(demoTable_);
    QVERIFY(panel.routeUrl(url));
    const sim::Decision* d = panel.currentDecision();
    QVERIFY(d);
    int pathHop = -1;
    for (std::size_t i = 0; i < d->hops.size(); ++i)
        if (d->hops[i].stage == sim::Stage::Path) pathHop = static_cast<int>(i);
    QVERIFY2(pathHop >= 0, "the decision has a path hop");
    while (panel.currentHop() < pathHop) panel.next();

    const QString path = QString::fromStdString(d->path);
    const QStringList shown = panel.highlightedYamlLines();
    const QList<int> lines = panel.highlightedFileLines();
    QVERIFY2(!shown.isEmpty(), qPrintable(panel.yamlHeader()));
    QCOMPARE(shown.size(), lines.size());
    bool pathLine = false;
    for (const QString& s : shown) pathLine |= s.contains(QStringLiteral("path: ") + path);
    QVERIFY2(pathLine,
             qPrintable(QStringLiteral("no highlighted line holds path: %1 in %2").arg(path, shown.join(" | "))));
    // The line numbers are the manifest file's own: the text shown is the file's text there.
    const QStringList real = fileLines(QString::fromStdString(hs::testing::sourceDir() + "/resources/demo/") + file);
    QVERIFY(!real.isEmpty());
    for (int i = 0; i < lines.size(); ++i) {
        QVERIFY(lines[i] >= 1 && lines[i] <= real.size());
        const QString fileText = real[lines[i] - 1];
        QVERIFY2(
            shown[i].endsWith(fileText),
            qPrintable(QStringLiteral("line %1: shown '%2', file has '%3'").arg(lines[i]).arg(shown[i], fileText)));
    }
    QVERIFY2(panel.yamlHeader().contains(file), qPrintable(panel.yamlHeader()));
    QVERIFY2(panel.yamlHeader().contains(QStringLiteral("found by searching")),
             "the header says the field lines are approximate");
}

void TestTeachingPanel::hopsOfDerivedObjectsSayWhereTheyComeFrom() {
    // shop/api's Pods are synthesised from the Deployment: the pod hop shows the Deployment and says so.
    gui::TeachingPanel panel;
    panel.setTable(demoTable_);
    QVERIFY(panel.routeUrl(QStringLiteral("https://shop.example.com/api/x"), {QStringLiteral("X-Canary: never")}));
    while (panel.currentHop() + 1 < panel.hopCount()) panel.next();
    const sim::Decision* d = panel.currentDecision();
    QCOMPARE(d->hops.back().stage, sim::Stage::Pod);
    QVERIFY2(panel.yamlHeader().contains(QStringLiteral("synthesised by Hopscope from Deployment shop/api")),
             qPrintable(panel.yamlHeader()));
    bool replicas = false;
    for (const QString& s : panel.highlightedYamlLines()) replicas |= s.contains(QStringLiteral("replicas: 3"));
    QVERIFY2(replicas, qPrintable(panel.highlightedYamlLines().join(" | ")));
}

void TestTeachingPanel::lessonAgreesWithEngineInThePanel() {
    gui::TeachingPanel panel;
    panel.setTable(demoTable_);
    for (int l = 0; l < panel.lessonCount(); ++l) {
        panel.openLesson(l);
        QCOMPARE(panel.currentLesson(), l);
        for (int r = 0; r < panel.requestCount(); ++r) {
            panel.openRequest(r);
            QVERIFY2(panel.currentMismatches().isEmpty(),
                     qPrintable(panel.lessonTitle(l) + QStringLiteral(": ") + panel.currentMismatches().join("; ")));
            // Every hop can be shown without a crash, and every hop has a caption for its YAML.
            for (int h = 0; h < panel.hopCount(); ++h) {
                if (h) panel.next();
                QVERIFY2(
                    !panel.yamlHeader().isEmpty(),
                    qPrintable(QStringLiteral("%1 request %2 hop %3").arg(panel.lessonTitle(l)).arg(r + 1).arg(h + 1)));
                // Every hop that shows a manifest highlights the lines it used (none is left unexplained).
                QVERIFY2(!panel.yamlHeader().contains(QStringLiteral("no line of it names")),
                         qPrintable(QStringLiteral("%1 request %2 hop %3: %4")
                                        .arg(panel.lessonTitle(l))
                                        .arg(r + 1)
                                        .arg(h + 1)
                                        .arg(panel.yamlHeader())));
                if (qEnvironmentVariableIsSet("HS_TEACHING_DUMP"))  // for reviewing every hop's YAML by eye
                    qInfo("%s #%d hop %d %s\n  %s\n  %s", qPrintable(panel.lessonTitle(l)), r + 1, h + 1,
                          sim::stageName(panel.currentDecision()->hops[static_cast<std::size_t>(h)].stage),
                          qPrintable(panel.yamlHeader()),
                          qPrintable(panel.highlightedYamlLines().join(QStringLiteral("\n  "))));
                // Secret key material never reaches the YAML pane.
                for (const QString& s : panel.highlightedYamlLines())
                    QVERIFY(!s.contains(QStringLiteral("LS0tLS1CRUdJTiBQUklWQVRF")));
            }
        }
    }
}

void TestTeachingPanel::freeModeRoutesTypedUrls() {
    gui::TeachingPanel panel;
    panel.setTable(demoTable_);
    QSignalSpy spy(&panel, &gui::TeachingPanel::hopShown);
    QVERIFY2(!panel.routeUrl(QStringLiteral("https://shop.example.com/a b")), "a URL with a space is refused");
    QCOMPARE(spy.count(), 0);
    QVERIFY(!panel.routeUrl(QStringLiteral("https://shop.example.com/"), {QStringLiteral("no colon")}));
    QCOMPARE(spy.count(), 0);

    QVERIFY(panel.routeUrl(QStringLiteral("https://shop.example.com/api/items"), {QStringLiteral("X-Canary: always")}));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(hopIndexOf(spy.first()), 0);
    QCOMPARE(panel.currentLesson(), -1);
    const auto d = spy.first().at(0).value<sim::Decision>();
    QCOMPARE(d.service, std::string("shop/api-canary"));
    QVERIFY(d.canary);

    // Free mode keeps one session: round robin moves on between two identical requests.
    QVERIFY(panel.routeUrl(QStringLiteral("https://shop.example.com/")));
    const std::string first = panel.currentDecision()->endpoint;
    QVERIFY(panel.routeUrl(QStringLiteral("https://shop.example.com/")));
    QVERIFY2(panel.currentDecision()->endpoint != first,
             "round robin alternates between the two ready storefront Pods");

    // Opening a lesson leaves free mode, openLesson(-1) returns to it.
    panel.openLesson(0);
    QCOMPARE(panel.currentLesson(), 0);
    panel.openLesson(-1);
    QCOMPARE(panel.currentLesson(), -1);
}

void TestTeachingPanel::screenshot() {
    // docs/screenshots/teaching.png: HS_TEACHING_SCREENSHOT=path renders there; otherwise the
    // grab must still work (a broken layout would give an empty image).
    gui::TeachingPanel panel;
    panel.setTable(demoTable_);
    panel.resize(760, 900);
    panel.openLesson(lessonIndex(panel, QStringLiteral("Path types")));
    panel.openRequest(2);  // Prefix /api
    panel.next();
    panel.next();  // the path hop
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    // The highlighted path line is scrolled into view.
    auto* yaml = panel.findChild<QPlainTextEdit*>();
    QVERIFY(yaml);
    QVERIFY2(yaml->textCursor().block().text().contains(QStringLiteral("path: /api")),
             qPrintable(yaml->textCursor().block().text()));
    QTRY_VERIFY(yaml->viewport()->rect().contains(yaml->cursorRect()));
    const QPixmap shot = panel.grab();
    QVERIFY(!shot.isNull());
    QCOMPARE(shot.size(), QSize(760, 900) * shot.devicePixelRatio());
    const QByteArray out = qgetenv("HS_TEACHING_SCREENSHOT");
    if (!out.isEmpty()) QVERIFY2(shot.save(QString::fromLocal8Bit(out)), out.constData());

    // Docked under the graph the panel is wide and low: explanation and YAML sit side by side.
    panel.resize(1400, 420);
    QTRY_VERIFY(yaml->viewport()->width() > 700 && yaml->viewport()->rect().contains(yaml->cursorRect()));
    const QByteArray docked = qgetenv("HS_TEACHING_SCREENSHOT_DOCKED");
    if (!docked.isEmpty()) QVERIFY2(panel.grab().save(QString::fromLocal8Bit(docked)), docked.constData());
}

QTEST_MAIN(TestTeachingPanel)
#include "tst_teaching_panel.moc"
