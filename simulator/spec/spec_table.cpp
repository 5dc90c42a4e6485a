#include "simulator/spec/spec_table.h"

#include "model/lint.h"
#include "simulator/balancer.h"
#include "simulator/profile_util.h"
#include "simulator/uri.h"

#include <algorithm>
#include <climits>
#include <map>
#include <unordered_map>

namespace hs::sim::spec {

using namespace hs::model;

namespace {

constexpr std::uint32_t kNone = UINT32_MAX;

// How specific the host part of a rule is; a request tries the levels in this order.
enum class HostLevel : std::uint8_t { Exact = 0, Wildcard = 1, Any = 2 };

// One Service port an Ingress backend names, resolved once per snapshot.
struct Backend {
    std::string ns, name;
    std::int32_t port = 0;  // Service port number (0 when a named port did not resolve)
    std::string portText;  // as the Ingress wrote it
    std::string key;  // "ns/name"
    ResolvedBackend resolved;
};

struct PathEntry {
    std::uint32_t ingress = 0;  // into Table::ingresses_ (age order)
    int rule = -1, path = -1;  // -1: the Ingress's defaultBackend
    HostLevel level = HostLevel::Any;
    std::string host;  // as written ("" for hostless)
    std::string rulePath;  // as written; "" is read as "/"
    PathType written = PathType::Unset;
    bool exact = false;  // Exact; everything else is matched as Prefix
    std::size_t length = 0;  // precedence length (Prefix: without trailing '/')
    std::uint32_t backend = kNone;  // into backends_; kNone for a resource backend
    const TypedLocalObjectReference* resource = nullptr;
};

// Oldest first; absent timestamps count as newest; ties by namespace/name ascending. The spec
// says nothing about conflicts between Ingresses: this is Gateway API's rule, the most common
// answer among controllers (docs/profiles/spec.md).
bool older(const Ingress* a, const Ingress* b) {
    std::int64_t ta = a->meta.creationTimestamp ? a->meta.creationTimestamp : INT64_MAX;
    std::int64_t tb = b->meta.creationTimestamp ? b->meta.creationTimestamp : INT64_MAX;
    if (ta != tb) return ta < tb;
    return a->meta.key() < b->meta.key();
}

std::string describe(const PathEntry& e, const std::string& ingressKey) {
    std::string out = pathTypeName(e.written == PathType::Unset ? PathType::ImplementationSpecific : e.written);
    out += ' ';
    out += e.rulePath.empty() ? "/" : e.rulePath;
    if (!e.host.empty()) out += " on " + e.host;
    out += " (" + ingressKey + ")";
    return out;
}

class Table;

class Session final : public RouteSession {
public:
    Session(std::shared_ptr<const Table> t, std::uint64_t seed);
    void route(const Request& r, Decision& d, const RouteOptions& o) override;

private:
    void toBackend(const PathEntry& e, const Request& r, Decision& d, bool ex, bool isDefault);

    std::shared_ptr<const Table> t_;
    Rng rng_;
    std::vector<RoundRobinState> rr_;
    std::string uri_, host_, sni_;
};

class Table final : public RouteTable, public std::enable_shared_from_this<Table> {
public:
    explicit Table(std::shared_ptr<const ClusterState> st) : state_(std::move(st)) { build(); }

    Profile profile() const override { return Profile::Spec; }
    std::unique_ptr<RouteSession> newSession(std::uint64_t seed) const override {
        return std::make_unique<Session>(shared_from_this(), seed);
    }
    const ClusterState& state() const override { return *state_; }
    Diagnostics lint() const override;

    const std::vector<PathEntry>& entries() const { return entries_; }
    const std::vector<Backend>& backends() const { return backends_; }
    const Ingress& ingress(std::uint32_t i) const { return *ingresses_[i]; }
    const std::string& ingressKey(std::uint32_t i) const { return keys_[i]; }
    std::size_t ingressCount() const { return ingresses_.size(); }

    // Rule entries for an exact host, a wildcard suffix (".foo.com") and hostless rules.
    const std::vector<std::uint32_t>* exact(const std::string& host) const {
        auto it = exact_.find(host);
        return it == exact_.end() ? nullptr : &it->second;
    }
    const std::vector<std::uint32_t>* wildcard(std::string_view host) const {
        auto dot = host.find('.');
        if (dot == std::string_view::npos || dot == 0) return nullptr;
        auto it = wildcard_.find(std::string(host.substr(dot)));
        return it == wildcard_.end() ? nullptr : &it->second;
    }
    const std::vector<std::uint32_t>& hostless() const { return hostless_; }
    // defaultBackend entries, one per Ingress that has one, in age order.
    const std::vector<std::uint32_t>& defaults() const { return defaults_; }
    std::uint32_t defaultOf(std::uint32_t ingress) const { return defaultByIngress_[ingress]; }
    const std::vector<std::string>& allHosts() const { return hosts_; }

    // The TLS Secret for a server name: the first Ingress (age order) whose tls[].hosts covers it;
    // "default" when none does. `why` is filled only when explaining (fast mode builds no text).
    const std::string& certificateFor(std::string_view sni, std::string* why) const {
        static const std::string kDefault = "default";
        for (const TlsEntry& e : tls_)
            if (!sni.empty() && hostMatches(e.host, sni, WildcardSpan::OneLabel)) {
                if (why)
                    *why = e.secret.empty()
                        ? keys_[e.ingress] + " lists " + e.host +
                            " in tls[] without a secretName (SNI only): the controller's default certificate"
                        : keys_[e.ingress] + " lists " + e.host + " in tls[].hosts with Secret " + e.secret;
                return e.secret.empty() ? kDefault : e.secret;
            }
        if (why)
            *why = "no Ingress lists " +
                (sni.empty() ? std::string("a name for a request without SNI") : std::string(sni)) +
                " in tls[].hosts: the controller's default certificate";
        return kDefault;
    }

private:
    void build();
    std::uint32_t backendFor(const Ingress& ing, const IngressServiceBackend& b);

    std::shared_ptr<const ClusterState> state_;
    std::vector<const Ingress*> ingresses_;
    std::vector<std::string> keys_;
    std::vector<PathEntry> entries_;
    std::vector<Backend> backends_;
    std::map<std::string, std::uint32_t> backendIndex_;
    std::unordered_map<std::string, std::vector<std::uint32_t>> exact_;
    std::unordered_map<std::string, std::vector<std::uint32_t>> wildcard_;  // ".foo.com"
    std::vector<std::uint32_t> hostless_;
    std::vector<std::uint32_t> defaults_;
    std::vector<std::uint32_t> defaultByIngress_;
    std::vector<std::string> hosts_;  // every rule host, for explanations
    struct TlsEntry {
        std::uint32_t ingress;
        std::string host;  // tls[].hosts entry
        std::string secret;  // "ns/name"; empty: SNI only, no secretName
    };
    std::vector<TlsEntry> tls_;  // Ingress age order, then listed order
};

std::uint32_t Table::backendFor(const Ingress& ing, const IngressServiceBackend& b) {
    std::string portText = b.port.name.empty() ? std::to_string(b.port.number) : b.port.name;
    std::string key = ing.meta.ns + "/" + b.name + ":" + portText;
    if (auto it = backendIndex_.find(key); it != backendIndex_.end()) return it->second;
    Backend be;
    be.ns = ing.meta.ns;
    be.name = b.name;
    be.portText = portText;
    be.key = ing.meta.ns + "/" + b.name;
    const Service* svc = state_->services().find(ing.meta.ns, b.name);
    if (svc) {
        if (b.port.name.empty())
            be.port = b.port.number;
        else
            for (const ServicePort& sp : svc->ports)
                if (sp.name == b.port.name) be.port = sp.port;
    }
    if (!svc)
        be.resolved.problem = "Service " + be.key + " does not exist";
    else if (be.port == 0 && svc->type != "ExternalName")
        be.resolved.problem = "Service " + be.key + " has no port named " + b.port.name;
    else
        be.resolved = resolveKubeProxy(*state_, be.ns, be.name, be.port);
    auto idx = static_cast<std::uint32_t>(backends_.size());
    backends_.push_back(std::move(be));
    backendIndex_.emplace(std::move(key), idx);
    return idx;
}

void Table::build() {
    for (const auto& p : state_->ingresses().all()) ingresses_.push_back(p.get());
    std::stable_sort(ingresses_.begin(), ingresses_.end(), older);
    defaultByIngress_.assign(ingresses_.size(), kNone);
    std::map<std::string, int> hostSeen;
    for (std::uint32_t i = 0; i < ingresses_.size(); ++i) {
        const Ingress& ing = *ingresses_[i];
        keys_.push_back(ing.meta.key());
        for (const IngressTLS& t : ing.tls)
            for (const std::string& h : t.hosts)
                tls_.push_back({i, h, t.secretName.empty() ? std::string() : objectKey(ing.meta.ns, t.secretName)});
        auto add = [&](PathEntry e, const IngressBackend& b) {
            if (b.service)
                e.backend = backendFor(ing, *b.service);
            else if (b.resource)
                e.resource = &*b.resource;
            auto idx = static_cast<std::uint32_t>(entries_.size());
            entries_.push_back(std::move(e));
            return idx;
        };
        if (ing.defaultBackend) {
            PathEntry e;
            e.ingress = i;
            std::uint32_t idx = add(std::move(e), *ing.defaultBackend);
            defaults_.push_back(idx);
            defaultByIngress_[i] = idx;
        }
        for (std::size_t ri = 0; ri < ing.rules.size(); ++ri) {
            const IngressRule& rule = ing.rules[ri];
            std::string host = toLower(rule.host);
            if (!host.empty() && hostSeen.emplace(host, 1).second) hosts_.push_back(host);
            for (std::size_t pi = 0; pi < rule.paths.size(); ++pi) {
                const HTTPIngressPath& p = rule.paths[pi];
                PathEntry e;
                e.ingress = i;
                e.rule = static_cast<int>(ri);
                e.path = static_cast<int>(pi);
                e.host = rule.host;
                e.rulePath = p.path;
                e.written = p.pathType;
                e.exact = p.pathType == PathType::Exact;
                std::string_view rp = p.path.empty() ? std::string_view("/") : std::string_view(p.path);
                e.length = e.exact ? rp.size() : trimTrailingSlashes(rp).size();
                e.level = host.empty()         ? HostLevel::Any
                    : host.rfind("*.", 0) == 0 ? HostLevel::Wildcard
                                               : HostLevel::Exact;
                std::uint32_t idx = add(std::move(e), p.backend);
                if (host.empty())
                    hostless_.push_back(idx);
                else if (host.rfind("*.", 0) == 0)
                    wildcard_[host.substr(1)].push_back(idx);
                else
                    exact_[host].push_back(idx);
            }
        }
    }
}

bool pathMatches(const PathEntry& e, std::string_view uri) {
    std::string_view rp = e.rulePath.empty() ? std::string_view("/") : std::string_view(e.rulePath);
    return e.exact ? rp == uri : elementPrefixMatch(rp, uri);
}

// True when `a` beats `b` for the same request: longest path, Exact over Prefix at equal
// length, then the older Ingress, then rule order.
bool beats(const PathEntry& a, const PathEntry& b) {
    if (a.length != b.length) return a.length > b.length;
    if (a.exact != b.exact) return a.exact;
    if (a.ingress != b.ingress) return a.ingress < b.ingress;
    if (a.rule != b.rule) return a.rule < b.rule;
    return a.path < b.path;
}

const char* levelName(HostLevel l) {
    switch (l) {
    case HostLevel::Exact: return "exact host";
    case HostLevel::Wildcard: return "wildcard host";
    case HostLevel::Any: return "hostless rule";
    }
    return "";
}

Diagnostics Table::lint() const {
    Diagnostics out;
    // Two Ingresses (or one twice) claiming the same host, path and type: only the first counts.
    std::map<std::tuple<std::string, std::string, bool>, std::uint32_t> seen;
    for (std::uint32_t i = 0; i < entries_.size(); ++i) {
        const PathEntry& e = entries_[i];
        if (e.rule < 0) continue;
        std::string rp = e.rulePath.empty() ? "/" : e.rulePath;
        auto [it, fresh] = seen.emplace(std::make_tuple(toLower(e.host), rp, e.exact), i);
        const Ingress& ing = *ingresses_[e.ingress];
        std::string field = "spec.rules[" + std::to_string(e.rule) + "].http.paths[" + std::to_string(e.path) + "]";
        if (!fresh) {
            const PathEntry& first = entries_[it->second];
            out.push_back(objectDiagnostic(
                Severity::Warning, Kind::Ingress, ing.meta, field + ".path",
                describe(e, keys_[e.ingress]) + " is shadowed by " + describe(first, keys_[first.ingress]) +
                    ": the spec leaves the conflict open; this profile lets the older Ingress (then rule order) win",
                "spec.path.conflict"));
        }
        if (e.resource)
            out.push_back(objectDiagnostic(Severity::Info, Kind::Ingress, ing.meta, field + ".backend.resource",
                                           "resource backend " + e.resource->kind + " " + e.resource->name +
                                               ": the controller serves it; Hopscope cannot follow it to endpoints",
                                           "spec.backend.resource"));
        if (e.backend != kNone && !backends_[e.backend].resolved.problem.empty() &&
            !backends_[e.backend].resolved.service)
            out.push_back(objectDiagnostic(Severity::Warning, Kind::Ingress, ing.meta, field + ".backend.service.name",
                                           backends_[e.backend].resolved.problem + ": requests here get 503",
                                           "spec.backend.missing"));
    }
    // Several Ingresses without rules but with a defaultBackend: which one answers unmatched hosts.
    std::vector<std::uint32_t> ruleless;
    for (std::uint32_t d : defaults_)
        if (ingresses_[entries_[d].ingress]->rules.empty()) ruleless.push_back(d);
    if (ruleless.size() > 1)
        for (std::size_t k = 1; k < ruleless.size(); ++k) {
            const PathEntry& e = entries_[ruleless[k]];
            out.push_back(objectDiagnostic(
                Severity::Info, Kind::Ingress, ingresses_[e.ingress]->meta, "spec.defaultBackend",
                "several Ingresses have only a defaultBackend; requests for unknown hosts go to the oldest, " +
                    keys_[entries_[ruleless[0]].ingress],
                "spec.default.shadowed"));
        }
    sortDiagnostics(out);
    return out;
}

Session::Session(std::shared_ptr<const Table> t, std::uint64_t seed) : t_(std::move(t)), rng_(seed) {
    rr_.resize(t_->backends().size());
}

void Session::toBackend(const PathEntry& e, const Request& r, Decision& d, bool ex, bool isDefault) {
    (void)r;
    const Table& t = *t_;
    d.routeKind = "Ingress";
    d.ingress = t.ingressKey(e.ingress);
    if (e.resource) {
        d.outcome = isDefault ? Outcome::DefaultBackend : Outcome::Routed;
        if (ex) {
            Hop& h = d.addHop(Stage::Service);
            h.decision = "resource " + (e.resource->apiGroup.empty() ? std::string() : e.resource->apiGroup + "/") +
                e.resource->kind + " " + e.resource->name;
            h.reason =
                "a resource backend: the controller serves this object itself (a bucket, a static site); there is no Service or Pod to follow";
        }
        return;
    }
    if (e.backend == kNone) return;
    const Backend& b = t.backends()[e.backend];
    d.service = b.key;
    d.servicePort = b.port;
    if (b.resolved.servicePort) d.servicePortName = b.resolved.servicePort->name;
    if (ex) {
        Hop& h = d.addHop(Stage::Service);
        h.decision = "Service " + b.key + " port " + b.portText;
        if (b.resolved.endpoints.empty())
            h.reason = b.resolved.problem;
        else {
            h.reason = std::to_string(b.resolved.endpoints.size()) + " ready endpoint(s)";
            if (b.resolved.excluded)
                h.reason += ", " + std::to_string(b.resolved.excluded) + " not used (not ready or no matching port)";
        }
        if (!b.port && b.resolved.externalName) h.reason = "ExternalName " + b.resolved.service->externalName;
    }
    if (b.resolved.endpoints.empty()) {
        d.outcome = Outcome::NoEndpoints;
        d.status = 503;
        if (ex) {
            Hop& h = d.addHop(Stage::Endpoint);
            h.decision = "503 Service Unavailable";
            h.reason = (b.resolved.problem.empty() ? std::string("no endpoints") : b.resolved.problem) +
                " (the spec does not say what then; 503 is what controllers answer)";
        }
        return;
    }
    std::size_t i = roundRobinPick(rr_[e.backend], b.resolved.endpoints.size(), rng_);
    const EndpointInfo& ep = b.resolved.endpoints[i];
    d.outcome = isDefault ? Outcome::DefaultBackend : Outcome::Routed;
    std::string why;
    if (ex) {
        why = "round robin over the ready endpoints (kube-proxy's view): " + std::to_string(i + 1) + " of " +
            std::to_string(b.resolved.endpoints.size());
        if (b.resolved.externalName) why = "ExternalName: the controller proxies to that DNS name";
    }
    fillEndpoint(d, ep, ex, std::move(why));
}

void Session::route(const Request& r, Decision& d, const RouteOptions& o) {
    d.clear();
    const Table& t = *t_;
    const bool ex = o.explain;
    d.profile = "spec";
    host_ = r.hostName();
    if (r.scheme == "https") {
        if (r.sni.empty())
            sni_ = host_;
        else {
            sni_ = r.sni;
            for (char& c : sni_)
                if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        const std::string& sni = sni_;
        std::string why;
        d.tlsCertificate = t.certificateFor(sni, ex ? &why : nullptr);
        if (ex) {
            Hop& h = d.addHop(Stage::Tls);
            h.decision = "certificate " + d.tlsCertificate;
            h.reason = "SNI " + (sni.empty() ? std::string("(none)") : sni) + " picks the certificate: " + why +
                "; the Host header picks the rule";
        }
    }
    UriError ue = normalizeUri(r.path(), uri_);
    if (ue != UriError::None) {
        d.outcome = Outcome::BadRequest;
        d.status = 400;
        if (ex) {
            Hop& h = d.addHop(Stage::Path);
            h.decision = "400 Bad Request";
            h.reason = std::string("the request path cannot be matched: ") + uriErrorText(ue);
        }
        return;
    }

    // Host levels, most specific first; a level whose paths all miss falls through to the next.
    const std::vector<std::uint32_t>* levels[3] = {host_.empty() ? nullptr : t.exact(host_),
                                                   host_.empty() ? nullptr : t.wildcard(host_), &t.hostless()};
    const PathEntry* best = nullptr;
    int bestLevel = -1;
    for (int lv = 0; lv < 3 && !best; ++lv) {
        if (!levels[lv]) continue;
        for (std::uint32_t idx : *levels[lv]) {
            const PathEntry& e = t.entries()[idx];
            if (!pathMatches(e, uri_)) continue;
            if (!best || beats(e, *best)) best = &e;
        }
        if (best) bestLevel = lv;
    }

    if (ex) {
        Hop& h = d.addHop(Stage::Host);
        if (best) {
            h.decision = best->host.empty() ? std::string("hostless rule (any host)") : "host " + best->host;
            if (best->level == HostLevel::Exact)
                h.reason = "the rule's host equals " + host_;
            else if (best->level == HostLevel::Wildcard)
                h.reason = host_ + " is covered by " + best->host + " (a wildcard covers exactly one label)";
            else
                h.reason = host_.empty()
                    ? "the request has no Host: only hostless rules apply"
                    : "no rule for " + host_ + " took the path; a rule without host applies to all traffic";
        } else {
            h.decision = "no rule";
            h.reason = host_.empty() ? "the request has no Host and no hostless rule takes its path"
                                     : "no rule for " + host_ + " (exact, wildcard or hostless) takes the path " + uri_;
        }
        for (int lv = 0; lv < bestLevel || (!best && lv < 3); ++lv)
            if (levels[lv] && !levels[lv]->empty()) {
                const PathEntry& e = t.entries()[levels[lv]->front()];
                h.rejected.push_back({std::string(levelName(static_cast<HostLevel>(lv))) + " " +
                                          (e.host.empty() ? std::string("(none)") : e.host),
                                      "matches the host, but none of its paths takes " + uri_ +
                                          " (see the path hop); the next, less specific host applies"});
            }
        std::size_t listed = 0;
        for (const std::string& other : t.allHosts()) {
            if (listed >= 8) break;
            if (other == host_ || hostMatches(other, host_, WildcardSpan::OneLabel)) continue;
            std::string why = wildcardMismatch(other, host_, WildcardSpan::OneLabel);
            if (why.empty()) {
                // Only near misses are worth showing: same parent domain, or equal but for case.
                auto dot = host_.find('.');
                std::string_view parent =
                    dot == std::string::npos ? std::string_view() : std::string_view(host_).substr(dot);
                if (parent.empty() || other.size() < parent.size() ||
                    other.compare(other.size() - parent.size(), parent.size(), parent) != 0)
                    continue;
                why = "a different host";
            }
            h.rejected.push_back({"host " + other, why});
            ++listed;
        }
    }

    if (best) {
        d.host = best->host;
        d.path = best->rulePath.empty() ? "/" : best->rulePath;
        d.pathType = pathTypeName(best->written == PathType::Unset ? PathType::ImplementationSpecific : best->written);
        if (ex) {
            Hop& h = d.addHop(Stage::Path);
            h.decision = describe(*best, t.ingressKey(best->ingress));
            h.reason = best->exact ? "Exact: the path equals " + uri_
                                   : "Prefix: every element of " + std::string(trimTrailingSlashes(d.path)) +
                    " matches the start of " + uri_;
            if (best->written == PathType::ImplementationSpecific || best->written == PathType::Unset)
                h.departure = "ImplementationSpecific is up to the controller; the spec profile reads it as Prefix";
            const std::vector<std::uint32_t>& list = *levels[bestLevel];
            for (std::uint32_t idx : list) {
                const PathEntry& e = t.entries()[idx];
                if (&e == best) continue;
                std::string why;
                if (!pathMatches(e, uri_)) {
                    std::string_view rp = e.rulePath.empty() ? std::string_view("/") : std::string_view(e.rulePath);
                    why = e.exact
                        ? "Exact " + std::string(rp) + " takes only " + std::string(rp) + " itself"
                        : "Prefix " + std::string(rp) + " does not match " + uri_ + ": " + prefixMismatch(rp, uri_);
                } else if (e.length != best->length) {
                    why = "matches too, but " + std::to_string(best->length) + " characters beat " +
                        std::to_string(e.length) + ": the longest path wins";
                } else if (e.exact != best->exact) {
                    why = "matches too, same length: Exact beats Prefix";
                } else {
                    why = "matches the same way; " +
                        (e.ingress != best->ingress ? t.ingressKey(best->ingress) +
                                 " is older (the spec leaves conflicts open; the oldest Ingress wins here)"
                                                    : std::string("an earlier rule of the same Ingress wins"));
                }
                h.rejected.push_back({describe(e, t.ingressKey(e.ingress)), why});
            }
        }
        toBackend(*best, r, d, ex, false);
        return;
    }

    if (ex) {
        // Every path of the hosts that matched, and why it does not take the request.
        Hop& h = d.addHop(Stage::Path);
        h.decision = "no path matches " + uri_;
        h.reason = "no Exact or Prefix path of the rules for this host takes the path";
        for (int lv = 0; lv < 3; ++lv) {
            if (!levels[lv]) continue;
            for (std::uint32_t idx : *levels[lv]) {
                const PathEntry& e = t.entries()[idx];
                std::string_view rp = e.rulePath.empty() ? std::string_view("/") : std::string_view(e.rulePath);
                h.rejected.push_back(
                    {describe(e, t.ingressKey(e.ingress)),
                     e.exact
                         ? "Exact " + std::string(rp) + " takes only " + std::string(rp) + " itself"
                         : "Prefix " + std::string(rp) + " does not match " + uri_ + ": " + prefixMismatch(rp, uri_)});
            }
        }
    }

    // No rule: the default backend of the Ingress whose host matched, else the oldest Ingress
    // that has only a defaultBackend, else any Ingress's defaultBackend (oldest).
    std::uint32_t def = kNone;
    std::string why;
    for (int lv = 0; lv < 3 && def == kNone; ++lv) {
        if (!levels[lv]) continue;
        for (std::uint32_t idx : *levels[lv]) {
            std::uint32_t cand = t.defaultOf(t.entries()[idx].ingress);
            if (cand != kNone && (def == kNone || t.entries()[cand].ingress < t.entries()[def].ingress)) def = cand;
        }
        if (def != kNone && ex)
            why = "no path matched; " + t.ingressKey(t.entries()[def].ingress) + " has a rule for this " +
                (lv == 2 ? std::string("traffic (hostless)") : std::string("host")) +
                " and a spec.defaultBackend, which takes requests that match none of its rules";
    }
    if (def == kNone)
        for (std::uint32_t cand : t.defaults())
            if (t.ingress(t.entries()[cand].ingress).rules.empty()) {
                def = cand;
                if (ex)
                    why = "no rule of any Ingress matched; " + t.ingressKey(t.entries()[cand].ingress) +
                        " has only a defaultBackend (the oldest such Ingress)";
                break;
            }
    if (def == kNone && !t.defaults().empty()) {
        def = t.defaults().front();
        if (ex)
            why = "no rule matched and no Ingress serves this host; the oldest Ingress with a defaultBackend, " +
                t.ingressKey(t.entries()[def].ingress) + ", is used (the spec leaves this open)";
    }
    if (def == kNone) {
        d.outcome = Outcome::DefaultBackend;
        d.status = 404;
        if (ex) {
            Hop& h = d.addHop(Stage::Service);
            h.decision = "default backend (404)";
            h.reason = "no rule matched and no Ingress has a defaultBackend: the controller's own default answers 404";
        }
        return;
    }
    if (ex) {
        Hop& h = d.addHop(Stage::Path);
        h.decision = "defaultBackend of " + t.ingressKey(t.entries()[def].ingress);
        h.reason = why;
    }
    toBackend(t.entries()[def], r, d, ex, true);
}

}  // namespace

std::shared_ptr<const RouteTable> compileSpec(std::shared_ptr<const ClusterState> state,
                                              const ProfileOptions& /*options*/) {
    return std::make_shared<Table>(std::move(state));
}

}  // namespace hs::sim::spec
