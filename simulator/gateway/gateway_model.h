#pragma once
// What a Gateway API controller makes of a snapshot before any request arrives: which listeners
// exist and can terminate TLS, which HTTPRoutes attach to which listeners with which effective
// hostnames (the hostname intersection), the Route status it would report (Accepted and
// ResolvedRefs with their reasons), compiled RE2 matchers and resolved backendRefs. Built once
// per snapshot; read-only afterwards (the gateway-api RouteTable and its lint share it).

#include "model/cluster_state.h"
#include "simulator/endpoints.h"
#include "simulator/route_table.h"

#include <memory>
#include <string>
#include <vector>

namespace re2 {
class RE2;
}

namespace hs::sim::gateway {

inline constexpr std::uint32_t kNone = UINT32_MAX;

struct ListenerInfo {
    const model::Gateway* gateway = nullptr;
    std::string gatewayKey;
    int index = 0;  // into gateway->listeners
    const model::Listener* listener = nullptr;
    bool routable = false;  // HTTP or HTTPS: carries HTTPRoutes
    bool https = false;
    std::string certificate;  // "ns/name" of the first usable certificateRef
    std::string certProblem;  // why no certificate is usable (HTTPS only)
    std::string notProgrammed;  // why the listener serves nothing (no GatewayClass, ...)
    std::vector<std::uint32_t> attachments;  // into Model::attachments, route order
    std::string server;  // "ns/gateway listener", Decision::server (built once, copied per request)
    std::string describe() const;  // "gateway/edge listener https (HTTPS 443, hostname shop.example.com)"
};

// A route attached to one listener, with the hostnames it serves there.
struct Attachment {
    std::uint32_t route = 0;
    std::uint32_t listener = 0;
    int parentRef = 0;
    bool anyHost = false;  // neither side names a hostname
    std::vector<std::string> hostnames;  // the intersection, lowercased
};

enum class PathKind : std::uint8_t { Exact, Prefix, Regex };

struct ValueMatch {
    std::string name;  // header names lowercased; query names as written (case-sensitive)
    bool regex = false;
    std::string value;
    std::shared_ptr<const re2::RE2> re;
};

struct MatchInfo {
    int index = -1;  // into rule.matches; -1 = the implicit PathPrefix "/"
    PathKind kind = PathKind::Prefix;
    std::string value = "/";
    std::size_t length = 1;  // precedence length: Prefix without trailing '/', regex pattern length
    std::shared_ptr<const re2::RE2> re;
    std::vector<ValueMatch> headers;  // first entry per name only
    std::vector<ValueMatch> queries;
    std::string method;
};

struct BackendInfo {
    const model::HTTPBackendRef* ref = nullptr;
    std::string key;  // "ns/name"
    std::int32_t port = 0;
    int weight = 1;
    bool valid = false;
    std::string reason;  // ResolvedRefs reason when invalid: BackendNotFound, RefNotPermitted, InvalidKind
    std::string message;
    ResolvedBackend resolved;
};

struct RuleInfo {
    int index = 0;
    std::vector<MatchInfo> matches;
    const model::HTTPRequestRedirectFilter* redirect = nullptr;
    const model::HTTPURLRewriteFilter* rewrite = nullptr;
    std::vector<const model::HTTPRouteFilter*> described;  // header modifiers, mirrors
    std::string filterProblem;  // an ExtensionRef or unknown filter: requests get 500
    std::vector<BackendInfo> backends;
    std::vector<int> weights;  // parallel to backends
};

struct ParentStatus {
    int parentRef = 0;
    std::string gateway;  // "ns/name"
    bool accepted = false;
    std::string
        reason;  // Accepted, NotAllowedByListeners, NoMatchingListenerHostname, NoMatchingParent, UnsupportedValue
    std::string message;
    std::vector<std::uint32_t> listeners;
};

struct RouteInfo {
    const model::HTTPRoute* route = nullptr;
    std::string key;
    std::int64_t created = 0;  // absent = newest
    std::uint32_t rank = 0;  // precedence among routes: oldest first, then ns/name
    std::vector<RuleInfo> rules;
    std::vector<ParentStatus> parents;
    bool resolvedRefs = true;
    std::string refsReason, refsMessage, refsField;
    std::string invalid, invalidField;  // an invalid regex or value: the route is not accepted
};

struct GatewayNote {
    const model::Gateway* gateway;
    std::string field, message, code;
    model::Severity severity = model::Severity::Warning;
};

struct Model {
    std::vector<ListenerInfo> listeners;  // gateways by ns/name, listeners in order
    std::vector<RouteInfo> routes;  // by rank
    std::vector<Attachment> attachments;
    std::vector<GatewayNote> gatewayNotes;
    std::string selection;  // ProfileOptions::gateway
};

Model buildModel(const model::ClusterState& st, const ProfileOptions& options);

// Whether a ReferenceGrant in `toNs` lets (fromGroup, fromKind, fromNs) refer to (toGroup, toKind, name).
bool referenceGranted(const model::ClusterState& st, std::string_view fromGroup, std::string_view fromKind,
                      std::string_view fromNs, std::string_view toGroup, std::string_view toKind, std::string_view toNs,
                      std::string_view name);

// The hostname intersection of a listener hostname and a route hostname ("" when they do not
// intersect): both may be wildcards; Gateway API wildcards cover any number of labels.
std::string intersectHostnames(std::string_view listener, std::string_view route);

}  // namespace hs::sim::gateway
