#pragma once
// Building the routing graph of a snapshot from what a controller profile makes of it: entry
// points (IngressClass controllers, Gateways), routes, their rules, the Services each rule
// sends traffic to (canaries and weights as edge labels) and the endpoints the profile resolves —
// never from label guesses. Rules the controller ignores, shadows or cannot serve are drawn as
// such, with the reason.

#include "app/graph/graph.h"
#include "model/cluster_state.h"
#include "simulator/route_table.h"

namespace hs::graph {

struct BuildOptions {
    bool sliceLane = false;  // show EndpointSlices as their own lane
    bool nodeLane = false;  // show Nodes as their own lane
    sim::ProfileOptions profile;  // the controller model (ingress-nginx by default)
};

// Compiles the profile's RouteTable for `state` and builds the graph from it.
Graph buildGraph(const model::ClusterState& state, const BuildOptions& options = {});
// From an existing table (the GUI keeps one per snapshot).
Graph buildGraph(const sim::RouteTable& table, const BuildOptions& options = {});

}  // namespace hs::graph
