#pragma once
// The routing graph as data: nodes in fixed lanes (left to right, the way a request travels) and
// the edges between them. Plain C++, no Qt: built on any thread, laid out off the GUI thread,
// drawn by app/gui, printed by `hopscope-cli graph`.

#include "model/objects.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hs::graph {

// Lanes in travel order. Slice and Node lanes are optional (off by default: Node edges from
// every Pod to a few Nodes would drown the picture; Nodes are shown as badges on Pods instead).
enum class Lane : std::uint8_t { Entry, Route, Rule, Service, Slice, Pod, Node };
inline constexpr int kLaneCount = 7;
const char* laneName(Lane l);

enum class Health : std::uint8_t {
    Ok,  // serving traffic
    Warning,  // works, but something deserves a look (e.g. some endpoints not ready)
    Broken,  // a reference that leads nowhere: missing Service, no ready endpoints
    Inactive,  // not served by the profile (other IngressClass), terminating Pod, folded away
};
const char* healthName(Health h);

struct GraphNode {
    std::string id;  // stable across snapshots: "Ingress/shop/storefront", "Rule/shop/storefront/0/1"
    Lane lane = Lane::Route;
    std::string label;  // first line: the name
    std::string detail;  // second line: "Prefix /api", ":80 → http", "10.244.1.21 · node-a"
    std::string ns;  // namespace, for filtering ("" for cluster-scoped and entry nodes)
    std::optional<model::ObjectRef> object;  // the Kubernetes object behind it, if any
    Health health = Health::Ok;
    std::string healthReason;  // why, when not Ok
    std::uint32_t members = 1;  // > 1 for folded groups ("12 pods")
    std::string group;  // fold key: Pods of one Service share it
};

struct GraphEdge {
    std::uint32_t from = 0;  // indexes into Graph::nodes
    std::uint32_t to = 0;
    Health health = Health::Ok;
    std::string label;  // e.g. "weight 10%", "canary"
};

struct Graph {
    std::vector<GraphNode> nodes;
    std::vector<GraphEdge> edges;

    std::uint32_t add(GraphNode n);
    void connect(std::uint32_t from, std::uint32_t to, Health h = Health::Ok, std::string label = {});
    // Index of the node with this id, or UINT32_MAX.
    std::uint32_t find(std::string_view id) const;
};

}  // namespace hs::graph
