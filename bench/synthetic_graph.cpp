#include "bench/synthetic_graph.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace hs::bench {

using graph::GraphNode;
using graph::Lane;

namespace {

// splitmix64: tiny, fast, the same everywhere.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : s_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::uint32_t below(std::uint32_t n) { return n ? static_cast<std::uint32_t>(next() % n) : 0; }
    bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }

private:
    std::uint64_t s_;
};

constexpr std::array<const char*, 24> kWords = {"shop",    "cart",     "checkout",  "payments", "search",  "catalog",
                                                "auth",    "accounts", "blog",      "media",    "images",  "reports",
                                                "billing", "orders",   "inventory", "shipping", "reviews", "promo",
                                                "gateway", "profile",  "notify",    "ledger",   "metrics", "docs"};

struct Class {
    const char* name;
    const char* controller;
    double share;
};
constexpr std::array<Class, 3> kClasses = {{{"nginx", "k8s.io/ingress-nginx", 0.80},
                                            {"internal", "k8s.io/internal-nginx", 0.15},
                                            {"traefik", "traefik.io/ingress-controller", 0.05}}};

struct Service {
    std::uint32_t ns = 0;
    std::string name;
    std::uint32_t workload = 0;  // whose Pods it selects
    std::uint32_t node = UINT32_MAX;
};

struct Workload {
    std::uint32_t ns = 0;
    std::string name;
    std::uint32_t pods = 0;
    std::vector<std::uint32_t> nodes;  // created with the first Service that selects them
};

}  // namespace

SyntheticSpec specForPods(std::uint32_t pods, std::uint64_t seed) {
    SyntheticSpec s;
    s.pods = pods;
    s.services = std::max(1u, pods / 5);
    s.ingresses = std::max(1u, pods / 10);
    s.seed = seed;
    return s;
}

graph::Graph syntheticGraph(const SyntheticSpec& spec) {
    Rng rng(spec.seed);
    const std::uint32_t ingresses = std::max(1u, spec.ingresses);
    const std::uint32_t nsCount = spec.namespaces ? spec.namespaces : std::max(1u, ingresses / 25);
    const std::uint32_t services = std::max(1u, spec.services);
    const std::uint32_t kubeNodes = std::max(3u, spec.pods / 30);
    std::vector<std::string> nsNames(nsCount);
    for (std::uint32_t i = 0; i < nsCount; ++i)
        nsNames[i] = std::string("team-") + std::to_string(i) + "-" + kWords[rng.below(kWords.size())];

    // Ingresses, grouped by namespace as a store lists them; 1-4 rules each.
    struct Ing {
        std::uint32_t ns;
        std::uint32_t rules;
        std::uint32_t cls;
        std::vector<std::uint32_t> owned;
    };
    std::vector<Ing> ings(ingresses);
    for (auto& ing : ings) {
        ing.ns = rng.below(nsCount);
        ing.rules = 1 + rng.below(4);
        double r = static_cast<double>(rng.below(1000)) / 1000.0;
        ing.cls = r < kClasses[0].share ? 0 : r < kClasses[0].share + kClasses[1].share ? 1 : 2;
    }
    std::stable_sort(ings.begin(), ings.end(), [](const Ing& a, const Ing& b) { return a.ns < b.ns; });

    // Every Service is owned by one Ingress (the first rules of an Ingress point to its own
    // Services), so every Service is reached. Ingresses own at least one, at most one per rule.
    std::vector<std::uint32_t> ownerOf(services);
    std::vector<std::uint32_t> slots;
    for (std::uint32_t i = 0; i < ingresses; ++i)
        for (std::uint32_t r = 1; r < ings[i].rules; ++r) slots.push_back(i);
    for (std::size_t i = slots.size(); i > 1; --i)
        std::swap(slots[i - 1], slots[rng.below(static_cast<std::uint32_t>(i))]);
    for (std::uint32_t s = 0; s < services; ++s) {
        std::uint32_t owner;
        if (s < ingresses)
            owner = s;
        else if (s - ingresses < slots.size())
            owner = slots[s - ingresses];
        else
            owner = rng.below(ingresses), ++ings[owner].rules;  // more Services than rules: add one
        ownerOf[s] = owner;
    }
    // Services numbered in Ingress order, so the namespaces' Services are contiguous.
    std::vector<std::uint32_t> bySvc(services);
    for (std::uint32_t s = 0; s < services; ++s) bySvc[s] = s;
    std::stable_sort(bySvc.begin(), bySvc.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return ownerOf[a] < ownerOf[b]; });
    std::vector<Service> svcs(services);
    std::vector<Workload> workloads;
    std::vector<std::vector<std::uint32_t>> nsServices(nsCount), nsOwners(nsCount);
    for (std::uint32_t k = 0; k < services; ++k) {
        std::uint32_t owner = ownerOf[bySvc[k]];
        ings[owner].owned.push_back(k);
        Service& s = svcs[k];
        s.ns = ings[owner].ns;
        s.name = std::string(kWords[rng.below(kWords.size())]) + "-" + std::to_string(k);
        auto& owners = nsOwners[s.ns];
        if (!owners.empty() && rng.chance(spec.podSharing)) {
            s.workload = svcs[owners[rng.below(static_cast<std::uint32_t>(owners.size()))]].workload;
            s.name += rng.chance(0.5) ? "-canary" : "-headless";
        } else {
            s.workload = static_cast<std::uint32_t>(workloads.size());
            workloads.push_back({s.ns, s.name, 1 + rng.below(10), {}});
            owners.push_back(k);
        }
        nsServices[s.ns].push_back(k);
    }
    // Exactly spec.pods Pods, 1-10 per workload where possible.
    std::uint64_t total = 0;
    for (const auto& w : workloads) total += w.pods;
    const std::uint64_t want = std::max<std::uint64_t>(spec.pods, workloads.size());
    const auto wn = static_cast<std::uint32_t>(workloads.size());
    for (std::uint32_t guard = 0; total != want && guard < 100u * spec.pods + 1000; ++guard) {
        Workload& w = workloads[rng.below(wn)];
        if (total > want && w.pods > 1)
            --w.pods, --total;
        else if (total < want && (w.pods < 10 || guard > 20u * spec.pods))
            ++w.pods, ++total;
    }

    graph::Graph g;
    std::array<std::uint32_t, kClasses.size()> entries;
    entries.fill(UINT32_MAX);
    std::uint32_t podSerial = 0;
    auto service = [&](std::uint32_t k) {
        Service& s = svcs[k];
        if (s.node != UINT32_MAX) return s.node;
        GraphNode n;
        n.id = "Service/" + nsNames[s.ns] + "/" + s.name;
        n.lane = Lane::Service;
        n.label = s.name;
        n.detail = rng.chance(0.7) ? ":80 → http" : ":8080";
        n.ns = nsNames[s.ns];
        s.node = g.add(std::move(n));
        Workload& w = workloads[s.workload];
        if (w.nodes.empty())
            for (std::uint32_t p = 0; p < w.pods; ++p, ++podSerial) {
                GraphNode pod;
                pod.lane = Lane::Pod;
                pod.ns = nsNames[w.ns];
                pod.label = w.name + "-7f9c" + std::to_string(podSerial % 97) + "-" + std::to_string(p);
                pod.id = "Pod/" + pod.ns + "/" + pod.label;
                pod.detail = "10.244." + std::to_string(podSerial / 250) + "." + std::to_string(podSerial % 250) +
                    " · node-" + std::to_string(rng.below(kubeNodes));
                pod.group = pod.ns + "/ReplicaSet/" + w.name + "-7f9c";
                if (rng.chance(0.02)) pod.health = graph::Health::Inactive;
                w.nodes.push_back(g.add(std::move(pod)));
            }
        for (std::uint32_t p : w.nodes) g.connect(s.node, p, g.nodes[p].health);
        return s.node;
    };

    for (std::uint32_t i = 0; i < ingresses; ++i) {
        const Ing& ing = ings[i];
        const std::string& ns = nsNames[ing.ns];
        std::uint32_t& entry = entries[ing.cls];
        if (entry == UINT32_MAX) {
            GraphNode n;
            n.id = std::string("Entry/ingressclass/") + kClasses[ing.cls].name;
            n.lane = Lane::Entry;
            n.label = kClasses[ing.cls].name;
            n.detail = kClasses[ing.cls].controller;
            entry = g.add(std::move(n));
        }
        GraphNode in;
        in.lane = Lane::Route;
        in.ns = ns;
        in.label = std::string(kWords[rng.below(kWords.size())]) + "-ingress-" + std::to_string(i);
        in.id = "Ingress/" + ns + "/" + in.label;
        in.detail = "Ingress";
        std::string host = in.label + ".example.com";
        std::uint32_t ingNode = g.add(std::move(in));
        g.connect(entry, ingNode);
        const auto& shared = nsServices[ing.ns];
        for (std::uint32_t r = 0; r < ing.rules; ++r) {
            GraphNode rule;
            rule.lane = Lane::Rule;
            rule.ns = ns;
            rule.label = host + "/" + (r == 0 ? "" : kWords[rng.below(kWords.size())]);
            rule.detail = "Prefix";
            rule.id = "Rule/" + ns + "/" + g.nodes[ingNode].label + "/0/" + std::to_string(r);
            std::uint32_t ruleNode = g.add(std::move(rule));
            g.connect(ingNode, ruleNode);
            std::uint32_t target;
            if (ing.owned.empty() && shared.empty())
                target = 0;
            else if (ing.owned.empty())
                target = shared[rng.below(static_cast<std::uint32_t>(shared.size()))];
            else if (r < ing.owned.size())
                target = ing.owned[r];
            else if (rng.chance(0.5))
                target = ing.owned[rng.below(static_cast<std::uint32_t>(ing.owned.size()))];
            else
                target = shared[rng.below(std::min<std::uint32_t>(2, static_cast<std::uint32_t>(shared.size())))];
            g.connect(ruleNode, service(target));
            if (rng.chance(spec.splitRules) && shared.size() > 1) {
                std::uint32_t other = shared[rng.below(static_cast<std::uint32_t>(shared.size()))];
                if (other != target) {
                    g.edges.back().label = "weight 90%";
                    g.connect(ruleNode, service(other), graph::Health::Ok, "weight 10%");
                }
            }
        }
    }
    return g;
}

}  // namespace hs::bench
