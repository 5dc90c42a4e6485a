#pragma once
// The ingress-nginx annotations that change routing decisions, parsed once per Ingress the way
// the controller's annotation parsers read them (strconv.ParseBool / Atoi semantics, defaults
// from the controller's ConfigMap). Invalid values are reported as problems; like the
// controller, an invalid value usually falls back to the default, and an invalid allow/deny
// list denies the location (503).

#include "model/objects.h"
#include "simulator/nginx/settings.h"

#include <optional>
#include <string>
#include <vector>

namespace hs::sim::nginx {

struct Cidr {
    bool v6 = false;
    unsigned char addr[16] = {};
    int prefix = 0;
    std::string text;
    bool contains(std::string_view ip) const;
};
// Parses "10.0.0.0/8" or a bare address (/32 or /128); nullopt when invalid.
std::optional<Cidr> parseCidr(std::string_view text);

struct CanaryAnnotations {
    bool enabled = false;
    int weight = 0;
    int weightTotal = 100;
    std::string header;
    std::string headerValue;
    std::string headerPattern;
    std::string cookie;
};

struct AffinityAnnotations {
    std::string type;  // "cookie" or empty
    std::string mode = "balanced";  // balanced | persistent
    std::string cookieName = "INGRESSCOOKIE";
    std::string cookiePath;
    std::string expires;
    std::string maxAge;
    bool secure = false;
    std::string sameSite;
    bool changeOnFailure = false;
    bool canaryBehaviorLegacy = false;  // affinity-canary-behavior: legacy
};

struct Problem {
    std::string annotation;  // full key
    std::string message;
};

struct Annotations {
    // rewrite
    std::string rewriteTarget;
    bool useRegex = false;
    std::string appRoot;
    bool sslRedirect = true;
    bool forceSSLRedirect = false;
    bool preserveTrailingSlash = false;
    // redirect
    std::string permanentRedirect;
    int permanentRedirectCode = 301;
    std::string temporalRedirect;
    int temporalRedirectCode = 302;
    bool fromToWWWRedirect = false;
    // access
    std::vector<Cidr> allowList;
    std::vector<Cidr> denyList;
    std::string deniedReason;  // set when the location must answer 503 ("Location denied")
    // rate limits
    int limitConnections = 0;
    int limitRPS = 0;
    int limitRPM = 0;
    int limitBurstMultiplier = 5;
    std::vector<Cidr> limitAllowList;
    // backends
    std::string defaultBackend;  // Service name in the Ingress namespace
    std::vector<int> customHTTPErrors;
    std::string backendProtocol = "HTTP";
    std::string upstreamVhost;
    bool serviceUpstream = false;
    std::string loadBalance;  // empty = the ConfigMap's
    std::string upstreamHashBy;
    bool upstreamHashBySubset = false;
    int upstreamHashBySubsetSize = 3;
    std::vector<std::string> serverAliases;
    AffinityAnnotations affinity;
    CanaryAnnotations canary;

    std::vector<Problem> problems;
    // Annotations with the controller's prefix that Hopscope reads (for the docs and the GUI).
    static const std::vector<std::string>& supported();
};

Annotations parseAnnotations(const model::ObjectMeta& meta, const Settings& settings);

// strconv.ParseBool as Go defines it.
std::optional<bool> parseGoBool(std::string_view s);

}  // namespace hs::sim::nginx
