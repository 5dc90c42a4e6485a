#pragma once
// What ingress-nginx writes to its access log for a request, given the simulator's Decision
// (docs/traces.md, "What the ingress-nginx log records"):
//
//   $proxy_upstream_name              the upstream of the location nginx matched — the primary,
//                                     also when the canary served; "-" when no location was
//                                     entered (app-root, nginx's own slash redirect, 400s)
//   $proxy_alternative_upstream_name  the canary upstream when the request went to it, else empty
//   $upstream_addr                    the endpoint when nginx proxied, "-" when it answered itself
//
// The demo log generator writes these and verify compares against them, so both read the same
// model. Only meaningful for the ingress-nginx profile (valid() is false otherwise).

#include "simulator/decision.h"
#include "simulator/replay/detail/fast_hash.h"
#include "simulator/request.h"
#include "simulator/route_table.h"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace hs::replay {

class NginxLogModel {
public:
    explicit NginxLogModel(const sim::RouteTable& table);
    bool valid() const { return valid_; }

    struct UpstreamInfo;
    // $proxy_upstream_name for this decision.
    std::string_view upstreamName(const sim::Request& r, const sim::Decision& d) const;
    // The same as the upstream's record; nullptr for "-".
    const UpstreamInfo* loggedUpstream(const sim::Request& r, const sim::Decision& d) const;
    // $proxy_alternative_upstream_name: the canary upstream the request went to, or "".
    static std::string_view alternativeName(const sim::Decision& d) {
        return d.canary ? std::string_view(d.upstream) : std::string_view();
    }
    // nginx proxied the request (so $upstream_addr names an endpoint and $status is the backend's).
    static bool proxied(const sim::Decision& d) { return !d.endpoint.empty(); }

    using Hash = detail::FastHash;
    struct UpstreamInfo {
        std::string name;
        detail::FlatIndex endpoints;  // "ip:port"
        bool hasEndpoint(std::string_view addr) const { return endpoints.find(addr) != detail::FlatIndex::kNone; }
        bool externalName = false;  // nginx logs the resolved address, which the snapshot cannot know
        std::vector<std::string> servers;  // server names with a location that logs this upstream
        std::string alternative;  // its canary upstream, if any
        std::string service;  // "ns/name" of its Service ($service_name logs it)
        std::uint32_t id = 0;  // position among the upstreams (dense, for per-upstream arrays)
        std::uint32_t primary = UINT32_MAX;  // a canary upstream: the upstream it is the alternative of
    };
    std::size_t upstreamCount() const { return upstreams_.size(); }
    const UpstreamInfo* upstream(std::string_view name) const;
    // Every server name ("_" for the catch-all), sorted.
    const std::vector<std::string>& servers() const { return servers_; }

private:
    bool valid_ = false;
    int redirectCode_ = 308;
    std::vector<UpstreamInfo> upstreams_;
    detail::FlatIndex byName_;  // ids are indexes into upstreams_
    // "server\x1flocation text" → index of the logged upstream name (kNoUpstream for "-")
    struct LocationInfo {
        std::uint32_t upstream;
        bool redirectAnnotation;  // permanent/temporal-redirect: nginx `return`s inside the location
    };
    detail::FlatIndex locationIndex_;
    std::vector<LocationInfo> locations_;  // by locationIndex_ id
    std::vector<std::string> servers_;
    mutable std::string key_;
};

}  // namespace hs::replay
