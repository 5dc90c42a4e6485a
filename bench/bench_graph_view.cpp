// The routing graph view (app/gui/graph_view) on a 10,000-Pod / 2,000-Service / 1,000-Ingress
// synthetic graph: loading it (build items after the worker's layout), then rendering one
// 1600×1000 viewport frame at several zoom levels and while panning. The budget is 16 ms
// a frame and under 300 MB resident after loading. Runs on the offscreen platform.
#include "app/gui/graph_view.h"
#include "bench/synthetic_graph.h"

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QImage>
#include <QPainter>
#include <QScrollBar>
#include <QTimer>

#include <cstdio>
#include <fstream>
#include <memory>

namespace {

double residentMb() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return static_cast<double>(resident) * 4096.0 / (1024.0 * 1024.0);
}

struct Loaded {
    std::unique_ptr<hs::gui::GraphView> view;
    double loadMs = 0;
    double rssBeforeMb = 0, rssAfterMb = 0;
    std::size_t nodes = 0, edges = 0;
};

Loaded& loaded() {
    static Loaded l = [] {
        Loaded out;
        out.rssBeforeMb = residentMb();
        auto graph =
            std::make_shared<const hs::graph::Graph>(hs::bench::syntheticGraph(hs::bench::specForPods(10000, 42)));
        out.nodes = graph->nodes.size();
        out.edges = graph->edges.size();
        out.view = std::make_unique<hs::gui::GraphView>();
        out.view->resize(1600, 1000);
        out.view->show();  // lays out the viewport (1600×1000 less the scroll bars)
        QCoreApplication::processEvents();
        QEventLoop loop;
        QObject::connect(out.view.get(), &hs::gui::GraphView::layoutReady, &loop, &QEventLoop::quit);
        QElapsedTimer t;
        t.start();
        out.view->setGraph(graph);
        QTimer::singleShot(300000, &loop, &QEventLoop::quit);
        loop.exec();
        out.loadMs = static_cast<double>(t.nsecsElapsed()) / 1e6;
        out.rssAfterMb = residentMb();
        return out;
    }();
    return l;
}

// Zoom levels: 0 = fit all, 1 = 0.1 (zoomed far out), 2 = 0.3 (Pods folded), 3 = 1:1.
void setZoom(hs::gui::GraphView& view, std::int64_t level) {
    view.fitAll();
    if (level == 0) return;
    view.setZoom(level == 1 ? 0.1 : level == 2 ? 0.3 : 1.0);
}

void BM_LoadGraph(benchmark::State& state) {
    Loaded& l = loaded();
    for (auto _ : state) benchmark::DoNotOptimize(l.view.get());
    state.counters["load_ms"] = l.loadMs;
    state.counters["rss_mb"] = l.rssAfterMb;
    state.counters["rss_graph_view_mb"] = l.rssAfterMb - l.rssBeforeMb;
    state.counters["nodes"] = static_cast<double>(l.nodes);
    state.counters["edges"] = static_cast<double>(l.edges);
}
BENCHMARK(BM_LoadGraph)->Iterations(1);

void BM_RenderFrame(benchmark::State& state) {
    hs::gui::GraphView& view = *loaded().view;
    setZoom(view, state.range(0));
    QImage image(1600, 1000, QImage::Format_ARGB32_Premultiplied);
    for (auto _ : state) {
        QPainter p(&image);
        view.render(&p, QRectF(image.rect()), view.viewport()->rect());
        p.end();
        benchmark::DoNotOptimize(image.constBits());
    }
    state.counters["scale"] = view.transform().m11();
    const auto inView = view.scene()->items(view.mapToScene(view.viewport()->rect()), Qt::IntersectsItemBoundingRect);
    std::size_t visible = 0;
    for (const QGraphicsItem* i : inView) visible += i->isVisible();
    state.counters["items_in_view"] = static_cast<double>(visible);
}
BENCHMARK(BM_RenderFrame)->DenseRange(0, 3)->Unit(benchmark::kMillisecond)->UseRealTime();

// Panning: every frame scrolls 40 px down (then back up at the end of the scene) and renders.
void BM_PanFrame(benchmark::State& state) {
    hs::gui::GraphView& view = *loaded().view;
    setZoom(view, state.range(0));
    QImage image(1600, 1000, QImage::Format_ARGB32_Premultiplied);
    QScrollBar* bar = view.verticalScrollBar();
    int step = 40;
    for (auto _ : state) {
        if (bar->value() + step > bar->maximum() || bar->value() + step < bar->minimum()) step = -step;
        bar->setValue(bar->value() + step);
        QPainter p(&image);
        view.render(&p, QRectF(image.rect()), view.viewport()->rect());
        p.end();
        benchmark::DoNotOptimize(image.constBits());
    }
}
BENCHMARK(BM_PanFrame)->Arg(2)->Arg(3)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
