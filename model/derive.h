#pragma once
// Filling in what manifests leave out, so routing works before anything is applied: Pods for
// workloads that have none (replicas × template), Pod IPs for Pods without status, legacy
// Endpoints mirrored into EndpointSlices, and EndpointSlices derived from Service selectors the way
// the EndpointSlice controller would build them. Everything synthesised is marked `derived`.

#include "model/cluster_state.h"
#include "model/decode.h"

#include <vector>

namespace hs::model {

struct DeriveStats {
    std::size_t syntheticPods = 0;
    std::size_t syntheticIPs = 0;
    std::size_t mirroredEndpoints = 0;  // EndpointSlices converted from legacy Endpoints
    std::size_t derivedSlices = 0;
};

DeriveStats deriveMissing(ClusterStateBuilder& builder, std::vector<LegacyEndpoints> legacy);

// A deterministic private address for a synthetic Pod, stable across edits of other objects.
std::string syntheticPodIP(std::string_view ns, std::string_view name, std::uint32_t attempt = 0);

}  // namespace hs::model
