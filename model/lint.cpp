#include "model/lint.h"

#include "model/loader.h"

#include <algorithm>

namespace hs::model {

Diagnostic objectDiagnostic(Severity sev, Kind kind, const ObjectMeta& meta, std::string_view fieldPath,
                            std::string message, std::string code) {
    Diagnostic d;
    d.severity = sev;
    d.loc = locateInSource(meta, fieldPath);
    d.message = std::move(message);
    d.object = std::string(kindName(kind)) + ' ' + meta.key();
    d.field = std::string(fieldPath);
    d.code = std::move(code);
    return d;
}

namespace {

bool servicePortExists(const Service& s, const ServiceBackendPort& p) {
    return std::any_of(s.ports.begin(), s.ports.end(),
                       [&](const ServicePort& sp) { return p.name.empty() ? sp.port == p.number : sp.name == p.name; });
}

void checkIngressBackend(const ClusterState& st, const Ingress& ing, const IngressBackend& b, const std::string& field,
                         Diagnostics& out) {
    if (!b.service) return;
    const Service* svc = st.services().find(ing.meta.ns, b.service->name);
    if (!svc) {
        out.push_back(objectDiagnostic(
            Severity::Warning, Kind::Ingress, ing.meta, field + ".service.name",
            "backend Service " + ing.meta.ns + "/" + b.service->name + " does not exist (requests here get 503)",
            "ref.service.missing"));
        return;
    }
    if (svc->type != "ExternalName" && !servicePortExists(*svc, b.service->port)) {
        std::string port = b.service->port.name.empty() ? std::to_string(b.service->port.number) : b.service->port.name;
        out.push_back(objectDiagnostic(Severity::Warning, Kind::Ingress, ing.meta, field + ".service.port",
                                       "Service " + svc->meta.key() + " has no port " + port, "ref.service.port"));
    }
}

}  // namespace

Diagnostics lintReferences(const ClusterState& st) {
    Diagnostics out;
    const bool haveClasses = st.ingressClasses().size() > 0;

    std::vector<const IngressClass*> defaults;
    for (const auto& c : st.ingressClasses().all())
        if (c->isDefault()) defaults.push_back(c.get());
    if (defaults.size() > 1)
        for (const IngressClass* c : defaults)
            out.push_back(objectDiagnostic(Severity::Warning, Kind::IngressClass, c->meta,
                                           "metadata.annotations[ingressclass.kubernetes.io/is-default-class]",
                                           std::to_string(defaults.size()) +
                                               " IngressClasses are marked default; new Ingresses without a class get "
                                               "the newest one",
                                           "ref.ingressclass.default"));

    for (const auto& ing : st.ingresses().all()) {
        if (ing->ingressClassName && haveClasses && !st.ingressClasses().find("", *ing->ingressClassName))
            out.push_back(objectDiagnostic(
                Severity::Warning, Kind::Ingress, ing->meta, "spec.ingressClassName",
                "IngressClass \"" + *ing->ingressClassName + "\" does not exist: no controller will serve this Ingress",
                "ref.ingressclass.missing"));
        if (ing->defaultBackend) checkIngressBackend(*&st, *ing, *ing->defaultBackend, "spec.defaultBackend", out);
        for (std::size_t i = 0; i < ing->rules.size(); ++i)
            for (std::size_t j = 0; j < ing->rules[i].paths.size(); ++j)
                checkIngressBackend(
                    st, *ing, ing->rules[i].paths[j].backend,
                    "spec.rules[" + std::to_string(i) + "].http.paths[" + std::to_string(j) + "].backend", out);
        for (std::size_t i = 0; i < ing->tls.size(); ++i) {
            const auto& t = ing->tls[i];
            if (t.secretName.empty()) continue;
            const Secret* s = st.secrets().find(ing->meta.ns, t.secretName);
            std::string f = "spec.tls[" + std::to_string(i) + "].secretName";
            if (!s) {
                out.push_back(objectDiagnostic(Severity::Info, Kind::Ingress, ing->meta, f,
                                               "TLS Secret " + ing->meta.ns + "/" + t.secretName +
                                                   " is not in the input (the controller would use its default "
                                                   "certificate if it is missing in the cluster too)",
                                               "ref.secret.absent"));
                continue;
            }
            if (s->certificate && s->certificate->error.empty())
                for (const auto& h : t.hosts)
                    if (!s->certificate->covers(h))
                        out.push_back(objectDiagnostic(
                            Severity::Warning, Kind::Ingress, ing->meta, f,
                            "certificate in Secret " + s->meta.key() + " does not cover host " + h, "ref.secret.host"));
        }
    }

    for (const auto& svc : st.services().all()) {
        if (!svc->selector || svc->selector->empty() || svc->type == "ExternalName") continue;
        if (st.podsMatching(svc->meta.ns, *svc->selector).empty()) {
            bool templateMatches =
                std::any_of(st.workloads().all().begin(), st.workloads().all().end(), [&](const auto& w) {
                    if (w->meta.ns != svc->meta.ns) return false;
                    return std::all_of(svc->selector->begin(), svc->selector->end(), [&](const auto& kv) {
                        const std::string* v = lookup(w->podTemplate.labels, kv.first);
                        return v && *v == kv.second;
                    });
                });
            if (!templateMatches)
                out.push_back(
                    objectDiagnostic(Severity::Warning, Kind::Service, svc->meta, "spec.selector",
                                     "selector matches no Pod or workload template: the Service has no endpoints",
                                     "ref.service.selector"));
        }
    }

    for (const auto& es : st.endpointSlices().all()) {
        if (es->meta.derived) continue;
        const std::string* svc = es->serviceName();
        if (!svc)
            out.push_back(objectDiagnostic(Severity::Info, Kind::EndpointSlice, es->meta, "metadata.labels",
                                           "no kubernetes.io/service-name label: no Service uses this slice",
                                           "ref.slice.unlabelled"));
        else if (!st.services().find(es->meta.ns, *svc))
            out.push_back(objectDiagnostic(
                Severity::Warning, Kind::EndpointSlice, es->meta, "metadata.labels[kubernetes.io/service-name]",
                "Service " + es->meta.ns + "/" + *svc + " does not exist", "ref.slice.service"));
    }

    for (const auto& gw : st.gateways().all())
        if (st.gatewayClasses().size() > 0 && !st.gatewayClasses().find("", gw->gatewayClassName))
            out.push_back(objectDiagnostic(Severity::Warning, Kind::Gateway, gw->meta, "spec.gatewayClassName",
                                           "GatewayClass \"" + gw->gatewayClassName + "\" does not exist",
                                           "ref.gatewayclass.missing"));

    for (const auto& r : st.httpRoutes().all()) {
        for (std::size_t i = 0; i < r->parentRefs.size(); ++i) {
            const auto& p = r->parentRefs[i];
            if (p.kind != "Gateway") continue;
            std::string ns = p.ns.empty() ? r->meta.ns : p.ns;
            if (!st.gateways().find(ns, p.name))
                out.push_back(objectDiagnostic(
                    Severity::Warning, Kind::HTTPRoute, r->meta, "spec.parentRefs[" + std::to_string(i) + "].name",
                    "Gateway " + ns + "/" + p.name + " does not exist", "ref.gateway.missing"));
        }
        for (std::size_t i = 0; i < r->rules.size(); ++i)
            for (std::size_t j = 0; j < r->rules[i].backendRefs.size(); ++j) {
                const auto& b = r->rules[i].backendRefs[j].ref;
                if (b.kind != "Service" || !b.group.empty()) continue;
                std::string ns = b.ns.empty() ? r->meta.ns : b.ns;
                if (!st.services().find(ns, b.name))
                    out.push_back(objectDiagnostic(
                        Severity::Warning, Kind::HTTPRoute, r->meta,
                        "spec.rules[" + std::to_string(i) + "].backendRefs[" + std::to_string(j) + "].name",
                        "backend Service " + ns + "/" + b.name + " does not exist", "ref.service.missing"));
            }
    }
    sortDiagnostics(out);
    return out;
}

}  // namespace hs::model
