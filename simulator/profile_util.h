#pragma once
// Helpers the controller-neutral profiles (spec, gce, gateway-api) share: element-wise path
// prefixes with the sentence that explains a mismatch, host wildcards of the two flavours (one
// label for the Ingress spec, any number of labels for Gateway API and GCLB), round-robin state
// and the endpoint/Pod hops every profile ends with. The ingress-nginx profile keeps its own
// nginx-specific versions; these never change its behaviour.

#include "simulator/decision.h"
#include "simulator/endpoints.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace hs::sim {

// Ingress `Prefix` and Gateway API `PathPrefix`: element by element on '/', a trailing '/' on the
// rule ignored, "/" (or "") matches every path. Case-sensitive.
bool elementPrefixMatch(std::string_view rulePath, std::string_view path);

// Why `rulePath` (as a prefix) does not take `path`, naming the first element that differs, e.g.
// "element `apiary` ≠ `api`". Only meaningful when elementPrefixMatch() is false.
std::string prefixMismatch(std::string_view rulePath, std::string_view path);

// The rule path without trailing slashes ("/" stays "/"): what precedence compares by length.
std::string_view trimTrailingSlashes(std::string_view rulePath);

enum class WildcardSpan : std::uint8_t {
    OneLabel,  // networking.k8s.io/v1: `*.foo.com` covers `bar.foo.com` only
    AnyLabels,  // Gateway API and GCLB host rules: also `a.b.foo.com`
};

// Whether `pattern` (exact name or `*.suffix`; a bare `*` matches everything) takes `host`.
// Both are compared case-insensitively; `host` has no port.
bool hostMatches(std::string_view pattern, std::string_view host, WildcardSpan span);

// Why a wildcard pattern does not take `host` (empty when it does, or when it is not a wildcard).
std::string wildcardMismatch(std::string_view pattern, std::string_view host, WildcardSpan span);

// A round robin over `n` endpoints that starts at a random position (seeded), like Envoy's and
// lua-resty's round robin: one per backend per session, no allocation per pick.
struct RoundRobinState {
    std::size_t next = 0;
    bool started = false;
};
class Rng;
std::size_t roundRobinPick(RoundRobinState& s, std::size_t n, Rng& rng);

// Fills the endpoint fields of `d` from `ep` and, when explaining, the endpoint and Pod hops.
void fillEndpoint(Decision& d, const EndpointInfo& ep, bool explain, std::string endpointReason,
                  std::string_view podNote = {});

// "ns/name" for objects; `ns` may be empty for cluster-scoped ones.
std::string objectKey(std::string_view ns, std::string_view name);

}  // namespace hs::sim
