#pragma once
// The `spec` profile: plain networking.k8s.io/v1 Ingress semantics (ROUTING.md section A), no
// controller's quirks. Every Ingress takes part (classes are ignored); hosts are exact or
// one-label wildcards, hostless rules take any host; Exact and element-wise Prefix paths (and
// ImplementationSpecific read as Prefix); the longest path wins, Exact over Prefix at equal
// length; endpoints as kube-proxy sees them, round robin. docs/profiles/spec.md lists every
// decision the spec leaves open and what this profile chose.

#include "simulator/route_table.h"

namespace hs::sim::spec {

std::shared_ptr<const RouteTable> compileSpec(std::shared_ptr<const model::ClusterState> state,
                                              const ProfileOptions& options);

}  // namespace hs::sim::spec
