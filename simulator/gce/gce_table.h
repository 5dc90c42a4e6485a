#pragma once
// The `gce` profile: GKE Ingress (ingress-gce) and the Google Cloud external HTTP(S) load balancer
// it programs (ROUTING.md section G). One load balancer per Ingress: each served Ingress is
// translated into its own URL map (host rules, path matchers with `/*` rules, a default service),
// its own target proxies and its own IP. A translation error (a `*` in a Prefix/Exact path, a
// ClusterIP Service without NEG, a missing Service) leaves that load balancer un-synced: requests
// to it are `not-served` with the controller's message. Backends are NEGs (Pod IPs) or instance
// groups (a Node's NodePort, then kube-proxy to a Pod). docs/profiles/gce.md has the details.

#include "simulator/route_table.h"

namespace hs::sim::gce {

std::shared_ptr<const RouteTable> compileGce(std::shared_ptr<const model::ClusterState> state,
                                             const ProfileOptions& options);

}  // namespace hs::sim::gce
