// The layered layout alone, on synthetic graphs of 1k and 10k Pods (Services = Pods / 5,
// Ingresses = Pods / 10). Also: folding and the crossing counter, which the GUI runs on zoom.
#include "app/graph/crossings.h"
#include "app/graph/fold.h"
#include "app/graph/layout.h"
#include "bench/synthetic_graph.h"

#include <benchmark/benchmark.h>

namespace {

using namespace hs::graph;

const Graph& graphOf(std::int64_t pods) {
    static const Graph small = hs::bench::syntheticGraph(hs::bench::specForPods(1000, 42));
    static const Graph large = hs::bench::syntheticGraph(hs::bench::specForPods(10000, 42));
    return pods <= 1000 ? small : large;
}

void BM_Layout(benchmark::State& state) {
    const Graph& g = graphOf(state.range(0));
    std::int64_t crossings = 0;
    for (auto _ : state) {
        Layout l = computeLayout(g);
        crossings = l.crossings;
        benchmark::DoNotOptimize(l.boxes.data());
    }
    state.counters["nodes"] = static_cast<double>(g.nodes.size());
    state.counters["edges"] = static_cast<double>(g.edges.size());
    state.counters["crossings"] = static_cast<double>(crossings);
}
BENCHMARK(BM_Layout)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// Relayout after one Pod was added, keeping the previous layout's order.
void BM_LayoutWithMemo(benchmark::State& state) {
    Graph g = graphOf(state.range(0));
    const Layout before = computeLayout(g);
    GraphNode pod = g.nodes[g.edges.back().to];
    pod.id += "-new";
    pod.label += "-new";
    std::uint32_t service = g.edges.back().from;
    g.connect(service, g.add(std::move(pod)));
    for (auto _ : state) {
        Layout l = computeLayout(g, {}, &before.memo);
        benchmark::DoNotOptimize(l.boxes.data());
    }
}
BENCHMARK(BM_LayoutWithMemo)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_FoldPods(benchmark::State& state) {
    const Graph& g = graphOf(state.range(0));
    for (auto _ : state) {
        FoldedGraph f = foldPods(g, 4);
        benchmark::DoNotOptimize(f.graph.nodes.data());
    }
}
BENCHMARK(BM_FoldPods)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_CountCrossings(benchmark::State& state) {
    const Graph& g = graphOf(state.range(0));
    const Layout l = computeLayout(g);
    for (auto _ : state) benchmark::DoNotOptimize(countCrossings(g, l));
}
BENCHMARK(BM_CountCrossings)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
