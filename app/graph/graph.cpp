#include "app/graph/graph.h"

#include <algorithm>
#include <climits>

namespace hs::graph {

const char* laneName(Lane l) {
    switch (l) {
    case Lane::Entry: return "entry";
    case Lane::Route: return "route";
    case Lane::Rule: return "rule";
    case Lane::Service: return "service";
    case Lane::Slice: return "endpoints";
    case Lane::Pod: return "pod";
    case Lane::Node: return "node";
    }
    return "route";
}

const char* healthName(Health h) {
    switch (h) {
    case Health::Ok: return "ok";
    case Health::Warning: return "warning";
    case Health::Broken: return "broken";
    case Health::Inactive: return "inactive";
    }
    return "ok";
}

std::uint32_t Graph::add(GraphNode n) {
    nodes.push_back(std::move(n));
    return static_cast<std::uint32_t>(nodes.size() - 1);
}

void Graph::connect(std::uint32_t from, std::uint32_t to, Health h, std::string label) {
    edges.push_back({from, to, h, std::move(label)});
}

std::uint32_t Graph::find(std::string_view id) const {
    for (std::uint32_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].id == id) return i;
    return UINT32_MAX;
}

}  // namespace hs::graph
