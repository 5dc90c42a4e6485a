// Loading a folder of 5,000 manifest files (10,000 objects: a Deployment and a Service each, an
// Ingress in every fifth) into a ClusterState: parse, decode, validate, derive, index.
// Target (issue "Foundation"): under 1 s and under 200 MB on a 2-core machine.
#include "model/loader.h"

#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

fs::path makeCorpus(int files) {
    fs::path dir = fs::temp_directory_path() / ("hopscope-bench-load-" + std::to_string(files));
    if (fs::exists(dir / ".complete")) return dir;
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (int i = 0; i < files; ++i) {
        std::string n = std::to_string(i), ns = "team-" + std::to_string(i % 50);
        std::ofstream out(dir / ("app-" + n + ".yaml"));
        out << "# Source: chart/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-"
            << n << "\n  namespace: " << ns << "\n  labels:\n    app.kubernetes.io/name: app-" << n
            << "\n    app.kubernetes.io/managed-by: Helm\n    helm.sh/chart: app-1.2.3\nspec:\n  replicas: "
            << (i % 3 + 1) << "\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: app-" << n
            << "\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: app-" << n
            << "\n      annotations:\n        prometheus.io/scrape: \"true\"\n    spec:\n      containers:\n        - name: app\n"
               "          image: registry.example.com/app:1.0."
            << n
            << "\n          ports:\n            - name: http\n              containerPort: 8080\n"
               "          readinessProbe:\n            httpGet: {path: /healthz, port: http}\n"
               "          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n"
               "---\n# Source: chart/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-"
            << n << "\n  namespace: " << ns << "\nspec:\n  selector:\n    app.kubernetes.io/name: app-" << n
            << "\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n";
        if (i % 5 == 0)
            out << "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: app-" << n
                << "\n  namespace: " << ns
                << "\n  annotations:\n    nginx.ingress.kubernetes.io/rewrite-target: /\nspec:\n  ingressClassName: nginx\n"
                   "  rules:\n    - host: app-"
                << n
                << ".example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n"
                   "            backend:\n              service:\n                name: app-"
                << n << "\n                port: {name: http}\n";
    }
    std::ofstream(dir / ".complete") << "ok";
    return dir;
}

long maxRssKiB() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

void BM_LoadFolder(benchmark::State& state) {
    fs::path dir = makeCorpus(static_cast<int>(state.range(0)));
    hs::model::LoadOptions opt;
    opt.threads = static_cast<unsigned>(state.range(1));
    long before = maxRssKiB();
    std::size_t objects = 0, pods = 0;
    for (auto _ : state) {
        auto r = hs::model::loadManifests({dir.string()}, opt);
        objects = r.stats.objects;
        pods = r.state->pods().size();
        if (!r.diagnostics.empty()) state.SkipWithError(r.diagnostics.front().format().c_str());
        benchmark::DoNotOptimize(r.state);
    }
    state.counters["objects"] = static_cast<double>(objects);
    state.counters["pods"] = static_cast<double>(pods);
    state.counters["peakRSS_MiB"] = static_cast<double>(maxRssKiB()) / 1024.0;
    state.counters["rssGrowth_MiB"] = static_cast<double>(maxRssKiB() - before) / 1024.0;
}

}  // namespace

// args: files, threads (0 = one per core)
BENCHMARK(BM_LoadFolder)
    ->Args({5000, 0})
    ->Args({5000, 1})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

BENCHMARK_MAIN();
