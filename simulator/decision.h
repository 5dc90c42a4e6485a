#pragma once
// A Decision: what the simulated controller does with one request, and why, hop by hop.
// The JSON form is the documented contract (docs/decision-json.md; DESIGN.md). In fast mode
// (replays) hops are left empty and the router fills a reused Decision without allocating once
// its strings have grown to size.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hs::model {
class JsonWriter;
}

namespace hs::sim {

enum class Outcome : std::uint8_t {
    Routed,  // proxied to an endpoint
    Redirect,  // the controller answered 301/302/307/308 itself
    DefaultBackend,  // no rule matched: the default backend answered (404)
    NoEndpoints,  // a rule matched, but its Service has no usable endpoint (503)
    Denied,  // allow/deny lists (403), rate limits (503), invalid annotations (503)
    NotServed,  // no controller/listener serves this request (class not served, no Gateway)
    BadRequest,  // the controller rejects the request itself (400: bad Host, `..` above root)
};
const char* outcomeName(Outcome o);

// Which rule made the canary decision (ROUTING.md B.6). Only Weight is random; replays that
// compare with a recorded log use it to tell a deterministic disagreement from a different roll.
enum class CanaryRule : std::uint8_t {
    None,  // the location has no canary
    Affinity,  // an affinity cookie of the primary or the canary
    Header,  // canary-by-header (value, pattern, always/never)
    Cookie,  // canary-by-cookie always/never
    Weight,  // canary-weight roll
    Unavailable,  // the canary upstream has no endpoints: primary
};

enum class Stage : std::uint8_t { Tls, Host, Path, Annotation, Canary, Service, Endpoint, Pod };
const char* stageName(Stage s);

struct Rejected {
    std::string what;  // "Prefix /api (shop/storefront)"
    std::string why;  // "element `apiary` ≠ `api`"
};

struct Hop {
    Stage stage = Stage::Host;
    std::string decision;  // what was chosen: "server shop.example.com"
    std::string reason;  // why, in words a learner can follow
    std::vector<Rejected> rejected;
    std::string departure;  // where the profile departs from the Ingress spec, when it does
};

struct Decision {
    Outcome outcome = Outcome::DefaultBackend;
    int status = 0;  // what the controller itself answers; 0 = none (proxied), JSON null

    std::string profile;  // "ingress-nginx", "gateway-api", "gce", "spec"
    std::string routeKind;  // "Ingress" or "HTTPRoute"
    std::string ingress;  // "ns/name" of the Ingress (or HTTPRoute) whose rule matched
    std::string host;  // the rule's host as written ("*.foo.com"); "" for hostless rules
    std::string server;  // the server/virtual host that answered ("_" for the catch-all)
    std::string path;  // the rule's path as written
    std::string pathType;  // Exact | Prefix | ImplementationSpecific | PathPrefix | RegularExpression
    std::string location;  // the controller's own location text (`= /api`, `~* "^/blog"`)
    std::string service;  // "ns/name"
    int servicePort = 0;  // Service port number (0 when unknown)
    std::string servicePortName;
    std::string upstream;  // the controller's upstream name ("shop-api-80")
    std::string endpoint;  // "10.1.2.3:8080" or "host:port" for ExternalName
    std::string pod;  // "ns/name"
    std::string node;
    bool canary = false;
    CanaryRule canaryRule = CanaryRule::None;  // not part of the JSON contract
    std::string upstreamPath;  // the path sent upstream when it differs from the request's
    std::string redirectLocation;  // the Location header of a redirect
    std::vector<std::string> setCookies;  // Set-Cookie headers the controller adds (affinity)
    std::string tlsCertificate;  // Secret "ns/name" or "default" when served over TLS
    std::vector<Hop> hops;
    // The route a proxied request took, as an identity within the RouteTable that decided it:
    // two decisions of one table with the same non-zero routeRef went through the same server and
    // location to the same upstream and endpoint, so they name the same Ingress, Service and Pod
    // (replays key their per-route bookkeeping on it instead of the names). 0 when the router
    // gives none: answers without an endpoint, profiles that do not set it. Not part of the JSON
    // contract.
    std::uint64_t routeRef = 0;

    // Resets every field, keeping the capacity of strings and vectors (no allocation on reuse).
    void clear();
    Hop& addHop(Stage stage);
};

// Writes the documented JSON object (one line unless `pretty`).
void writeDecisionJson(model::JsonWriter& w, const Decision& d, bool withHops = true);
std::string decisionJson(const Decision& d, bool pretty = false, bool withHops = true);

}  // namespace hs::sim
