// Replay throughput, part by part and end to end, on the demo cluster and a generated
// ingress-nginx access log (the demo traffic, resources/demo/traces): reading lines, parsing the
// upstreaminfo format, routing in fast mode, and the whole replay (parse + route + balance +
// Pod model + summary + verify, decision log off). Target (issue "Trace replay"): ≥ 1,000,000
// lines per second on one core. bench/replay_vs_goaccess.sh runs the CLI on a file side by side
// with GoAccess; docs/replay.md has the numbers.
#include "resources/demo.h"
#include "resources/demo/traces/demo_traffic.h"
#include "simulator/replay/engine.h"
#include "simulator/trace/line_reader.h"
#include "simulator/trace/trace_reader.h"

#include <benchmark/benchmark.h>

#include <sstream>

namespace {

using namespace hs;

std::shared_ptr<const sim::RouteTable> demoTable() {
    static auto table = sim::compileRouteTable(demo::load().state, {});
    return table;
}

const std::string& demoLog() {
    static const std::string log = [] {
        std::ostringstream out;
        demo::TrafficOptions o;
        o.requests = 200'000;
        demo::writeIngressNginxLog(out, demoTable(), o);
        return out.str();
    }();
    return log;
}

void BM_ReadLines(benchmark::State& state) {
    const std::string& log = demoLog();
    std::uint64_t lines = 0;
    for (auto _ : state) {
        auto src = trace::ByteSource::fromMemory(log);
        trace::LineReader r(*src);
        std::string_view l;
        while (r.next(l) == trace::LineReader::Status::Line) ++lines;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(lines));
}
BENCHMARK(BM_ReadLines)->Unit(benchmark::kMillisecond);

void BM_ParseIngressNginx(benchmark::State& state) {
    const std::string& log = demoLog();
    std::uint64_t lines = 0;
    for (auto _ : state) {
        trace::TraceOptions o;
        o.format = trace::TraceFormat::IngressNginx;
        auto opened = trace::openTraceBytes(log, "bench.log", o);
        trace::TraceRecord rec;
        while (opened.reader->next(rec)) ++lines;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(lines));
}
BENCHMARK(BM_ParseIngressNginx)->Unit(benchmark::kMillisecond);

void BM_RouteFastMode(benchmark::State& state) {
    // the log's requests, parsed and with their hosts inferred once, routed over and over
    const std::string& log = demoLog();
    trace::TraceOptions o;
    o.format = trace::TraceFormat::IngressNginx;
    auto opened = trace::openTraceBytes(log.substr(0, log.size() / 10), "bench.log", o);
    replay::NginxLogModel model(*demoTable());
    replay::HostInference hosts(demoTable(), model);
    std::vector<sim::Request> requests;
    trace::TraceRecord rec;
    while (opened.reader->next(rec)) {
        hosts.infer(rec);
        requests.push_back(rec.request);
    }
    auto session = demoTable()->newSession(1);
    sim::Decision d;
    std::uint64_t n = 0;
    for (auto _ : state) {
        for (auto& r : requests) {
            sim::RouteOptions ro;
            ro.explain = false;
            ro.choiceKey = ++n;
            session->route(r, d, ro);
            benchmark::DoNotOptimize(d.endpoint.data());
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(n));
}
BENCHMARK(BM_RouteFastMode)->Unit(benchmark::kMillisecond);

void BM_ReplayEndToEnd(benchmark::State& state) {
    const std::string& log = demoLog();
    std::uint64_t lines = 0;
    for (auto _ : state) {
        trace::TraceOptions o;
        auto opened = trace::openTraceBytes(log, "bench.log", o);
        replay::ReplayOptions ro;
        ro.verify = state.range(0) ? replay::ReplayOptions::Verify::Auto : replay::ReplayOptions::Verify::Off;
        auto result = replay::replayTrace(*opened.reader, demoTable(), ro);
        lines += result.lines;
        benchmark::DoNotOptimize(result.requests);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(lines));
}
BENCHMARK(BM_ReplayEndToEnd)->Arg(1)->Arg(0)->ArgName("verify")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
