// The replay panel: a replay of a small demo log completes with charts and a table that add up to
// the engine's own summary for the same seed; bad lines are counted and shown; Cancel stops the
// 100k demo trace promptly and the panel works again; destroying it mid-replay is safe; clicking a
// chart point lists requests of that time bucket and picking one emits an explained Decision;
// export writes the engine's report byte for byte.
#include "app/gui/replay_panel.h"
#include "model/json_writer.h"
#include "tests/replay/replay_fixtures.h"

#include <qcustomplot.h>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <cmath>
#include <map>

using namespace hs;
using hs::gui::ReplayPanel;
using hs::testing::demoLog;
using hs::testing::demoTable;

Q_DECLARE_METATYPE(hs::sim::Decision)

namespace {

constexpr int kReplayTimeoutMs = 60000;  // generous for sanitizer builds

replay::ReplayResult engineReplay(const std::string& path, std::uint64_t seed, double speed) {
    auto opened = trace::openTrace(path, {});
    if (!opened.reader) throw std::runtime_error(opened.error);
    replay::ReplayOptions o;
    o.seed = seed;
    o.backToBack = speed <= 0;
    o.speed = speed > 0 ? speed : 1.0;
    o.clusterName = demoTable()->state().source();
    return replay::replayTrace(*opened.reader, demoTable(), o);
}

std::uint64_t countLines(const std::string& text) {
    return static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
}

std::uint64_t cellNumber(QTableWidget* t, int row, int col) { return t->item(row, col)->text().toULongLong(); }

bool runToEnd(ReplayPanel& panel, bool* completed = nullptr) {
    QSignalSpy done(&panel, &ReplayPanel::finished);
    panel.start();
    if (!panel.isRunning()) return false;
    if (!done.wait(kReplayTimeoutMs)) return false;
    if (completed) *completed = done.first().first().toBool();
    return !panel.isRunning();
}

}  // namespace

class TestReplayPanel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        qRegisterMetaType<hs::sim::Decision>();
        QVERIFY2(dir_.isValid(), "no temporary directory");
        small_ = hs::testing::writeFile(dir_, "small.log", demoLog(1500));
    }

    void totalsMatchTheEngine_data() {
        QTest::addColumn<quint64>("seed");
        QTest::addColumn<double>("speed");
        QTest::newRow("seed 1, trace time") << quint64(1) << 1.0;
        QTest::newRow("seed 7, trace time ÷ 10") << quint64(7) << 10.0;
        QTest::newRow("seed 3, back to back") << quint64(3) << 0.0;
    }
    void totalsMatchTheEngine() {
        QFETCH(quint64, seed);
        QFETCH(double, speed);
        ReplayPanel panel;
        panel.setTable(demoTable());
        panel.setTraceFile(QString::fromStdString(small_));
        panel.setSeed(seed);
        panel.setSpeed(speed);
        bool completed = false;
        QVERIFY2(runToEnd(panel, &completed), "the replay did not finish");
        QVERIFY(completed);
        auto snap = panel.snapshot();
        QVERIFY(snap && snap->result);
        const auto expected = engineReplay(small_, seed, speed);
        const std::uint64_t lines = countLines(demoLog(1500));

        // the table: one row per Pod (or controller answer), then Total
        QTableWidget* t = panel.distributionTable();
        const int total = t->rowCount() - 1;
        QCOMPARE(t->item(total, 0)->text(), QStringLiteral("Total"));
        std::uint64_t sum = 0;
        std::map<std::string, std::uint64_t> perPod, perService;
        for (int r = 0; r < total; ++r) {
            sum += cellNumber(t, r, 2);
            perPod[t->item(r, 1)->text().toStdString()] += cellNumber(t, r, 2);
        }
        QCOMPARE(sum, cellNumber(t, total, 2));
        QCOMPARE(cellNumber(t, total, 2), lines);
        QCOMPARE(expected.lines, lines);
        QCOMPARE(expected.requests, lines);
        QCOMPARE(snap->result->requests, expected.requests);
        for (const auto& p : expected.pods)
            QVERIFY2(perPod[p.name] == p.requests,
                     qPrintable(QStringLiteral("%1: table %2, engine %3")
                                    .arg(QString::fromStdString(p.name))
                                    .arg(perPod[p.name])
                                    .arg(p.requests)));
        // the share chart's Services are the engine's, with the same counts and canaries
        QCOMPARE(snap->services.size(), expected.services.size());
        for (std::size_t i = 0; i < expected.services.size(); ++i) {
            QCOMPARE(snap->services[i].name, expected.services[i].name);
            QCOMPARE(snap->services[i].requests, expected.services[i].requests);
            QCOMPARE(snap->services[i].canary, expected.services[i].canary);
        }
        // the panel's report is the engine's for the same seed, byte for byte
        QCOMPARE(hs::testing::summaryJson(*snap->result), hs::testing::summaryJson(expected));

        // charts have data
        auto* rps = panel.chart(ReplayPanel::Chart::RequestsPerPod);
        QVERIFY(rps->graphCount() > 0);
        double area = 0;
        for (int g = 0; g < rps->graphCount(); ++g)
            for (auto it = rps->graph(g)->data()->constBegin(); it != rps->graph(g)->data()->constEnd(); ++it)
                area += it->value * static_cast<double>(snap->bucketNs) / 1e9;
        QVERIFY2(std::abs(area - static_cast<double>(lines)) < 0.5, qPrintable(QString::number(area)));
        auto* lat = panel.chart(ReplayPanel::Chart::Latency);
        QCOMPARE(lat->graphCount(), 3);
        bool someLatency = false;
        for (auto it = lat->graph(2)->data()->constBegin(); it != lat->graph(2)->data()->constEnd(); ++it)
            someLatency = someLatency || (!std::isnan(it->value) && it->value > 0);
        QVERIFY(someLatency);
        QCOMPARE(panel.chart(ReplayPanel::Chart::Status)->graphCount(), 4);
        QVERIFY(panel.chart(ReplayPanel::Chart::Share)->plottableCount() == 2);
    }

    void badLinesAreShownNotFatal() {
        std::string text = "garbage at the start\n" + demoLog(200) + "\"half a line\n";
        auto path = hs::testing::writeFile(dir_, "bad.log", text);
        ReplayPanel panel;
        panel.setTable(demoTable());
        panel.setTraceFile(QString::fromStdString(path));
        QVERIFY(runToEnd(panel));
        auto snap = panel.snapshot();
        QVERIFY(snap && snap->result);
        QCOMPARE(snap->result->bad, std::uint64_t(2));
        QCOMPARE(snap->problemCount, std::uint64_t(2));
        QVERIFY2(snap->firstProblems.front().rfind(path + ":1: ", 0) == 0, snap->firstProblems.front().c_str());
        auto* t = panel.distributionTable();
        QCOMPARE(cellNumber(t, t->rowCount() - 1, 2), std::uint64_t(200));
    }

    void missingTraceIsReported() {
        ReplayPanel panel;
        panel.setTable(demoTable());
        panel.setTraceFile(QString::fromStdString(dir_.filePath("nope.log").toStdString()));
        bool completed = true;
        QVERIFY(runToEnd(panel, &completed));
        QVERIFY(!completed);
        QVERIFY(!panel.snapshot());
    }

    void cancelStopsALongReplay() {
        QVERIFY2(QFile::exists(QString::fromStdString(hs::testing::demoTraceFile())),
                 (hs::testing::demoTraceFile() + " is missing (built by hs_demo_trace_files)").c_str());
        ReplayPanel panel;
        panel.setTable(demoTable());
        panel.setTraceFile(QString::fromStdString(hs::testing::demoTraceFile()));
        panel.setSpeed(0);
        QSignalSpy done(&panel, &ReplayPanel::finished);
        panel.start();
        QVERIFY(panel.isRunning());
        // a live snapshot arrives while it runs
        QVERIFY2(QTest::qWaitFor([&] { return panel.snapshot() != nullptr || !done.isEmpty(); }, kReplayTimeoutMs),
                 "no progress");
        QVERIFY2(done.isEmpty(), "the replay finished before the first live snapshot");
        QVERIFY(panel.snapshot()->requests > 0 && !panel.snapshot()->result);
        QElapsedTimer timer;
        timer.start();
        panel.cancel();
        QVERIFY(done.wait(kReplayTimeoutMs));
        const qint64 ms = timer.elapsed();
        QVERIFY2(ms < 2000, qPrintable(QStringLiteral("cancel took %1 ms").arg(ms)));  // ~50 ms in a release build
        QCOMPARE(done.first().first().toBool(), false);
        QVERIFY(!panel.isRunning());
        auto snap = panel.snapshot();
        QVERIFY(snap->result && snap->result->cancelled);
        QVERIFY2(snap->result->lines < 100000, qPrintable(QString::number(snap->result->lines)));
        qInfo("cancelled after %llu of 100000 lines in %lld ms", static_cast<unsigned long long>(snap->result->lines),
              ms);

        // usable again
        panel.setTraceFile(QString::fromStdString(small_));
        bool completed = false;
        QVERIFY(runToEnd(panel, &completed));
        QVERIFY(completed);
        QCOMPARE(panel.snapshot()->result->requests, std::uint64_t(1500));
    }

    void destroyedMidReplay() {
        auto* panel = new ReplayPanel;
        panel->setTable(demoTable());
        panel->setTraceFile(QString::fromStdString(hs::testing::demoTraceFile()));
        panel->start();
        QVERIFY(panel->isRunning());
        (void)QTest::qWaitFor([&] { return panel->snapshot() != nullptr; }, 5000);  // mid-replay, or at least running
        QVERIFY(panel->isRunning());
        delete panel;  // cancels and joins; queued snapshots are dropped with it
        QCoreApplication::processEvents();
    }

    void clickingAPointListsItsBucket() {
        ReplayPanel panel;
        panel.setTable(demoTable());
        panel.setTraceFile(QString::fromStdString(small_));
        panel.resize(1200, 900);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(runToEnd(panel));
        auto snap = panel.snapshot();
        auto* rps = panel.chart(ReplayPanel::Chart::RequestsPerPod);
        rps->replot();
        // the busiest bucket of the first graph (the busiest Pod)
        auto data = rps->graph(0)->data();
        int best = 0;
        for (int i = 0; i < data->size(); ++i)
            if (data->at(i)->value > data->at(best)->value) best = i;
        QPoint at(qRound(rps->xAxis->coordToPixel(data->at(best)->key)),
                  qRound(rps->yAxis->coordToPixel(data->at(best)->value)));
        QTest::mouseClick(rps, Qt::LeftButton, {}, at);
        QTreeWidget* list = panel.requestList();
        QVERIFY2(list->topLevelItemCount() > 0, "clicking the point listed nothing");
        const std::string pod = rps->graph(0)->name().toStdString();
        const std::int64_t from = best * snap->bucketNs, to = from + snap->bucketNs;
        for (int i = 0; i < list->topLevelItemCount(); ++i) {
            double t = list->topLevelItem(i)->text(1).toDouble() * 1e9;
            QVERIFY2(t >= static_cast<double>(from) - 1e6 && t < static_cast<double>(to) + 1e6,
                     qPrintable(QStringLiteral("request at %1 s is outside bucket %2").arg(t / 1e9).arg(best)));
            QVERIFY2(list->topLevelItem(i)->text(3).contains(QString::fromStdString(pod)),
                     qPrintable(list->topLevelItem(i)->text(3)));
        }
        // the list holds exactly the bucket's samples of that Pod
        int series = -1;
        for (std::size_t i = 0; i < snap->series.size(); ++i)
            if (snap->series[i] == pod) series = static_cast<int>(i);
        QCOMPARE(list->topLevelItemCount(),
                 static_cast<int>(snap->samplesIn(static_cast<std::size_t>(best), series).size()));

        // picking one lights its route up: an explained Decision to that Pod
        QSignalSpy chosen(&panel, &ReplayPanel::decisionChosen);
        list->setCurrentItem(list->topLevelItem(0));
        QCOMPARE(chosen.count(), 1);
        auto d = chosen.first().first().value<hs::sim::Decision>();
        QCOMPARE(d.pod.empty() ? d.endpoint : d.pod, pod);
        QVERIFY2(!d.hops.empty(), "the chosen decision has no hops to show");

        // HS_SCREENSHOT_DIR=docs/screenshots renders the panel for the docs (docs/gui.md)
        if (qEnvironmentVariableIsSet("HS_SCREENSHOT_DIR"))
            QVERIFY(panel.grab().save(qEnvironmentVariable("HS_SCREENSHOT_DIR") + QStringLiteral("/replay.png")));

        // a table row lists that Pod's requests
        QTableWidget* t = panel.distributionTable();
        for (int r = 0; r < t->rowCount() - 1; ++r)
            if (t->item(r, 1)->text().toStdString() == pod) t->selectRow(r);
        QVERIFY(list->topLevelItemCount() > 0);
        for (int i = 0; i < list->topLevelItemCount(); ++i)
            QVERIFY(list->topLevelItem(i)->text(3).contains(QString::fromStdString(pod)));
    }

    void exportWritesTheEnginesReport() {
        ReplayPanel panel;
        panel.setTable(demoTable());
        panel.setTraceFile(QString::fromStdString(small_));
        panel.setSeed(11);
        QString error;
        QVERIFY(!panel.exportReport(dir_.filePath("early.json"), &error));  // nothing to export yet
        QVERIFY(runToEnd(panel));
        const auto expected = engineReplay(small_, 11, 1.0);
        QVERIFY2(panel.exportReport(dir_.filePath("r.json"), &error), qPrintable(error));
        std::string json = hs::testing::summaryJson(expected);
        replay::repairUtf8(json);
        QCOMPARE(hs::testing::readFile(dir_.filePath("r.json").toStdString()), json + "\n");
        QVERIFY2(panel.exportReport(dir_.filePath("r.txt"), &error), qPrintable(error));
        std::ostringstream text;
        expected.writeText(text);
        QCOMPARE(hs::testing::readFile(dir_.filePath("r.txt").toStdString()), text.str());
        // a write that fails leaves nothing half-written and says why
        QVERIFY(!panel.exportReport(dir_.filePath("no/such/dir/r.json"), &error));
        QVERIFY(error.contains(QStringLiteral("no/such/dir")));
    }

private:
    QTemporaryDir dir_;
    std::string small_;
};

QTEST_MAIN(TestReplayPanel)
#include "tst_replay_panel.moc"
