#include "simulator/gce/gce_table.h"

#include "model/lint.h"
#include "simulator/balancer.h"
#include "simulator/profile_util.h"
#include "simulator/uri.h"

#include <algorithm>
#include <climits>
#include <map>
#include <tuple>

namespace hs::sim::gce {

using namespace hs::model;

namespace {

constexpr std::uint32_t kNone = UINT32_MAX;
constexpr std::string_view kClassAnnotation = "kubernetes.io/ingress.class";
constexpr std::string_view kNegAnnotation = "cloud.google.com/neg";
constexpr std::string_view kAllowHttp = "kubernetes.io/ingress.allow-http";
constexpr std::string_view kPreSharedCert = "ingress.gcp.kubernetes.io/pre-shared-cert";
constexpr std::string_view kFrontendConfig = "networking.gke.io/v1beta1.FrontendConfig";
constexpr std::string_view kSystemDefault = "kube-system/default-http-backend";

// A backend service of one load balancer: a Service port, reached through a NEG or an instance
// group. Resolved once per snapshot.
struct Backend {
    std::string key;  // "ns/name"
    std::string portText;
    std::int32_t port = 0;
    std::int32_t nodePort = 0;
    bool neg = false;
    bool systemDefault = false;  // kube-system/default-http-backend: answers 404 itself
    bool localPolicy = false;  // externalTrafficPolicy: Local
    std::string name;  // backend service name, as ingress-gce would name it (approximately)
    ResolvedBackend resolved;
};

struct PathRule {
    std::string path;  // the GCLB path rule: "/foo", "/foo/*", "/*"
    std::size_t prefixLen = 0;  // characters before the '*' (wildcard) or the whole path (exact)
    bool wildcard = false;
    std::uint32_t backend = kNone;
    int rule = -1, pathIndex = -1;  // where it came from in the Ingress
    std::string written;  // the Ingress path as written
    PathType type = PathType::Unset;
};

struct HostRule {
    std::string host;  // as written; "" = hostless (GCLB host `*`)
    int rule = -1;  // the Ingress rule that defined it (a later rule for the same host replaces it)
    std::vector<PathRule> paths;
};

struct Note {
    Severity severity = Severity::Warning;
    std::string field, message, code;
};

// One Ingress's load balancer.
struct UrlMap {
    const Ingress* ing = nullptr;
    std::string key;
    std::string ip;
    bool internal = false;
    std::string classWhy;
    std::uint32_t defaultBackend = kNone;
    std::vector<HostRule> hosts;
    std::string error;  // translation failure: the URL map is not synced
    std::string errorField;
    bool allowHttp = true;
    std::vector<std::string> certs;  // pre-shared first, then tls[].secretName order
    std::vector<std::string> certNotes;  // parallel: where each came from
    std::string frontendConfig;
    std::vector<Note> notes;
    std::string server;  // Decision::server: "load balancer of ns/name (IP)"
};

struct Ignored {
    const Ingress* ing;
    std::string reason;
};

// The translator's path conversion (translator.go) for one Ingress path; empty result with
// `error` set when translation fails.
std::vector<std::string> gcePaths(const HTTPIngressPath& p, std::string& error) {
    std::vector<std::string> out;
    PathType t = p.pathType == PathType::Unset ? PathType::ImplementationSpecific : p.pathType;
    if (t == PathType::ImplementationSpecific) {
        std::string path = p.path.empty() ? "/*" : p.path;
        auto star = path.find('*');
        if (star != std::string::npos && !(star == path.size() - 1 && star > 0 && path[star - 1] == '/'))
            error = "path \"" + path + "\": the Compute API accepts `*` only as the last character, after a `/`";
        else
            out.push_back(path);
        return out;
    }
    if (p.path.find('*') != std::string::npos) {
        error = "failed to translate path \"" + p.path + "\" of pathType " + pathTypeName(t) +
            ": `*` is not allowed in Exact or Prefix paths";
        return out;
    }
    if (t == PathType::Exact) {
        out.push_back(p.path);
        return out;
    }
    std::string_view base = trimTrailingSlashes(p.path);
    if (base == "/" || base.empty()) {
        out.push_back("/*");
        return out;
    }
    out.emplace_back(base);
    out.push_back(std::string(base) + "/*");
    return out;
}

bool negEnabled(const Service& svc) {
    const std::string* v = lookup(svc.meta.annotations, kNegAnnotation);
    if (!v) return false;
    // '{"ingress": true}' — parsed loosely: the key "ingress" followed by `true`.
    auto k = v->find("\"ingress\"");
    if (k == std::string::npos) return false;
    auto colon = v->find(':', k);
    if (colon == std::string::npos) return false;
    auto t = v->find_first_not_of(" \t", colon + 1);
    return t != std::string::npos && v->compare(t, 4, "true") == 0;
}

class Table;

class Session final : public RouteSession {
public:
    Session(std::shared_ptr<const Table> t, std::uint64_t seed);
    void route(const Request& r, Decision& d, const RouteOptions& o) override;

private:
    void routeOn(const UrlMap& m, const Request& r, Decision& d, bool ex);
    void toBackend(const UrlMap& m, std::uint32_t b, Decision& d, bool ex, bool isDefault);

    std::shared_ptr<const Table> t_;
    Rng rng_;
    std::vector<RoundRobinState> rr_;  // per backend (NEG endpoints or nodes)
    std::vector<RoundRobinState> nodeRr_;  // per backend (instance-group nodes)
    std::string uri_, host_;
    std::vector<const EndpointInfo*> local_;
};

class Table final : public RouteTable, public std::enable_shared_from_this<Table> {
public:
    Table(std::shared_ptr<const ClusterState> st, const ProfileOptions& o)
        : state_(std::move(st)), chosen_(o.gceIngress) {
        build();
    }

    Profile profile() const override { return Profile::Gce; }
    std::unique_ptr<RouteSession> newSession(std::uint64_t seed) const override {
        return std::make_unique<Session>(shared_from_this(), seed);
    }
    const ClusterState& state() const override { return *state_; }
    Diagnostics lint() const override;

    const std::vector<UrlMap>& maps() const { return maps_; }
    const std::vector<Ignored>& ignored() const { return ignored_; }
    const std::vector<Backend>& backends() const { return backends_; }
    const std::vector<const Node*>& nodes() const { return nodes_; }
    const std::string& chosen() const { return chosen_; }

private:
    void build();
    void translate(UrlMap& m);
    std::uint32_t backendFor(UrlMap& m, const IngressServiceBackend& b, const std::string& field);

    std::shared_ptr<const ClusterState> state_;
    std::string chosen_;
    std::vector<UrlMap> maps_;
    std::vector<Ignored> ignored_;
    std::vector<Backend> backends_;
    std::map<std::string, std::uint32_t> backendIndex_;
    std::vector<const Node*> nodes_;  // ready Nodes: the instance group's members
};

std::uint32_t Table::backendFor(UrlMap& m, const IngressServiceBackend& b, const std::string& field) {
    const std::string& ns = m.ing->meta.ns;
    std::string portText = b.port.name.empty() ? std::to_string(b.port.number) : b.port.name;
    std::string key = ns + "/" + b.name + ":" + portText;
    auto fail = [&](std::string msg) {
        if (m.error.empty()) {
            m.error = std::move(msg);
            m.errorField = field;
        }
    };
    const Service* svc = state_->services().find(ns, b.name);
    if (!svc) {
        fail("error getting Service \"" + ns + "/" + b.name + "\": not found");
        return kNone;
    }
    const ServicePort* sp = nullptr;
    for (const ServicePort& p : svc->ports)
        if (b.port.name.empty() ? p.port == b.port.number : p.name == b.port.name) sp = &p;
    if (!sp) {
        fail("could not find port \"" + portText + "\" in Service \"" + ns + "/" + b.name + "\"");
        return kNone;
    }
    bool neg = negEnabled(*svc);
    if (!neg && svc->type != "NodePort" && svc->type != "LoadBalancer") {
        fail("service \"" + ns + "/" + b.name + "\" is type \"" + svc->type +
             "\", expected \"NodePort\" or \"LoadBalancer\"");
        return kNone;
    }
    if (auto it = backendIndex_.find(key); it != backendIndex_.end()) return it->second;
    Backend be;
    be.key = ns + "/" + b.name;
    be.portText = portText;
    be.port = sp->port;
    be.nodePort = sp->nodePort;
    be.neg = neg;
    be.localPolicy = svc->externalTrafficPolicy == "Local";
    be.name = neg ? "k8s1-neg-" + ns + "-" + b.name + "-" + std::to_string(sp->port)
                  : "k8s-be-" + std::to_string(sp->nodePort);
    be.resolved = resolveKubeProxy(*state_, ns, b.name, sp->port);
    if (!neg && sp->nodePort == 0) {
        // A NodePort Service read from manifests may not carry its allocated nodePort yet.
        be.name = "k8s-be-(nodePort unallocated)";
    }
    auto idx = static_cast<std::uint32_t>(backends_.size());
    backends_.push_back(std::move(be));
    backendIndex_.emplace(std::move(key), idx);
    return idx;
}

void Table::translate(UrlMap& m) {
    const Ingress& ing = *m.ing;
    if (ing.defaultBackend && ing.defaultBackend->service) {
        m.defaultBackend = backendFor(m, *ing.defaultBackend->service, "spec.defaultBackend.service");
    } else {
        if (ing.defaultBackend && ing.defaultBackend->resource && m.error.empty()) {
            m.error = "spec.defaultBackend.resource is not supported by ingress-gce";
            m.errorField = "spec.defaultBackend.resource";
        }
        auto idx = static_cast<std::uint32_t>(backends_.size());
        Backend be;
        be.key = std::string(kSystemDefault);
        be.systemDefault = true;
        be.name = "k8s-be-default-http-backend";
        backends_.push_back(std::move(be));
        m.defaultBackend = idx;
    }
    for (std::size_t ri = 0; ri < ing.rules.size(); ++ri) {
        const IngressRule& rule = ing.rules[ri];
        HostRule hr;
        hr.host = rule.host;
        hr.rule = static_cast<int>(ri);
        for (std::size_t pi = 0; pi < rule.paths.size(); ++pi) {
            const HTTPIngressPath& p = rule.paths[pi];
            std::string field = "spec.rules[" + std::to_string(ri) + "].http.paths[" + std::to_string(pi) + "]";
            std::string err;
            std::vector<std::string> paths = gcePaths(p, err);
            if (!err.empty() && m.error.empty()) {
                m.error = err;
                m.errorField = field + ".path";
            }
            std::uint32_t b = kNone;
            if (p.backend.service)
                b = backendFor(m, *p.backend.service, field + ".backend.service");
            else if (m.error.empty()) {
                m.error = "path " + p.path + ": resource backends are not supported by ingress-gce";
                m.errorField = field + ".backend.resource";
            }
            for (std::string& gp : paths) {
                PathRule pr;
                pr.wildcard = !gp.empty() && gp.back() == '*';
                pr.prefixLen = pr.wildcard ? gp.size() - 1 : gp.size();
                pr.path = std::move(gp);
                pr.backend = b;
                pr.rule = static_cast<int>(ri);
                pr.pathIndex = static_cast<int>(pi);
                pr.written = p.path;
                pr.type = p.pathType;
                // The same path twice: the last one wins (the URL map keeps one rule per path).
                auto same = std::find_if(hr.paths.begin(), hr.paths.end(),
                                         [&](const PathRule& x) { return x.path == pr.path; });
                if (same != hr.paths.end()) {
                    m.notes.push_back({Severity::Warning, field + ".path",
                                       "path rule " + pr.path + " is defined twice for host " +
                                           (rule.host.empty() ? std::string("*") : rule.host) +
                                           ": the later one (this path) replaces paths[" +
                                           std::to_string(same->pathIndex) + "]",
                                       "gce.path.duplicate"});
                    *same = std::move(pr);
                } else {
                    hr.paths.push_back(std::move(pr));
                }
            }
        }
        // The same host twice in one Ingress: the later rule replaces the earlier host rule.
        auto same =
            std::find_if(m.hosts.begin(), m.hosts.end(), [&](const HostRule& x) { return iequals(x.host, hr.host); });
        if (same != m.hosts.end()) {
            m.notes.push_back(
                {Severity::Warning, "spec.rules[" + std::to_string(same->rule) + "].host",
                 "host " + (rule.host.empty() ? std::string("*") : rule.host) + " appears again in spec.rules[" +
                     std::to_string(ri) +
                     "]: ingress-gce keeps one host rule per host, and the later rule replaces this one (its paths are lost)",
                 "gce.host.replaced"});
            *same = std::move(hr);
        } else {
            m.hosts.push_back(std::move(hr));
        }
    }
}

void Table::build() {
    for (const auto& n : state_->nodes().all())
        if (n->ready.value_or(true)) nodes_.push_back(n.get());
    for (const auto& p : state_->ingresses().all()) {
        const Ingress& ing = *p;
        const std::string* cls = lookup(ing.meta.annotations, kClassAnnotation);
        UrlMap m;
        if (!cls) {
            if (ing.ingressClassName) {
                ignored_.push_back(
                    {&ing,
                     "spec.ingressClassName \"" + *ing.ingressClassName +
                         "\" is set and the kubernetes.io/ingress.class annotation is not: ingress-gce serves only Ingresses "
                         "without a class name, or annotated gce / gce-internal"});
                continue;
            }
            m.classWhy =
                "no kubernetes.io/ingress.class annotation and no spec.ingressClassName: ingress-gce takes it (external load balancer)";
        } else if (*cls == "gce") {
            m.classWhy = "kubernetes.io/ingress.class: gce (external load balancer)";
        } else if (*cls == "gce-internal") {
            m.internal = true;
            m.classWhy =
                "kubernetes.io/ingress.class: gce-internal (internal load balancer, reachable from the VPC only)";
        } else {
            ignored_.push_back({&ing, "kubernetes.io/ingress.class is \"" + *cls + "\", not gce or gce-internal"});
            continue;
        }
        m.ing = &ing;
        m.key = ing.meta.key();
        for (const auto& lb : ing.loadBalancer)
            if (!lb.ip.empty()) {
                m.ip = lb.ip;
                break;
            }
        m.server = "load balancer of " + m.key + (m.ip.empty() ? std::string() : " (" + m.ip + ")");
        if (const std::string* ah = lookup(ing.meta.annotations, kAllowHttp))
            m.allowHttp = !(*ah == "false" || *ah == "False" || *ah == "0");
        if (const std::string* pre = lookup(ing.meta.annotations, kPreSharedCert)) {
            std::string_view list = *pre;
            while (!list.empty()) {
                auto comma = list.find(',');
                std::string_view item = list.substr(0, comma);
                while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
                while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
                if (!item.empty()) {
                    m.certs.emplace_back(item);
                    m.certNotes.push_back("pre-shared certificate (ingress.gcp.kubernetes.io/pre-shared-cert)");
                }
                if (comma == std::string_view::npos) break;
                list.remove_prefix(comma + 1);
            }
        }
        for (const IngressTLS& t : ing.tls)
            if (!t.secretName.empty()) {
                m.certs.push_back(objectKey(ing.meta.ns, t.secretName));
                m.certNotes.push_back("tls[].secretName");
            }
        if (const std::string* fc = lookup(ing.meta.annotations, kFrontendConfig)) m.frontendConfig = *fc;
        maps_.push_back(std::move(m));
    }
    for (UrlMap& m : maps_) translate(m);
}

Diagnostics Table::lint() const {
    Diagnostics out;
    for (const Ignored& ig : ignored_)
        out.push_back(objectDiagnostic(Severity::Info, Kind::Ingress, ig.ing->meta,
                                       "metadata.annotations[kubernetes.io/ingress.class]",
                                       "not served by ingress-gce: " + ig.reason, "gce.not-served"));
    for (const UrlMap& m : maps_) {
        if (!m.error.empty())
            out.push_back(objectDiagnostic(Severity::Error, Kind::Ingress, m.ing->meta, m.errorField,
                                           "ingress-gce cannot translate this Ingress (" + m.error +
                                               "): a Warning event is recorded and the load balancer is not updated",
                                           "gce.translation"));
        for (const Note& n : m.notes)
            out.push_back(objectDiagnostic(n.severity, Kind::Ingress, m.ing->meta, n.field, n.message, n.code));
        if (!m.allowHttp && m.certs.empty())
            out.push_back(objectDiagnostic(
                Severity::Warning, Kind::Ingress, m.ing->meta, "metadata.annotations[kubernetes.io/ingress.allow-http]",
                "allow-http is false and the Ingress has no certificate: the load balancer has no frontend at all",
                "gce.no-frontend"));
    }
    sortDiagnostics(out);
    return out;
}

// How well a URL map's host rules take `host`: 3 exact, 2 wildcard, 1 a `*` host rule, 0 none
// (only the default service). Wildcards also report their length so longer ones rank higher.
std::pair<int, std::size_t> hostScore(const UrlMap& m, std::string_view host, const HostRule** which) {
    std::pair<int, std::size_t> best{0, 0};
    *which = nullptr;
    for (const HostRule& hr : m.hosts) {
        std::pair<int, std::size_t> s{0, 0};
        if (hr.host.empty())
            s = {1, 0};
        else if (hr.host.rfind("*.", 0) == 0) {
            if (hostMatches(hr.host, host, WildcardSpan::AnyLabels)) s = {2, hr.host.size()};
        } else if (iequals(hr.host, host))
            s = {3, hr.host.size()};
        if (s > best) {
            best = s;
            *which = &hr;
        }
    }
    return best;
}

Session::Session(std::shared_ptr<const Table> t, std::uint64_t seed) : t_(std::move(t)), rng_(seed) {
    rr_.resize(t_->backends().size());
    nodeRr_.resize(t_->backends().size());
}

void Session::route(const Request& r, Decision& d, const RouteOptions& o) {
    d.clear();
    const Table& t = *t_;
    const bool ex = o.explain;
    d.profile = "gce";
    d.routeKind = "Ingress";
    host_ = r.hostName();

    const UrlMap* chosen = nullptr;
    if (!t.chosen().empty()) {
        for (const UrlMap& m : t.maps())
            if (m.key == t.chosen()) chosen = &m;
        if (!chosen) {
            d.outcome = Outcome::NotServed;
            if (ex) {
                Hop& h = d.addHop(Stage::Host);
                h.decision = "no load balancer for " + t.chosen();
                h.reason = "Ingress " + t.chosen() + " does not exist in the input";
                for (const Ignored& ig : t.ignored())
                    if (ig.ing->meta.key() == t.chosen())
                        h.reason = "Ingress " + t.chosen() + " is not served by ingress-gce: " + ig.reason;
            }
            return;
        }
    } else {
        // Without --gce-ingress: assume DNS sends the host to the load balancer that names it. An
        // Ingress that failed translation still counts when its rules name the host (its load
        // balancer is stale or missing: not-served), but loses ties against synced ones.
        std::tuple<int, std::size_t, int> best{-1, 0, 0};
        const HostRule* which = nullptr;
        for (const UrlMap& m : t.maps()) {
            auto hs = hostScore(m, host_, &which);
            std::tuple<int, std::size_t, int> s{hs.first, hs.second, m.error.empty() ? 1 : 0};
            if (std::get<0>(s) == 0 && !m.error.empty()) continue;
            if (s > best) {
                best = s;
                chosen = &m;
            }
        }
        if (!chosen) {
            d.outcome = Outcome::NotServed;
            if (ex) {
                Hop& h = d.addHop(Stage::Host);
                h.decision = "no load balancer";
                h.reason = t.maps().empty()
                    ? "no Ingress is served by ingress-gce (see the rejected list)"
                    : "every GCE Ingress failed translation: none has a load balancer that is up to date";
                for (const UrlMap& m : t.maps()) h.rejected.push_back({"Ingress " + m.key, m.error});
                for (const Ignored& ig : t.ignored())
                    h.rejected.push_back({"Ingress " + ig.ing->meta.key(), "not served: " + ig.reason});
            }
            return;
        }
    }
    d.ingress = chosen->key;
    d.server = chosen->server;
    if (ex) {
        Hop& h = d.addHop(Stage::Host);
        h.decision = d.server;
        h.reason = chosen->classWhy + "; every GCE Ingress gets its own load balancer, URL map and IP";
        if (t.chosen().empty()) {
            h.reason +=
                ". Which one a request reaches depends on the IP it was sent to: Hopscope assumes the one whose URL map names the host "
                "(pass --gce-ingress ns/name to choose)";
            const HostRule* which = nullptr;
            for (const UrlMap& m : t.maps()) {
                if (&m == chosen) continue;
                if (!m.error.empty()) {
                    h.rejected.push_back({"load balancer of " + m.key, "not synced: " + m.error});
                    continue;
                }
                auto s = hostScore(m, host_, &which);
                std::string why = s.first == 3
                    ? "also has a host rule for " + host_ + ", but another load balancer ranks first (name order)"
                    : s.first == 2 ? "only a wildcard host rule " + which->host + " covers " + host_
                    : s.first == 1 ? "only a hostless (`*`) host rule would take " + host_
                                   : "no host rule for " + host_ + " (only its default service would answer)";
                h.rejected.push_back(
                    {"load balancer of " + m.key + (m.ip.empty() ? std::string() : " (" + m.ip + ")"), why});
            }
            for (const Ignored& ig : t.ignored())
                h.rejected.push_back({"Ingress " + ig.ing->meta.key(), "no load balancer: " + ig.reason});
        }
    }
    routeOn(*chosen, r, d, ex);
}

void Session::routeOn(const UrlMap& m, const Request& r, Decision& d, bool ex) {
    const Table& t = *t_;
    if (!m.error.empty()) {
        d.outcome = Outcome::NotServed;
        if (ex) {
            Hop& h = d.addHop(Stage::Host);
            h.decision = "load balancer not synced";
            h.reason = "ingress-gce failed to translate " + m.key + ": " + m.error +
                ". It records a Warning event and does not update the load balancer (a new Ingress gets none)";
        }
        return;
    }
    // --- frontend: forwarding rules and target proxies ------------------------------------------
    if (r.scheme == "http") {
        if (!m.allowHttp) {
            d.outcome = Outcome::NotServed;
            if (ex) {
                Hop& h = d.addHop(Stage::Tls);
                h.decision = "no HTTP forwarding rule";
                h.reason =
                    "kubernetes.io/ingress.allow-http: \"false\" removes port 80 from the load balancer: the connection is refused";
            }
            return;
        }
        if (ex && !m.frontendConfig.empty()) {
            Hop& h = d.addHop(Stage::Annotation);
            h.decision = "FrontendConfig " + m.frontendConfig + " (not read)";
            h.reason =
                "the Ingress names a FrontendConfig; if it sets redirectToHttps the load balancer answers 301 (or the code it names) "
                "to https. FrontendConfig is a CRD Hopscope does not read: this decision assumes no redirect";
        }
    } else {
        if (m.certs.empty()) {
            d.outcome = Outcome::NotServed;
            if (ex) {
                Hop& h = d.addHop(Stage::Tls);
                h.decision = "no HTTPS forwarding rule";
                h.reason =
                    "the Ingress lists no certificate (tls[].secretName or pre-shared-cert): ingress-gce creates no HTTPS proxy";
            }
            return;
        }
        std::string sni = r.sni.empty() ? host_ : toLower(r.sni);
        std::size_t pick = 0;
        bool bySni = false;
        for (std::size_t i = 0; i < m.certs.size() && !bySni; ++i) {
            if (m.certNotes[i] != "tls[].secretName") continue;
            auto slash = m.certs[i].find('/');
            const Secret* s = t.state().secrets().find(m.certs[i].substr(0, slash), m.certs[i].substr(slash + 1));
            bool covers = false;
            if (s && s->certificate)
                covers = s->certificate->covers(sni);
            else
                for (const IngressTLS& tls : m.ing->tls)
                    if (objectKey(m.ing->meta.ns, tls.secretName) == m.certs[i])
                        for (const std::string& hn : tls.hosts)
                            covers = covers || hostMatches(hn, sni, WildcardSpan::AnyLabels);
            if (covers) {
                pick = i;
                bySni = true;
            }
        }
        d.tlsCertificate = m.certs[pick];
        if (ex) {
            Hop& h = d.addHop(Stage::Tls);
            h.decision = "certificate " + m.certs[pick] + " (" + m.certNotes[pick] + ")";
            h.reason = bySni ? "the target HTTPS proxy picks the certificate whose names cover SNI " + sni
                             : "no listed certificate covers SNI " + (sni.empty() ? std::string("(none)") : sni) +
                    ": the proxy presents the first one";
            if (m.certs.size() > 1)
                h.reason += " (" + std::to_string(m.certs.size()) + " certificates, pre-shared ones first)";
        }
    }

    // --- URL map: host rule, then path matcher ----------------------------------------------------
    UriError ue = normalizeUri(r.path(), uri_);
    if (ue != UriError::None) {
        d.outcome = Outcome::BadRequest;
        d.status = 400;
        if (ex) {
            Hop& h = d.addHop(Stage::Path);
            h.decision = "400 Bad Request";
            h.reason = std::string("the Google Front End rejects the path: ") + uriErrorText(ue);
        }
        return;
    }
    const HostRule* hr = nullptr;
    auto score = hostScore(m, host_, &hr);
    if (ex) {
        Hop& h = d.addHop(Stage::Host);
        if (hr) {
            h.decision = "host rule " + (hr->host.empty() ? std::string("*") : hr->host);
            h.reason = score.first == 3 ? "the host rule names " + host_ + " (case-insensitive, the port is ignored)"
                : score.first == 2
                ? host_ + " ends with " + hr->host.substr(1) + ": a GCLB wildcard host covers any number of labels"
                : "the Ingress rule without host becomes the host rule `*`";
            if (score.first == 2 &&
                std::count(host_.begin(), host_.end(), '.') > std::count(hr->host.begin(), hr->host.end(), '.'))
                h.departure = "GCLB wildcard hosts match several labels; the Ingress spec's `*.` covers exactly one";
        } else {
            h.decision = "no host rule";
            h.reason = "no host rule takes " + (host_.empty() ? std::string("a request without Host") : host_) +
                ": the URL map's default service answers";
        }
        for (const HostRule& other : m.hosts) {
            if (&other == hr) continue;
            std::string name = other.host.empty() ? std::string("*") : other.host;
            std::string why;
            if (other.host.empty())
                why = "`*` is only the fallback; a more specific host rule matched";
            else if (hostMatches(other.host, host_, WildcardSpan::AnyLabels))
                why = "matches too, but a more specific host rule wins";
            else
                why = other.host.rfind("*.", 0) == 0 ? wildcardMismatch(other.host, host_, WildcardSpan::AnyLabels)
                                                     : "a different host";
            h.rejected.push_back({"host rule " + name, why});
        }
        for (const Note& n : m.notes)
            if (n.code == "gce.host.replaced") h.rejected.push_back({n.field, n.message});
    }
    if (!hr) {
        toBackend(m, m.defaultBackend, d, ex, true);
        return;
    }
    d.host = hr->host;
    const PathRule* best = nullptr;
    for (const PathRule& pr : hr->paths) {
        bool match = pr.wildcard
            ? uri_.compare(0, pr.prefixLen, pr.path, 0, pr.prefixLen) == 0 && uri_.size() >= pr.prefixLen
            : uri_ == pr.path;
        if (!match) continue;
        // Longest rule first; at equal length an exact rule beats a wildcard (UNCONFIRMED, see docs).
        if (!best || pr.prefixLen > best->prefixLen ||
            (pr.prefixLen == best->prefixLen && best->wildcard && !pr.wildcard))
            best = &pr;
    }
    if (ex) {
        Hop& h = d.addHop(Stage::Path);
        if (best) {
            h.decision = "path rule " + best->path + " ← " +
                pathTypeName(best->type == PathType::Unset ? PathType::ImplementationSpecific : best->type) + " " +
                (best->written.empty() ? std::string("(empty)") : best->written);
            h.reason = best->wildcard ? "the path starts with " + best->path.substr(0, best->prefixLen) +
                    " (a `/*` rule); the longest matching rule wins"
                                      : "a path rule without `*` matches exactly " + best->path;
        } else {
            h.decision = "no path rule";
            h.reason = "no path rule of host rule " + (hr->host.empty() ? std::string("*") : hr->host) + " takes " +
                uri_ + ": the path matcher's default (the URL map's default service) answers";
        }
        if (!r.query().empty()) h.reason += "; the query string is ignored";
        for (const PathRule& pr : hr->paths) {
            if (&pr == best) continue;
            std::string why;
            bool match = pr.wildcard
                ? uri_.compare(0, pr.prefixLen, pr.path, 0, pr.prefixLen) == 0 && uri_.size() >= pr.prefixLen
                : uri_ == pr.path;
            if (match)
                why = "matches too, but " + best->path + " is longer (or exact at equal length)";
            else if (!pr.wildcard)
                why = "no `*`: the rule takes " + pr.path + " only";
            else if (uri_ + "/" == pr.path.substr(0, pr.prefixLen))
                why =
                    pr.path + " needs the trailing slash: " + uri_ + " is not under " + pr.path.substr(0, pr.prefixLen);
            else
                why = uri_ + " does not start with " + pr.path.substr(0, pr.prefixLen);
            h.rejected.push_back(
                {"path rule " + pr.path + " (" +
                     pathTypeName(pr.type == PathType::Unset ? PathType::ImplementationSpecific : pr.type) + " " +
                     (pr.written.empty() ? std::string("(empty)") : pr.written) + ")",
                 why});
        }
    }
    if (!best) {
        toBackend(m, m.defaultBackend, d, ex, true);
        return;
    }
    d.path = best->written;
    d.pathType = pathTypeName(best->type == PathType::Unset ? PathType::ImplementationSpecific : best->type);
    d.location = best->path;
    toBackend(m, best->backend, d, ex, false);
}

void Session::toBackend(const UrlMap& m, std::uint32_t bi, Decision& d, bool ex, bool isDefault) {
    const Table& t = *t_;
    const Backend& b = t.backends()[bi];
    d.service = b.key;
    d.upstream = b.name;
    if (b.systemDefault) {
        d.outcome = Outcome::DefaultBackend;
        d.status = 404;
        if (ex) {
            Hop& h = d.addHop(Stage::Service);
            h.decision = "default backend " + std::string(kSystemDefault) + " (404)";
            h.reason = std::string(m.ing->defaultBackend ? "" : "the Ingress has no spec.defaultBackend: ") +
                "the URL map's default service is the system default backend, which answers 404 with the body \"response 404 (backend NotFound), service rules for [ " +
                uri_ + " ] non-existent\" (older clusters: \"default backend - 404\")";
        }
        return;
    }
    d.servicePort = b.port;
    if (b.resolved.servicePort) d.servicePortName = b.resolved.servicePort->name;
    const auto& eps = b.resolved.endpoints;
    if (ex) {
        Hop& h = d.addHop(Stage::Service);
        h.decision = "backend service " + b.name + " → Service " + b.key + " port " + b.portText +
            (b.neg ? " (NEG: container-native)" : " (instance group, NodePort " + std::to_string(b.nodePort) + ")");
        h.reason = isDefault ? "the Ingress's spec.defaultBackend is the URL map's default service; " : "";
        h.reason += b.neg
            ? "cloud.google.com/neg {\"ingress\": true}: the load balancer sends to Pod IPs directly"
            : "no NEG annotation: the load balancer sends to a Node's NodePort, and kube-proxy forwards to a Pod (maybe on another Node)";
        h.reason += "; health check: the Pod's HTTP readiness probe, else GET / expecting 200";
    }
    // Health: ready endpoints are the healthy ones (the readiness probe is what the health check copies).
    if (eps.empty()) {
        d.outcome = Outcome::NoEndpoints;
        d.status = 502;
        if (ex) {
            Hop& h = d.addHop(Stage::Endpoint);
            h.decision = "502 Bad Gateway";
            h.reason = "all backends are unhealthy (" +
                (b.resolved.problem.empty() ? std::string("no ready endpoints") : b.resolved.problem) +
                "): the load balancer answers 502 itself";
        }
        return;
    }
    d.outcome = isDefault ? Outcome::DefaultBackend : Outcome::Routed;
    if (b.neg) {
        std::size_t i = roundRobinPick(rr_[bi], eps.size(), rng_);
        std::string why;
        if (ex)
            why = "NEG endpoint " + std::to_string(i + 1) + " of " + std::to_string(eps.size()) +
                " (round robin across healthy endpoints)";
        fillEndpoint(d, eps[i], ex, std::move(why));
        return;
    }
    // Instance group: a healthy Node, then kube-proxy's random choice.
    const auto& nodes = t.nodes();
    const Node* node = nullptr;
    local_.clear();
    if (b.localPolicy) {
        // externalTrafficPolicy: Local — only Nodes with a ready local endpoint pass the health check.
        std::size_t healthy = 0;
        for (const Node* n : nodes)
            if (std::any_of(eps.begin(), eps.end(), [&](const EndpointInfo& e) { return e.node == n->meta.name; }))
                ++healthy;
        if (healthy) {
            std::size_t k = roundRobinPick(nodeRr_[bi], healthy, rng_);
            for (const Node* n : nodes)
                if (std::any_of(eps.begin(), eps.end(),
                                [&](const EndpointInfo& e) { return e.node == n->meta.name; }) &&
                    k-- == 0) {
                    node = n;
                    break;
                }
        }
        if (node)
            for (const EndpointInfo& e : eps)
                if (e.node == node->meta.name) local_.push_back(&e);
    } else if (!nodes.empty()) {
        node = nodes[roundRobinPick(nodeRr_[bi], nodes.size(), rng_)];
    }
    if (b.localPolicy && !node && !nodes.empty()) {
        d.outcome = Outcome::NoEndpoints;
        d.status = 502;
        if (ex) {
            Hop& h = d.addHop(Stage::Endpoint);
            h.decision = "502 Bad Gateway";
            h.reason =
                "externalTrafficPolicy: Local and no Node runs a ready endpoint: every instance fails the health check";
        }
        return;
    }
    const EndpointInfo* ep = nullptr;
    if (!local_.empty())
        ep = local_[static_cast<std::size_t>(rng_.range(0, static_cast<std::int64_t>(local_.size()) - 1))];
    else
        ep = &eps[static_cast<std::size_t>(rng_.range(0, static_cast<std::int64_t>(eps.size()) - 1))];
    if (ex) {
        Hop& h = d.addHop(Stage::Endpoint);
        if (node) {
            std::string addr;
            for (const NodeAddress& a : node->addresses)
                if (a.type == "InternalIP") addr = a.address;
            h.decision = "Node " + node->meta.name +
                (addr.empty() ? std::string() : " " + joinHostPort(addr, b.nodePort)) + " (NodePort " +
                std::to_string(b.nodePort) + ")";
            h.reason =
                "the instance group holds every ready Node; the load balancer spreads requests over healthy instances (round robin here)";
            if (b.localPolicy) h.reason += "; externalTrafficPolicy: Local keeps the request on this Node";
        } else {
            h.decision = "a Node's NodePort " + std::to_string(b.nodePort);
            h.reason = "the manifests list no Nodes: the instance group's members are unknown";
        }
        if (b.nodePort == 0)
            h.reason += " (the Service has no nodePort in the manifests; the API server allocates one)";
    }
    std::string why;
    if (ex) {
        why = "kube-proxy on " + (node ? node->meta.name : std::string("the Node")) +
            " picks a ready endpoint at random (" + std::to_string(local_.empty() ? eps.size() : local_.size()) +
            " candidates)";
        if (node && ep->node != node->meta.name && !ep->node.empty())
            why += "; the Pod runs on " + ep->node + ", one more network hop";
    }
    fillEndpoint(d, *ep, ex, std::move(why));
}

}  // namespace

std::shared_ptr<const RouteTable> compileGce(std::shared_ptr<const ClusterState> state, const ProfileOptions& options) {
    return std::make_shared<Table>(std::move(state), options);
}

}  // namespace hs::sim::gce
