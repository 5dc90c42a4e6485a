#pragma once
// Scenario events as changes to a snapshot: the next ClusterState is built from the current one
// (ClusterStateBuilder(previous), sharing every object that does not change), with the Pods and
// the EndpointSlice endpoints that the event touches replaced — what the EndpointSlice controller
// and kubectl would have produced.

#include "model/cluster_state.h"
#include "simulator/replay/scenario.h"

#include <memory>
#include <string>

namespace hs::replay {

struct EditResult {
    std::shared_ptr<const model::ClusterState> state;  // null when the event could not be applied
    std::string effect;  // what changed ("2 endpoints of shop/api-1 marked not ready")
    std::string error;  // why it could not be applied
};

// Applies a cluster event (every kind except ServiceTime, which changes the Pod model only).
EditResult applyClusterEvent(const model::ClusterState& state, const ScenarioEvent& event);

}  // namespace hs::replay
