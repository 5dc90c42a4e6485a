#include "simulator/endpoints.h"

#include "model/validation.h"

#include <algorithm>
#include <set>

namespace hs::sim {

using namespace hs::model;

std::string joinHostPort(std::string_view host, std::int32_t port) {
    std::string out;
    if (host.find(':') != std::string_view::npos) {
        out += '[';
        out += host;
        out += ']';
    } else {
        out += host;
    }
    out += ':';
    out += std::to_string(port);
    return out;
}

namespace {

std::string targetPortString(const ServicePort& sp) {
    if (sp.targetPort.isString) return sp.targetPort.str;
    return std::to_string(sp.targetPort.number != 0 ? sp.targetPort.number : sp.port);
}

void attachPod(const ClusterState& st, const Endpoint& e, std::string_view ns, EndpointInfo& info) {
    if (e.targetRef && e.targetRef->kind == "Pod")
        info.pod = st.pods().find(e.targetRef->ns.empty() ? ns : std::string_view(e.targetRef->ns), e.targetRef->name);
    if (!info.pod) info.pod = st.podByIP(info.address);
    if (info.pod) info.podKey = info.pod->meta.key();
    info.node = !e.nodeName.empty() ? e.nodeName : info.pod ? info.pod->spec.nodeName : std::string();
    info.zone = e.zone;
    if (info.zone.empty() && !info.node.empty())
        if (const Node* n = st.nodes().find("", info.node)) info.zone = n->zone();
    info.ready = e.conditions.ready.value_or(true);
    info.serving = e.conditions.serving.value_or(info.ready);
    info.terminating = e.conditions.terminating.value_or(false);
}

bool loopbackName(std::string_view name) {
    if (name == "localhost") return true;
    if (names::isIPv4(name)) return name.rfind("127.", 0) == 0;
    if (names::isIPv6(name)) return name == "::1";
    return false;
}

}  // namespace

const ServicePort* nginxServicePort(const Service& svc, std::string_view backendPort) {
    for (const auto& sp : svc.ports)
        if (std::to_string(sp.port) == backendPort || targetPortString(sp) == backendPort || sp.name == backendPort)
            return &sp;
    return nullptr;
}

ResolvedBackend resolveNginx(const ClusterState& st, std::string_view ns, std::string_view service,
                             std::string_view backendPort) {
    ResolvedBackend r;
    r.service = st.services().find(ns, service);
    if (!r.service) {
        r.problem = "Service " + std::string(ns) + "/" + std::string(service) + " does not exist";
        return r;
    }
    const Service& svc = *r.service;
    if (svc.type == "ExternalName") {
        r.externalName = true;
        // externalNamePorts(): a name picks that port's targetPort (or port); a number the port
        // with that number; otherwise the number itself.
        std::int32_t port = 0;
        for (const auto& sp : svc.ports)
            if (sp.name == backendPort || std::to_string(sp.port) == backendPort) {
                r.servicePort = &sp;
                port = sp.targetPort.isString || sp.targetPort.number == 0 ? sp.port : sp.targetPort.number;
                break;
            }
        if (!r.servicePort) {
            int n = 0;
            for (char c : backendPort) n = (c >= '0' && c <= '9') ? n * 10 + (c - '0') : -1000000;
            port = n > 0 ? n : 0;
        }
        if (loopbackName(svc.externalName)) {
            r.problem = "ExternalName " + svc.externalName + " is localhost or loopback: ingress-nginx refuses it";
            return r;
        }
        std::string name = svc.externalName;
        while (!name.empty() && name.back() == '.') name.pop_back();
        if (!names::isIP(name) && !names::dns1123Subdomain(name).empty()) {
            r.problem = "ExternalName \"" + svc.externalName + "\" is not a valid DNS name";
            return r;
        }
        EndpointInfo e;
        e.address = svc.externalName;
        e.port = port;
        e.hostPort = joinHostPort(e.address, port);
        r.endpoints.push_back(std::move(e));
        return r;
    }
    r.servicePort = nginxServicePort(svc, backendPort);
    if (!r.servicePort) {
        r.problem = "Service " + svc.meta.key() + " has no port matching \"" + std::string(backendPort) + "\"";
        return r;
    }
    const ServicePort& port = *r.servicePort;
    std::set<std::string> seen;
    std::size_t notReady = 0;
    auto slices = st.slicesForService(ns, service);
    std::vector<const EndpointSlice*> ordered(slices.begin(), slices.end());
    std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->meta.name < b->meta.name; });
    for (const EndpointSlice* es : ordered) {
        if (es->meta.name.rfind(svc.meta.name, 0) != 0) continue;  // ingress-nginx's slice-name prefix check
        std::vector<std::int32_t> ports;
        if (es->ports.empty() && !port.targetPort.isString) {
            ports.push_back(port.targetPort.number ? port.targetPort.number : port.port);
        } else {
            for (const auto& ep : es->ports) {
                if (ep.protocol != port.protocol) continue;
                std::int32_t target = 0;
                if (port.name.empty())
                    target = ep.port.value_or(0);
                else if (ep.name && *ep.name == port.name)
                    target = ep.port.value_or(0);
                if (target == 0 && !port.targetPort.isString)
                    target = port.targetPort.number ? port.targetPort.number : 0;
                if (target == 0) continue;
                ports.push_back(target);
            }
        }
        for (const Endpoint& e : es->endpoints) {
            if (e.addresses.empty()) continue;
            if (e.conditions.ready.has_value() && !*e.conditions.ready) {
                ++notReady;
                continue;
            }
            if (ports.empty()) ++r.excluded;
            for (std::int32_t p : ports) {
                EndpointInfo info;
                info.address = e.addresses.front();
                info.port = p;
                info.hostPort = joinHostPort(info.address, p);
                if (!seen.insert(info.hostPort).second) continue;
                attachPod(st, e, ns, info);
                r.endpoints.push_back(std::move(info));
            }
        }
    }
    r.excluded += notReady;
    if (r.endpoints.empty()) {
        if (ordered.empty())
            r.problem = "Service " + svc.meta.key() + " has no EndpointSlices";
        else if (notReady)
            r.problem = "no ready endpoints (" + std::to_string(notReady) + " not ready)";
        else if (r.excluded)
            r.problem = "no endpoint serves port " + (port.name.empty() ? std::to_string(port.port) : port.name);
        else
            r.problem = "Service " + svc.meta.key() + " has no endpoints";
    }
    return r;
}

ResolvedBackend resolveKubeProxy(const ClusterState& st, std::string_view ns, std::string_view service,
                                 std::int32_t servicePort) {
    ResolvedBackend r;
    r.service = st.services().find(ns, service);
    if (!r.service) {
        r.problem = "Service " + std::string(ns) + "/" + std::string(service) + " does not exist";
        return r;
    }
    const Service& svc = *r.service;
    for (const auto& sp : svc.ports)
        if (sp.port == servicePort) r.servicePort = &sp;
    if (svc.type == "ExternalName") {
        r.externalName = true;
        EndpointInfo e;
        e.address = svc.externalName;
        e.port = servicePort;
        e.hostPort = joinHostPort(e.address, servicePort);
        r.endpoints.push_back(std::move(e));
        return r;
    }
    if (!r.servicePort) {
        r.problem = "Service " + svc.meta.key() + " has no port " + std::to_string(servicePort);
        return r;
    }
    const ServicePort& port = *r.servicePort;
    std::vector<EndpointInfo> ready, fallback;
    std::set<std::string> seen;
    for (const EndpointSlice* es : st.slicesForService(ns, service)) {
        std::int32_t target = 0;
        for (const auto& ep : es->ports)
            if (ep.protocol == port.protocol && ep.name.value_or("") == port.name) target = ep.port.value_or(0);
        if (target == 0) {
            r.excluded += es->endpoints.size();
            continue;
        }
        for (const Endpoint& e : es->endpoints) {
            if (e.addresses.empty()) continue;
            EndpointInfo info;
            info.address = e.addresses.front();
            info.port = target;
            info.hostPort = joinHostPort(info.address, target);
            if (!seen.insert(info.hostPort).second) continue;
            attachPod(st, e, ns, info);
            if (info.ready)
                ready.push_back(std::move(info));
            else if (info.serving && info.terminating)
                fallback.push_back(std::move(info));
            else
                ++r.excluded;
        }
    }
    r.endpoints = ready.empty() ? std::move(fallback) : std::move(ready);
    std::sort(r.endpoints.begin(), r.endpoints.end(),
              [](const auto& a, const auto& b) { return a.hostPort < b.hostPort; });
    if (r.endpoints.empty())
        r.problem = r.excluded ? "no ready endpoints" : "Service " + svc.meta.key() + " has no endpoints";
    return r;
}

}  // namespace hs::sim
