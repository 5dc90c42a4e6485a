#include "simulator/gateway/gateway_model.h"

#include "simulator/profile_util.h"
#include "simulator/request.h"

#include <re2/re2.h>

#include <algorithm>
#include <climits>
#include <map>
#include <set>

namespace hs::sim::gateway {

using namespace hs::model;

namespace {
constexpr std::string_view kGatewayGroup = "gateway.networking.k8s.io";

bool isWildcard(std::string_view h) { return h.size() > 1 && h[0] == '*' && h[1] == '.'; }

std::shared_ptr<const re2::RE2> compileRe(const std::string& pattern, std::string& error) {
    re2::RE2::Options o;
    o.set_log_errors(false);
    auto re = std::make_shared<const re2::RE2>(pattern, o);
    if (!re->ok()) {
        error = "invalid RE2 regular expression \"" + pattern + "\": " + re->error();
        return nullptr;
    }
    return re;
}
}  // namespace

std::string ListenerInfo::describe() const {
    std::string s =
        gatewayKey + " listener " + listener->name + " (" + listener->protocol + " " + std::to_string(listener->port);
    s += listener->hostname && !listener->hostname->empty() ? ", hostname " + *listener->hostname
                                                            : std::string(", any hostname");
    s += ")";
    return s;
}

std::string intersectHostnames(std::string_view l, std::string_view r) {
    std::string a = toLower(l), b = toLower(r);
    if (a == b) return a;
    if (isWildcard(a) && hostMatches(a, b, WildcardSpan::AnyLabels)) return b;  // listener *.x, route y.x or *.y.x
    if (isWildcard(b) && hostMatches(b, a, WildcardSpan::AnyLabels)) return a;  // route *.x, listener y.x or *.y.x
    return {};
}

bool referenceGranted(const ClusterState& st, std::string_view fromGroup, std::string_view fromKind,
                      std::string_view fromNs, std::string_view toGroup, std::string_view toKind, std::string_view toNs,
                      std::string_view name) {
    for (const auto& g : st.referenceGrants().inNamespace(toNs)) {
        bool from = std::any_of(g->from.begin(), g->from.end(), [&](const ReferenceGrantFrom& f) {
            return f.group == fromGroup && f.kind == fromKind && f.ns == fromNs;
        });
        if (!from) continue;
        bool to = std::any_of(g->to.begin(), g->to.end(), [&](const ReferenceGrantTo& t) {
            return t.group == toGroup && t.kind == toKind && (!t.name || t.name->empty() || *t.name == name);
        });
        if (to) return true;
    }
    return false;
}

namespace {

void buildListeners(const ClusterState& st, Model& m) {
    for (const auto& gp : st.gateways().all()) {
        const Gateway& gw = *gp;
        std::string key = gw.meta.key();
        if (!m.selection.empty() && key != m.selection) continue;
        std::string classProblem;
        if (!st.gatewayClasses().find("", gw.gatewayClassName)) {
            classProblem =
                "GatewayClass \"" + gw.gatewayClassName + "\" does not exist: no controller programs this Gateway";
            m.gatewayNotes.push_back(
                {&gw, "spec.gatewayClassName", classProblem, "gateway.class.missing", Severity::Warning});
        }
        if (gw.listeners.empty())
            m.gatewayNotes.push_back({&gw, "spec.listeners", "the Gateway has no listeners: it accepts no traffic",
                                      "gateway.listeners.empty", Severity::Warning});
        for (std::size_t i = 0; i < gw.listeners.size(); ++i) {
            const Listener& l = gw.listeners[i];
            ListenerInfo li;
            li.gateway = &gw;
            li.gatewayKey = key;
            li.index = static_cast<int>(i);
            li.listener = &l;
            li.routable = l.protocol == "HTTP" || l.protocol == "HTTPS";
            li.https = l.protocol == "HTTPS";
            li.notProgrammed = classProblem;
            li.server = key + " " + l.name;
            std::string lf = "spec.listeners[" + std::to_string(i) + "]";
            if (li.https) {
                if (l.tlsMode == "Passthrough")
                    li.certProblem =
                        "tls.mode Passthrough: the Gateway does not terminate TLS, so HTTPRoutes cannot apply";
                for (std::size_t c = 0; c < l.certificateRefs.size() && li.certificate.empty(); ++c) {
                    const SecretObjectReference& ref = l.certificateRefs[c];
                    std::string ns = ref.ns.empty() ? gw.meta.ns : ref.ns;
                    std::string cf = lf + ".tls.certificateRefs[" + std::to_string(c) + "]";
                    std::string problem;
                    if (!(ref.group.empty() || ref.group == "core") || ref.kind != "Secret")
                        problem = "InvalidCertificateRef: certificateRefs[" + std::to_string(c) + "] is a " + ref.kind +
                            ", not a Secret";
                    else if (ns != gw.meta.ns &&
                             !referenceGranted(st, kGatewayGroup, "Gateway", gw.meta.ns, "", "Secret", ns, ref.name))
                        problem = "RefNotPermitted: Secret " + ns + "/" + ref.name +
                            " is in another namespace and no ReferenceGrant in " + ns + " allows Gateways from " +
                            gw.meta.ns;
                    else if (!st.secrets().find(ns, ref.name))
                        problem = "InvalidCertificateRef: Secret " + ns + "/" + ref.name + " does not exist";
                    else {
                        const Secret* s = st.secrets().find(ns, ref.name);
                        if (s->certificate && !s->certificate->error.empty())
                            problem = "InvalidCertificateRef: Secret " + ns + "/" + ref.name +
                                " holds no usable certificate (" + s->certificate->error + ")";
                    }
                    if (problem.empty())
                        li.certificate = ns + "/" + ref.name;
                    else {
                        if (li.certProblem.empty()) li.certProblem = problem;
                        m.gatewayNotes.push_back({&gw, cf, "listener " + l.name + ": ResolvedRefs False, " + problem,
                                                  "gateway.listener.certificate", Severity::Error});
                    }
                }
                if (li.certificate.empty() && li.certProblem.empty())
                    li.certProblem = "the listener lists no certificateRefs";
            }
            m.listeners.push_back(std::move(li));
        }
    }
}

// Compiles the matches of a rule; returns an error text when a regex or type is invalid.
std::string compileMatches(const HTTPRouteRule& rule, RuleInfo& ri, const std::string& rf, std::string& field) {
    if (rule.matches.empty()) {
        ri.matches.emplace_back();  // PathPrefix "/"
        return {};
    }
    for (std::size_t j = 0; j < rule.matches.size(); ++j) {
        const HTTPRouteMatch& hm = rule.matches[j];
        std::string mf = rf + ".matches[" + std::to_string(j) + "]";
        MatchInfo mi;
        mi.index = static_cast<int>(j);
        if (hm.path) {
            mi.value = hm.path->value;
            if (hm.path->type == "Exact")
                mi.kind = PathKind::Exact;
            else if (hm.path->type == "PathPrefix")
                mi.kind = PathKind::Prefix;
            else if (hm.path->type == "RegularExpression")
                mi.kind = PathKind::Regex;
            else {
                field = mf + ".path.type";
                return "unsupported path match type \"" + hm.path->type + "\"";
            }
        }
        if (mi.kind == PathKind::Regex) {
            std::string err;
            mi.re = compileRe(mi.value, err);
            if (!mi.re) {
                field = mf + ".path.value";
                return err;
            }
            mi.length = mi.value.size();
        } else {
            if (mi.value.empty() || mi.value[0] != '/') {
                field = mf + ".path.value";
                return "path \"" + mi.value + "\" must start with /";
            }
            mi.length = mi.kind == PathKind::Exact ? mi.value.size() : trimTrailingSlashes(mi.value).size();
        }
        auto values = [&](const std::vector<HTTPHeaderMatch>& in, std::vector<ValueMatch>& out, bool header,
                          const char* what) -> std::string {
            std::set<std::string> seen;
            for (std::size_t k = 0; k < in.size(); ++k) {
                const HTTPHeaderMatch& h = in[k];
                std::string name = header ? toLower(h.name) : h.name;
                if (!seen.insert(name).second) continue;  // only the first entry per name counts
                ValueMatch v;
                v.name = std::move(name);
                v.value = h.value;
                if (h.type == "RegularExpression") {
                    v.regex = true;
                    std::string err;
                    v.re = compileRe(h.value, err);
                    if (!v.re) {
                        field = mf + "." + what + "[" + std::to_string(k) + "].value";
                        return err;
                    }
                } else if (h.type != "Exact") {
                    field = mf + "." + what + "[" + std::to_string(k) + "].type";
                    return "unsupported match type \"" + h.type + "\"";
                }
                out.push_back(std::move(v));
            }
            return {};
        };
        if (std::string e = values(hm.headers, mi.headers, true, "headers"); !e.empty()) return e;
        if (std::string e = values(hm.queryParams, mi.queries, false, "queryParams"); !e.empty()) return e;
        if (hm.method) mi.method = *hm.method;
        ri.matches.push_back(std::move(mi));
    }
    return {};
}

// Checks one backend reference the way a controller sets ResolvedRefs.
void resolveRef(const ClusterState& st, const HTTPRoute& route, const BackendObjectReference& ref, BackendInfo& b) {
    std::string ns = ref.ns.empty() ? route.meta.ns : ref.ns;
    b.key = ns + "/" + ref.name;
    b.port = ref.port.value_or(0);
    if (!(ref.group.empty() || ref.group == "core") || ref.kind != "Service") {
        b.reason = "InvalidKind";
        b.message = "backendRef " + (ref.group.empty() ? std::string() : ref.group + "/") + ref.kind + " " + ref.name +
            " is not a Service";
        return;
    }
    if (ns != route.meta.ns &&
        !referenceGranted(st, kGatewayGroup, "HTTPRoute", route.meta.ns, "", "Service", ns, ref.name)) {
        b.reason = "RefNotPermitted";
        b.message = "Service " + b.key + " is in another namespace and no ReferenceGrant in " + ns +
            " allows HTTPRoutes from " + route.meta.ns;
        return;
    }
    const Service* svc = st.services().find(ns, ref.name);
    if (!svc) {
        b.reason = "BackendNotFound";
        b.message = "Service " + b.key + " does not exist";
        return;
    }
    if (!ref.port) {
        b.reason = "BackendNotFound";
        b.message = "backendRef to Service " + b.key + " has no port (required for Services)";
        return;
    }
    if (svc->type != "ExternalName" &&
        std::none_of(svc->ports.begin(), svc->ports.end(), [&](const ServicePort& p) { return p.port == *ref.port; })) {
        b.reason = "BackendNotFound";
        b.message = "Service " + b.key + " has no port " + std::to_string(*ref.port);
        return;
    }
    b.valid = true;
    b.resolved = resolveKubeProxy(st, ns, ref.name, *ref.port);
}

void buildRoutes(const ClusterState& st, Model& m) {
    for (const auto& rp : st.httpRoutes().all()) {
        RouteInfo ri;
        ri.route = rp.get();
        ri.key = rp->meta.key();
        ri.created = rp->meta.creationTimestamp ? rp->meta.creationTimestamp : INT64_MAX;
        m.routes.push_back(std::move(ri));
    }
    std::stable_sort(m.routes.begin(), m.routes.end(), [](const RouteInfo& a, const RouteInfo& b) {
        return a.created != b.created ? a.created < b.created : a.key < b.key;
    });
    for (std::uint32_t i = 0; i < m.routes.size(); ++i) {
        RouteInfo& ri = m.routes[i];
        ri.rank = i;
        const HTTPRoute& route = *ri.route;
        for (std::size_t r = 0; r < route.rules.size() && ri.invalid.empty(); ++r) {
            const HTTPRouteRule& rule = route.rules[r];
            std::string rf = "spec.rules[" + std::to_string(r) + "]";
            RuleInfo rule_;
            rule_.index = static_cast<int>(r);
            std::string field;
            std::string err = compileMatches(rule, rule_, rf, field);
            if (!err.empty()) {
                ri.invalid = err;
                ri.invalidField = field;
                break;
            }
            for (std::size_t f = 0; f < rule.filters.size(); ++f) {
                const HTTPRouteFilter& flt = rule.filters[f];
                if (flt.type == "RequestRedirect" && flt.requestRedirect)
                    rule_.redirect = &*flt.requestRedirect;
                else if (flt.type == "URLRewrite" && flt.urlRewrite)
                    rule_.rewrite = &*flt.urlRewrite;
                else if (flt.type == "RequestHeaderModifier" || flt.type == "ResponseHeaderModifier" ||
                         flt.type == "RequestMirror" || flt.type == "CORS")
                    rule_.described.push_back(&flt);
                else if (rule_.filterProblem.empty())
                    rule_.filterProblem = flt.type == "ExtensionRef"
                        ? "filters[" + std::to_string(f) +
                            "] is an ExtensionRef this model cannot resolve: the filter must not be skipped, so requests get 500"
                        : "filters[" + std::to_string(f) + "] has an unknown type \"" + flt.type + "\"";
                if (flt.type == "RequestMirror" && flt.requestMirror) {
                    BackendInfo mb;
                    resolveRef(st, route, *flt.requestMirror, mb);
                    if (!mb.valid && ri.resolvedRefs) {
                        ri.resolvedRefs = false;
                        ri.refsReason = mb.reason;
                        ri.refsMessage = "mirror: " + mb.message;
                        ri.refsField = rf + ".filters[" + std::to_string(f) + "].requestMirror.backendRef";
                    }
                }
            }
            for (std::size_t b = 0; b < rule.backendRefs.size(); ++b) {
                BackendInfo bi;
                bi.ref = &rule.backendRefs[b];
                bi.weight = std::max(0, rule.backendRefs[b].weight);
                resolveRef(st, route, rule.backendRefs[b].ref, bi);
                if (!bi.valid && ri.resolvedRefs) {
                    ri.resolvedRefs = false;
                    ri.refsReason = bi.reason;
                    ri.refsMessage = bi.message;
                    ri.refsField = rf + ".backendRefs[" + std::to_string(b) + "]";
                }
                rule_.weights.push_back(bi.weight);
                rule_.backends.push_back(std::move(bi));
            }
            ri.rules.push_back(std::move(rule_));
        }
        if (!ri.invalid.empty()) ri.rules.clear();
    }
}

void attach(const ClusterState& st, Model& m) {
    for (std::uint32_t ri = 0; ri < m.routes.size(); ++ri) {
        RouteInfo& route = m.routes[ri];
        const HTTPRoute& r = *route.route;
        for (std::size_t pi = 0; pi < r.parentRefs.size(); ++pi) {
            const ParentReference& pr = r.parentRefs[pi];
            if (pr.group != kGatewayGroup || pr.kind != "Gateway") continue;  // other parents are not modelled
            std::string gwKey = (pr.ns.empty() ? r.meta.ns : pr.ns) + "/" + pr.name;
            if (!m.selection.empty() && gwKey != m.selection) continue;
            ParentStatus ps;
            ps.parentRef = static_cast<int>(pi);
            ps.gateway = gwKey;
            if (!route.invalid.empty()) {
                ps.reason = "UnsupportedValue";
                ps.message = route.invalid;
                route.parents.push_back(std::move(ps));
                continue;
            }
            std::vector<std::uint32_t> candidates;
            bool gatewayFound = false;
            for (std::uint32_t li = 0; li < m.listeners.size(); ++li) {
                const ListenerInfo& l = m.listeners[li];
                if (l.gatewayKey != gwKey) continue;
                gatewayFound = true;
                if (pr.sectionName && *pr.sectionName != l.listener->name) continue;
                if (pr.port && *pr.port != l.listener->port) continue;
                candidates.push_back(li);
            }
            if (!gatewayFound) {
                ps.reason = "NoMatchingParent";
                ps.message = st.gateways().find(pr.ns.empty() ? r.meta.ns : pr.ns, pr.name)
                    ? "Gateway " + gwKey + " has no listeners"
                    : "Gateway " + gwKey + " does not exist";
                route.parents.push_back(std::move(ps));
                continue;
            }
            if (candidates.empty()) {
                ps.reason = "NoMatchingParent";
                ps.message = "Gateway " + gwKey + " has no listener" +
                    (pr.sectionName ? " named " + *pr.sectionName : std::string()) +
                    (pr.port ? " on port " + std::to_string(*pr.port) : std::string());
                route.parents.push_back(std::move(ps));
                continue;
            }
            std::vector<std::uint32_t> allowed;
            std::string notAllowed;
            for (std::uint32_t li : candidates) {
                const ListenerInfo& l = m.listeners[li];
                const Listener& lst = *l.listener;
                std::string why;
                if (!l.routable)
                    why = "protocol " + lst.protocol + " does not carry HTTPRoutes";
                else if (!lst.allowedKinds.empty() &&
                         std::none_of(lst.allowedKinds.begin(), lst.allowedKinds.end(), [](const RouteGroupKind& k) {
                             return k.kind == "HTTPRoute" && (k.group.empty() || k.group == kGatewayGroup);
                         }))
                    why = "allowedRoutes.kinds does not list HTTPRoute";
                else {
                    const std::string& from = lst.allowedNamespaces.from;
                    if (from == "Same" && r.meta.ns != l.gateway->meta.ns)
                        why = "allowedRoutes.namespaces.from Same: only routes in " + l.gateway->meta.ns;
                    else if (from == "Selector") {
                        const Namespace* ns = st.namespaces().find("", r.meta.ns);
                        static const StringMap empty;
                        StringMap labels = ns ? ns->meta.labels : empty;
                        // Every namespace carries its own name label (since Kubernetes 1.22).
                        setValue(labels, "kubernetes.io/metadata.name", r.meta.ns);
                        if (!lst.allowedNamespaces.selector.matches(labels))
                            why = "allowedRoutes.namespaces selector does not select namespace " + r.meta.ns;
                    } else if (from != "All" && from != "Same" && from != "Selector")
                        why = "allowedRoutes.namespaces.from " + from + " is not supported";
                }
                if (why.empty())
                    allowed.push_back(li);
                else if (notAllowed.empty())
                    notAllowed = "listener " + lst.name + ": " + why;
            }
            if (allowed.empty()) {
                ps.reason = "NotAllowedByListeners";
                ps.message = notAllowed;
                route.parents.push_back(std::move(ps));
                continue;
            }
            for (std::uint32_t li : allowed) {
                const Listener& lst = *m.listeners[li].listener;
                Attachment a;
                a.route = ri;
                a.listener = li;
                a.parentRef = static_cast<int>(pi);
                bool lHost = lst.hostname && !lst.hostname->empty();
                if (!lHost && r.hostnames.empty())
                    a.anyHost = true;
                else if (!lHost)
                    for (const auto& h : r.hostnames) a.hostnames.push_back(toLower(h));
                else if (r.hostnames.empty())
                    a.hostnames.push_back(toLower(*lst.hostname));
                else
                    for (const auto& h : r.hostnames) {
                        std::string x = intersectHostnames(*lst.hostname, h);
                        if (!x.empty() && std::find(a.hostnames.begin(), a.hostnames.end(), x) == a.hostnames.end())
                            a.hostnames.push_back(x);
                    }
                if (!a.anyHost && a.hostnames.empty()) continue;
                ps.listeners.push_back(li);
                auto idx = static_cast<std::uint32_t>(m.attachments.size());
                m.attachments.push_back(std::move(a));
                m.listeners[li].attachments.push_back(idx);
            }
            if (ps.listeners.empty()) {
                ps.reason = "NoMatchingListenerHostname";
                std::string lh;
                for (std::uint32_t li : allowed) {
                    const Listener& lst = *m.listeners[li].listener;
                    lh += (lh.empty() ? "" : ", ") + lst.name + " " + (lst.hostname ? *lst.hostname : std::string("*"));
                }
                std::string rh;
                for (const auto& h : r.hostnames) rh += (rh.empty() ? "" : ", ") + h;
                ps.message = "no listener hostname (" + lh + ") intersects the route's hostnames (" + rh + ")";
            } else {
                ps.accepted = true;
                ps.reason = "Accepted";
                ps.message = "attached to " + std::to_string(ps.listeners.size()) + " listener(s)";
            }
            route.parents.push_back(std::move(ps));
        }
    }
}

}  // namespace

Model buildModel(const ClusterState& st, const ProfileOptions& options) {
    Model m;
    m.selection = options.gateway;
    buildListeners(st, m);
    buildRoutes(st, m);
    attach(st, m);
    return m;
}

}  // namespace hs::sim::gateway
