#include "model/manifest_writer.h"

#include "model/decode.h"
#include "model/doc.h"

#include <algorithm>
#include <cstdio>

namespace hs::model {

// ---- a small YAML emitter over DocNode ----------------------------------------------------------

std::string yamlString(std::string_view s) {
    bool plain = !s.empty() && resolvePlainScalar(s) == ScalarType::String;
    if (plain) {
        // Characters that start or break plain scalars in block context.
        static constexpr std::string_view badFirst = "-?:,[]{}#&*!|>'\"%@` ";
        if (badFirst.find(s.front()) != std::string_view::npos && !(s.front() == '-' && s.size() > 1 && s[1] != ' '))
            plain = false;
        if (s.front() == '-' && (s.size() == 1 || s[1] == ' ')) plain = false;
        if (s.back() == ' ' || s.back() == ':') plain = false;
        if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos) plain = false;
        for (char c : s)
            if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') plain = false;
        if (s == "<<" || s.front() == '=') plain = false;
    }
    if (plain) return std::string(s);
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", c);
                out += buf;
            } else {
                out.push_back(static_cast<char>(c));
            }
        }
    }
    return out + '"';
}

namespace {

DocNode str(std::string_view s) {
    DocNode n;
    n.type = DocNode::Type::Scalar;
    n.scalarType = ScalarType::String;
    n.scalar = std::string(s);
    return n;
}
DocNode num(std::int64_t v) {
    DocNode n;
    n.type = DocNode::Type::Scalar;
    n.scalarType = ScalarType::Int;
    n.scalar = std::to_string(v);
    return n;
}
DocNode boolean(bool v) {
    DocNode n;
    n.type = DocNode::Type::Scalar;
    n.scalarType = ScalarType::Bool;
    n.scalar = v ? "true" : "false";
    return n;
}
DocNode map() {
    DocNode n;
    n.type = DocNode::Type::Map;
    return n;
}
DocNode seq() {
    DocNode n;
    n.type = DocNode::Type::Sequence;
    return n;
}

// Builder helpers: add only what is set, so the output stays as small as the input was.
struct M {
    DocNode n = map();
    M& set(std::string_view k, DocNode v) {
        n.members.emplace_back(std::string(k), std::move(v));
        return *this;
    }
    M& s(std::string_view k, std::string_view v) {
        if (!v.empty()) set(k, str(v));
        return *this;
    }
    M& sAlways(std::string_view k, std::string_view v) { return set(k, str(v)); }
    M& i(std::string_view k, std::int64_t v) {
        if (v != 0) set(k, num(v));
        return *this;
    }
    M& b(std::string_view k, std::optional<bool> v) {
        if (v) set(k, boolean(*v));
        return *this;
    }
    M& m(std::string_view k, M sub) {
        if (!sub.n.members.empty()) set(k, std::move(sub.n));
        return *this;
    }
    M& l(std::string_view k, DocNode list) {
        if (!list.items.empty()) set(k, std::move(list));
        return *this;
    }
};

DocNode strList(const std::vector<std::string>& v) {
    DocNode n = seq();
    for (const auto& s : v) n.items.push_back(str(s));
    return n;
}
M strMap(const StringMap& m) {
    M out;
    for (const auto& [k, v] : m) out.sAlways(k, v);
    return out;
}
DocNode intOrString(const IntOrString& v) { return v.isString ? str(v.str) : num(v.number); }

void emit(const DocNode& n, int indent, std::string& out);

void emitScalar(const DocNode& n, std::string& out) {
    if (n.type == DocNode::Type::Null)
        out += "null";
    else if (n.scalarType == ScalarType::String)
        out += yamlString(n.scalar);
    else
        out += n.scalar;
}

bool isEmptyContainer(const DocNode& n) {
    return (n.type == DocNode::Type::Map && n.members.empty()) ||
        (n.type == DocNode::Type::Sequence && n.items.empty());
}

// Writes the members of a map, each on its own line at `indent` (the first one's indentation may
// already have been written, after a list dash).
void emitMapBody(const DocNode& n, int indent, std::string& out, bool firstInline) {
    bool first = true;
    for (const auto& [k, v] : n.members) {
        if (!(first && firstInline)) out.append(static_cast<std::size_t>(indent), ' ');
        first = false;
        out += yamlString(k);
        out += ':';
        if (v.type == DocNode::Type::Scalar || v.type == DocNode::Type::Null) {
            out += ' ';
            emitScalar(v, out);
            out += '\n';
        } else if (isEmptyContainer(v)) {
            out += v.type == DocNode::Type::Map ? " {}\n" : " []\n";
        } else if (v.type == DocNode::Type::Map) {
            out += '\n';
            emit(v, indent + 2, out);
        } else {
            out += '\n';
            emit(v, indent, out);  // list items at the key's indentation, kubectl style
        }
    }
}

void emit(const DocNode& n, int indent, std::string& out) {
    if (n.type == DocNode::Type::Map) {
        emitMapBody(n, indent, out, false);
        return;
    }
    if (n.type == DocNode::Type::Sequence) {
        for (const auto& item : n.items) {
            out.append(static_cast<std::size_t>(indent), ' ');
            out += "- ";
            if (item.type == DocNode::Type::Map && !item.members.empty()) {
                emitMapBody(item, indent + 2, out, true);
            } else if (isEmptyContainer(item)) {
                out += item.type == DocNode::Type::Map ? "{}\n" : "[]\n";
            } else if (item.type == DocNode::Type::Sequence) {
                out += '\n';
                emit(item, indent + 2, out);
            } else {
                emitScalar(item, out);
                out += '\n';
            }
        }
    }
}

// ---- objects ------------------------------------------------------------------------------------

M metadata(const ObjectMeta& m, bool withAnnotations = true) {
    M md;
    md.s("name", m.name);
    md.s("namespace", m.ns);
    md.s("uid", m.uid);
    md.s("resourceVersion", m.resourceVersion);
    if (m.creationTimestamp) md.s("creationTimestamp", formatTimestamp(m.creationTimestamp));
    if (m.deletionTimestamp) md.s("deletionTimestamp", formatTimestamp(m.deletionTimestamp));
    md.i("generation", m.generation);
    md.m("labels", strMap(m.labels));
    if (withAnnotations) md.m("annotations", strMap(m.annotations));
    DocNode owners = seq();
    for (const auto& o : m.ownerReferences) {
        M r;
        r.s("kind", o.kind).s("name", o.name).s("uid", o.uid);
        if (o.controller) r.b("controller", true);
        owners.items.push_back(std::move(r.n));
    }
    md.l("ownerReferences", std::move(owners));
    return md;
}

M header(const ObjectMeta& m, std::string_view defaultApiVersion, std::string_view kind) {
    M o;
    o.sAlways("apiVersion", m.apiVersion.empty() ? defaultApiVersion : std::string_view(m.apiVersion));
    o.sAlways("kind", kind);
    return o;
}

M ingressBackend(const IngressBackend& b) {
    M out;
    if (b.service) {
        M port;
        if (!b.service->port.name.empty())
            port.s("name", b.service->port.name);
        else
            port.set("number", num(b.service->port.number));
        M svc;
        svc.s("name", b.service->name).set("port", std::move(port.n));
        out.set("service", std::move(svc.n));
    }
    if (b.resource) {
        M r;
        r.s("apiGroup", b.resource->apiGroup).s("kind", b.resource->kind).s("name", b.resource->name);
        out.set("resource", std::move(r.n));
    }
    return out;
}

DocNode writeIngress(const Ingress& ing) {
    // A v1beta1 Ingress was converted on reading; write the v1 form that was read.
    ObjectMeta meta = ing.meta;
    if (ing.convertedFromV1beta1) meta.apiVersion = "networking.k8s.io/v1";
    M o = header(meta, "networking.k8s.io/v1", "Ingress");
    o.set("metadata", metadata(meta).n);
    M spec;
    if (ing.ingressClassName) spec.sAlways("ingressClassName", *ing.ingressClassName);
    if (ing.defaultBackend) spec.set("defaultBackend", ingressBackend(*ing.defaultBackend).n);
    DocNode tls = seq();
    for (const auto& t : ing.tls) {
        M e;
        e.l("hosts", strList(t.hosts)).s("secretName", t.secretName);
        tls.items.push_back(std::move(e.n));
    }
    spec.l("tls", std::move(tls));
    DocNode rules = seq();
    for (const auto& r : ing.rules) {
        M rule;
        rule.s("host", r.host);
        if (r.hasHttp) {
            DocNode paths = seq();
            for (const auto& p : r.paths) {
                M path;
                path.s("path", p.path);
                if (p.pathType != PathType::Unset) path.sAlways("pathType", pathTypeName(p.pathType));
                path.set("backend", ingressBackend(p.backend).n);
                paths.items.push_back(std::move(path.n));
            }
            M http;
            http.set("paths", std::move(paths));
            rule.set("http", std::move(http.n));
        }
        rules.items.push_back(std::move(rule.n));
    }
    spec.l("rules", std::move(rules));
    o.set("spec", std::move(spec.n));
    if (!ing.loadBalancer.empty()) {
        DocNode lbs = seq();
        for (const auto& lb : ing.loadBalancer) {
            M e;
            e.s("ip", lb.ip).s("hostname", lb.hostname);
            lbs.items.push_back(std::move(e.n));
        }
        M lb, status;
        lb.set("ingress", std::move(lbs));
        status.set("loadBalancer", std::move(lb.n));
        o.set("status", std::move(status.n));
    }
    return std::move(o.n);
}

DocNode writeIngressClass(const IngressClass& c) {
    M o = header(c.meta, "networking.k8s.io/v1", "IngressClass");
    o.set("metadata", metadata(c.meta).n);
    M spec;
    spec.s("controller", c.controller);
    if (c.parameters) {
        M p;
        p.s("apiGroup", c.parameters->apiGroup).s("kind", c.parameters->kind).s("name", c.parameters->name);
        spec.set("parameters", std::move(p.n));
    }
    o.set("spec", std::move(spec.n));
    return std::move(o.n);
}

DocNode writeService(const Service& s) {
    M o = header(s.meta, "v1", "Service");
    o.set("metadata", metadata(s.meta).n);
    M spec;
    spec.s("type", s.type);
    if (s.selector) spec.set("selector", strMap(*s.selector).n);
    DocNode ports = seq();
    for (const auto& p : s.ports) {
        M port;
        port.s("name", p.name).s("protocol", p.protocol).s("appProtocol", p.appProtocol).set("port", num(p.port));
        if (!p.targetPort.empty()) port.set("targetPort", intOrString(p.targetPort));
        port.i("nodePort", p.nodePort);
        ports.items.push_back(std::move(port.n));
    }
    spec.l("ports", std::move(ports));
    spec.s("clusterIP", s.clusterIP).s("externalName", s.externalName).s("sessionAffinity", s.sessionAffinity);
    spec.s("trafficDistribution", s.trafficDistribution).s("internalTrafficPolicy", s.internalTrafficPolicy);
    spec.s("externalTrafficPolicy", s.externalTrafficPolicy);
    o.set("spec", std::move(spec.n));
    return std::move(o.n);
}

DocNode writeEndpointSlice(const EndpointSlice& es) {
    M o = header(es.meta, "discovery.k8s.io/v1", "EndpointSlice");
    o.set("metadata", metadata(es.meta).n);
    o.sAlways("addressType", es.addressType);
    DocNode eps = seq();
    for (const auto& e : es.endpoints) {
        M ep;
        ep.set("addresses", strList(e.addresses));
        M cond;
        cond.b("ready", e.conditions.ready)
            .b("serving", e.conditions.serving)
            .b("terminating", e.conditions.terminating);
        ep.m("conditions", std::move(cond));
        ep.s("hostname", e.hostname).s("nodeName", e.nodeName).s("zone", e.zone);
        if (e.targetRef) {
            M t;
            t.s("kind", e.targetRef->kind)
                .s("namespace", e.targetRef->ns)
                .s("name", e.targetRef->name)
                .s("uid", e.targetRef->uid);
            ep.set("targetRef", std::move(t.n));
        }
        if (!e.hintZones.empty() || !e.hintNodes.empty()) {
            M hints;
            DocNode zones = seq(), nodes = seq();
            for (const auto& z : e.hintZones) zones.items.push_back(M().sAlways("name", z).n);
            for (const auto& n : e.hintNodes) nodes.items.push_back(M().sAlways("name", n).n);
            hints.l("forZones", std::move(zones)).l("forNodes", std::move(nodes));
            ep.set("hints", std::move(hints.n));
        }
        eps.items.push_back(std::move(ep.n));
    }
    if (eps.items.empty())
        o.set("endpoints", seq());
    else
        o.set("endpoints", std::move(eps));
    DocNode ports = seq();
    for (const auto& p : es.ports) {
        M port;
        if (p.name) port.sAlways("name", *p.name);
        if (p.port) port.set("port", num(*p.port));
        port.s("protocol", p.protocol).s("appProtocol", p.appProtocol);
        ports.items.push_back(std::move(port.n));
    }
    o.l("ports", std::move(ports));
    return std::move(o.n);
}

M podSpec(const PodSpec& ps) {
    M spec;
    spec.s("nodeName", ps.nodeName);
    DocNode containers = seq();
    for (const auto& c : ps.containers) {
        M ct;
        ct.s("name", c.name).s("image", c.image);
        DocNode ports = seq();
        for (const auto& p : c.ports) {
            M port;
            port.s("name", p.name).set("containerPort", num(p.containerPort)).s("protocol", p.protocol);
            ports.items.push_back(std::move(port.n));
        }
        ct.l("ports", std::move(ports));
        if (c.readinessProbe) {
            M get;
            get.s("path", c.readinessProbe->httpPath).set("port", intOrString(c.readinessProbe->httpPort));
            M probe;
            probe.set("httpGet", std::move(get.n));
            ct.set("readinessProbe", std::move(probe.n));
        }
        containers.items.push_back(std::move(ct.n));
    }
    spec.set("containers", std::move(containers));
    return spec;
}

DocNode writePod(const Pod& p) {
    M o = header(p.meta, "v1", "Pod");
    o.set("metadata", metadata(p.meta).n);
    o.set("spec", podSpec(p.spec).n);
    M status;
    status.s("phase", p.phase);
    if (!p.syntheticIP) {
        status.s("podIP", p.podIP);
        DocNode ips = seq();
        for (const auto& ip : p.podIPs) ips.items.push_back(M().sAlways("ip", ip).n);
        status.l("podIPs", std::move(ips));
    }
    if (p.ready) {
        DocNode conds = seq();
        conds.items.push_back(M().sAlways("type", "Ready").sAlways("status", *p.ready ? "True" : "False").n);
        status.set("conditions", std::move(conds));
    }
    o.m("status", std::move(status));
    return std::move(o.n);
}

DocNode writeNode(const Node& n) {
    M o = header(n.meta, "v1", "Node");
    o.set("metadata", metadata(n.meta).n);
    if (n.unschedulable) o.set("spec", M().b("unschedulable", true).n);
    M status;
    DocNode addrs = seq();
    for (const auto& a : n.addresses)
        addrs.items.push_back(M().sAlways("type", a.type).sAlways("address", a.address).n);
    status.l("addresses", std::move(addrs));
    if (n.ready) {
        DocNode conds = seq();
        conds.items.push_back(M().sAlways("type", "Ready").sAlways("status", *n.ready ? "True" : "False").n);
        status.set("conditions", std::move(conds));
    }
    o.m("status", std::move(status));
    return std::move(o.n);
}

DocNode writeNamespace(const Namespace& n) {
    M o = header(n.meta, "v1", "Namespace");
    o.set("metadata", metadata(n.meta).n);
    if (!n.phase.empty()) o.set("status", M().s("phase", n.phase).n);
    return std::move(o.n);
}

M labelSelector(const LabelSelector& s) {
    M out;
    out.m("matchLabels", strMap(s.matchLabels));
    DocNode exprs = seq();
    for (const auto& e : s.matchExpressions) {
        M r;
        r.s("key", e.key).s("operator", e.op).l("values", strList(e.values));
        exprs.items.push_back(std::move(r.n));
    }
    out.l("matchExpressions", std::move(exprs));
    return out;
}

DocNode writeWorkload(const Workload& w) {
    const char* kind = w.workloadKind == WorkloadKind::Deployment ? "Deployment"
        : w.workloadKind == WorkloadKind::StatefulSet             ? "StatefulSet"
        : w.workloadKind == WorkloadKind::ReplicaSet              ? "ReplicaSet"
                                                                  : "DaemonSet";
    M o = header(w.meta, "apps/v1", kind);
    o.set("metadata", metadata(w.meta).n);
    M spec;
    if (w.replicas) spec.set("replicas", num(*w.replicas));
    spec.set("selector", labelSelector(w.selector).n);
    spec.s("serviceName", w.serviceName);
    M tplMeta;
    tplMeta.m("labels", strMap(w.podTemplate.labels)).m("annotations", strMap(w.podTemplate.annotations));
    M tpl;
    tpl.m("metadata", std::move(tplMeta)).set("spec", podSpec(w.podTemplate.spec).n);
    spec.set("template", std::move(tpl.n));
    o.set("spec", std::move(spec.n));
    return std::move(o.n);
}

DocNode writeSecret(const Secret& s, const ManifestWriterOptions& opt) {
    M o = header(s.meta, "v1", "Secret");
    M md = metadata(s.meta, false);
    std::string pem = opt.certificatePem ? opt.certificatePem(s.meta.ns, s.meta.name) : std::string();
    if (s.type == "kubernetes.io/tls") {
        M ann;
        ann.sAlways("hopscope.io/snapshot",
                    pem.empty() ? "metadata only: the certificate and key were not copied"
                                : "certificate only: tls.key was not copied");
        md.set("annotations", std::move(ann.n));
    }
    o.set("metadata", std::move(md.n));
    o.s("type", s.type);
    if (!pem.empty()) {
        // Base64 as the API stores it, so the file reads like `kubectl get secret -o yaml`.
        static constexpr char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::string enc;
        std::size_t i = 0;
        for (; i + 2 < pem.size(); i += 3) {
            std::uint32_t v = (static_cast<unsigned char>(pem[i]) << 16) |
                (static_cast<unsigned char>(pem[i + 1]) << 8) | static_cast<unsigned char>(pem[i + 2]);
            enc += b64[(v >> 18) & 63];
            enc += b64[(v >> 12) & 63];
            enc += b64[(v >> 6) & 63];
            enc += b64[v & 63];
        }
        if (i + 1 == pem.size()) {
            std::uint32_t v = static_cast<unsigned char>(pem[i]) << 16;
            enc += b64[(v >> 18) & 63];
            enc += b64[(v >> 12) & 63];
            enc += "==";
        } else if (i + 2 == pem.size()) {
            std::uint32_t v =
                (static_cast<unsigned char>(pem[i]) << 16) | (static_cast<unsigned char>(pem[i + 1]) << 8);
            enc += b64[(v >> 18) & 63];
            enc += b64[(v >> 12) & 63];
            enc += b64[(v >> 6) & 63];
            enc += '=';
        }
        o.set("data", M().sAlways("tls.crt", enc).n);
    }
    return std::move(o.n);
}

DocNode writeConfigMap(const ConfigMap& c) {
    M o = header(c.meta, "v1", "ConfigMap");
    o.set("metadata", metadata(c.meta).n);
    o.m("data", strMap(c.data));
    return std::move(o.n);
}

DocNode writeGatewayClass(const GatewayClass& g) {
    M o = header(g.meta, "gateway.networking.k8s.io/v1", "GatewayClass");
    o.set("metadata", metadata(g.meta).n);
    o.set("spec", M().s("controllerName", g.controllerName).n);
    return std::move(o.n);
}

DocNode writeGateway(const Gateway& g) {
    M o = header(g.meta, "gateway.networking.k8s.io/v1", "Gateway");
    o.set("metadata", metadata(g.meta).n);
    M spec;
    spec.s("gatewayClassName", g.gatewayClassName);
    DocNode listeners = seq();
    for (const auto& l : g.listeners) {
        M li;
        li.s("name", l.name);
        if (l.hostname) li.sAlways("hostname", *l.hostname);
        li.set("port", num(l.port)).s("protocol", l.protocol);
        if (!l.tlsMode.empty() || !l.certificateRefs.empty()) {
            M tls;
            tls.s("mode", l.tlsMode);
            DocNode refs = seq();
            for (const auto& r : l.certificateRefs) {
                M ref;
                ref.s("group", r.group).s("kind", r.kind).s("name", r.name).s("namespace", r.ns);
                refs.items.push_back(std::move(ref.n));
            }
            tls.l("certificateRefs", std::move(refs));
            li.set("tls", std::move(tls.n));
        }
        M ns;
        ns.s("from", l.allowedNamespaces.from);
        if (!l.allowedNamespaces.selector.empty()) ns.set("selector", labelSelector(l.allowedNamespaces.selector).n);
        M allowed;
        allowed.set("namespaces", std::move(ns.n));
        DocNode kinds = seq();
        for (const auto& k : l.allowedKinds) kinds.items.push_back(M().s("group", k.group).s("kind", k.kind).n);
        allowed.l("kinds", std::move(kinds));
        li.set("allowedRoutes", std::move(allowed.n));
        listeners.items.push_back(std::move(li.n));
    }
    spec.set("listeners", std::move(listeners));
    DocNode addrs = seq();
    for (const auto& a : g.addresses) addrs.items.push_back(M().sAlways("value", a).n);
    spec.l("addresses", std::move(addrs));
    o.set("spec", std::move(spec.n));
    return std::move(o.n);
}

M backendRef(const BackendObjectReference& r) {
    M out;
    out.s("group", r.group).s("kind", r.kind).s("name", r.name).s("namespace", r.ns);
    if (r.port) out.set("port", num(*r.port));
    return out;
}

M headerFilter(const HTTPHeaderFilter& h) {
    M out;
    DocNode set = seq(), add = seq();
    for (const auto& [k, v] : h.set) set.items.push_back(M().sAlways("name", k).sAlways("value", v).n);
    for (const auto& [k, v] : h.add) add.items.push_back(M().sAlways("name", k).sAlways("value", v).n);
    out.l("set", std::move(set)).l("add", std::move(add)).l("remove", strList(h.remove));
    return out;
}

M pathModifier(const HTTPPathModifier& m) {
    M out;
    out.s("type", m.type);
    out.sAlways(m.type == "ReplacePrefixMatch" ? "replacePrefixMatch" : "replaceFullPath", m.value);
    return out;
}

DocNode filters(const std::vector<HTTPRouteFilter>& fs) {
    DocNode list = seq();
    for (const auto& f : fs) {
        M out;
        out.s("type", f.type);
        if (f.requestHeaderModifier) out.set("requestHeaderModifier", headerFilter(*f.requestHeaderModifier).n);
        if (f.responseHeaderModifier) out.set("responseHeaderModifier", headerFilter(*f.responseHeaderModifier).n);
        if (f.requestRedirect) {
            const auto& r = *f.requestRedirect;
            M rr;
            if (r.scheme) rr.sAlways("scheme", *r.scheme);
            if (r.hostname) rr.sAlways("hostname", *r.hostname);
            if (r.path) rr.set("path", pathModifier(*r.path).n);
            if (r.port) rr.set("port", num(*r.port));
            rr.set("statusCode", num(r.statusCode));
            out.set("requestRedirect", std::move(rr.n));
        }
        if (f.urlRewrite) {
            M rw;
            if (f.urlRewrite->hostname) rw.sAlways("hostname", *f.urlRewrite->hostname);
            if (f.urlRewrite->path) rw.set("path", pathModifier(*f.urlRewrite->path).n);
            out.set("urlRewrite", std::move(rw.n));
        }
        if (f.requestMirror) out.set("requestMirror", M().set("backendRef", backendRef(*f.requestMirror).n).n);
        list.items.push_back(std::move(out.n));
    }
    return list;
}

DocNode writeHTTPRoute(const HTTPRoute& r) {
    M o = header(r.meta, "gateway.networking.k8s.io/v1", "HTTPRoute");
    o.set("metadata", metadata(r.meta).n);
    M spec;
    DocNode parents = seq();
    for (const auto& p : r.parentRefs) {
        M pr;
        pr.s("group", p.group).s("kind", p.kind).s("namespace", p.ns).s("name", p.name);
        if (p.sectionName) pr.sAlways("sectionName", *p.sectionName);
        if (p.port) pr.set("port", num(*p.port));
        parents.items.push_back(std::move(pr.n));
    }
    spec.l("parentRefs", std::move(parents)).l("hostnames", strList(r.hostnames));
    DocNode rules = seq();
    for (const auto& rule : r.rules) {
        M ru;
        ru.s("name", rule.name);
        DocNode matches = seq();
        for (const auto& m : rule.matches) {
            M mm;
            if (m.path) mm.set("path", M().sAlways("type", m.path->type).sAlways("value", m.path->value).n);
            DocNode hs = seq(), qs = seq();
            for (const auto& h : m.headers)
                hs.items.push_back(M().sAlways("type", h.type).sAlways("name", h.name).sAlways("value", h.value).n);
            for (const auto& q : m.queryParams)
                qs.items.push_back(M().sAlways("type", q.type).sAlways("name", q.name).sAlways("value", q.value).n);
            mm.l("headers", std::move(hs)).l("queryParams", std::move(qs));
            if (m.method) mm.sAlways("method", *m.method);
            matches.items.push_back(std::move(mm.n));
        }
        ru.l("matches", std::move(matches)).l("filters", filters(rule.filters));
        DocNode backends = seq();
        for (const auto& b : rule.backendRefs) {
            M br = backendRef(b.ref);
            br.set("weight", num(b.weight)).l("filters", filters(b.filters));
            backends.items.push_back(std::move(br.n));
        }
        ru.l("backendRefs", std::move(backends));
        rules.items.push_back(std::move(ru.n));
    }
    spec.l("rules", std::move(rules));
    o.set("spec", std::move(spec.n));
    return std::move(o.n);
}

DocNode writeReferenceGrant(const ReferenceGrant& g) {
    M o = header(g.meta, "gateway.networking.k8s.io/v1beta1", "ReferenceGrant");
    o.set("metadata", metadata(g.meta).n);
    M spec;
    DocNode from = seq(), to = seq();
    for (const auto& f : g.from)
        from.items.push_back(M().sAlways("group", f.group).sAlways("kind", f.kind).sAlways("namespace", f.ns).n);
    for (const auto& t : g.to) {
        M e;
        e.sAlways("group", t.group).sAlways("kind", t.kind);
        if (t.name) e.sAlways("name", *t.name);
        to.items.push_back(std::move(e.n));
    }
    spec.set("from", std::move(from)).set("to", std::move(to));
    o.set("spec", std::move(spec.n));
    return std::move(o.n);
}

template <class T, class Fn>
void writeKind(std::vector<ManifestFile>& files, const char* fileName, const KindStore<T>& store,
               const ManifestWriterOptions& opt, Fn&& fn) {
    ManifestFile f;
    f.name = fileName;
    if (!opt.header.empty()) {
        std::size_t pos = 0;
        while (pos <= opt.header.size()) {
            auto nl = opt.header.find('\n', pos);
            f.text += "# " + opt.header.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos) + '\n';
            if (nl == std::string::npos) break;
            pos = nl + 1;
        }
    }
    for (const auto& o : store.all()) {
        if (o->meta.derived) continue;
        f.text += "---\n";
        emit(fn(*o), 0, f.text);
        ++f.objects;
    }
    if (f.objects) files.push_back(std::move(f));
}

}  // namespace

std::vector<ManifestFile> writeManifests(const ClusterState& st, const ManifestWriterOptions& opt) {
    std::vector<ManifestFile> files;
    writeKind(files, "namespaces.yaml", st.namespaces(), opt, writeNamespace);
    writeKind(files, "nodes.yaml", st.nodes(), opt, writeNode);
    writeKind(files, "ingressclasses.yaml", st.ingressClasses(), opt, writeIngressClass);
    writeKind(files, "ingresses.yaml", st.ingresses(), opt, writeIngress);
    writeKind(files, "services.yaml", st.services(), opt, writeService);
    writeKind(files, "endpointslices.yaml", st.endpointSlices(), opt, writeEndpointSlice);
    writeKind(files, "pods.yaml", st.pods(), opt, writePod);
    writeKind(files, "workloads.yaml", st.workloads(), opt, writeWorkload);
    writeKind(files, "secrets.yaml", st.secrets(), opt, [&](const Secret& s) { return writeSecret(s, opt); });
    writeKind(files, "configmaps.yaml", st.configMaps(), opt, writeConfigMap);
    writeKind(files, "gatewayclasses.yaml", st.gatewayClasses(), opt, writeGatewayClass);
    writeKind(files, "gateways.yaml", st.gateways(), opt, writeGateway);
    writeKind(files, "httproutes.yaml", st.httpRoutes(), opt, writeHTTPRoute);
    writeKind(files, "referencegrants.yaml", st.referenceGrants(), opt, writeReferenceGrant);
    return files;
}

}  // namespace hs::model
