#include "simulator/nginx/config.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace hs::sim::nginx {

using namespace hs::model;

std::string Location::render(bool regexMode) const {
    if (regexMode) return "~* \"^" + path + "\"";
    if (pathType == PathType::Exact) return "= " + path;
    return path;
}

const Server* Config::server(std::string_view hostname) const {
    auto it = std::lower_bound(servers.begin(), servers.end(), hostname,
                               [](const Server& s, std::string_view h) { return s.hostname < h; });
    return it != servers.end() && it->hostname == hostname ? &*it : nullptr;
}

std::uint32_t Config::upstreamIndex(std::string_view name) const {
    for (std::uint32_t i = 0; i < upstreams.size(); ++i)
        if (upstreams[i].name == name) return i;
    return kNone;
}

bool ingressOlder(const Ingress& a, const Ingress& b) {
    std::int64_t ta = a.meta.creationTimestamp ? a.meta.creationTimestamp : INT64_MAX;
    std::int64_t tb = b.meta.creationTimestamp ? b.meta.creationTimestamp : INT64_MAX;
    if (ta != tb) return ta < tb;
    return a.meta.key() > b.meta.key();  // equal timestamps: namespace/name descending
}

namespace {

// ImplementationSpecific and Prefix are the same type for location identity: the controller's
// store converts ImplementationSpecific to Prefix (SetDefaultNGINXPathType) before merging.
bool sameType(PathType a, PathType b) {
    auto norm = [](PathType t) {
        return t == PathType::ImplementationSpecific || t == PathType::Unset ? PathType::Prefix : t;
    };
    return norm(a) == norm(b);
}

std::string portString(const ServiceBackendPort& p) { return p.number > 0 ? std::to_string(p.number) : p.name; }

std::string upstreamName(std::string_view ns, const IngressServiceBackend& s) {
    if (s.port.number > 0) return std::string(ns) + "-" + s.name + "-" + std::to_string(s.port.number);
    if (!s.port.name.empty()) return std::string(ns) + "-" + s.name + "-" + s.port.name;
    return std::string(ns) + "-INVALID";
}

bool needsRewrite(const Location& l) {
    return l.ann && !l.ann->rewriteTarget.empty() && l.ann->rewriteTarget != l.path;
}

class Builder {
public:
    Builder(const ClusterState& st, const Settings& s) : st_(st) { cfg_->settings = s; }

    std::shared_ptr<const Config> run() {
        selectIngresses();
        createDefaultUpstream();
        createUpstreams();
        createServers();
        backendServers();
        mergeCanaries();
        customDefaultBackends();
        finishServers();
        return cfg_;
    }

private:
    Config& c() { return *cfg_; }

    void note(Severity sev, std::string ingress, std::string field, std::string msg, std::string code) {
        c().notes.push_back({sev, std::move(ingress), std::move(field), std::move(msg), std::move(code)});
    }

    // B.1: which Ingresses this controller serves.
    void selectIngresses() {
        const Settings& s = c().settings;
        const IngressClass* defaultClass = nullptr;
        for (const auto& ic : st_.ingressClasses().all())
            if (ic->isDefault()) {
                // with several defaults the newest wins (ties: name ascending)
                if (!defaultClass || ic->meta.creationTimestamp > defaultClass->meta.creationTimestamp)
                    defaultClass = ic.get();
            }
        std::vector<IngressInfo> accepted;
        for (const auto& ingPtr : st_.ingresses().all()) {
            const Ingress& ing = *ingPtr;
            std::string reason, servedClass;
            bool ok = false;
            std::optional<std::string> className = ing.ingressClassName;
            const std::string* legacy = lookup(ing.meta.annotations, "kubernetes.io/ingress.class");
            if (!className && !legacy && s.applyDefaultClassOnCreate && ing.meta.uid.empty() && defaultClass) {
                className = defaultClass->meta.name;
                reason = "no class given: the admission plugin sets the default IngressClass \"" + *className +
                    "\" on create; ";
            }
            if (className) {
                const IngressClass* ic = st_.ingressClasses().find("", *className);
                if (!ic) {
                    reason += "IngressClass \"" + *className + "\" does not exist";
                } else if (ic->controller != s.controllerClass) {
                    reason += "IngressClass \"" + *className + "\" belongs to controller " + ic->controller + ", not " +
                        s.controllerClass;
                } else {
                    ok = true;
                    reason += "IngressClass \"" + *className + "\" (controller " + ic->controller + ")";
                    servedClass = *className;
                }
            } else if (legacy) {
                if (*legacy == s.ingressClass) {
                    ok = true;
                    servedClass = *legacy;
                    reason = "legacy annotation kubernetes.io/ingress.class: " + *legacy;
                } else {
                    reason =
                        "annotation kubernetes.io/ingress.class is \"" + *legacy + "\", not \"" + s.ingressClass + "\"";
                }
            } else if (s.watchIngressWithoutClass) {
                ok = true;
                reason = "no class, served because of --watch-ingress-without-class";
            } else {
                reason =
                    "no ingressClassName and no class annotation (ingress-nginx serves it only with --watch-ingress-without-class)";
            }
            if (!ok) {
                c().ignored.push_back({&ing, reason});
                continue;
            }
            IngressInfo info;
            info.ingress = &ing;
            info.key = ing.meta.key();
            info.ann = parseAnnotations(ing.meta, s);
            info.classReason = reason;
            info.className = servedClass;
            info.canary = info.ann.canary.enabled;
            for (const auto& p : info.ann.problems)
                note(Severity::Warning, info.key, "metadata.annotations[" + p.annotation + "]", p.message,
                     "nginx.annotation");
            accepted.push_back(std::move(info));
        }
        std::stable_sort(accepted.begin(), accepted.end(), [](const IngressInfo& a, const IngressInfo& b) {
            return ingressOlder(*a.ingress, *b.ingress);
        });
        c().ingresses = std::move(accepted);
    }

    std::uint32_t addUpstream(Upstream u) {
        u.serviceKey = u.serviceNs + "/" + u.serviceName;
        auto it = byName_.find(u.name);
        if (it != byName_.end()) {
            c().upstreams[it->second] = std::move(u);
            return it->second;
        }
        auto idx = static_cast<std::uint32_t>(c().upstreams.size());
        byName_.emplace(u.name, idx);
        c().upstreams.push_back(std::move(u));
        return idx;
    }

    std::uint32_t findUpstream(const std::string& name) const {
        auto it = byName_.find(name);
        return it == byName_.end() ? kNone : it->second;
    }

    void createDefaultUpstream() {
        Upstream u;
        u.name = kDefaultUpstream;
        u.isDefault = true;
        const std::string& svc = c().settings.defaultBackendService;
        if (!svc.empty()) {
            auto slash = svc.find('/');
            u.serviceNs = svc.substr(0, slash);
            u.serviceName = slash == std::string::npos ? svc : svc.substr(slash + 1);
            if (const Service* s = st_.services().find(u.serviceNs, u.serviceName); s && !s->ports.empty())
                u.backend = resolveNginx(st_, u.serviceNs, u.serviceName, std::to_string(s->ports[0].port));
        }
        c().defaultUpstream = addUpstream(std::move(u));
    }

    BalancerConfig balancerFor(const Annotations& a, const std::string& name) const {
        BalancerConfig b;
        b.upstreamName = name;
        std::string lb = a.loadBalance.empty() ? c_settings().loadBalance : a.loadBalance;
        if (!a.upstreamHashBy.empty()) {
            b.kind = a.upstreamHashBySubset ? BalancerKind::CHashSubset : BalancerKind::CHash;
            b.hashBy = VarExpr(a.upstreamHashBy);
            b.subsetSize = a.upstreamHashBySubsetSize;
        } else {
            b.kind = lb == "ewma" ? BalancerKind::Ewma : BalancerKind::RoundRobin;
        }
        return b;
    }
    const Settings& c_settings() const { return cfg_->settings; }

    void makeUpstream(std::uint32_t creator, const IngressInfo& info, const IngressServiceBackend& svc,
                      bool overwrite) {
        std::string name = upstreamName(info.ingress->meta.ns, svc);
        if (!overwrite && findUpstream(name) != kNone) return;
        Upstream u;
        u.name = name;
        u.serviceNs = info.ingress->meta.ns;
        u.serviceName = svc.name;
        u.port = portString(svc.port);
        u.creator = creator;
        u.balancer = balancerFor(info.ann, name);
        if (info.canary) {
            u.noServer = true;
            u.trafficShaping = info.ann.canary;
        }
        u.backend = resolveNginx(st_, u.serviceNs, u.serviceName, u.port);
        addUpstream(std::move(u));
    }

    // createUpstreams(): the first Ingress naming a Service port creates its upstream and sets
    // its balancing (later Ingresses' load-balance/upstream-hash-by annotations are ignored).
    // A spec.defaultBackend always re-creates its upstream.
    void createUpstreams() {
        for (std::uint32_t i = 0; i < c().ingresses.size(); ++i) {
            const IngressInfo& info = c().ingresses[i];
            const Ingress& ing = *info.ingress;
            if (ing.defaultBackend && ing.defaultBackend->service)
                makeUpstream(i, info, *ing.defaultBackend->service, true);
            for (const auto& rule : ing.rules)
                for (const auto& p : rule.paths)
                    if (p.backend.service) makeUpstream(i, info, *p.backend.service, false);
        }
    }

    Location rootLocation(std::uint32_t upstream, std::uint32_t ingress, const Annotations* ann) const {
        Location l;
        l.path = "/";
        l.ingressPath = "/";
        l.pathType = PathType::Prefix;
        l.ingressPathType = PathType::Prefix;
        l.isDefBackend = true;
        l.upstream = upstream;
        l.ingress = ingress;
        l.ann = ann;
        return l;
    }

    Server& serverFor(const std::string& host) { return servers_[host]; }

    // createServers(): the catch-all `_` and one server per host, each starting with a `/`
    // location bound to the creating Ingress's defaultBackend, else the controller's.
    void createServers() {
        Server& def = serverFor("_");
        def.hostname = "_";
        def.hasCertificate = true;
        def.certificate = "default";
        def.locations.push_back(rootLocation(c().defaultUpstream, kNone, nullptr));
        for (std::uint32_t i = 0; i < c().ingresses.size(); ++i) {
            const IngressInfo& info = c().ingresses[i];
            if (info.canary) continue;
            const Ingress& ing = *info.ingress;
            std::uint32_t un = c().defaultUpstream;
            if (ing.defaultBackend && ing.defaultBackend->service) {
                std::uint32_t up = findUpstream(upstreamName(ing.meta.ns, *ing.defaultBackend->service));
                if (up != kNone) {
                    un = up;
                    // Every Ingress with a defaultBackend re-points the catch-all's root; one
                    // without rules also takes it over with its annotations.
                    Location& defLoc = servers_["_"].locations[0];
                    defLoc.upstream = up;
                    defLoc.ingress = i;
                    if (defLoc.isDefBackend && ing.rules.empty()) {
                        defLoc.isDefBackend = false;
                        defLoc.ann = &info.ann;
                        catchAllOwner_ = i;
                    } else if (!catchAllOwner_) {
                        catchAllHijack_ = i;
                    }
                }
            }
            for (const auto& rule : ing.rules) {
                std::string host = rule.host.empty() ? "_" : rule.host;
                if (servers_.count(host)) continue;
                Server& s = serverFor(host);
                s.hostname = host;
                s.creator = i;
                s.locations.push_back(rootLocation(un, i, &info.ann));
            }
        }
        // aliases and TLS, first Ingress (in order) wins per host
        for (std::uint32_t i = 0; i < c().ingresses.size(); ++i) {
            const IngressInfo& info = c().ingresses[i];
            if (info.canary) continue;
            const Ingress& ing = *info.ingress;
            for (const auto& rule : ing.rules) {
                std::string host = rule.host.empty() ? "_" : rule.host;
                Server& s = servers_[host];
                if (s.aliases.empty() && !aliasesSet_.count(host)) {
                    aliasesSet_.insert(host);
                    s.aliases = info.ann.serverAliases;
                }
                if (s.hasCertificate || ing.tls.empty()) continue;
                assignCertificate(s, host, info);
            }
        }
        for (auto& [host, s] : servers_) {
            std::vector<std::string> uniq;
            for (const auto& a : s.aliases)
                if (a != host && !servers_.count(a) && std::find(uniq.begin(), uniq.end(), a) == uniq.end())
                    uniq.push_back(a);
            std::sort(uniq.begin(), uniq.end());
            s.aliases = std::move(uniq);
        }
    }

    // B.8 / extractTLSSecretName: this Ingress's TLS entry naming the host, else any of its TLS
    // Secrets whose certificate covers the host; otherwise the default certificate.
    void assignCertificate(Server& s, const std::string& host, const IngressInfo& info) {
        const Ingress& ing = *info.ingress;
        s.hasCertificate = true;
        std::string lowerHost = host;
        std::transform(lowerHost.begin(), lowerHost.end(), lowerHost.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        std::string secret;
        for (const auto& t : ing.tls)
            for (const auto& h : t.hosts) {
                std::string lh = h;
                std::transform(lh.begin(), lh.end(), lh.begin(),
                               [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
                if (secret.empty() && lh == lowerHost)
                    secret = t.secretName.empty() ? std::string("\x01") : t.secretName;
            }
        if (secret == "\x01") {
            s.certificate = "default";
            s.certificateReason =
                info.key + " lists " + host + " in spec.tls without a secretName: the default certificate";
            return;
        }
        if (secret.empty()) {
            for (const auto& t : ing.tls) {
                if (t.secretName.empty()) continue;
                const Secret* sec = st_.secrets().find(ing.meta.ns, t.secretName);
                if (sec && sec->certificate && sec->certificate->covers(host)) {
                    secret = t.secretName;
                    break;
                }
            }
        }
        if (secret.empty()) {
            s.certificate = "default";
            s.certificateReason = info.key + " has a TLS section that does not name " + host +
                ": the default certificate (HTTPS redirects still apply)";
            return;
        }
        const Secret* sec = st_.secrets().find(ing.meta.ns, secret);
        std::string key = ing.meta.ns + "/" + secret;
        if (!sec) {
            // The Secret is not in the snapshot: in a live cluster it is missing; from files it
            // may simply not be included. The controller would serve the default certificate.
            s.certificate = key;
            s.certificateReason = "Secret " + key + " from " + info.key +
                " (not in the input: if it is missing in the cluster too, the controller serves its default certificate)";
            return;
        }
        if (sec->certificate && !sec->certificate->error.empty()) {
            s.certificate = "default";
            s.certificateReason = "Secret " + key + " holds no valid certificate: the default certificate";
            return;
        }
        if (sec->certificate && !sec->certificate->covers(host)) {
            s.certificate = "default";
            s.certificateReason =
                "the certificate in Secret " + key + " does not cover " + host + ": the default certificate";
            return;
        }
        s.certificate = key;
        s.certificateReason = "Secret " + key + " from " + info.key + " (first Ingress with TLS for " + host + ")";
    }

    // getBackendServers(): each path becomes a location unless the same path string and type
    // already exist (the older Ingress keeps it); a path equal to a server's default `/`
    // replaces it.
    void backendServers() {
        for (std::uint32_t i = 0; i < c().ingresses.size(); ++i) {
            const IngressInfo& info = c().ingresses[i];
            const Ingress& ing = *info.ingress;
            for (std::size_t ri = 0; ri < ing.rules.size(); ++ri) {
                const auto& rule = ing.rules[ri];
                std::string host = rule.host.empty() ? "_" : rule.host;
                auto sit = servers_.find(host);
                Server& server = sit != servers_.end() ? sit->second : servers_["_"];
                if (!rule.hasHttp) continue;
                const bool isAsPrefix = c().settings.implementationSpecificAsPrefix;
                for (std::size_t pi = 0; pi < rule.paths.size(); ++pi) {
                    const auto& path = rule.paths[pi];
                    std::string field = "spec.rules[" + std::to_string(ri) + "].http.paths[" + std::to_string(pi) + "]";
                    if (!path.backend.service) {
                        note(Severity::Info, info.key, field + ".backend",
                             "resource backends are not supported by ingress-nginx; this path uses the default backend",
                             "nginx.resource-backend");
                        continue;
                    }
                    std::uint32_t up = findUpstream(upstreamName(ing.meta.ns, *path.backend.service));
                    if (up == kNone || c().upstreams[up].noServer) continue;
                    std::string nginxPath = path.path.empty() ? "/" : path.path;
                    bool add = true;
                    for (Location& loc : server.locations) {
                        if (loc.path != nginxPath) continue;
                        if (!sameType(loc.ingressPathType, path.pathType)) break;
                        add = false;
                        if (!loc.isDefBackend) {
                            std::string owner =
                                loc.ingress != kNone ? c().ingresses[loc.ingress].key : "the controller";
                            if (loc.ingress != i)
                                note(Severity::Warning, info.key, field + ".path",
                                     "host " + server.hostname + " path " + nginxPath + " (" +
                                         pathTypeName(path.pathType) + ") is already defined by the older Ingress " +
                                         owner + "; ingress-nginx ignores this one",
                                     "nginx.path.conflict");
                            c().skipped.push_back({server.hostname, nginxPath, path.pathType, i, static_cast<int>(ri),
                                                   static_cast<int>(pi), owner});
                            break;
                        }
                        loc.upstream = up;
                        loc.isDefBackend = false;
                        loc.ingress = i;
                        loc.ann = &info.ann;
                        loc.rule = static_cast<int>(ri);
                        loc.pathIndex = static_cast<int>(pi);
                        loc.ingressPathType = path.pathType;
                        break;
                    }
                    if (add) {
                        Location loc;
                        loc.path = nginxPath;
                        loc.ingressPath = path.path;
                        loc.pathType = path.pathType;
                        loc.ingressPathType = path.pathType;
                        if (isAsPrefix &&
                            (path.pathType == PathType::ImplementationSpecific || path.pathType == PathType::Unset))
                            loc.pathType = loc.ingressPathType = PathType::Prefix;
                        loc.upstream = up;
                        loc.ingress = i;
                        loc.rule = static_cast<int>(ri);
                        loc.pathIndex = static_cast<int>(pi);
                        loc.ann = &info.ann;
                        server.locations.push_back(std::move(loc));
                    }
                    Upstream& u = c().upstreams[up];
                    if (u.affinityType.empty()) u.affinityType = info.ann.affinity.type;
                    if (u.affinityMode.empty() && !info.ann.affinity.type.empty())
                        u.affinityMode = info.ann.affinity.mode;
                    if (info.ann.affinity.type == "cookie") {
                        const auto& a = info.ann.affinity;
                        AffinitySettings& s = u.balancer.affinity;
                        s.cookieName = a.cookieName;
                        s.cookiePath = a.cookiePath;
                        s.expires = a.expires;
                        s.maxAge = a.maxAge;
                        s.secureSet = lookup(ing.meta.annotations,
                                             c().settings.annotationsPrefix + "/session-cookie-secure") != nullptr;
                        s.secure = a.secure;
                        s.sameSite = a.sameSite;
                        s.changeOnFailure = a.changeOnFailure;
                        s.locations.emplace_back(host, path.path);
                        for (const auto& alias : server.aliases) s.locations.emplace_back(alias, path.path);
                    }
                }
            }
        }
        // Affinity wins over hashing and load-balance (B.7).
        for (auto& u : c().upstreams)
            if (u.affinityType == "cookie")
                u.balancer.kind =
                    u.affinityMode == "persistent" ? BalancerKind::StickyPersistent : BalancerKind::StickyBalanced;
    }

    // B.6: a canary attaches to the upstream of the location with the same host, path and type;
    // without one it is discarded.
    void mergeCanaries() {
        bool anyPrimary =
            std::any_of(c().ingresses.begin(), c().ingresses.end(), [](const IngressInfo& i) { return !i.canary; });
        for (std::uint32_t i = 0; i < c().ingresses.size(); ++i) {
            const IngressInfo& info = c().ingresses[i];
            if (!info.canary) continue;
            const Ingress& ing = *info.ingress;
            if (!anyPrimary) {
                note(Severity::Warning, info.key, "metadata.annotations",
                     "canary Ingress without any primary Ingress: discarded", "nginx.canary.orphan");
                continue;
            }
            auto tryMerge = [&](std::uint32_t alt, const Server& server, const std::string* path, PathType type,
                                const std::string& field) {
                bool merged = false, altIsPrimary = false;
                for (const Location& loc : server.locations) {
                    std::uint32_t pri = loc.upstream;
                    if (pri == alt) {
                        altIsPrimary = true;
                        break;
                    }
                    Upstream& p = c().upstreams[pri];
                    bool canMerge = p.name != c().upstreams[alt].name && !p.isDefault && !p.noServer;
                    if (!canMerge) continue;
                    if (path && (loc.path != *path || !sameType(loc.ingressPathType, type))) continue;
                    if (std::find(p.alternatives.begin(), p.alternatives.end(), alt) == p.alternatives.end()) {
                        if (!p.alternatives.empty())
                            note(Severity::Warning, info.key, field,
                                 "upstream " + p.name + " already has the canary " +
                                     c().upstreams[p.alternatives[0]].name +
                                     "; ingress-nginx uses only the first canary of an upstream",
                                 "nginx.canary.second");
                        p.alternatives.push_back(alt);
                        if (!info.ann.affinity.canaryBehaviorLegacy) {
                            Upstream& a = c().upstreams[alt];
                            a.affinityType = p.affinityType;
                            a.affinityMode = p.affinityMode;
                            a.balancer.affinity = p.balancer.affinity;
                            if (p.affinityType == "cookie") a.balancer.kind = p.balancer.kind;
                        }
                    }
                    merged = true;
                }
                if (!altIsPrimary && !merged) {
                    note(
                        Severity::Warning, info.key, field,
                        "canary has no primary location with the same host, path and pathType: ingress-nginx discards it",
                        "nginx.canary.orphan");
                    discardedCanaries_.insert(alt);
                }
            };
            if (ing.defaultBackend && ing.defaultBackend->service) {
                std::uint32_t alt = findUpstream(upstreamName(ing.meta.ns, *ing.defaultBackend->service));
                if (alt != kNone) tryMerge(alt, servers_["_"], nullptr, PathType::Prefix, "spec.defaultBackend");
            }
            for (std::size_t ri = 0; ri < ing.rules.size(); ++ri) {
                const auto& rule = ing.rules[ri];
                std::string host = rule.host.empty() ? "_" : rule.host;
                for (std::size_t pi = 0; pi < rule.paths.size(); ++pi) {
                    const auto& path = rule.paths[pi];
                    if (!path.backend.service) continue;
                    std::uint32_t alt = findUpstream(upstreamName(ing.meta.ns, *path.backend.service));
                    std::string field = "spec.rules[" + std::to_string(ri) + "].http.paths[" + std::to_string(pi) + "]";
                    auto sit = servers_.find(host);
                    if (alt == kNone) continue;
                    if (sit == servers_.end()) {
                        note(Severity::Warning, info.key, field + ".path",
                             "canary for host " + host + ", which no primary Ingress defines: discarded",
                             "nginx.canary.orphan");
                        continue;
                    }
                    std::string p = path.path;  // canary matching uses the path as written
                    tryMerge(alt, sit->second, &p, path.pathType, field + ".path");
                }
            }
        }
    }

    // Locations whose upstream has no endpoints use the default-backend annotation's Service
    // (custom-default-backend-*); so do custom-http-errors.
    void customDefaultBackends() {
        for (auto& [host, server] : servers_)
            for (Location& loc : server.locations) {
                if (!loc.ann || loc.ann->defaultBackend.empty() || loc.upstream == kNone) continue;
                const Upstream& up = c().upstreams[loc.upstream];
                if (up.isDefault) continue;
                bool empty = up.backend.endpoints.empty();
                if (!empty && loc.ann->customHTTPErrors.empty()) continue;
                std::string ns = loc.ingress != kNone ? c().ingresses[loc.ingress].ingress->meta.ns : std::string();
                const Service* svc = st_.services().find(ns, loc.ann->defaultBackend);
                if (!svc || svc->ports.empty()) continue;
                std::string name = "custom-default-backend-" + ns + "-" + loc.ann->defaultBackend;
                std::uint32_t idx = findUpstream(name);
                if (idx == kNone) {
                    Upstream u;
                    u.name = name;
                    u.customDefault = true;
                    u.serviceNs = ns;
                    u.serviceName = loc.ann->defaultBackend;
                    u.port = std::to_string(svc->ports[0].port);
                    u.backend = resolveNginx(st_, ns, u.serviceName, u.port);
                    u.balancer = up.balancer;
                    u.balancer.upstreamName = name;
                    if (u.backend.endpoints.empty()) continue;  // valid only with at least one endpoint
                    idx = addUpstream(std::move(u));
                }
                loc.customDefaultUpstream = idx;
                if (empty) loc.usesCustomDefault = true;
            }
    }

    // Sort (length desc, then path desc), split Prefix paths (B.3), decide regex mode.
    void finishServers() {
        for (auto& [host, server] : servers_) {
            auto& locs = server.locations;
            std::stable_sort(locs.begin(), locs.end(),
                             [](const Location& a, const Location& b) { return a.path > b.path; });
            std::stable_sort(locs.begin(), locs.end(),
                             [](const Location& a, const Location& b) { return a.path.size() > b.path.size(); });
            // updateServerLocations()
            std::set<std::string> exact;
            for (const auto& l : locs)
                if (l.pathType == PathType::Exact) exact.insert(l.path);
            std::vector<Location> out;
            out.reserve(locs.size() * 2);
            for (Location& l : locs) {
                if (l.path == "/" || l.ingressPathType != PathType::Prefix || needsRewrite(l) ||
                    (l.ann && l.ann->useRegex)) {
                    out.push_back(std::move(l));
                    continue;
                }
                if (exact.count(l.path)) {
                    if (l.path.back() != '/') l.path += '/';
                    out.push_back(std::move(l));
                    continue;
                }
                Location twin = l;
                if (l.path.back() != '/') l.path += '/';
                out.push_back(std::move(l));
                twin.pathType = PathType::Exact;
                twin.exactTwin = true;
                out.push_back(std::move(twin));
            }
            locs = std::move(out);
            if (server.isCatchAll()) {
                Location hz;
                hz.path = c().settings.healthzURI;
                hz.ingressPath = hz.path;
                hz.pathType = PathType::ImplementationSpecific;
                hz.special = SpecialLocation::Healthz;
                locs.push_back(hz);
                Location st;
                st.path = "/nginx_status";
                st.ingressPath = st.path;
                st.pathType = PathType::ImplementationSpecific;
                st.special = SpecialLocation::NginxStatus;
                locs.push_back(st);
            }
            for (const Location& l : locs) {
                if (!l.ann || l.special != SpecialLocation::None) continue;
                if (l.ann->useRegex || needsRewrite(l)) {
                    server.regexMode = true;
                    std::string who = l.ingress != kNone ? c().ingresses[l.ingress].key
                                                         : std::string("the server's default location");
                    server.regexCause =
                        who + (l.ann->useRegex ? " sets use-regex" : " sets rewrite-target " + l.ann->rewriteTarget);
                    break;
                }
            }
            // Two static locations with the same name make nginx reject the whole configuration.
            if (!server.regexMode) {
                std::map<std::string, int> seen;
                for (const Location& l : locs) {
                    std::string key = (l.pathType == PathType::Exact ? "= " : "") + l.path;
                    if (++seen[key] == 2)
                        note(
                            Severity::Error, l.ingress != kNone ? c().ingresses[l.ingress].key : std::string(), "",
                            "server " + server.hostname + " gets two `location " + key +
                                "` blocks; nginx rejects such a configuration (\"duplicate location\") and the controller keeps its previous one",
                            "nginx.location.duplicate");
                }
            }
        }
        for (auto& [host, s] : servers_) c().servers.push_back(std::move(s));
        std::sort(c().servers.begin(), c().servers.end(),
                  [](const Server& a, const Server& b) { return a.hostname < b.hostname; });
        for (std::uint32_t u : discardedCanaries_) c().upstreams[u].noServer = true;
        (void)catchAllHijack_;
    }

    const ClusterState& st_;
    std::shared_ptr<Config> cfg_ = std::make_shared<Config>();
    std::unordered_map<std::string, std::uint32_t> byName_;
    std::map<std::string, Server> servers_;
    std::set<std::string> aliasesSet_;
    std::set<std::uint32_t> discardedCanaries_;
    std::optional<std::uint32_t> catchAllOwner_;
    std::optional<std::uint32_t> catchAllHijack_;
};

}  // namespace

std::shared_ptr<const Config> buildConfig(const ClusterState& state, const Settings& settings) {
    return Builder(state, settings).run();
}

}  // namespace hs::sim::nginx
