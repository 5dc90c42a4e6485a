#pragma once
// Synthetic routing graphs shaped like a large shared cluster, for benchmarks: namespaces of
// teams, a few ingress classes, Ingresses with 1-4 rules, Services with 1-10 Pods, some Services
// shared between rules, some selecting the Pods of another (canary/headless pairs), some rules
// splitting traffic over two Services. Deterministic: the same spec gives the same graph on every
// platform (own generator, no std distributions).

#include "app/graph/graph.h"

#include <cstdint>

namespace hs::bench {

struct SyntheticSpec {
    std::uint32_t pods = 10000;
    std::uint32_t services = 2000;
    std::uint32_t ingresses = 1000;
    std::uint32_t namespaces = 0;  // 0: one per 25 Ingresses
    double podSharing = 0.30;  // Services selecting the Pods of another Service
    double splitRules = 0.10;  // rules with a second (weighted) backend
    std::uint64_t seed = 1;
};

// The spec scaled from its Pod count: Services = Pods / 5, Ingresses = Pods / 10.
SyntheticSpec specForPods(std::uint32_t pods, std::uint64_t seed = 1);

graph::Graph syntheticGraph(const SyntheticSpec& spec);

}  // namespace hs::bench
