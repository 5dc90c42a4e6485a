#include "app/graph/fold.h"

#include <string>
#include <unordered_map>

namespace hs::graph {

namespace {

// The worst of two: equal stays, Broken wins, anything else mixed is a Warning.
Health combine(Health a, Health b) {
    if (a == b) return a;
    if (a == Health::Broken || b == Health::Broken) return Health::Broken;
    return Health::Warning;
}

bool foldable(const GraphNode& n) { return n.lane == Lane::Pod && !n.group.empty(); }

}  // namespace

FoldedGraph foldPods(const Graph& g, std::uint32_t threshold) {
    if (threshold < 2) threshold = 2;
    FoldedGraph out;
    const auto n = static_cast<std::uint32_t>(g.nodes.size());

    // Members per group; lookups only, the output follows the node order.
    std::unordered_map<std::string_view, std::uint32_t> members;
    for (const GraphNode& node : g.nodes)
        if (foldable(node)) members[node.group] += node.members;

    std::unordered_map<std::string_view, std::uint32_t> folded;  // group -> node in out.graph
    std::unordered_map<std::string_view, std::uint32_t> notOk;  // group -> members not Ok
    out.nodeMap.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        const GraphNode& node = g.nodes[i];
        if (!foldable(node) || members[node.group] < threshold) {
            out.nodeMap[i] = out.graph.add(node);
            continue;
        }
        auto [it, fresh] = folded.emplace(node.group, 0);
        if (fresh) {
            GraphNode f;
            f.id = "Fold/" + node.group;
            f.lane = node.lane;
            f.label = std::to_string(members[node.group]) + " pods";
            // Groups are "<namespace>/<Kind>/<name>": the workload is enough under its namespace.
            std::string_view detail = node.group;
            if (!node.ns.empty() && detail.starts_with(node.ns) && detail.size() > node.ns.size() &&
                detail[node.ns.size()] == '/')
                detail.remove_prefix(node.ns.size() + 1);
            f.detail = std::string(detail);
            f.ns = node.ns;
            f.health = node.health;
            f.members = 0;
            f.group = node.group;
            it->second = out.graph.add(std::move(f));
        }
        GraphNode& f = out.graph.nodes[it->second];
        f.members += node.members;
        if (!fresh) f.health = combine(f.health, node.health);
        if (node.health != Health::Ok) notOk[node.group] += node.members;
        out.nodeMap[i] = it->second;
    }
    std::vector<char> isFold(out.graph.nodes.size(), 0);
    for (const auto& [group, node] : folded) isFold[node] = 1;
    for (std::uint32_t i = 0; i < out.graph.nodes.size(); ++i) {
        GraphNode& f = out.graph.nodes[i];
        if (!isFold[i] || f.health == Health::Ok) continue;
        f.healthReason = std::to_string(notOk[f.group]) + " of " + std::to_string(f.members) + " pods not serving";
    }

    std::unordered_map<std::uint64_t, std::uint32_t> edgeIndex;
    out.edgeMap.resize(g.edges.size(), kNoEdge);
    for (std::size_t e = 0; e < g.edges.size(); ++e) {
        const GraphEdge& edge = g.edges[e];
        if (edge.from >= n || edge.to >= n) {
            out.graph.edges.push_back(edge);  // dangling stays dangling, not silently repaired
            out.edgeMap[e] = static_cast<std::uint32_t>(out.graph.edges.size() - 1);
            continue;
        }
        std::uint32_t a = out.nodeMap[edge.from], b = out.nodeMap[edge.to];
        if (a == b && edge.from != edge.to) continue;  // inside one folded group
        if (!isFold[a] && !isFold[b]) {
            out.graph.connect(a, b, edge.health, edge.label);
            out.edgeMap[e] = static_cast<std::uint32_t>(out.graph.edges.size() - 1);
            continue;
        }
        auto [it, fresh] = edgeIndex.emplace(std::uint64_t{a} << 32 | b, 0);
        if (fresh) {
            out.graph.connect(a, b, edge.health, edge.label);
            it->second = static_cast<std::uint32_t>(out.graph.edges.size() - 1);
        } else {
            GraphEdge& m = out.graph.edges[it->second];
            m.health = combine(m.health, edge.health);
            if (m.label.empty()) m.label = edge.label;
        }
        out.edgeMap[e] = it->second;
    }
    return out;
}

}  // namespace hs::graph
