#pragma once
// The ingress-nginx profile's RouteTable: the controller's configuration (config.h) indexed for
// matching the way nginx matches: server names by hash (one-label wildcards by suffix), static
// locations in a byte trie (exact, longest prefix, the trailing-slash 301), regex locations in
// order with PCRE2 (nginx's own engine), rewrites with captures.

#include "simulator/nginx/config.h"
#include "simulator/route_table.h"

namespace hs::sim::nginx {

std::shared_ptr<const RouteTable> compileNginx(std::shared_ptr<const model::ClusterState> state,
                                               const Settings& settings);

// The controller settings a snapshot implies (its ConfigMap), with explicit overrides applied.
Settings settingsFor(const model::ClusterState& state, const ProfileOptions& options);

// Access to the built configuration, for export-nginx, the graph and lint.
std::shared_ptr<const Config> configOf(const RouteTable& table);

}  // namespace hs::sim::nginx
