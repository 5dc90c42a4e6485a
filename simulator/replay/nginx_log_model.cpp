#include "simulator/replay/nginx_log_model.h"

#include "simulator/nginx/nginx_table.h"

#include <algorithm>

namespace hs::replay {

namespace {
constexpr std::uint32_t kNoUpstream = UINT32_MAX;
}

NginxLogModel::NginxLogModel(const sim::RouteTable& table) {
    auto cfg = sim::nginx::configOf(table);
    if (!cfg) return;
    valid_ = true;
    redirectCode_ = cfg->settings.httpRedirectCode;
    upstreams_.resize(cfg->upstreams.size());
    for (std::uint32_t i = 0; i < cfg->upstreams.size(); ++i) {
        const auto& u = cfg->upstreams[i];
        UpstreamInfo& info = upstreams_[i];
        info.id = i;
        info.name = u.name;
        info.externalName = u.backend.externalName;
        for (const auto& e : u.backend.endpoints) info.endpoints.insert(e.hostPort);
        if (!u.alternatives.empty()) info.alternative = cfg->upstreams[u.alternatives.front()].name;
        if (!u.serviceName.empty()) info.service = u.serviceNs + "/" + u.serviceName;
        byName_.insert(u.name);  // upstream names are unique: id i
    }
    for (std::uint32_t i = 0; i < cfg->upstreams.size(); ++i)
        for (std::uint32_t alt : cfg->upstreams[i].alternatives)
            if (upstreams_[alt].primary == UINT32_MAX) upstreams_[alt].primary = i;
    for (const auto& s : cfg->servers) {
        servers_.push_back(s.hostname);
        for (const auto& l : s.locations) {
            if (l.special != sim::nginx::SpecialLocation::None) continue;  // access_log off
            std::uint32_t up = l.usesCustomDefault && l.customDefaultUpstream != sim::nginx::kNone
                ? l.customDefaultUpstream
                : l.upstream;
            if (up == sim::nginx::kNone) up = cfg->defaultUpstream;
            bool redirect = l.ann && (!l.ann->permanentRedirect.empty() || !l.ann->temporalRedirect.empty());
            std::uint32_t id = locationIndex_.insert(s.hostname + '\x1f' + l.render(s.regexMode));
            if (id == locations_.size())
                locations_.push_back(LocationInfo{up == sim::nginx::kNone ? kNoUpstream : up, redirect});
            if (up != sim::nginx::kNone) {
                auto& servers = upstreams_[up].servers;
                if (std::find(servers.begin(), servers.end(), s.hostname) == servers.end())
                    servers.push_back(s.hostname);
            }
        }
    }
    std::sort(servers_.begin(), servers_.end());
    for (auto& u : upstreams_) std::sort(u.servers.begin(), u.servers.end());
}

const NginxLogModel::UpstreamInfo* NginxLogModel::upstream(std::string_view name) const {
    std::uint32_t id = byName_.find(name);
    return id == detail::FlatIndex::kNone ? nullptr : &upstreams_[id];
}

const NginxLogModel::UpstreamInfo* NginxLogModel::loggedUpstream(const sim::Request& r, const sim::Decision& d) const {
    if (d.location.empty()) return nullptr;  // app-root, 400: answered before any location
    if (proxied(d)) {
        // Proxied: the decision's upstream is the location's (its custom default backend when it
        // took over), or the canary whose primary the location logs. One lookup by name.
        std::uint32_t id = byName_.find(d.upstream);
        if (id != detail::FlatIndex::kNone) {
            const UpstreamInfo& u = upstreams_[id];
            if (!d.canary) return &u;
            if (u.primary != UINT32_MAX) return &upstreams_[u.primary];
        }
    }
    key_.assign(d.server).append(1, '\x1f').append(d.location);
    std::uint32_t id = locationIndex_.find(key_);
    if (id == detail::FlatIndex::kNone) return nullptr;
    const LocationInfo& loc = locations_[id];
    if (loc.upstream == kNoUpstream) return nullptr;
    // nginx's own 301 to add a slash happens while finding the location: the location's `set
    // $proxy_upstream_name` never runs. Tell it from the 301s a location answers itself.
    if (d.outcome == sim::Outcome::Redirect && d.status == 301 && !loc.redirectAnnotation) {
        bool sslRedirect = redirectCode_ == 301 && r.scheme == "http" && d.redirectLocation.rfind("https://", 0) == 0;
        if (!sslRedirect) return nullptr;
    }
    return &upstreams_[loc.upstream];
}

std::string_view NginxLogModel::upstreamName(const sim::Request& r, const sim::Decision& d) const {
    const UpstreamInfo* u = loggedUpstream(r, d);
    return u ? std::string_view(u->name) : std::string_view("-");
}

}  // namespace hs::replay
