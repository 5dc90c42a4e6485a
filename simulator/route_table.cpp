#include "simulator/route_table.h"

#include "simulator/endpoints.h"
#include "simulator/gateway/gateway_table.h"
#include "simulator/gce/gce_table.h"
#include "simulator/nginx/nginx_table.h"
#include "simulator/spec/spec_table.h"

namespace hs::sim {

const char* profileName(Profile p) {
    switch (p) {
    case Profile::IngressNginx: return "ingress-nginx";
    case Profile::GatewayApi: return "gateway-api";
    case Profile::Gce: return "gce";
    case Profile::Spec: return "spec";
    }
    return "ingress-nginx";
}

std::optional<Profile> profileFromName(std::string_view name) {
    for (Profile p : {Profile::IngressNginx, Profile::GatewayApi, Profile::Gce, Profile::Spec})
        if (name == profileName(p)) return p;
    if (name == "nginx") return Profile::IngressNginx;
    if (name == "gateway") return Profile::GatewayApi;
    return std::nullopt;
}

const char* ruleStatusName(RuleView::Status s) {
    switch (s) {
    case RuleView::Status::Active: return "active";
    case RuleView::Status::Shadowed: return "shadowed";
    case RuleView::Status::NotServed: return "not-served";
    case RuleView::Status::Broken: return "broken";
    }
    return "active";
}

namespace {
BackendView viewOf(const ResolvedBackend& r, std::string service, std::int32_t port) {
    BackendView b;
    b.service = std::move(service);
    b.port = r.servicePort ? r.servicePort->port : port;
    if (r.servicePort) b.portName = r.servicePort->name;
    for (const auto& e : r.endpoints) b.endpoints.push_back({e.hostPort, e.podKey, e.node, e.ready});
    b.problem = r.problem;
    return b;
}
}  // namespace

std::vector<RuleView> RouteTable::rules() const {
    std::vector<RuleView> out;
    const model::ClusterState& st = state();
    // Ingress profiles describe Ingresses, the Gateway API profile HTTPRoutes.
    const bool gateway = profile() == Profile::GatewayApi;
    for (const auto& ing : st.ingresses().all()) {
        if (gateway) break;
        model::ObjectRef ref{model::Kind::Ingress, ing->meta.ns, ing->meta.name};
        bool served = serves(ref);
        std::string cls = ing->ingressClassName.value_or("");
        auto add = [&](const model::IngressBackend& be, std::string host, std::string path, std::string type, int ri,
                       int pi) {
            RuleView v;
            v.route = ref;
            v.entry = cls.empty() ? std::string("Ingress controller") : "IngressClass " + cls;
            v.entryId = "class/" + cls;
            v.host = std::move(host);
            v.path = std::move(path);
            v.pathType = std::move(type);
            v.rule = ri;
            v.pathIndex = pi;
            if (!served) {
                v.status = RuleView::Status::NotServed;
                v.reason = "not served by this controller";
            }
            if (be.service) {
                std::int32_t port = be.service->port.number;
                if (port == 0)
                    if (const auto* svc = st.services().find(ing->meta.ns, be.service->name))
                        for (const auto& sp : svc->ports)
                            if (sp.name == be.service->port.name) port = sp.port;
                ResolvedBackend r = resolveKubeProxy(st, ing->meta.ns, be.service->name, port);
                v.backends.push_back(viewOf(r, ing->meta.ns + "/" + be.service->name, port));
                if (served && r.endpoints.empty()) {
                    v.status = RuleView::Status::Broken;
                    v.reason = r.problem;
                }
            }
            out.push_back(std::move(v));
        };
        if (ing->defaultBackend) add(*ing->defaultBackend, "", "(default backend)", "", -1, -1);
        for (std::size_t i = 0; i < ing->rules.size(); ++i)
            for (std::size_t j = 0; j < ing->rules[i].paths.size(); ++j) {
                const auto& p = ing->rules[i].paths[j];
                add(p.backend, ing->rules[i].host, p.path.empty() ? "/" : p.path, model::pathTypeName(p.pathType),
                    static_cast<int>(i), static_cast<int>(j));
            }
    }
    for (const auto& r : st.httpRoutes().all()) {
        if (!gateway) break;
        model::ObjectRef ref{model::Kind::HTTPRoute, r->meta.ns, r->meta.name};
        std::string hosts;
        for (const auto& h : r->hostnames) hosts += (hosts.empty() ? "" : ",") + h;
        std::string entry, entryId;
        for (const auto& p : r->parentRefs)
            if (p.kind == "Gateway") {
                std::string ns = p.ns.empty() ? r->meta.ns : p.ns;
                entry = "Gateway " + ns + "/" + p.name;
                entryId = "gateway/" + ns + "/" + p.name;
                break;
            }
        for (std::size_t i = 0; i < r->rules.size(); ++i) {
            const auto& rule = r->rules[i];
            RuleView v;
            v.route = ref;
            v.entry = entry;
            v.entryId = entryId;
            v.host = hosts;
            v.rule = static_cast<int>(i);
            model::HTTPPathMatch pm = rule.matches.empty() || !rule.matches.front().path ? model::HTTPPathMatch{}
                                                                                         : *rule.matches.front().path;
            v.path = pm.value;
            v.pathType = pm.type;
            if (!serves(ref)) {
                v.status = RuleView::Status::NotServed;
                v.reason = "not accepted";
            }
            int total = 0;
            for (const auto& b : rule.backendRefs) total += b.weight;
            for (const auto& b : rule.backendRefs) {
                if (b.ref.kind != "Service" || !b.ref.group.empty()) continue;
                std::string ns = b.ref.ns.empty() ? r->meta.ns : b.ref.ns;
                ResolvedBackend res = resolveKubeProxy(st, ns, b.ref.name, b.ref.port.value_or(0));
                BackendView bv = viewOf(res, ns + "/" + b.ref.name, b.ref.port.value_or(0));
                if (rule.backendRefs.size() > 1 && total > 0)
                    bv.label = "weight " + std::to_string(b.weight * 100 / total) + "%";
                v.backends.push_back(std::move(bv));
            }
            out.push_back(std::move(v));
        }
    }
    return out;
}

std::shared_ptr<const RouteTable> compileRouteTable(std::shared_ptr<const model::ClusterState> state,
                                                    const ProfileOptions& options) {
    switch (options.profile) {
    case Profile::IngressNginx: {
        nginx::Settings s = nginx::settingsFor(*state, options);
        return nginx::compileNginx(std::move(state), s);
    }
    case Profile::GatewayApi: return gateway::compileGateway(std::move(state), options);
    case Profile::Gce: return gce::compileGce(std::move(state), options);
    case Profile::Spec: return spec::compileSpec(std::move(state), options);
    }
    return nullptr;
}

}  // namespace hs::sim
