#pragma once
// The `gateway-api` profile: Gateways, listeners and HTTPRoutes with Gateway API v1 semantics
// (ROUTING.md section D). A request picks a listener by scheme, port and hostname (the most
// specific listener hostname wins, and only its routes apply); the routes attached there compete
// by the spec's precedence (hostname, Exact path, longest prefix, method, header and query
// matches, route age and name, rule order); the winner's filters redirect or rewrite, and its
// weighted backendRefs pick a Service, invalid refs answering 500. docs/profiles/gateway-api.md.

#include "simulator/route_table.h"

namespace hs::sim::gateway {

std::shared_ptr<const RouteTable> compileGateway(std::shared_ptr<const model::ClusterState> state,
                                                 const ProfileOptions& options);

}  // namespace hs::sim::gateway
