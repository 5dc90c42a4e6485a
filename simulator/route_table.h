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
    // Replays and diffs: when non-zero, weighted choices (canary-weight rolls, backend weights)
    // draw from a generator seeded with this key instead of the session's random stream, so one
    // request makes the same weighted choice in two runs whatever else each session drew (the
    // replay derives it from --seed and the request's position in the trace). 0 = the stream.
    std::uint64_t choiceKey = 0;
    // Fill the Decision's descriptive fields: profile, routeKind, host, path, pathType,
    // servicePortName, node, tlsCertificate. A replay without a decision log reads none of them
    // and turns this off (the ingress-nginx profile then leaves them empty, saving their copies;
    // the other profiles fill them anyway). explain implies it.
    bool describe = true;
    // Fill the names of a proxied request's route: server, location, ingress, service, upstream,
    // endpoint, pod. A replay without a decision log turns this off: a router that sets
    // Decision::routeRef may then leave them empty, and RouteSession::nameRoute gives them for a
    // ref when the replay first sees it (one copy per route instead of seven per request).
    // Decisions without a routeRef always carry their names. describe implies it.
    bool names = true;
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
    // Fills the names of the route `ref` (a Decision::routeRef this session gave; see
    // RouteOptions::names) into `d`; false when it cannot.
    virtual bool nameRoute(std::uint64_t /*ref*/, Decision& /*d*/) const { return false; }
};

// One routing rule as the profile sees it, with where its traffic ends up: what the graph draws
// and what the GUI lists as "routes through this object". Edges come from here, not from labels.
struct EndpointView {
    std::string hostPort;
    std::string pod;  // ns/name, when a Pod owns the address
    std::string node;
    bool ready = true;
};

struct BackendView {
    std::string service;  // ns/name
    std::int32_t port = 0;
    std::string portName;
    std::string label;  // "canary 10%", "weight 90%"
    bool canary = false;
    std::vector<EndpointView> endpoints;  // usable endpoints, as the profile resolves them
    std::string problem;  // why there are none
};

struct RuleView {
    enum class Status : std::uint8_t { Active, Shadowed, NotServed, Broken };
    model::ObjectRef route;  // the Ingress or HTTPRoute
    std::string entry;  // what serves it: "IngressClass nginx (k8s.io/ingress-nginx)", "Gateway gateway/edge"
    std::string entryId;  // stable id of the entry point ("class/nginx", "gateway/gateway/edge")
    std::string host;  // as written ("" = any host)
    std::string path;
    std::string pathType;
    int rule = -1, pathIndex = -1;  // spec.rules[rule] (.http.paths[pathIndex] for Ingresses)
    Status status = Status::Active;
    std::string reason;  // why not Active
    std::vector<BackendView> backends;
};
const char* ruleStatusName(RuleView::Status s);

class RouteTable {
public:
    virtual ~RouteTable() = default;
    virtual Profile profile() const = 0;
    virtual std::unique_ptr<RouteSession> newSession(std::uint64_t seed) const = 0;
    // A session for this table that takes over what `previous` (a session of an earlier table of
    // the same profile) learned, as a controller keeps it across a configuration reload: per-
    // endpoint statistics (EWMA), rate-limit and connection counters, the random stream.
    // Balancers are rebuilt for the new endpoints. `previous` must not be used afterwards.
    // Profiles without such state start fresh (the default).
    virtual std::unique_ptr<RouteSession> continueSession(RouteSession& previous, std::uint64_t seed) const {
        (void)previous;
        return newSession(seed);
    }
    // Findings the profile makes about the configuration (conflicting paths, orphan canaries,
    // ignored Ingresses, invalid annotations), located in the manifests where possible.
    virtual model::Diagnostics lint() const = 0;
    virtual const model::ClusterState& state() const = 0;
    // Whether the modelled controller serves this Ingress/HTTPRoute at all (coverage counts only
    // what it serves). Default: yes.
    virtual bool serves(const model::ObjectRef& /*route*/) const { return true; }
    // Every rule with its backends and endpoints. The default describes Ingress paths and
    // HTTPRoute rules as written, with kube-proxy's endpoint view; profiles refine it.
    virtual std::vector<RuleView> rules() const;
};

// Compiles a snapshot for a profile. Never fails: problems become lint() findings and decisions.
std::shared_ptr<const RouteTable> compileRouteTable(std::shared_ptr<const model::ClusterState> state,
                                                    const ProfileOptions& options);

}  // namespace hs::sim
