#include "simulator/gateway/gateway_table.h"

#include "model/lint.h"
#include "simulator/balancer.h"
#include "simulator/gateway/gateway_model.h"
#include "simulator/profile_util.h"
#include "simulator/uri.h"

#include <re2/re2.h>

#include <algorithm>

namespace hs::sim::gateway {

using namespace hs::model;

namespace {

// How a listener's hostname takes a server name: -1 not at all, 0 no hostname (any), then
// wildcards and exact names ranked by length (exact above every wildcard).
long listenerScore(const ListenerInfo& l, std::string_view host) {
    const auto& h = l.listener->hostname;
    if (!h || h->empty()) return 0;
    if (host.empty() || !hostMatches(*h, host, WildcardSpan::AnyLabels)) return -1;
    return (h->front() == '*' ? 1000L : 100000L) + static_cast<long>(h->size());
}

// Hostname precedence of an attachment for `host`: characters of a matching non-wildcard
// hostname, then characters of a matching hostname. nullptr when no hostname takes the host.
struct HostHit {
    bool ok = false;
    std::size_t nonWildcard = 0, length = 0;
    const std::string* hostname = nullptr;
};
HostHit hostHit(const Attachment& a, std::string_view host) {
    HostHit best;
    if (a.anyHost) {
        best.ok = true;
        return best;
    }
    for (const std::string& h : a.hostnames) {
        if (!hostMatches(h, host, WildcardSpan::AnyLabels)) continue;
        bool wild = h.front() == '*';
        std::size_t nw = wild ? 0 : h.size();
        if (!best.ok || nw > best.nonWildcard || (nw == best.nonWildcard && h.size() > best.length)) {
            best.ok = true;
            best.nonWildcard = nw;
            best.length = h.size();
            best.hostname = &h;
        }
    }
    return best;
}

bool pathMatches(const MatchInfo& m, std::string_view uri) {
    switch (m.kind) {
    case PathKind::Exact: return uri == m.value;
    case PathKind::Prefix: return elementPrefixMatch(m.value, uri);
    case PathKind::Regex: return m.re && re2::RE2::FullMatch(re2::StringPiece(uri.data(), uri.size()), *m.re);
    }
    return false;
}

bool valueMatches(const ValueMatch& v, std::string_view actual) {
    if (!v.regex) return actual == v.value;
    return v.re && re2::RE2::FullMatch(re2::StringPiece(actual.data(), actual.size()), *v.re);
}

// Whether the whole match takes the request; when `why` is given, the first failing condition.
bool matches(const MatchInfo& m, const Request& r, std::string_view uri, std::string* why) {
    if (!pathMatches(m, uri)) {
        if (why) {
            switch (m.kind) {
            case PathKind::Exact: *why = "Exact " + m.value + " takes only " + m.value + " itself"; break;
            case PathKind::Prefix:
                *why = "PathPrefix " + m.value + " does not match " + std::string(uri) + ": " +
                    prefixMismatch(m.value, uri);
                break;
            case PathKind::Regex:
                *why = "RegularExpression " + m.value + " does not match the whole path " + std::string(uri);
                break;
            }
        }
        return false;
    }
    if (!m.method.empty() && m.method != r.method) {
        if (why) *why = "method " + m.method + " required, the request is " + r.method;
        return false;
    }
    for (const ValueMatch& h : m.headers) {
        const std::string* v = r.header(h.name);
        if (!v || !valueMatches(h, *v)) {
            if (why)
                *why = "header " + h.name + (h.regex ? " ~ " : ": ") + h.value + " required" +
                    (v ? ", the request sends " + *v : std::string(", the request has none"));
            return false;
        }
    }
    for (const ValueMatch& q : m.queries) {
        auto v = r.arg(q.name);
        if (!v || !valueMatches(q, *v)) {
            if (why)
                *why = "query parameter " + q.name + (q.regex ? " ~ " : "=") + q.value + " required" +
                    (v ? ", the request has " + std::string(*v) : std::string(", the request has none"));
            return false;
        }
    }
    return true;
}

std::string describeMatch(const MatchInfo& m) {
    std::string s = m.kind == PathKind::Exact ? "Exact "
        : m.kind == PathKind::Prefix          ? "PathPrefix "
                                              : "RegularExpression ";
    s += m.value;
    if (m.index < 0) s += " (no matches: the default)";
    if (!m.method.empty()) s += ", method " + m.method;
    for (const auto& h : m.headers) s += ", header " + h.name + (h.regex ? " ~ " : ": ") + h.value;
    for (const auto& q : m.queries) s += ", query " + q.name + (q.regex ? " ~ " : "=") + q.value;
    return s;
}

struct Candidate {
    const Attachment* att = nullptr;
    const RouteInfo* route = nullptr;
    const RuleInfo* rule = nullptr;
    const MatchInfo* match = nullptr;
    HostHit host;
};

// The spec's precedence, continuing on ties. RegularExpression precedence is implementation
// specific: here a regex ranks with PathPrefix by length and loses a tie (docs/profiles/gateway-api.md).
int compare(const Candidate& a, const Candidate& b, const char** criterion) {
    auto cmp = [&](auto x, auto y, const char* what) -> int {
        if (x == y) return 0;
        *criterion = what;
        return x > y ? 1 : -1;
    };
    int c;
    if ((c = cmp(a.host.nonWildcard, b.host.nonWildcard, "more characters in a matching non-wildcard hostname")))
        return c;
    if ((c = cmp(a.host.length, b.host.length, "more characters in a matching hostname"))) return c;
    if ((c = cmp(a.match->kind == PathKind::Exact, b.match->kind == PathKind::Exact,
                 "an Exact path match beats other path matches")))
        return c;
    if ((c = cmp(a.match->length, b.match->length, "the longer path match wins"))) return c;
    if ((c = cmp(a.match->kind == PathKind::Prefix, b.match->kind == PathKind::Prefix,
                 "PathPrefix beats a RegularExpression of equal length (implementation-specific)")))
        return c;
    if ((c = cmp(!a.match->method.empty(), !b.match->method.empty(), "a method match beats none"))) return c;
    if ((c = cmp(a.match->headers.size(), b.match->headers.size(), "more header matches win"))) return c;
    if ((c = cmp(a.match->queries.size(), b.match->queries.size(), "more query parameter matches win"))) return c;
    if (a.route != b.route) {
        if (a.route->created != b.route->created) {
            *criterion = "the older route wins (creationTimestamp)";
            return a.route->created < b.route->created ? 1 : -1;
        }
        *criterion = "equal age: the route first in namespace/name order wins";
        return a.route->key < b.route->key ? 1 : -1;
    }
    if (a.rule != b.rule) {
        *criterion = "the first matching rule of the route wins";
        return a.rule->index < b.rule->index ? 1 : -1;
    }
    if (a.match != b.match) {
        *criterion = "the first match of the rule wins";
        return a.match->index < b.match->index ? 1 : -1;
    }
    return 0;
}

// ReplacePrefixMatch: the matched prefix (whole elements) is replaced, keeping what follows it.
std::string replacePrefix(std::string_view uri, std::string_view prefix, std::string_view replacement) {
    std::string_view p = trimTrailingSlashes(prefix);
    if (p == "/") p = {};
    std::string_view rest = uri.size() >= p.size() ? uri.substr(p.size()) : std::string_view();
    std::string_view rep = replacement;
    while (!rep.empty() && rep.back() == '/') rep.remove_suffix(1);
    std::string out(rep);
    out += rest;
    if (out.empty()) out = "/";
    return out;
}

std::string modifyPath(const HTTPPathModifier& pm, const MatchInfo& m, std::string_view uri) {
    if (pm.type == "ReplaceFullPath") return pm.value.empty() ? std::string("/") : pm.value;
    if (pm.type == "ReplacePrefixMatch" && m.kind == PathKind::Prefix) return replacePrefix(uri, m.value, pm.value);
    return std::string(uri);
}

std::string headerFilterText(const HTTPHeaderFilter& f) {
    std::string s;
    for (const auto& [k, v] : f.set) s += (s.empty() ? "" : "; ") + std::string("set ") + k + ": " + v;
    for (const auto& [k, v] : f.add) s += (s.empty() ? "" : "; ") + std::string("add ") + k + ": " + v;
    for (const auto& k : f.remove) s += (s.empty() ? "" : "; ") + std::string("remove ") + k;
    return s.empty() ? "no changes" : s;
}

class Table;

class Session final : public RouteSession {
public:
    Session(std::shared_ptr<const Table> t, std::uint64_t seed);
    void route(const Request& r, Decision& d, const RouteOptions& o) override;

private:
    void describeFilters(const std::vector<HTTPRouteFilter>& filters, const RuleInfo* rule, Decision& d,
                         const char* where);

    std::shared_ptr<const Table> t_;
    Rng rng_;
    std::vector<std::vector<std::vector<RoundRobinState>>> rr_;  // route, rule, backend
    std::string uri_, host_, sni_;
};

class Table final : public RouteTable, public std::enable_shared_from_this<Table> {
public:
    Table(std::shared_ptr<const ClusterState> st, const ProfileOptions& o)
        : state_(std::move(st)), model_(buildModel(*state_, o)) {}

    Profile profile() const override { return Profile::GatewayApi; }
    std::unique_ptr<RouteSession> newSession(std::uint64_t seed) const override {
        return std::make_unique<Session>(shared_from_this(), seed);
    }
    const ClusterState& state() const override { return *state_; }
    Diagnostics lint() const override;
    const Model& model() const { return model_; }

private:
    std::shared_ptr<const ClusterState> state_;
    Model model_;
};

Diagnostics Table::lint() const {
    Diagnostics out;
    for (const GatewayNote& n : model_.gatewayNotes)
        out.push_back(objectDiagnostic(n.severity, Kind::Gateway, n.gateway->meta, n.field, n.message, n.code));
    for (const RouteInfo& ri : model_.routes) {
        const HTTPRoute& r = *ri.route;
        if (!ri.invalid.empty())
            out.push_back(
                objectDiagnostic(Severity::Error, Kind::HTTPRoute, r.meta, ri.invalidField,
                                 "Accepted False (UnsupportedValue): " + ri.invalid + "; the route is not programmed",
                                 "gateway.route.invalid"));
        for (const ParentStatus& ps : ri.parents) {
            if (ps.accepted || ps.reason == "UnsupportedValue") continue;
            out.push_back(objectDiagnostic(
                Severity::Warning, Kind::HTTPRoute, r.meta, "spec.parentRefs[" + std::to_string(ps.parentRef) + "]",
                "not accepted by " + ps.gateway + ": Accepted False (" + ps.reason + "): " + ps.message,
                "gateway.route.not-accepted"));
        }
        if (!ri.resolvedRefs)
            out.push_back(objectDiagnostic(
                Severity::Warning, Kind::HTTPRoute, r.meta, ri.refsField,
                "ResolvedRefs False (" + ri.refsReason + "): " + ri.refsMessage + "; requests sent to it get 500",
                "gateway.route.refs"));
        for (const RuleInfo& rule : ri.rules)
            if (!rule.filterProblem.empty())
                out.push_back(objectDiagnostic(Severity::Warning, Kind::HTTPRoute, r.meta,
                                               "spec.rules[" + std::to_string(rule.index) + "].filters",
                                               rule.filterProblem, "gateway.route.filter"));
    }
    sortDiagnostics(out);
    return out;
}

Session::Session(std::shared_ptr<const Table> t, std::uint64_t seed) : t_(std::move(t)), rng_(seed) {
    const Model& m = t_->model();
    rr_.resize(m.routes.size());
    for (std::size_t i = 0; i < m.routes.size(); ++i) {
        rr_[i].resize(m.routes[i].rules.size());
        for (std::size_t j = 0; j < m.routes[i].rules.size(); ++j)
            rr_[i][j].resize(m.routes[i].rules[j].backends.size());
    }
}

void Session::describeFilters(const std::vector<HTTPRouteFilter>& filters, const RuleInfo* rule, Decision& d,
                              const char* where) {
    (void)rule;
    for (const HTTPRouteFilter& f : filters) {
        if (f.type == "RequestHeaderModifier" && f.requestHeaderModifier) {
            Hop& h = d.addHop(Stage::Annotation);
            h.decision = "RequestHeaderModifier: " + headerFilterText(*f.requestHeaderModifier);
            h.reason = std::string("the ") + where + "'s filter changes the request headers before it is forwarded";
        } else if (f.type == "ResponseHeaderModifier" && f.responseHeaderModifier) {
            Hop& h = d.addHop(Stage::Annotation);
            h.decision = "ResponseHeaderModifier: " + headerFilterText(*f.responseHeaderModifier);
            h.reason = std::string("the ") + where + "'s filter changes the response headers on the way back";
        } else if (f.type == "RequestMirror" && f.requestMirror) {
            Hop& h = d.addHop(Stage::Annotation);
            const auto& mr = *f.requestMirror;
            h.decision = "RequestMirror → Service " +
                (mr.ns.empty() ? d.ingress.substr(0, d.ingress.find('/')) : mr.ns) + "/" + mr.name +
                (mr.port ? ":" + std::to_string(*mr.port) : std::string());
            h.reason = "a copy of the request goes to the mirror; its response is ignored";
        } else if (f.type == "CORS") {
            Hop& h = d.addHop(Stage::Annotation);
            h.decision = "CORS";
            h.reason = "CORS response headers are added (not modelled further)";
        }
    }
}

void Session::route(const Request& r, Decision& d, const RouteOptions& o) {
    d.clear();
    const Table& t = *t_;
    const Model& m = t.model();
    const bool ex = o.explain;
    const bool https = r.scheme == "https";
    d.profile = "gateway-api";
    host_ = r.hostName();
    sni_ = https ? (r.sni.empty() ? host_ : toLower(r.sni)) : host_;
    std::int32_t port = r.hostPort() ? *r.hostPort() : https ? 443 : 80;

    // --- listener: protocol, port, then the most specific hostname --------------------------------
    const ListenerInfo* listener = nullptr;
    long bestScore = -1;
    for (const ListenerInfo& l : m.listeners) {
        if (!l.routable || l.https != https || l.listener->port != port || !l.notProgrammed.empty()) continue;
        long s = listenerScore(l, sni_);
        if (s > bestScore) {
            bestScore = s;
            listener = &l;
        }
    }
    if (ex) {
        Hop& h = d.addHop(Stage::Host);
        if (listener) {
            h.decision = listener->describe();
            h.reason = std::string(https ? "HTTPS" : "HTTP") + " on port " + std::to_string(port) + "; " +
                (bestScore == 0 ? "the listener has no hostname, so it takes any host"
                                : (https ? "SNI " : "host ") + sni_ + " matches the listener hostname " +
                         *listener->listener->hostname +
                         (bestScore < 100000 ? " (Gateway API wildcards cover any number of labels)" : ""));
            if (bestScore > 0 && bestScore < 100000 &&
                std::count(sni_.begin(), sni_.end(), '.') >
                    std::count(listener->listener->hostname->begin(), listener->listener->hostname->end(), '.'))
                h.departure = "Gateway API wildcards match several labels; the Ingress spec's `*.` covers exactly one";
        } else {
            h.decision = "no listener";
            h.reason = m.listeners.empty()
                ? (m.selection.empty() ? "the input has no Gateway" : "Gateway " + m.selection + " is not in the input")
                : "no " + std::string(https ? "HTTPS" : "HTTP") + " listener on port " + std::to_string(port) +
                    " takes " + (sni_.empty() ? std::string("a request without host") : sni_);
        }
        for (const ListenerInfo& l : m.listeners) {
            if (&l == listener) continue;
            std::string why;
            if (!l.notProgrammed.empty())
                why = l.notProgrammed;
            else if (!l.routable)
                why = "protocol " + l.listener->protocol + " carries no HTTPRoutes";
            else if (l.https != https)
                why = "protocol " + l.listener->protocol + ", the request is " + r.scheme;
            else if (l.listener->port != port)
                why = "port " + std::to_string(l.listener->port) + " ≠ " + std::to_string(port);
            else if (listenerScore(l, sni_) < 0)
                why = "hostname " + *l.listener->hostname + " does not match " +
                    (sni_.empty() ? std::string("(no host)") : sni_) +
                    (l.listener->hostname->front() == '*'
                         ? " (" + wildcardMismatch(*l.listener->hostname, sni_, WildcardSpan::AnyLabels) + ")"
                         : std::string());
            else
                why = "matches too, but a more specific listener hostname wins (only its routes apply)";
            h.rejected.push_back({l.describe(), why});
        }
    }
    if (!listener) {
        d.outcome = Outcome::NotServed;
        return;
    }
    d.server = listener->server;

    if (https) {
        if (listener->certificate.empty()) {
            d.outcome = Outcome::NotServed;
            if (ex) {
                Hop& h = d.addHop(Stage::Tls);
                h.decision = "TLS handshake fails";
                h.reason =
                    "listener " + listener->listener->name + " has no usable certificate: " + listener->certProblem;
            }
            return;
        }
        d.tlsCertificate = listener->certificate;
        if (ex) {
            Hop& h = d.addHop(Stage::Tls);
            h.decision = "certificate " + listener->certificate;
            h.reason = "the listener's first usable certificateRef (TLS terminates at the Gateway)";
            if (listener->certificate.substr(0, listener->certificate.find('/')) != listener->gateway->meta.ns)
                h.reason += "; the Secret is in another namespace, allowed by a ReferenceGrant";
        }
    }

    UriError ue = normalizeUri(r.path(), uri_);
    if (ue != UriError::None) {
        d.outcome = Outcome::BadRequest;
        d.status = 400;
        if (ex) {
            Hop& h = d.addHop(Stage::Path);
            h.decision = "400 Bad Request";
            h.reason = std::string("the path cannot be normalised: ") + uriErrorText(ue);
        }
        return;
    }

    // --- routes attached to this listener, then precedence over every match -----------------------
    Candidate best;
    const char* criterion = "";
    for (std::uint32_t ai : listener->attachments) {
        const Attachment& a = m.attachments[ai];
        HostHit hh = hostHit(a, host_);
        if (!hh.ok) continue;
        const RouteInfo& ri = m.routes[a.route];
        for (const RuleInfo& rule : ri.rules)
            for (const MatchInfo& mi : rule.matches) {
                if (!matches(mi, r, uri_, nullptr)) continue;
                Candidate c{&a, &ri, &rule, &mi, hh};
                if (!best.match || compare(c, best, &criterion) > 0) best = c;
            }
    }

    if (ex) {
        Hop& h = d.addHop(Stage::Host);
        std::size_t attached = 0;
        for (std::uint32_t ai : listener->attachments)
            if (hostHit(m.attachments[ai], host_).ok) ++attached;
        h.decision = best.match ? "HTTPRoute " + best.route->key +
                (best.host.hostname ? " hostname " + *best.host.hostname : std::string(" (any hostname)"))
                                : "no HTTPRoute";
        h.reason = std::to_string(attached) + " route(s) attached to " + listener->listener->name + " take host " +
            (host_.empty() ? std::string("(none)") : host_) +
            "; routes compete by the spec's precedence (see the path hop)";
        std::size_t shown = 0;
        for (const RouteInfo& ri : m.routes) {
            if (shown >= 20) break;
            if (best.route == &ri) continue;
            bool here = false, other = false;
            std::string why;
            for (const ParentStatus& ps : ri.parents) {
                if (std::find(ps.listeners.begin(), ps.listeners.end(),
                              static_cast<std::uint32_t>(listener - m.listeners.data())) != ps.listeners.end())
                    here = true;
                else if (ps.accepted)
                    other = true;
                else if (ps.gateway == listener->gatewayKey && why.empty())
                    why = "not attached: Accepted False (" + ps.reason + "): " + ps.message;
            }
            if (here) {
                for (std::uint32_t ai : listener->attachments) {
                    const Attachment& a = m.attachments[ai];
                    if (m.routes.data() + a.route != &ri) continue;
                    if (hostHit(a, host_).ok)
                        why = "attached and takes the host, but none of its matches wins (see the path hop)";
                    else {
                        std::string hn;
                        for (const auto& x : a.hostnames) hn += (hn.empty() ? "" : ", ") + x;
                        why = "hostnames " + hn + " do not match " + (host_.empty() ? std::string("(no host)") : host_);
                    }
                }
            } else if (why.empty() && other) {
                why = "attached to another listener, not to " + listener->listener->name;
                for (const ParentStatus& ps : ri.parents)
                    for (std::uint32_t li : ps.listeners)
                        if (m.listeners[li].gatewayKey == listener->gatewayKey) {
                            why = "attached to listener " + m.listeners[li].listener->name + ", not to " +
                                listener->listener->name;
                            break;
                        }
            } else if (why.empty()) {
                continue;  // a route for another Gateway: not a candidate, not worth listing
            }
            if (!ri.invalid.empty()) why = "not accepted (UnsupportedValue): " + ri.invalid;
            h.rejected.push_back({"HTTPRoute " + ri.key, why});
            ++shown;
        }
    }

    if (ex) {
        Hop& h = d.addHop(Stage::Path);
        if (best.match) {
            h.decision = describeMatch(*best.match) + " (" + best.route->key + " rules[" +
                std::to_string(best.rule->index) + "])";
            h.reason = best.match->kind == PathKind::Exact ? "the path equals " + uri_
                : best.match->kind == PathKind::Prefix     ? "PathPrefix matches whole elements of " + uri_
                                                           : "the RE2 expression matches the whole path " + uri_;
            h.reason += "; matches of a rule are ORed, the conditions of one match ANDed";
        } else {
            h.decision = "no match: 404";
            h.reason = "no rule of the routes attached to " + listener->listener->name + " matches " + uri_ +
                " (host " + (host_.empty() ? std::string("(none)") : host_) + ")";
        }
        std::size_t shown = 0;
        for (std::uint32_t ai : listener->attachments) {
            const Attachment& a = m.attachments[ai];
            HostHit hh = hostHit(a, host_);
            if (!hh.ok) continue;
            const RouteInfo& ri = m.routes[a.route];
            for (const RuleInfo& rule : ri.rules)
                for (const MatchInfo& mi : rule.matches) {
                    if (&mi == best.match || shown >= 40) continue;
                    std::string why;
                    if (matches(mi, r, uri_, &why)) {
                        Candidate c{&a, &ri, &rule, &mi, hh};
                        const char* crit = "";
                        compare(best, c, &crit);
                        why = std::string("matches too, but loses: ") + crit;
                    }
                    h.rejected.push_back(
                        {describeMatch(mi) + " (" + ri.key + " rules[" + std::to_string(rule.index) + "])", why});
                    ++shown;
                }
        }
    }
    if (!best.match) {
        d.outcome = Outcome::DefaultBackend;
        d.status = 404;
        return;
    }

    const RouteInfo& route = *best.route;
    const RuleInfo& rule = *best.rule;
    const HTTPRouteRule& spec = best.route->route->rules[static_cast<std::size_t>(rule.index)];
    d.routeKind = "HTTPRoute";
    d.ingress = route.key;
    if (best.host.hostname) d.host = *best.host.hostname;
    d.path = best.match->value;
    d.pathType = best.match->kind == PathKind::Exact ? "Exact"
        : best.match->kind == PathKind::Prefix       ? "PathPrefix"
                                                     : "RegularExpression";

    if (!rule.filterProblem.empty()) {
        d.outcome = Outcome::Denied;
        d.status = 500;
        if (ex) {
            Hop& h = d.addHop(Stage::Annotation);
            h.decision = "500 Internal Server Error";
            h.reason = rule.filterProblem;
        }
        return;
    }
    if (ex) describeFilters(spec.filters, &rule, d, "rule");

    // --- RequestRedirect --------------------------------------------------------------------------
    if (rule.redirect) {
        const HTTPRequestRedirectFilter& f = *rule.redirect;
        std::string scheme = f.scheme ? *f.scheme : r.scheme;
        std::string host = f.hostname ? *f.hostname : host_;
        std::int32_t rport = f.port ? *f.port : f.scheme ? (scheme == "https" ? 443 : 80) : listener->listener->port;
        std::string path = f.path ? modifyPath(*f.path, *best.match, uri_) : uri_;
        d.outcome = Outcome::Redirect;
        d.status = f.statusCode;
        d.redirectLocation = scheme + "://" + host;
        if (!((scheme == "http" && rport == 80) || (scheme == "https" && rport == 443)))
            d.redirectLocation += ":" + std::to_string(rport);
        d.redirectLocation += path;
        if (!r.query().empty()) {
            d.redirectLocation += '?';
            d.redirectLocation += r.query();
        }
        if (ex) {
            Hop& h = d.addHop(Stage::Annotation);
            h.decision = std::to_string(d.status) + " → " + d.redirectLocation;
            h.reason = "RequestRedirect filter of " + route.key + " rules[" + std::to_string(rule.index) + "]";
            h.reason += f.scheme ? "; scheme " + *f.scheme : "; the request's scheme";
            h.reason += f.hostname ? ", hostname " + *f.hostname : ", the request's host";
            h.reason += f.port ? ", port " + std::to_string(*f.port)
                : f.scheme     ? ", the scheme's well-known port"
                               : ", the listener's port";
            if (f.path) h.reason += ", path " + f.path->type + " " + f.path->value;
            h.reason += "; the default status code is 302";
        }
        return;
    }

    // --- URLRewrite ---------------------------------------------------------------------------------
    auto applyRewrite = [&](const HTTPURLRewriteFilter& f, const char* where) {
        if (f.path) {
            std::string p = modifyPath(*f.path, *best.match, uri_);
            d.upstreamPath = p;
            if (!r.query().empty()) {
                d.upstreamPath += '?';
                d.upstreamPath += r.query();
            }
        }
        if (ex) {
            Hop& h = d.addHop(Stage::Annotation);
            h.decision = "URLRewrite";
            if (f.path) h.decision += " path " + uri_ + " → " + d.upstreamPath;
            if (f.hostname) h.decision += " Host → " + *f.hostname;
            h.reason = std::string("the ") + where + "'s URLRewrite filter" +
                (f.path
                     ? " (" + f.path->type + " " + (f.path->value.empty() ? std::string("\"\"") : f.path->value) + ")"
                     : std::string()) +
                ": the backend receives the rewritten request";
        }
    };
    if (rule.rewrite) applyRewrite(*rule.rewrite, "rule");

    // --- backendRefs ----------------------------------------------------------------------------------
    if (rule.backends.empty()) {
        d.outcome = Outcome::NoEndpoints;
        d.status = 500;
        if (ex) {
            Hop& h = d.addHop(Stage::Service);
            h.decision = "500 Internal Server Error";
            h.reason = "the rule has no backendRefs and no redirect: there is nowhere to send the request";
        }
        return;
    }
    int total = 0;
    for (int w : rule.weights) total += w;
    if (total <= 0) {
        d.outcome = Outcome::NoEndpoints;
        d.status = 500;
        if (ex) {
            Hop& h = d.addHop(Stage::Service);
            h.decision = "500 Internal Server Error";
            h.reason = "every backendRef has weight 0: no traffic may go to any of them";
        }
        return;
    }
    // a replay's or diff's choice key: the same request takes the same backend in every run, and
    // the one ingress-nginx's canary-weight roll gives it when the weights say the same
    const std::size_t bi = rule.backends.size() == 1 ? 0
        : o.choiceKey                                ? pickWeightedByKey(rule.weights, o.choiceKey)
                                                     : pickWeighted(rule.weights, rng_);
    const BackendInfo& b = rule.backends[bi];
    d.service = b.key;
    d.servicePort = b.port;
    if (ex) {
        Hop& h = d.addHop(Stage::Service);
        h.decision = "backendRef Service " + b.key + (b.port ? ":" + std::to_string(b.port) : std::string());
        if (rule.backends.size() == 1)
            h.reason = "the rule's only backendRef";
        else {
            h.reason = "weighted pick: weight " + std::to_string(b.weight) + " of " + std::to_string(total) + " (" +
                std::to_string(b.weight * 100 / total) + "%)";
            for (std::size_t k = 0; k < rule.backends.size(); ++k) {
                if (k == bi) continue;
                const BackendInfo& o2 = rule.backends[k];
                h.rejected.push_back({"Service " + o2.key + (o2.port ? ":" + std::to_string(o2.port) : std::string()),
                                      o2.weight == 0 ? "weight 0: never receives traffic"
                                                     : "not picked this time (weight " + std::to_string(o2.weight) +
                                              " of " + std::to_string(total) + ")" +
                                              (o2.valid ? std::string() : "; invalid: " + o2.message)});
            }
        }
    }
    if (!b.valid) {
        d.outcome = Outcome::NoEndpoints;
        d.status = 500;
        if (ex) {
            Hop& h = d.addHop(Stage::Endpoint);
            h.decision = "500 Internal Server Error";
            h.reason = "ResolvedRefs False (" + b.reason + "): " + b.message +
                ". Requests that pick an invalid backendRef get 500 (its share of the traffic)";
        }
        return;
    }
    if (b.ref && !b.ref->filters.empty()) {
        if (ex) describeFilters(b.ref->filters, &rule, d, "backendRef");
        for (const HTTPRouteFilter& f : b.ref->filters)
            if (f.type == "URLRewrite" && f.urlRewrite) applyRewrite(*f.urlRewrite, "backendRef");
    }
    if (b.resolved.servicePort) d.servicePortName = b.resolved.servicePort->name;
    const auto& eps = b.resolved.endpoints;
    if (eps.empty()) {
        d.outcome = Outcome::NoEndpoints;
        d.status = 503;
        if (ex) {
            Hop& h = d.addHop(Stage::Endpoint);
            h.decision = "503 Service Unavailable";
            h.reason = (b.resolved.problem.empty() ? std::string("no ready endpoints") : b.resolved.problem) +
                " (the spec says SHOULD answer 503 for a Service without ready endpoints)";
        }
        return;
    }
    std::size_t i = roundRobinPick(rr_[route.rank][static_cast<std::size_t>(rule.index)][bi], eps.size(), rng_);
    d.outcome = Outcome::Routed;
    std::string why;
    if (ex) {
        why = "round robin over " + std::to_string(eps.size()) +
            " ready endpoint(s) (kube-proxy's view of the EndpointSlices): " + std::to_string(i + 1) + " of " +
            std::to_string(eps.size());
        if (b.resolved.externalName) why = "ExternalName: the Gateway proxies to that DNS name";
    }
    fillEndpoint(d, eps[i], ex, std::move(why),
                 d.upstreamPath.empty() ? std::string_view() : std::string_view("receives the rewritten path"));
}

}  // namespace

std::shared_ptr<const RouteTable> compileGateway(std::shared_ptr<const ClusterState> state,
                                                 const ProfileOptions& options) {
    return std::make_shared<Table>(std::move(state), options);
}

}  // namespace hs::sim::gateway
