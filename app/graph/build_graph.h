#pragma once
// Building the routing graph of a snapshot.

#include "app/graph/graph.h"
#include "model/cluster_state.h"

namespace hs::graph {

struct BuildOptions {
    bool sliceLane = false;  // show EndpointSlices as their own lane
    bool nodeLane = false;   // show Nodes as their own lane
};

// Entry → Ingress/HTTPRoute → rule → Service → (slice) → Pod → (Node), from the objects'
// references and EndpointSlice endpoints (never from label guesses).
Graph buildGraph(const model::ClusterState& state, const BuildOptions& options = {});

}  // namespace hs::graph
