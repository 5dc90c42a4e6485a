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
        info.name = u.name;
        info.externalName = u.backend.externalName;
        for (const auto& e : u.backend.endpoints) info.endpoints.insert(e.hostPort);
        if (!u.alternatives.empty()) info.alternative = cfg->upstreams[u.alternatives.front()].name;
        if (!u.serviceName.empty()) info.service = u.serviceNs + "/" + u.serviceName;
        byName_.emplace(u.name, i);
    }
    for (const auto& s : cfg->servers) {
        servers_.push_back(s.hostname);
        for (const auto& l : s.locations) {
            if (l.special != sim::nginx::SpecialLocation::None) continue;  // access_log off
            std::uint32_t up = l.usesCustomDefault && l.customDefaultUpstream != sim::nginx::kNone ? l.customDefaultUpstream : l.upstream;
            if (up == sim::nginx::kNone) up = cfg->defaultUpstream;
            bool redirect = l.ann && (!l.ann->permanentRedirect.empty() || !l.ann->temporalRedirect.empty());
            locations_.emplace(s.hostname + '\x1f' + l.render(s.regexMode), LocationInfo{up == sim::nginx::kNone ? kNoUpstream : up, redirect});
            if (up != sim::nginx::kNone) {
                auto& servers = upstreams_[up].servers;
                if (std::find(servers.begin(), servers.end(), s.hostname) == servers.end()) servers.push_back(s.hostname);
            }
        }
    }
    std::sort(servers_.begin(), servers_.end());
    for (auto& u : upstreams_) std::sort(u.servers.begin(), u.servers.end());
}

const NginxLogModel::UpstreamInfo* NginxLogModel::upstream(std::string_view name) const {
    auto it = byName_.find(name);
    return it == byName_.end() ? nullptr : &upstreams_[it->second];
}

const NginxLogModel::UpstreamInfo* NginxLogModel::loggedUpstream(const sim::Request& r, const sim::Decision& d) const {
    if (d.location.empty()) return nullptr;  // app-root, 400: answered before any location
    key_.assign(d.server).append(1, '\x1f').append(d.location);
    auto it = locations_.find(key_);
    if (it == locations_.end() || it->second.upstream == kNoUpstream) return nullptr;
    // nginx's own 301 to add a slash happens while finding the location: the location's `set
    // $proxy_upstream_name` never runs. Tell it from the 301s a location answers itself.
    if (d.outcome == sim::Outcome::Redirect && d.status == 301 && !it->second.redirectAnnotation) {
        bool sslRedirect = redirectCode_ == 301 && r.scheme == "http" && d.redirectLocation.rfind("https://", 0) == 0;
        if (!sslRedirect) return nullptr;
    }
    return &upstreams_[it->second.upstream];
}

std::string_view NginxLogModel::upstreamName(const sim::Request& r, const sim::Decision& d) const {
    const UpstreamInfo* u = loggedUpstream(r, d);
    return u ? std::string_view(u->name) : std::string_view("-");
}

}  // namespace hs::replay
