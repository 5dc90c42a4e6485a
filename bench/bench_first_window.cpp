// Time from constructing the main window on the demo to its graph drawn: the demo loaded and
// compiled (pool thread), the graph built and laid out (worker), the items shown (layoutReady)
// and the first paint of the view after that. Target: under 1 s (docs/gui.md). Runs on the
// offscreen platform unless QT_QPA_PLATFORM says otherwise.
#include "app/gui/graph_view.h"
#include "app/gui/main_window.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>

#include <benchmark/benchmark.h>

#include <algorithm>

namespace {

// Notes the first paint of the view's viewport after `armed` was set.
class PaintWatch : public QObject {
public:
    bool armed = false;
    bool painted = false;
    QEventLoop* loop = nullptr;

protected:
    bool eventFilter(QObject* o, QEvent* e) override {
        if (e->type() == QEvent::Paint && armed && !painted) {
            painted = true;
            // Quit after this paint has been processed, not before.
            QTimer::singleShot(0, loop, &QEventLoop::quit);
        }
        return QObject::eventFilter(o, e);
    }
};

void BM_FirstWindow(benchmark::State& state) {
    for (auto _ : state) {
        QElapsedTimer timer;
        timer.start();
        hs::gui::MainWindow w;
        w.resize(1280, 800);
        w.show();
        QEventLoop loop;
        PaintWatch watch;
        watch.loop = &loop;
        w.graphView()->viewport()->installEventFilter(&watch);
        QObject::connect(w.graphView(), &hs::gui::GraphView::layoutReady, &loop, [&] {
            watch.armed = true;
            w.graphView()->viewport()->update();
        });
        QTimer::singleShot(30000, &loop, &QEventLoop::quit);
        loop.exec();
        const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
        if (!watch.painted) {
            state.SkipWithError("the graph was not drawn within 30 s");
            break;
        }
        state.SetIterationTime(seconds);
        w.graphView()->viewport()->removeEventFilter(&watch);
    }
}
BENCHMARK(BM_FirstWindow)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(15)
    ->ComputeStatistics("min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); })
    ->ReportAggregatesOnly(true);

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    // Never read or write the user's settings: a remembered layout would change what is measured.
    QTemporaryDir settings;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings.path());
    QCoreApplication::setOrganizationName(QStringLiteral("HopscopeBench"));
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
