#pragma once
// Load balancers with state, as ingress-nginx's Lua balancers keep it (ROUTING.md B.7):
// round robin with a random start, EWMA with two random choices and decay, consistent hashing by
// an nginx variable expression (160 CRC32 ring points per endpoint, nginx's ring), hash subsets,
// and cookie affinity (balanced and persistent) with the Set-Cookie the controller sends; plus
// the weighted split Gateway API uses. Randomness comes from a seeded Rng passed in, so replays
// are reproducible; time comes in as integer nanoseconds.

#include "simulator/endpoints.h"
#include "simulator/request.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hs::sim {

// xoshiro256** seeded with splitmix64: fast, reproducible across platforms.
class Rng {
public:
    explicit Rng(std::uint64_t seed = 1);
    std::uint64_t next();
    // Uniform integer in [lo, hi] (inclusive), like Lua's math.random(lo, hi).
    std::int64_t range(std::int64_t lo, std::int64_t hi);
    double unit();  // [0, 1)

private:
    std::uint64_t s_[4];
};

// An nginx variable expression such as "$request_uri", "$host$request_uri" or "user-$http_x_user".
class VarExpr {
public:
    VarExpr() = default;
    explicit VarExpr(std::string_view text);
    bool empty() const { return parts_.empty(); }
    const std::string& text() const { return text_; }
    // Evaluates into `out` (reused). `uri` is nginx's normalized $uri.
    void eval(const Request& r, std::string_view uri, std::string& out) const;
    std::vector<std::string> unknownVariables() const;

private:
    struct Part {
        bool variable = false;
        std::string text;  // literal text, or the variable name without '$'
    };
    std::string text_;
    std::vector<Part> parts_;
};

// EWMA statistics shared by every upstream, keyed by "ip:port" (ingress-nginx keeps them in one
// shared dictionary).
struct EwmaStore {
    struct Entry {
        double ewma = 0;  // seconds
        double lastTouched = 0;  // seconds
    };
    std::unordered_map<std::string, Entry> entries;
};

enum class BalancerKind : std::uint8_t { RoundRobin, Ewma, CHash, CHashSubset, StickyBalanced, StickyPersistent };
const char* balancerKindName(BalancerKind k);

struct AffinitySettings {
    std::string cookieName = "INGRESSCOOKIE";
    std::string cookiePath;  // empty = the location's path
    std::string expires;  // seconds, as annotated
    std::string maxAge;
    bool secureSet = false;
    bool secure = false;
    std::string sameSite;
    bool changeOnFailure = false;
    // host -> location paths where the cookie is set (should_set_cookie)
    std::vector<std::pair<std::string, std::string>> locations;
};

struct BalancerConfig {
    BalancerKind kind = BalancerKind::RoundRobin;
    std::string upstreamName;
    VarExpr hashBy;
    int subsetSize = 3;
    AffinitySettings affinity;
};

struct BalanceInput {
    const Request* request = nullptr;
    std::string_view uri;  // nginx $uri
    std::string_view host;  // $host
    std::string_view serverName;  // the server block's name ("_" for the catch-all)
    std::string_view locationPath;  // $location_path
    double nowSeconds = 0;
    bool https = false;
    bool explain = false;
};

struct BalanceResult {
    std::size_t index = 0;  // into the endpoints the balancer was built with
    std::string setCookie;  // Set-Cookie header value, when the balancer sets one
    std::string why;  // explanation (explain mode only)
};

class Balancer {
public:
    virtual ~Balancer() = default;
    // Creates the balancer an upstream gets when its endpoints are (re)synced.
    static std::unique_ptr<Balancer> create(const BalancerConfig& config, std::span<const EndpointInfo> endpoints,
                                            Rng& rng, EwmaStore& ewma);

    BalancerKind kind() const { return config_.kind; }
    const BalancerConfig& config() const { return config_; }
    std::size_t size() const { return endpoints_.size(); }
    const std::vector<std::string>& endpointKeys() const { return endpoints_; }

    virtual void pick(const BalanceInput& in, Rng& rng, std::string& scratch, BalanceResult& out) = 0;
    // A response came back (EWMA learns from it); rtt in seconds.
    virtual void observe(std::size_t /*index*/, double /*rttSeconds*/, double /*nowSeconds*/) {}
    // True when the request carries this upstream's affinity cookie (canary rule 1 and 2).
    virtual bool isAffinitized(const Request& /*r*/) const { return false; }

protected:
    BalancerConfig config_;
    std::vector<std::string> endpoints_;  // "ip:port"
};

// nginx's consistent-hash ring (ngx_http_upstream_hash / lua-resty-balancer chash): 160 points per
// node, each point CRC32 of the node id chained with the previous point.
class HashRing {
public:
    void build(const std::vector<std::string>& ids);
    // Index of the node owning `key` (first point >= crc32(key), wrapping).
    std::size_t find(std::string_view key) const;
    bool empty() const { return points_.empty(); }

private:
    struct Point {
        std::uint32_t hash;
        std::uint32_t id;
    };
    std::vector<Point> points_;
};

std::uint32_t crc32(std::string_view data);
std::string md5Hex(std::string_view data);

// Picks among weighted choices (Gateway API backendRefs): share = w/Σw; zero weights never.
std::size_t pickWeighted(std::span<const int> weights, Rng& rng);
// The same with a request's own roll (RouteOptions::choiceKey: comparable across runs and
// profiles), the shares laid out from the last choice: [primary 90, canary 10] gives the canary
// the rolls 1..10, the ones ingress-nginx's canary-weight 10 sends to its canary.
std::size_t pickWeightedByKey(std::span<const int> weights, std::uint64_t choiceKey);

}  // namespace hs::sim
