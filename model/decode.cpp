#include "model/decode.h"

#include "model/certificate.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace hs::model {

const ObjectMeta& metaOf(const AnyObject& o) {
    return std::visit([](const auto& p) -> const ObjectMeta& { return p->meta; }, o);
}

Kind kindOf(const AnyObject& o) {
    struct V {
        Kind operator()(const Ptr<Namespace>&) const { return Kind::Namespace; }
        Kind operator()(const Ptr<Node>&) const { return Kind::Node; }
        Kind operator()(const Ptr<IngressClass>&) const { return Kind::IngressClass; }
        Kind operator()(const Ptr<Ingress>&) const { return Kind::Ingress; }
        Kind operator()(const Ptr<Service>&) const { return Kind::Service; }
        Kind operator()(const Ptr<EndpointSlice>&) const { return Kind::EndpointSlice; }
        Kind operator()(const Ptr<Pod>&) const { return Kind::Pod; }
        Kind operator()(const Ptr<Workload>& w) const {
            switch (w->workloadKind) {
            case WorkloadKind::Deployment: return Kind::Deployment;
            case WorkloadKind::StatefulSet: return Kind::StatefulSet;
            case WorkloadKind::ReplicaSet: return Kind::ReplicaSet;
            case WorkloadKind::DaemonSet: return Kind::DaemonSet;
            }
            return Kind::Deployment;
        }
        Kind operator()(const Ptr<Secret>&) const { return Kind::Secret; }
        Kind operator()(const Ptr<ConfigMap>&) const { return Kind::ConfigMap; }
        Kind operator()(const Ptr<GatewayClass>&) const { return Kind::GatewayClass; }
        Kind operator()(const Ptr<Gateway>&) const { return Kind::Gateway; }
        Kind operator()(const Ptr<HTTPRoute>&) const { return Kind::HTTPRoute; }
        Kind operator()(const Ptr<ReferenceGrant>&) const { return Kind::ReferenceGrant; }
    };
    return std::visit(V{}, o);
}

void addTo(ClusterStateBuilder& b, AnyObject o) {
    std::visit([&](auto&& p) { b.add(std::move(p)); }, std::move(o));
}

// ---- timestamps ------------------------------------------------------------------------------

namespace {
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
}  // namespace

std::optional<std::int64_t> parseTimestamp(std::string_view t) {
    // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
    auto num = [&](std::size_t pos, std::size_t len, int& out) {
        if (pos + len > t.size()) return false;
        auto r = std::from_chars(t.data() + pos, t.data() + pos + len, out);
        return r.ec == std::errc() && r.ptr == t.data() + pos + len;
    };
    int Y, M, D, h, m, s;
    if (t.size() < 20 || !num(0, 4, Y) || t[4] != '-' || !num(5, 2, M) || t[7] != '-' || !num(8, 2, D) ||
        (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || !num(11, 2, h) || t[13] != ':' || !num(14, 2, m) ||
        t[16] != ':' || !num(17, 2, s))
        return std::nullopt;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || s > 60) return std::nullopt;
    std::size_t pos = 19;
    if (pos < t.size() && t[pos] == '.') {
        ++pos;
        while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') ++pos;
    }
    std::int64_t offset = 0;
    if (pos < t.size() && (t[pos] == 'Z' || t[pos] == 'z')) {
        ++pos;
    } else if (pos < t.size() && (t[pos] == '+' || t[pos] == '-')) {
        int oh, om;
        if (!num(pos + 1, 2, oh) || pos + 3 >= t.size() || t[pos + 3] != ':' || !num(pos + 4, 2, om))
            return std::nullopt;
        offset = (oh * 3600 + om * 60) * (t[pos] == '+' ? 1 : -1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != t.size()) return std::nullopt;
    return daysFromCivil(Y, static_cast<unsigned>(M), static_cast<unsigned>(D)) * 86400 + h * 3600 + m * 60 + s -
        offset;
}

std::string formatTimestamp(std::int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

// ---- locating fields -------------------------------------------------------------------------

Mark locateField(const DocNode& root, std::string_view path) {
    const DocNode* n = &root;
    Mark best = root.mark;
    std::size_t pos = 0;
    while (pos < path.size() && n) {
        if (path[pos] == '.') {
            ++pos;
            continue;
        }
        if (path[pos] == '[') {
            std::size_t close = path.find(']', pos);
            if (close == std::string_view::npos) break;
            std::string_view inner = path.substr(pos + 1, close - pos - 1);
            pos = close + 1;
            std::size_t idx = 0;
            auto r = std::from_chars(inner.data(), inner.data() + inner.size(), idx);
            if (r.ec == std::errc() && n->isSequence()) {
                n = idx < n->items.size() ? &n->items[idx] : nullptr;
            } else {
                // map key in brackets: annotations[nginx.ingress.kubernetes.io/rewrite-target]
                n = n->find(inner);
            }
        } else {
            std::size_t end = path.find_first_of(".[", pos);
            if (end == std::string_view::npos) end = path.size();
            n = n->find(path.substr(pos, end - pos));
            pos = end;
        }
        if (n && n->mark.line) best = n->mark;
    }
    return best;
}

// ---- field reading ---------------------------------------------------------------------------

namespace {

struct Ctx {
    DecodeContext& dc;
    std::string object;  // "Kind ns/name" once known
};

const char* typeWord(const DocNode& n) {
    switch (n.type) {
    case DocNode::Type::Null: return "null";
    case DocNode::Type::Sequence: return "a list";
    case DocNode::Type::Map: return "a map";
    case DocNode::Type::Scalar: break;
    }
    switch (n.scalarType) {
    case ScalarType::String: return "a string";
    case ScalarType::Int: return "a number";
    case ScalarType::Float: return "a number";
    case ScalarType::Bool: return "a boolean";
    case ScalarType::Null: return "null";
    }
    return "a value";
}

// A cursor into the document: a node (maybe absent) plus how we got there, for messages.
class F {
public:
    F(const DocNode* n, Ctx& c) : node_(n), ctx_(c) {}
    F(const DocNode* n, const F* parent, std::string_view key)
        : node_(n), ctx_(parent->ctx_), parent_(parent), key_(key) {}
    F(const DocNode* n, const F* parent, std::size_t index)
        : node_(n), ctx_(parent->ctx_), parent_(parent), index_(static_cast<long>(index)) {}

    const DocNode* node() const { return node_; }
    bool has() const { return node_ && !node_->isNull(); }
    bool present() const { return node_ != nullptr; }
    F operator[](std::string_view key) const { return F(node_ ? node_->find(key) : nullptr, this, key); }

    std::string path() const {
        std::string p = parent_ ? parent_->path() : std::string();
        if (index_ >= 0) {
            p += '[' + std::to_string(index_) + ']';
        } else if (!key_.empty()) {
            if (key_.find_first_of("./") != std::string_view::npos && parent_) {
                p += '[';
                p += key_;
                p += ']';
            } else {
                if (!p.empty()) p += '.';
                p += key_;
            }
        }
        return p;
    }

    void report(Severity sev, std::string msg, std::string code = "decode.type") const {
        Diagnostic d;
        d.severity = sev;
        d.loc.file = ctx_.dc.file;
        Mark m = node_ ? node_->mark : (parent_ && parent_->node_ ? parent_->node_->mark : Mark{});
        d.loc.line = m.line;
        d.loc.col = m.col;
        d.message = std::move(msg);
        d.object = ctx_.object;
        d.field = path();
        d.code = std::move(code);
        if (ctx_.dc.diags) ctx_.dc.diags->push_back(std::move(d));
    }

    // A string field. Plain YAML scalars that read as numbers or booleans are an error in
    // Kubernetes ("cannot unmarshal number into ... of type string"); we report and keep the text.
    std::string str(std::string_view def = {}) const {
        if (!has()) return std::string(def);
        if (!node_->isScalar()) {
            report(Severity::Error, std::string("expected a string, found ") + typeWord(*node_));
            return std::string(def);
        }
        if (node_->scalarType != ScalarType::String)
            report(
                Severity::Error,
                std::string("expected a string, found ") + typeWord(*node_) + " (quote it: \"" + node_->scalar + "\")");
        return node_->scalar;
    }
    std::optional<std::string> optStr() const {
        if (!has()) return std::nullopt;
        return str();
    }

    std::optional<std::int64_t> optInt(std::int64_t lo, std::int64_t hi) const {
        if (!has()) return std::nullopt;
        if (!node_->isScalar()) {
            report(Severity::Error, std::string("expected a number, found ") + typeWord(*node_));
            return std::nullopt;
        }
        std::string_view t = node_->scalar;
        std::int64_t v = 0;
        auto r = std::from_chars(t.data(), t.data() + t.size(), v);
        bool parsed = r.ec == std::errc() && r.ptr == t.data() + t.size();
        if (!parsed) {
            report(Severity::Error,
                   std::string("expected a number, found ") + typeWord(*node_) + " \"" + node_->scalar + "\"");
            return std::nullopt;
        }
        if (node_->scalarType != ScalarType::Int)
            report(Severity::Error,
                   std::string("expected a number, found ") + typeWord(*node_) + " (remove the quotes)");
        if (v < lo || v > hi) {
            report(Severity::Error, "number " + std::to_string(v) + " out of range");
            return std::nullopt;
        }
        return v;
    }
    std::optional<std::int32_t> optI32() const {
        auto v = optInt(INT32_MIN, INT32_MAX);
        if (!v) return std::nullopt;
        return static_cast<std::int32_t>(*v);
    }
    std::int32_t i32(std::int32_t def = 0) const { return optI32().value_or(def); }

    std::optional<bool> optBool() const {
        if (!has()) return std::nullopt;
        if (node_->isScalar()) {
            std::string_view t = node_->scalar;
            bool truthy = t == "true" || t == "True" || t == "TRUE" || t == "yes" || t == "on";
            bool falsy = t == "false" || t == "False" || t == "FALSE" || t == "no" || t == "off";
            if (truthy || falsy) {
                if (node_->scalarType != ScalarType::Bool)
                    report(Severity::Error, "expected a boolean, found a string (remove the quotes)");
                return truthy;
            }
        }
        report(Severity::Error, std::string("expected a boolean, found ") + typeWord(*node_));
        return std::nullopt;
    }

    IntOrString intOrString() const {
        IntOrString v;
        if (!has()) return v;
        if (!node_->isScalar()) {
            report(Severity::Error, std::string("expected a number or a string, found ") + typeWord(*node_));
            return v;
        }
        if (node_->scalarType == ScalarType::Int) {
            std::int32_t n = 0;
            auto r = std::from_chars(node_->scalar.data(), node_->scalar.data() + node_->scalar.size(), n);
            if (r.ec == std::errc() && r.ptr == node_->scalar.data() + node_->scalar.size()) {
                v.number = n;
                return v;
            }
        }
        v.isString = true;
        v.str = node_->scalar;
        return v;
    }

    // map[string]string (labels, annotations, selectors, ConfigMap data)
    StringMap strMap() const {
        StringMap m;
        if (!has()) return m;
        if (!node_->isMap()) {
            report(Severity::Error, std::string("expected a map of strings, found ") + typeWord(*node_));
            return m;
        }
        m.reserve(node_->members.size());
        for (const auto& [k, v] : node_->members) {
            F child(&v, this, std::string_view(k));
            std::string value;
            if (v.isScalar() && v.scalarType != ScalarType::String) {
                child.report(
                    Severity::Error,
                    std::string("value must be a string, found ") + typeWord(v) + " (quote it: \"" + v.scalar + "\")",
                    "decode.unquoted-value");
                value = v.scalar;
            } else if (v.isNull()) {
                value.clear();
            } else {
                value = child.str();
            }
            m.emplace_back(k, std::move(value));
        }
        std::stable_sort(m.begin(), m.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        // duplicates: last wins (already reported by the YAML reader)
        StringMap out;
        out.reserve(m.size());
        for (auto& kv : m) {
            if (!out.empty() && out.back().first == kv.first)
                out.back() = std::move(kv);
            else
                out.push_back(std::move(kv));
        }
        return out;
    }

    std::vector<std::string> strList() const {
        std::vector<std::string> v;
        each([&](const F& item) { v.push_back(item.str()); });
        return v;
    }

    template <class Fn>
    void each(Fn fn) const {
        if (!has()) return;
        if (!node_->isSequence()) {
            report(Severity::Error, std::string("expected a list, found ") + typeWord(*node_));
            return;
        }
        for (std::size_t i = 0; i < node_->items.size(); ++i) fn(F(&node_->items[i], this, i));
    }

    bool expectMap() const {
        if (!has()) return false;
        if (!node_->isMap()) {
            report(Severity::Error, std::string("expected a map, found ") + typeWord(*node_));
            return false;
        }
        return true;
    }

    Ctx& ctx() const { return ctx_; }

private:
    const DocNode* node_;
    Ctx& ctx_;
    const F* parent_ = nullptr;
    std::string_view key_;
    long index_ = -1;
};

// ---- common pieces ---------------------------------------------------------------------------

ObjectMeta decodeMeta(const F& obj, std::string_view apiVersion, Kind kind, Ctx& ctx) {
    ObjectMeta m;
    m.apiVersion = std::string(apiVersion);
    F md = obj["metadata"];
    md.expectMap();
    m.name = md["name"].str();
    if (isNamespaced(kind)) {
        m.ns = md["namespace"].str();
        if (m.ns.empty()) m.ns = ctx.dc.options.defaultNamespace;
    } else if (md["namespace"].has()) {
        md["namespace"].report(Severity::Warning,
                               std::string(kindName(kind)) + " is cluster-scoped; metadata.namespace is ignored",
                               "meta.namespace-ignored");
    }
    ctx.object = std::string(kindName(kind)) + ' ' + (m.ns.empty() ? m.name : m.ns + '/' + m.name);
    m.uid = md["uid"].str();
    m.resourceVersion = md["resourceVersion"].str();
    if (md["generation"].has()) m.generation = md["generation"].optInt(0, INT64_MAX).value_or(0);
    for (auto [field, dst] :
         {std::pair{"creationTimestamp", &m.creationTimestamp}, std::pair{"deletionTimestamp", &m.deletionTimestamp}}) {
        F ts = md[field];
        if (!ts.has()) continue;
        std::string text = ts.str();
        if (auto v = parseTimestamp(text))
            *dst = *v;
        else
            ts.report(Severity::Error, "not an RFC 3339 timestamp: \"" + text + "\"", "meta.timestamp");
    }
    m.labels = md["labels"].strMap();
    m.annotations = md["annotations"].strMap();
    md["ownerReferences"].each([&](const F& o) {
        OwnerReference r;
        r.kind = o["kind"].str();
        r.name = o["name"].str();
        r.uid = o["uid"].str();
        r.controller = o["controller"].optBool().value_or(false);
        m.ownerReferences.push_back(std::move(r));
    });
    m.loadOrder = ctx.dc.loadOrder++;
    if (ctx.dc.file) {
        m.loc.file = ctx.dc.file;
        m.loc.line = obj.node() ? obj.node()->mark.line : ctx.dc.docFirstLine;
        m.loc.col = obj.node() ? obj.node()->mark.col : 1;
    }
    return m;
}

LabelSelector decodeLabelSelector(const F& f) {
    LabelSelector s;
    if (!f.expectMap()) return s;
    s.matchLabels = f["matchLabels"].strMap();
    f["matchExpressions"].each([&](const F& e) {
        LabelSelectorRequirement r;
        r.key = e["key"].str();
        r.op = e["operator"].str();
        r.values = e["values"].strList();
        s.matchExpressions.push_back(std::move(r));
    });
    return s;
}

PathType decodePathType(const F& f) {
    if (!f.has()) return PathType::Unset;
    std::string t = f.str();
    if (t == "Exact") return PathType::Exact;
    if (t == "Prefix") return PathType::Prefix;
    if (t == "ImplementationSpecific") return PathType::ImplementationSpecific;
    f.report(Severity::Error, "unsupported pathType \"" + t + "\": must be Exact, Prefix or ImplementationSpecific",
             "ingress.pathtype.invalid");
    return PathType::Unset;
}

IngressBackend decodeIngressBackendV1(const F& b) {
    IngressBackend out;
    if (!b.expectMap()) return out;
    if (b["service"].present()) {
        F s = b["service"];
        IngressServiceBackend sb;
        sb.name = s["name"].str();
        F p = s["port"];
        sb.port.name = p["name"].str();
        sb.port.number = p["number"].i32();
        out.service = std::move(sb);
    }
    if (b["resource"].present()) {
        F r = b["resource"];
        TypedLocalObjectReference ref;
        ref.apiGroup = r["apiGroup"].str();
        ref.kind = r["kind"].str();
        ref.name = r["name"].str();
        out.resource = std::move(ref);
    }
    return out;
}

// networking.k8s.io/v1beta1 and extensions/v1beta1: {serviceName, servicePort: int|string}
IngressBackend decodeIngressBackendV1beta1(const F& b) {
    IngressBackend out;
    if (!b.expectMap()) return out;
    if (b["serviceName"].present() || b["servicePort"].present()) {
        IngressServiceBackend sb;
        sb.name = b["serviceName"].str();
        IntOrString p = b["servicePort"].intOrString();
        if (p.isString)
            sb.port.name = p.str;
        else
            sb.port.number = p.number;
        out.service = std::move(sb);
    }
    if (b["resource"].present()) {
        F r = b["resource"];
        TypedLocalObjectReference ref;
        ref.apiGroup = r["apiGroup"].str();
        ref.kind = r["kind"].str();
        ref.name = r["name"].str();
        out.resource = std::move(ref);
    }
    return out;
}

// ---- kinds -----------------------------------------------------------------------------------

Ptr<Ingress> decodeIngress(const F& o, std::string_view apiVersion, Ctx& ctx) {
    auto ing = std::make_shared<Ingress>();
    ing->meta = decodeMeta(o, apiVersion, Kind::Ingress, ctx);
    bool beta = apiVersion != "networking.k8s.io/v1";
    if (beta) {
        ing->convertedFromV1beta1 = true;
        o["apiVersion"].report(
            Severity::Warning,
            std::string(apiVersion) +
                " Ingress was removed in Kubernetes 1.22; read and converted to networking.k8s.io/v1 "
                "(unset pathType becomes ImplementationSpecific)",
            "ingress.v1beta1");
    }
    F spec = o["spec"];
    spec.expectMap();
    if (spec["ingressClassName"].has()) ing->ingressClassName = spec["ingressClassName"].str();
    F db = beta && spec["backend"].has() ? spec["backend"] : spec["defaultBackend"];
    if (db.has())
        ing->defaultBackend =
            beta && spec["backend"].has() ? decodeIngressBackendV1beta1(db) : decodeIngressBackendV1(db);
    spec["tls"].each([&](const F& t) {
        IngressTLS tls;
        tls.hosts = t["hosts"].strList();
        tls.secretName = t["secretName"].str();
        ing->tls.push_back(std::move(tls));
    });
    spec["rules"].each([&](const F& r) {
        IngressRule rule;
        rule.host = r["host"].str();
        F http = r["http"];
        rule.hasHttp = http.has();
        http["paths"].each([&](const F& p) {
            HTTPIngressPath path;
            path.path = p["path"].str();
            path.pathType = decodePathType(p["pathType"]);
            if (beta && path.pathType == PathType::Unset) path.pathType = PathType::ImplementationSpecific;
            path.backend = beta ? decodeIngressBackendV1beta1(p["backend"]) : decodeIngressBackendV1(p["backend"]);
            rule.paths.push_back(std::move(path));
        });
        ing->rules.push_back(std::move(rule));
    });
    o["status"]["loadBalancer"]["ingress"].each([&](const F& l) {
        ing->loadBalancer.push_back({l["ip"].str(), l["hostname"].str()});
    });
    return ing;
}

Ptr<IngressClass> decodeIngressClass(const F& o, std::string_view apiVersion, Ctx& ctx) {
    auto c = std::make_shared<IngressClass>();
    c->meta = decodeMeta(o, apiVersion, Kind::IngressClass, ctx);
    F spec = o["spec"];
    c->controller = spec["controller"].str();
    if (spec["parameters"].has()) {
        F p = spec["parameters"];
        c->parameters = TypedLocalObjectReference{p["apiGroup"].str(), p["kind"].str(), p["name"].str()};
    }
    return c;
}

Ptr<Service> decodeService(const F& o, std::string_view apiVersion, Ctx& ctx) {
    auto s = std::make_shared<Service>();
    s->meta = decodeMeta(o, apiVersion, Kind::Service, ctx);
    F spec = o["spec"];
    spec.expectMap();
    s->type = spec["type"].str("ClusterIP");
    if (spec["selector"].present()) s->selector = spec["selector"].strMap();
    spec["ports"].each([&](const F& p) {
        ServicePort sp;
        sp.name = p["name"].str();
        sp.protocol = p["protocol"].str("TCP");
        sp.appProtocol = p["appProtocol"].str();
        sp.port = p["port"].i32();
        sp.targetPort = p["targetPort"].intOrString();
        sp.nodePort = p["nodePort"].i32();
        s->ports.push_back(std::move(sp));
    });
    s->clusterIP = spec["clusterIP"].str();
    s->externalName = spec["externalName"].str();
    s->sessionAffinity = spec["sessionAffinity"].str();
    s->trafficDistribution = spec["trafficDistribution"].str();
    s->internalTrafficPolicy = spec["internalTrafficPolicy"].str();
    s->externalTrafficPolicy = spec["externalTrafficPolicy"].str();
    return s;
}

Ptr<EndpointSlice> decodeEndpointSlice(const F& o, std::string_view apiVersion, Ctx& ctx) {
    auto es = std::make_shared<EndpointSlice>();
    es->meta = decodeMeta(o, apiVersion, Kind::EndpointSlice, ctx);
    es->addressType = o["addressType"].str("IPv4");
    o["endpoints"].each([&](const F& e) {
        Endpoint ep;
        ep.addresses = e["addresses"].strList();
        F c = e["conditions"];
        ep.conditions.ready = c["ready"].optBool();
        ep.conditions.serving = c["serving"].optBool();
        ep.conditions.terminating = c["terminating"].optBool();
        ep.hostname = e["hostname"].str();
        ep.nodeName = e["nodeName"].str();
        ep.zone = e["zone"].str();
        if (e["topology"].has()) {  // discovery.k8s.io/v1beta1
            StringMap topo = e["topology"].strMap();
            if (ep.nodeName.empty())
                if (auto* n = lookup(topo, "kubernetes.io/hostname")) ep.nodeName = *n;
            if (ep.zone.empty())
                if (auto* z = lookup(topo, "topology.kubernetes.io/zone")) ep.zone = *z;
        }
        if (e["targetRef"].has()) {
            F t = e["targetRef"];
            ep.targetRef = EndpointTargetRef{t["kind"].str(), t["namespace"].str(), t["name"].str(), t["uid"].str()};
            if (ep.targetRef->ns.empty()) ep.targetRef->ns = es->meta.ns;
        }
        e["hints"]["forZones"].each([&](const F& z) { ep.hintZones.push_back(z["name"].str()); });
        e["hints"]["forNodes"].each([&](const F& n) { ep.hintNodes.push_back(n["name"].str()); });
        es->endpoints.push_back(std::move(ep));
    });
    o["ports"].each([&](const F& p) {
        EndpointPort port;
        port.name = p["name"].optStr();
        port.port = p["port"].optI32();
        port.protocol = p["protocol"].str("TCP");
        port.appProtocol = p["appProtocol"].str();
        es->ports.push_back(std::move(port));
    });
    return es;
}

LegacyEndpoints decodeEndpoints(const F& o, std::string_view apiVersion, Ctx& ctx) {
    LegacyEndpoints le;
    le.meta = decodeMeta(o, apiVersion, Kind::EndpointSlice, ctx);
    ctx.object = "Endpoints " + le.meta.ns + '/' + le.meta.name;
    std::size_t n = 0;
    o["subsets"].each([&](const F& s) {
        EndpointSlice es;
        es.meta = le.meta;
        es.meta.name = le.meta.name + "-endpoints-" + std::to_string(n++);
        es.meta.derived = true;
        es.meta.derivedFrom = "Endpoints " + le.meta.ns + '/' + le.meta.name;
        es.meta.labels = {};
        setValue(es.meta.labels, std::string(kServiceNameLabel), le.meta.name);
        es.convertedFromEndpoints = true;
        auto addAddrs = [&](const F& list, bool ready) {
            list.each([&](const F& a) {
                Endpoint ep;
                ep.addresses.push_back(a["ip"].str());
                ep.conditions.ready = ready;
                ep.hostname = a["hostname"].str();
                ep.nodeName = a["nodeName"].str();
                if (a["targetRef"].has()) {
                    F t = a["targetRef"];
                    ep.targetRef = EndpointTargetRef{t["kind"].str(), t["namespace"].str(le.meta.ns), t["name"].str(),
                                                     t["uid"].str()};
                }
                if (!ep.addresses[0].empty() && ep.addresses[0].find(':') != std::string::npos) es.addressType = "IPv6";
                es.endpoints.push_back(std::move(ep));
            });
        };
        addAddrs(s["addresses"], true);
        addAddrs(s["notReadyAddresses"], false);
        s["ports"].each([&](const F& p) {
            EndpointPort port;
            port.name = p["name"].optStr();
            port.port = p["port"].optI32();
            port.protocol = p["protocol"].str("TCP");
            es.ports.push_back(std::move(port));
        });
        le.slices.push_back(std::move(es));
    });
    return le;
}

std::vector<Container> decodeContainers(const F& list) {
    std::vector<Container> out;
    list.each([&](const F& c) {
        Container ct;
        ct.name = c["name"].str();
        ct.image = c["image"].str();
        c["ports"].each([&](const F& p) {
            ContainerPort cp;
            cp.name = p["name"].str();
            cp.containerPort = p["containerPort"].i32();
            cp.protocol = p["protocol"].str("TCP");
            ct.ports.push_back(std::move(cp));
        });
        F get = c["readinessProbe"]["httpGet"];
        if (get.has()) ct.readinessProbe = Probe{get["path"].str("/"), get["port"].intOrString()};
        out.push_back(std::move(ct));
    });
    return out;
}

PodSpec decodePodSpec(const F& spec) {
    PodSpec s;
    s.nodeName = spec["nodeName"].str();
    s.containers = decodeContainers(spec["containers"]);
    return s;
}

Ptr<Pod> decodePod(const F& o, std::string_view apiVersion, Ctx& ctx) {
    auto p = std::make_shared<Pod>();
    p->meta = decodeMeta(o, apiVersion, Kind::Pod, ctx);
    p->spec = decodePodSpec(o["spec"]);
    F st = o["status"];
    p->phase = st["phase"].str();
    p->podIP = st["podIP"].str();
    st["podIPs"].each([&](const F& ip) { p->podIPs.push_back(ip["ip"].str()); });
    st["conditions"].each([&](const F& c) {
        if (c["type"].str() == "Ready") {
            std::string status = c["status"].str();
            p->ready = status == "True";
        }
    });
    return p;
}

Ptr<Node> decodeNode(const F& o, std::string_view apiVersion, Ctx& ctx) {
    auto n = std::make_shared<Node>();
    n->meta = decodeMeta(o, apiVersion, Kind::Node, ctx);
    n->unschedulable = o["spec"]["unschedulable"].optBool().value_or(false);
    o["status"]["addresses"].each([&](const F& a) { n->addresses.push_back({a["type"].str(), a["address"].str()}); });
    o["status"]["conditions"].each([&](const F& c) {
        if (c["type"].str() == "Ready") n->ready = c["status"].str() == "True";
    });
    return n;
}

Ptr<Namespace> decodeNamespace(const F& o, std::string_view apiVersion, Ctx& ctx) {
    auto n = std::make_shared<Namespace>();
    n->meta = decodeMeta(o, apiVersion, Kind::Namespace, ctx);
    n->phase = o["status"]["phase"].str();
    return n;
}

Ptr<Workload> decodeWorkload(const F& o, std::string_view apiVersion, Kind kind, Ctx& ctx) {
    auto w = std::make_shared<Workload>();
    w->meta = decodeMeta(o, apiVersion, kind, ctx);
    w->workloadKind = kind == Kind::Deployment ? WorkloadKind::Deployment
        : kind == Kind::StatefulSet            ? WorkloadKind::StatefulSet
        : kind == Kind::ReplicaSet             ? WorkloadKind::ReplicaSet
                                               : WorkloadKind::DaemonSet;
    F spec = o["spec"];
    spec.expectMap();
    if (kind != Kind::DaemonSet) w->replicas = spec["replicas"].optI32();
    if (spec["selector"].has()) w->selector = decodeLabelSelector(spec["selector"]);
    w->serviceName = spec["serviceName"].str();
    F tpl = spec["template"];
    w->podTemplate.labels = tpl["metadata"]["labels"].strMap();
    w->podTemplate.annotations = tpl["metadata"]["annotations"].strMap();
    w->podTemplate.spec = decodePodSpec(tpl["spec"]);
    return w;
}

std::string base64Decode(std::string_view in, bool& ok) {
    static constexpr signed char T[256] = {
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -2, -2, -1, -1, -2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63, 52, 53, 54, 55,
        56, 57, 58, 59, 60, 61, -1, -1, -1, -3, -1, -1, -1, 0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,
        13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1, -1, 26, 27, 28, 29, 30, 31, 32,
        33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
    std::string out;
    out.reserve(in.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    ok = true;
    for (char ch : in) {
        signed char v = T[static_cast<unsigned char>(ch)];
        if (v == -2) continue;  // whitespace
        if (v == -3) break;  // '=' padding
        if (v < 0) {
            ok = false;
            return {};
        }
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    return out;
}

Ptr<Secret> decodeSecret(const F& o, std::string_view apiVersion, Ctx& ctx) {
    auto s = std::make_shared<Secret>();
    s->meta = decodeMeta(o, apiVersion, Kind::Secret, ctx);
    s->type = o["type"].str("Opaque");
    // Annotations of Secrets often carry the whole object (kubectl's last-applied-configuration),
    // key included: never keep them.
    s->meta.annotations.clear();
    if (s->type != "kubernetes.io/tls") return s;
    F data = o["data"], stringData = o["stringData"];
    s->hadPrivateKey = data["tls.key"].has() || stringData["tls.key"].has();
    std::string pem;
    if (stringData["tls.crt"].has()) {
        pem = stringData["tls.crt"].str();
    } else if (data["tls.crt"].has()) {
        bool ok = false;
        pem = base64Decode(data["tls.crt"].str(), ok);
        if (!ok) {
            data["tls.crt"].report(Severity::Error, "tls.crt is not valid base64", "secret.base64");
            pem.clear();
        }
    }
    if (!pem.empty()) s->certificate = readCertificate(pem);
    return s;
}

Ptr<ConfigMap> decodeConfigMap(const F& o, std::string_view apiVersion, Ctx& ctx) {
    auto c = std::make_shared<ConfigMap>();
    c->meta = decodeMeta(o, apiVersion, Kind::ConfigMap, ctx);
    c->data = o["data"].strMap();
    return c;
}

// ---- Gateway API -----------------------------------------------------------------------------

Ptr<GatewayClass> decodeGatewayClass(const F& o, std::string_view apiVersion, Ctx& ctx) {
    auto g = std::make_shared<GatewayClass>();
    g->meta = decodeMeta(o, apiVersion, Kind::GatewayClass, ctx);
    g->controllerName = o["spec"]["controllerName"].str();
    return g;
}

Ptr<Gateway> decodeGateway(const F& o, std::string_view apiVersion, Ctx& ctx) {
    auto g = std::make_shared<Gateway>();
    g->meta = decodeMeta(o, apiVersion, Kind::Gateway, ctx);
    F spec = o["spec"];
    g->gatewayClassName = spec["gatewayClassName"].str();
    spec["listeners"].each([&](const F& l) {
        Listener li;
        li.name = l["name"].str();
        if (l["hostname"].has()) li.hostname = l["hostname"].str();
        li.port = l["port"].i32();
        li.protocol = l["protocol"].str();
        F tls = l["tls"];
        li.tlsMode = tls.has() ? tls["mode"].str("Terminate") : std::string();
        tls["certificateRefs"].each([&](const F& c) {
            SecretObjectReference r;
            r.group = c["group"].str();
            r.kind = c["kind"].str("Secret");
            r.name = c["name"].str();
            r.ns = c["namespace"].str();
            li.certificateRefs.push_back(std::move(r));
        });
        F ar = l["allowedRoutes"];
        li.allowedNamespaces.from = ar["namespaces"]["from"].str("Same");
        if (ar["namespaces"]["selector"].has())
            li.allowedNamespaces.selector = decodeLabelSelector(ar["namespaces"]["selector"]);
        ar["kinds"].each([&](const F& k) {
            RouteGroupKind gk;
            gk.group = k["group"].str("gateway.networking.k8s.io");
            gk.kind = k["kind"].str();
            li.allowedKinds.push_back(std::move(gk));
        });
        g->listeners.push_back(std::move(li));
    });
    spec["addresses"].each([&](const F& a) { g->addresses.push_back(a["value"].str()); });
    return g;
}

HTTPHeaderFilter decodeHeaderFilter(const F& f) {
    HTTPHeaderFilter h;
    f["set"].each([&](const F& kv) { setValue(h.set, kv["name"].str(), kv["value"].str()); });
    f["add"].each([&](const F& kv) { setValue(h.add, kv["name"].str(), kv["value"].str()); });
    h.remove = f["remove"].strList();
    return h;
}

std::optional<HTTPPathModifier> decodePathModifier(const F& f) {
    if (!f.has()) return std::nullopt;
    HTTPPathModifier m;
    m.type = f["type"].str();
    m.value = m.type == "ReplacePrefixMatch" ? f["replacePrefixMatch"].str() : f["replaceFullPath"].str();
    return m;
}

BackendObjectReference decodeBackendRef(const F& b) {
    BackendObjectReference r;
    r.group = b["group"].str();
    r.kind = b["kind"].str("Service");
    r.name = b["name"].str();
    r.ns = b["namespace"].str();
    r.port = b["port"].optI32();
    return r;
}

std::vector<HTTPRouteFilter> decodeFilters(const F& list) {
    std::vector<HTTPRouteFilter> out;
    list.each([&](const F& f) {
        HTTPRouteFilter rf;
        rf.type = f["type"].str();
        if (f["requestHeaderModifier"].has()) rf.requestHeaderModifier = decodeHeaderFilter(f["requestHeaderModifier"]);
        if (f["responseHeaderModifier"].has())
            rf.responseHeaderModifier = decodeHeaderFilter(f["responseHeaderModifier"]);
        if (f["requestRedirect"].has()) {
            F r = f["requestRedirect"];
            HTTPRequestRedirectFilter rr;
            rr.scheme = r["scheme"].optStr();
            rr.hostname = r["hostname"].optStr();
            rr.path = decodePathModifier(r["path"]);
            rr.port = r["port"].optI32();
            rr.statusCode = r["statusCode"].i32(302);
            rf.requestRedirect = std::move(rr);
        }
        if (f["urlRewrite"].has()) {
            F r = f["urlRewrite"];
            HTTPURLRewriteFilter rw;
            rw.hostname = r["hostname"].optStr();
            rw.path = decodePathModifier(r["path"]);
            rf.urlRewrite = std::move(rw);
        }
        if (f["requestMirror"].has()) rf.requestMirror = decodeBackendRef(f["requestMirror"]["backendRef"]);
        out.push_back(std::move(rf));
    });
    return out;
}

Ptr<HTTPRoute> decodeHTTPRoute(const F& o, std::string_view apiVersion, Ctx& ctx) {
    auto r = std::make_shared<HTTPRoute>();
    r->meta = decodeMeta(o, apiVersion, Kind::HTTPRoute, ctx);
    F spec = o["spec"];
    spec["parentRefs"].each([&](const F& p) {
        ParentReference pr;
        pr.group = p["group"].str("gateway.networking.k8s.io");
        pr.kind = p["kind"].str("Gateway");
        pr.ns = p["namespace"].str();
        pr.name = p["name"].str();
        pr.sectionName = p["sectionName"].optStr();
        pr.port = p["port"].optI32();
        r->parentRefs.push_back(std::move(pr));
    });
    r->hostnames = spec["hostnames"].strList();
    spec["rules"].each([&](const F& rule) {
        HTTPRouteRule rr;
        rr.name = rule["name"].str();
        rule["matches"].each([&](const F& m) {
            HTTPRouteMatch match;
            if (m["path"].has())
                match.path = HTTPPathMatch{m["path"]["type"].str("PathPrefix"), m["path"]["value"].str("/")};
            m["headers"].each([&](const F& h) {
                match.headers.push_back({h["type"].str("Exact"), h["name"].str(), h["value"].str()});
            });
            m["queryParams"].each([&](const F& q) {
                match.queryParams.push_back({q["type"].str("Exact"), q["name"].str(), q["value"].str()});
            });
            match.method = m["method"].optStr();
            rr.matches.push_back(std::move(match));
        });
        rr.filters = decodeFilters(rule["filters"]);
        rule["backendRefs"].each([&](const F& b) {
            HTTPBackendRef br;
            br.ref = decodeBackendRef(b);
            br.weight = b["weight"].i32(1);
            br.filters = decodeFilters(b["filters"]);
            rr.backendRefs.push_back(std::move(br));
        });
        r->rules.push_back(std::move(rr));
    });
    return r;
}

Ptr<ReferenceGrant> decodeReferenceGrant(const F& o, std::string_view apiVersion, Ctx& ctx) {
    auto g = std::make_shared<ReferenceGrant>();
    g->meta = decodeMeta(o, apiVersion, Kind::ReferenceGrant, ctx);
    F spec = o["spec"];
    spec["from"].each([&](const F& f) {
        g->from.push_back({f["group"].str(), f["kind"].str(), f["namespace"].str()});
    });
    spec["to"].each([&](const F& t) { g->to.push_back({t["group"].str(), t["kind"].str(), t["name"].optStr()}); });
    return g;
}

std::string_view groupOf(std::string_view apiVersion) {
    auto slash = apiVersion.find('/');
    return slash == std::string_view::npos ? std::string_view() : apiVersion.substr(0, slash);
}

bool decodeInto(const F& o, std::string_view apiVersion, std::string_view kind, DecodeContext& dc, DecodeOutput& out) {
    (void)dc;
    Ctx& ctx = o.ctx();
    ctx.object.clear();
    std::string_view group = groupOf(apiVersion);
    AnyObject obj;
    auto gw = [&] { return group == "gateway.networking.k8s.io"; };
    if (kind == "Ingress" && (group == "networking.k8s.io" || group == "extensions"))
        obj = decodeIngress(o, apiVersion, ctx);
    else if (kind == "IngressClass" && group == "networking.k8s.io")
        obj = decodeIngressClass(o, apiVersion, ctx);
    else if (kind == "Service" && group.empty())
        obj = decodeService(o, apiVersion, ctx);
    else if (kind == "EndpointSlice" && group == "discovery.k8s.io")
        obj = decodeEndpointSlice(o, apiVersion, ctx);
    else if (kind == "Endpoints" && group.empty()) {
        LegacyEndpoints le = decodeEndpoints(o, apiVersion, ctx);
        out.endpoints.push_back(std::move(le));
        return true;
    } else if (kind == "Pod" && group.empty())
        obj = decodePod(o, apiVersion, ctx);
    else if (kind == "Node" && group.empty())
        obj = decodeNode(o, apiVersion, ctx);
    else if (kind == "Namespace" && group.empty())
        obj = decodeNamespace(o, apiVersion, ctx);
    else if (kind == "Deployment" && (group == "apps" || group == "extensions"))
        obj = decodeWorkload(o, apiVersion, Kind::Deployment, ctx);
    else if (kind == "StatefulSet" && group == "apps")
        obj = decodeWorkload(o, apiVersion, Kind::StatefulSet, ctx);
    else if (kind == "ReplicaSet" && (group == "apps" || group == "extensions"))
        obj = decodeWorkload(o, apiVersion, Kind::ReplicaSet, ctx);
    else if (kind == "DaemonSet" && (group == "apps" || group == "extensions"))
        obj = decodeWorkload(o, apiVersion, Kind::DaemonSet, ctx);
    else if (kind == "Secret" && group.empty())
        obj = decodeSecret(o, apiVersion, ctx);
    else if (kind == "ConfigMap" && group.empty())
        obj = decodeConfigMap(o, apiVersion, ctx);
    else if (kind == "GatewayClass" && gw())
        obj = decodeGatewayClass(o, apiVersion, ctx);
    else if (kind == "Gateway" && gw())
        obj = decodeGateway(o, apiVersion, ctx);
    else if (kind == "HTTPRoute" && gw())
        obj = decodeHTTPRoute(o, apiVersion, ctx);
    else if (kind == "ReferenceGrant" && gw())
        obj = decodeReferenceGrant(o, apiVersion, ctx);
    else
        return false;
    out.objects.push_back({std::move(obj), o.node()});
    return true;
}

void attachSource(DecodeOutput& out, std::size_t firstObject, std::size_t firstEndpoints, DecodeContext& dc,
                  bool isList) {
    if (!dc.file || !dc.options.keepSourceText) return;
    // A document holding a Secret holds key material: its text is never kept, for any object in it.
    for (std::size_t i = firstObject; i < out.objects.size(); ++i)
        if (std::holds_alternative<Ptr<Secret>>(out.objects[i].object)) return;
    auto doc = std::make_shared<SourceDocument>();
    doc->loc.file = dc.file;
    doc->loc.line = dc.docFirstLine;
    doc->loc.col = 1;
    doc->text = std::string(dc.docText);
    std::shared_ptr<const SourceDocument> shared = doc;
    (void)isList;
    for (std::size_t i = firstObject; i < out.objects.size(); ++i) {
        // The objects were created by this decoder and are not shared yet.
        std::visit([&](auto& p) { const_cast<ObjectMeta&>(p->meta).source = shared; }, out.objects[i].object);
    }
    for (std::size_t i = firstEndpoints; i < out.endpoints.size(); ++i) out.endpoints[i].meta.source = shared;
}

}  // namespace

bool decodeObject(const DocNode& node, std::string_view apiVersion, std::string_view kind, DecodeContext& ctx,
                  DecodeOutput& out) {
    Ctx c{ctx, {}};
    F root(&node, c);
    return decodeInto(root, apiVersion, kind, ctx, out);
}

void decodeDocument(const DocNode& root, DecodeContext& dc, DecodeOutput& out) {
    ++out.documents;
    Ctx ctx{dc, {}};
    F doc(&root, ctx);
    if (root.isNull()) return;  // an empty document (e.g. a Helm template that rendered nothing)
    if (!root.isMap()) {
        doc.report(Severity::Error,
                   std::string("a manifest must be a map with apiVersion and kind, found ") + typeWord(root),
                   "manifest.not-object");
        return;
    }
    std::string apiVersion = doc["apiVersion"].str();
    std::string kind = doc["kind"].str();
    std::size_t firstObject = out.objects.size(), firstEndpoints = out.endpoints.size();
    if (kind.empty()) {
        doc.report(Severity::Error, "document has no kind; skipped", "manifest.no-kind");
        return;
    }
    bool isList = kind == "List" || (kind.size() > 4 && kind.ends_with("List") && doc["items"].present());
    if (isList) {
        std::string itemKind = kind == "List" ? std::string() : kind.substr(0, kind.size() - 4);
        F items = doc["items"];
        std::size_t index = 0;
        items.each([&](const F& item) {
            std::size_t before = out.objects.size();
            if (!item.expectMap()) {
                ++index;
                return;
            }
            std::string iv = item["apiVersion"].str(apiVersion);
            std::string ik = item["kind"].str(itemKind);
            if (ik.empty()) {
                item.report(Severity::Error, "list item has no kind; skipped", "manifest.no-kind");
            } else if (!decodeInto(item, iv, ik, dc, out)) {
                ++out.skippedKinds[iv + ' ' + ik];
            }
            for (std::size_t i = before; i < out.objects.size(); ++i)
                std::visit(
                    [&](auto& p) {
                        const_cast<ObjectMeta&>(p->meta).sourcePath = "items[" + std::to_string(index) + "]";
                    },
                    out.objects[i].object);
            ++index;
        });
        attachSource(out, firstObject, firstEndpoints, dc, true);
        return;
    }
    if (apiVersion.empty()) {
        doc.report(Severity::Error, "document has no apiVersion; skipped", "manifest.no-apiversion");
        return;
    }
    if (!decodeInto(doc, apiVersion, kind, dc, out)) ++out.skippedKinds[apiVersion + ' ' + kind];
    attachSource(out, firstObject, firstEndpoints, dc, false);
}

}  // namespace hs::model
