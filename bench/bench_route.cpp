// The routing engine's speed targets (issue "Routing engine"):
//  - a RouteTable for 1,000 Ingresses / 10,000 paths / 20,000 endpoints compiles in < 100 ms;
//  - routing with the full Decision (no hop text) ≥ 2 million decisions/s on one core;
//  - the cost with 10,000 paths within 2× of the cost with 10 paths;
//  - no heap allocation per routed request (counted by replacing global operator new).
#include "model/cluster_state.h"
#include "simulator/balancer.h"
#include "simulator/route_table.h"

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::uint64_t> gAllocations{0};
}  // namespace

void* operator new(std::size_t n) {
    gAllocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
    gAllocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }  // NOLINT: pairs with the malloc above
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace hs;

// `ingresses` Ingresses, each with its own host and `pathsPerIngress` Prefix paths, each path
// to its own Service with `endpointsPerService` ready endpoints.
std::shared_ptr<const model::ClusterState> makeCluster(int ingresses, int pathsPerIngress, int endpointsPerService,
                                                       int services) {
    model::ClusterStateBuilder b;
    model::IngressClass ic;
    ic.meta.name = "nginx";
    ic.controller = "k8s.io/ingress-nginx";
    b.add(ic);
    for (int s = 0; s < services; ++s) {
        model::Service svc;
        svc.meta.ns = "ns" + std::to_string(s % 20);
        svc.meta.name = "svc-" + std::to_string(s);
        svc.ports.push_back({"http", "TCP", "", 80, {false, 8080, {}}, 0});
        svc.selector = model::StringMap{{"app", svc.meta.name}};
        model::EndpointSlice es;
        es.meta.ns = svc.meta.ns;
        es.meta.name = svc.meta.name + "-x";
        model::setValue(es.meta.labels, std::string(model::kServiceNameLabel), svc.meta.name);
        es.ports.push_back({std::string("http"), 8080, "TCP", ""});
        for (int e = 0; e < endpointsPerService; ++e) {
            model::Endpoint ep;
            ep.addresses.push_back("10." + std::to_string(s / 250) + "." + std::to_string(s % 250) + "." +
                                   std::to_string(e + 1));
            ep.conditions.ready = true;
            es.endpoints.push_back(ep);
        }
        b.add(svc);
        b.add(es);
    }
    for (int i = 0; i < ingresses; ++i) {
        model::Ingress ing;
        ing.meta.ns = "ns" + std::to_string(i % 20);
        ing.meta.name = "ing-" + std::to_string(i);
        ing.meta.creationTimestamp = 1700000000 + i;
        ing.ingressClassName = "nginx";
        model::IngressRule rule;
        rule.host = "host-" + std::to_string(i) + ".example.com";
        rule.hasHttp = true;
        for (int p = 0; p < pathsPerIngress; ++p) {
            model::HTTPIngressPath path;
            path.path = "/api/v" + std::to_string(p) + "/items";
            path.pathType = p % 3 == 0 ? model::PathType::Exact : model::PathType::Prefix;
            int svcIndex = (i * pathsPerIngress + p) % services;
            // services live in namespace svc % 20; keep the Ingress in the same namespace
            svcIndex = svcIndex - svcIndex % 20 + i % 20;
            if (svcIndex >= services) svcIndex -= 20;
            path.backend.service = model::IngressServiceBackend{"svc-" + std::to_string(svcIndex), {"", 80}};
            rule.paths.push_back(path);
        }
        ing.rules.push_back(rule);
        b.add(ing);
    }
    return b.build();
}

std::vector<sim::Request> makeRequests(int ingresses, int pathsPerIngress, int n) {
    std::vector<sim::Request> out;
    sim::Rng rng(99);
    for (int k = 0; k < n; ++k) {
        int i = static_cast<int>(rng.range(0, ingresses - 1));
        int p = static_cast<int>(rng.range(0, pathsPerIngress - 1));
        sim::Request r;
        r.scheme = "https";
        r.host = "host-" + std::to_string(i) + ".example.com";
        r.target = "/api/v" + std::to_string(p) + "/items" + (p % 3 == 0 ? "" : "/42");
        out.push_back(std::move(r));
    }
    return out;
}

void BM_CompileRouteTable(benchmark::State& state) {
    auto cluster = makeCluster(1000, 10, 10, 2000);  // 10,000 paths, 20,000 endpoints
    for (auto _ : state) {
        auto table = sim::compileRouteTable(cluster, {});
        benchmark::DoNotOptimize(table);
    }
    state.counters["ingresses"] = 1000;
    state.counters["paths"] = 10000;
    state.counters["endpoints"] = 20000;
}
BENCHMARK(BM_CompileRouteTable)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// args: ingresses, paths per ingress
void BM_Route(benchmark::State& state) {
    int ingresses = static_cast<int>(state.range(0)), paths = static_cast<int>(state.range(1));
    auto cluster = makeCluster(ingresses, paths, 10, std::max(20, ingresses * paths / 5));
    auto table = sim::compileRouteTable(cluster, {});
    auto session = table->newSession(1);
    auto requests = makeRequests(ingresses, paths, 4096);
    sim::Decision d;
    sim::RouteOptions fast{false};
    for (const auto& r : requests) session->route(r, d, fast);  // warm up: grow buffers once
    std::size_t i = 0;
    std::uint64_t before = gAllocations.load();
    for (auto _ : state) {
        session->route(requests[i++ & 4095], d, fast);
        benchmark::DoNotOptimize(d.endpoint.data());
    }
    std::uint64_t allocs = gAllocations.load() - before;
    state.counters["allocs_per_route"] = static_cast<double>(allocs) / static_cast<double>(state.iterations());
    state.counters["paths"] = ingresses * paths;
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Route)->Args({1, 10})->Args({1000, 10})->Args({100, 100});

}  // namespace

BENCHMARK_MAIN();
