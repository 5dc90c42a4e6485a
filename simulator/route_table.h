#pragma once
// RouteTable: a snapshot compiled for one controller profile, validated once, then matched
// through const calls. A RouteSession holds what changes while requests flow (balancer state,
// rate-limit buckets, random numbers) — one per replay or interactive panel, not shared between
// threads. Tables are immutable and can be shared by any number of sessions and threads.

#include "model/cluster_state.h"
#include "model/diagnostic.h"
#include "simulator/decision.h"
#include "simulator/request.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hs::sim {

enum class Profile : std::uint8_t { IngressNginx, GatewayApi, Gce, Spec };
const char* profileName(Profile p);
std::optional<Profile> profileFromName(std::string_view name);

struct ProfileOptions {
    Profile profile = Profile::IngressNginx;
    // ingress-nginx: the controller ConfigMap (overrides one found in the snapshot) and flags.
    std::shared_ptr<const model::ConfigMap> controllerConfig;
    std::string ingressClass;  // --ingress-class: an IngressClass name or legacy annotation value to serve
    // gce: which Ingress's load balancer the request was sent to ("ns/name"); empty = each in turn
    std::string gceIngress;
    // gateway-api: which Gateway ("ns/name"); empty = all Gateways
    std::string gateway;
};

struct RouteOptions {
    bool explain = true;  // fill hops (with text and rejected candidates)
};

class RouteSession {
public:
    virtual ~RouteSession() = default;
    // Decides one request. `d` is cleared first; reusing the same Decision avoids allocation.
    virtual void route(const Request& request, Decision& d, const RouteOptions& options) = 0;
    // A response came back from `endpoint` after `rttSeconds` (EWMA and least-loaded learn).
    virtual void observe(const Decision& /*d*/, double /*rttSeconds*/, double /*nowSeconds*/) {}
    // Concurrency bookkeeping for limit-connections (the replay calls these).
    virtual void requestStarted(const Decision& /*d*/, const Request& /*r*/) {}
    virtual void requestFinished(const Decision& /*d*/, const Request& /*r*/) {}
};

class RouteTable {
public:
    virtual ~RouteTable() = default;
    virtual Profile profile() const = 0;
    virtual std::unique_ptr<RouteSession> newSession(std::uint64_t seed) const = 0;
    // Findings the profile makes about the configuration (conflicting paths, orphan canaries,
    // ignored Ingresses, invalid annotations), located in the manifests where possible.
    virtual model::Diagnostics lint() const = 0;
    virtual const model::ClusterState& state() const = 0;
    // Whether the modelled controller serves this Ingress/HTTPRoute at all (coverage counts only
    // what it serves). Default: yes.
    virtual bool serves(const model::ObjectRef& /*route*/) const { return true; }
};

// Compiles a snapshot for a profile. Never fails: problems become lint() findings and decisions.
std::shared_ptr<const RouteTable> compileRouteTable(std::shared_ptr<const model::ClusterState> state,
                                                    const ProfileOptions& options);

}  // namespace hs::sim
