// kube_sync: Hopscope's live-cluster client measured against a real API server.
//
//   kube_sync --kubeconfig F [--context C] [--mode list|watchlist] [--latency N] [--ingress NS/NAME]
//             [--all-kinds]
//
// Prints one JSON object: the initial sync time of Pods, Services, EndpointSlices and Ingresses
// (all namespaces), object counts, the process's peak RSS, and — with --latency N — the time from
// changing an Ingress (a merge patch of one annotation) until a snapshot that shows the change is
// published (end to end, median of N), plus the part of it spent inside Hopscope (watch event
// arrival → snapshot). bench/kube_sync_vs_kubectl.sh runs it next to kubectl.
#include "kubeclient/live_cluster.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using namespace hs::kube;
using Clock = std::chrono::steady_clock;

namespace {

long peakRssKb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    return 0;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

int usage() {
    std::cerr << "usage: kube_sync --kubeconfig F [--context C] [--mode list|watchlist] [--latency N] "
                 "[--ingress NS/NAME] [--all-kinds]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string kubeconfig, context, mode = "auto", ingress;
    int latencyRuns = 0;
    bool allKinds = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
        if (a == "--kubeconfig")
            kubeconfig = next();
        else if (a == "--context")
            context = next();
        else if (a == "--mode")
            mode = next();
        else if (a == "--latency")
            latencyRuns = std::atoi(next().c_str());
        else if (a == "--ingress")
            ingress = next();
        else if (a == "--all-kinds")
            allKinds = true;
        else
            return usage();
    }
    auto cfg = loadKubeConfig(LoadingRules::fromEnvironment(kubeconfig));
    if (!cfg) {
        std::cerr << cfg.error().message << '\n';
        return 2;
    }
    auto cc = resolveClientConfig(*cfg, {context, {}});
    if (!cc) {
        std::cerr << cc.error().message << '\n';
        return 2;
    }
    LiveOptions opt;
    if (!allKinds)
        opt.kinds = {hs::model::Kind::Pod, hs::model::Kind::Service, hs::model::Kind::EndpointSlice,
                     hs::model::Kind::Ingress};
    opt.fetchTlsSecrets = allKinds;
    opt.reflector.useWatchList = mode != "list";
    auto t0 = Clock::now();
    auto lc = LiveCluster::create(*cc, opt);
    if (!lc) {
        std::cerr << lc.error().message << '\n';
        return 1;
    }
    if (auto s = (*lc)->start(); !s) {
        std::cerr << s.error().message << '\n';
        return 1;
    }
    auto snap = (*lc)->waitUntilSynced(std::chrono::minutes(5));
    auto t1 = Clock::now();
    if (!snap) {
        std::cerr << "no snapshot within 5 minutes\n";
        return 1;
    }
    double syncMs = std::chrono::duration<double, std::milli>(t1 - t0).count();
    long rssAfterSync = peakRssKb();
    bool usedWatchList = false;
    for (const auto& r : (*lc)->status().resources) usedWatchList = usedWatchList || r.watchList;

    std::vector<double> e2e, inside;
    if (latencyRuns > 0) {
        if (ingress.empty()) {
            if (snap->ingresses().size() == 0) {
                std::cerr << "no Ingress to change\n";
                return 1;
            }
            const auto& first = *snap->ingresses().all().front();
            ingress = first.meta.ns + '/' + first.meta.name;
        }
        auto slash = ingress.find('/');
        std::string ns = ingress.substr(0, slash), name = ingress.substr(slash + 1);
        ApiResource res = (*lc)->server().served.at(hs::model::Kind::Ingress);
        for (int i = 0; i < latencyRuns; ++i) {
            std::string value =
                std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + '-' + std::to_string(i);
            std::string patch = R"({"metadata":{"annotations":{"hopscope.test/bench":")" + value + R"("}}})";
            auto gen = (*lc)->snapshot()->generation();
            auto start = Clock::now();
            auto r = (*lc)->client().request("PATCH", res.objectPath(ns, name), patch, "application/merge-patch+json",
                                             "patch ingress " + ingress);
            if (!r) {
                std::cerr << r.error().message << '\n';
                return 1;
            }
            bool seen = false;
            while (!seen) {
                auto s = (*lc)->waitForNewer(gen, std::chrono::seconds(10));
                if (!s) break;
                gen = s->generation();
                const auto* ing = s->ingresses().find(ns, name);
                const std::string* v = ing ? hs::model::lookup(ing->meta.annotations, "hopscope.test/bench") : nullptr;
                seen = v && *v == value;
            }
            if (!seen) {
                std::cerr << "change " << i << " never reached a snapshot\n";
                return 1;
            }
            e2e.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
            inside.push_back((*lc)->lastPublishLatency().count() / 1000.0);
            // Let each change be an isolated event, as a user's edit would be.
            std::this_thread::sleep_for(std::chrono::milliseconds(120));
        }
    }
    auto st = (*lc)->status();
    (*lc)->stop();
    std::printf(
        "{\"sync_ms\": %.1f, \"pods\": %zu, \"services\": %zu, \"endpointslices\": %zu, \"ingresses\": %zu, "
        "\"watch_list\": %s, \"peak_rss_kb_after_sync\": %ld, \"peak_rss_kb\": %ld, \"state\": \"%s\", "
        "\"latency_runs\": %zu, \"latency_ms_median\": %.2f, \"latency_ms_max\": %.2f, "
        "\"latency_inside_ms_median\": %.2f, \"problems\": %zu}\n",
        syncMs, snap->pods().size(), snap->services().size(), snap->endpointSlices().size(), snap->ingresses().size(),
        usedWatchList ? "true" : "false", rssAfterSync, peakRssKb(), connectionStateName(st.state), e2e.size(),
        median(e2e), e2e.empty() ? 0.0 : *std::max_element(e2e.begin(), e2e.end()), median(inside), st.problems.size());
    return 0;
}
