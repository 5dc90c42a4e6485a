#pragma once
// What ingress-nginx builds from a cluster: servers (one per host, `_` for the catch-all), their
// locations in the order nginx sees them, and upstreams (one per Service port) with endpoints,
// balancing settings and canary alternatives. Built exactly the way the controller's
// getBackendServers / createServers / updateServerLocations do it (ROUTING.md B.1–B.8); the
// router matches requests against it and `export-nginx` renders it.

#include "model/cluster_state.h"
#include "model/diagnostic.h"
#include "simulator/balancer.h"
#include "simulator/endpoints.h"
#include "simulator/nginx/annotations.h"
#include "simulator/nginx/settings.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hs::sim::nginx {

inline constexpr std::uint32_t kNone = UINT32_MAX;
inline constexpr const char* kDefaultUpstream = "upstream-default-backend";

struct IngressInfo {
    const model::Ingress* ingress = nullptr;
    std::string key;  // "ns/name"
    Annotations ann;
    std::string classReason;  // how the controller came to serve it
    std::string className;  // the IngressClass (or legacy annotation value) it was served under
    bool canary = false;
};

struct IgnoredIngress {
    const model::Ingress* ingress = nullptr;
    std::string reason;
};

struct Upstream {
    std::string name;  // "ns-svc-port"
    std::string serviceNs, serviceName, port;  // port as the Ingress wrote it (number or name)
    std::string serviceKey;  // ns/name
    ResolvedBackend backend;
    BalancerConfig balancer;
    std::uint32_t creator = kNone;  // IngressInfo that created it (its annotations set balancing)
    bool isDefault = false;  // upstream-default-backend: the controller's 404
    bool customDefault = false;  // custom-default-backend-*: the default-backend annotation's Service
    bool noServer = false;  // a canary's upstream: reachable only as an alternative
    CanaryAnnotations trafficShaping;
    std::vector<std::uint32_t> alternatives;  // canary upstreams merged into this one (only the first is used)
    std::string affinityType;
    std::string affinityMode;
    std::vector<std::pair<std::string, std::string>> affinityLocations;  // host -> path
};

enum class SpecialLocation : std::uint8_t { None, Healthz, NginxStatus };

struct Location {
    std::string path;  // as nginx sees it, e.g. "/api/" (normalised Prefix), "/api" (its `=` twin)
    std::string ingressPath;  // the Ingress's path as written
    model::PathType pathType = model::PathType::Prefix;  // Exact renders `= path`
    model::PathType ingressPathType = model::PathType::Prefix;
    bool exactTwin = false;  // the `= P` companion added for a Prefix path P
    bool isDefBackend = false;
    std::uint32_t upstream = kNone;
    std::uint32_t ingress = kNone;  // IngressInfo index; kNone for the controller's own locations
    int rule = -1, pathIndex = -1;  // where in the Ingress (spec.rules[rule].http.paths[pathIndex])
    std::uint32_t customDefaultUpstream = kNone;  // default-backend annotation's upstream
    bool usesCustomDefault = false;  // the location's upstream has no endpoints: custom default used
    SpecialLocation special = SpecialLocation::None;
    const Annotations* ann = nullptr;  // the owning Ingress's annotations (or the server creator's)

    // How nginx's config names it: "= /api", "/api/", "~* \"^/api\"" (regex mode).
    std::string render(bool regexMode) const;
};

struct Server {
    std::string hostname;
    std::vector<std::string> aliases;
    bool hasCertificate = false;
    std::string certificate;  // Secret "ns/name", or "default" (the controller's own)
    std::string certificateReason;
    std::uint32_t creator = kNone;
    std::vector<Location> locations;  // in nginx's order
    bool regexMode = false;
    std::string regexCause;  // "shop/blog-api sets use-regex"
    bool isCatchAll() const { return hostname == "_"; }
    bool isWildcard() const { return hostname.size() > 2 && hostname[0] == '*' && hostname[1] == '.'; }
};

struct Note {
    model::Severity severity = model::Severity::Warning;
    std::string ingress;  // "ns/name" or empty
    std::string field;
    std::string message;
    std::string code;
};

// A path the controller ignored because an older Ingress already defines it (B.2.3).
struct SkippedPath {
    std::string host;
    std::string path;
    model::PathType type = model::PathType::Prefix;
    std::uint32_t ingress = kNone;  // the ignored one
    int rule = -1, pathIndex = -1;
    std::string owner;  // ns/name of the Ingress that keeps it
};

struct Config {
    Settings settings;
    std::vector<SkippedPath> skipped;
    std::vector<IngressInfo> ingresses;  // served, in the controller's order (oldest first)
    std::vector<IgnoredIngress> ignored;
    std::vector<Upstream> upstreams;
    std::vector<Server> servers;  // sorted by hostname
    std::vector<Note> notes;
    std::uint32_t defaultUpstream = kNone;

    const Server* server(std::string_view hostname) const;
    std::uint32_t upstreamIndex(std::string_view name) const;
};

// Builds the controller's view of the snapshot. `state` must outlive the Config.
std::shared_ptr<const Config> buildConfig(const model::ClusterState& state, const Settings& settings);

// Ingress order (B.2.1): creationTimestamp ascending, ties by namespace/name descending; Ingresses
// without a timestamp (not created yet) count as created now, after every timestamped one.
bool ingressOlder(const model::Ingress& a, const model::Ingress& b);

}  // namespace hs::sim::nginx
