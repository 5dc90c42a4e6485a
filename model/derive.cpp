#include "model/derive.h"

#include <algorithm>
#include <map>
#include <set>

namespace hs::model {

namespace {
std::uint32_t fnv1a(std::string_view a, std::string_view b, std::uint32_t salt) {
    std::uint32_t h = 2166136261u ^ salt;
    for (char c : a) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    h = (h ^ '/') * 16777619u;
    for (char c : b) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    return h;
}

// Visits the objects of one namespace: the builder's maps are keyed "ns/name", so they are
// contiguous.
template <class T, class Fn>
void forEachInNamespace(const std::map<std::string, Ptr<T>>& m, const std::string& ns, Fn fn) {
    std::string prefix = ns + '/';
    for (auto it = m.lower_bound(prefix); it != m.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
        fn(it->second);
}

bool workloadOwnsPods(const ClusterStateBuilder& b, const Workload& w) {
    if (w.selector.empty()) return false;
    bool found = false;
    forEachInNamespace(b.objects<Pod>(), w.meta.ns, [&](const Ptr<Pod>& p) {
        if (!found && !p->meta.derived && w.selector.matches(p->meta.labels)) found = true;
    });
    return found;
}

Kind kindOfWorkload(WorkloadKind k) {
    switch (k) {
    case WorkloadKind::Deployment: return Kind::Deployment;
    case WorkloadKind::StatefulSet: return Kind::StatefulSet;
    case WorkloadKind::ReplicaSet: return Kind::ReplicaSet;
    case WorkloadKind::DaemonSet: return Kind::DaemonSet;
    }
    return Kind::Deployment;
}

// The port a Pod serves for a Service port, as the EndpointSlice controller resolves it:
// a number is used as is; a name is looked up among the Pod's container ports with the same
// protocol (first match). nullopt when the Pod has no such port.
std::optional<std::int32_t> resolveTargetPort(const Pod& pod, const ServicePort& sp) {
    const IntOrString& tp = sp.targetPort;
    if (!tp.isString) return tp.number != 0 ? tp.number : sp.port;
    for (const auto& c : pod.spec.containers)
        for (const auto& p : c.ports)
            if (p.name == tp.str && p.protocol == sp.protocol) return p.containerPort;
    return std::nullopt;
}
}  // namespace

std::string syntheticPodIP(std::string_view ns, std::string_view name, std::uint32_t attempt) {
    std::uint32_t h = fnv1a(ns, name, attempt);
    // 10.244.0.0/16 minus network/broadcast-looking ends, like a kubenet Pod CIDR
    std::uint32_t host = h % (254u * 256u);
    std::uint32_t third = host / 254u, fourth = host % 254u + 1u;
    return "10.244." + std::to_string(third) + "." + std::to_string(fourth);
}

DeriveStats deriveMissing(ClusterStateBuilder& b, std::vector<LegacyEndpoints> legacy) {
    DeriveStats stats;

    // 1. Pods for workloads without any, replicas × template, spread over schedulable Nodes.
    std::vector<std::string> nodeNames;
    for (const auto& [key, n] : b.objects<Node>())
        if (!n->unschedulable) nodeNames.push_back(n->meta.name);
    std::size_t nextNode = 0;
    std::vector<Ptr<Workload>> workloads;
    for (const auto& [key, w] : b.objects<Workload>()) workloads.push_back(w);
    for (const auto& w : workloads) {
        // ReplicaSets owned by a Deployment in the same input would double the Pods.
        if (w->workloadKind == WorkloadKind::ReplicaSet &&
            std::any_of(w->meta.ownerReferences.begin(), w->meta.ownerReferences.end(),
                        [](const OwnerReference& o) { return o.kind == "Deployment"; }))
            continue;
        if (workloadOwnsPods(b, *w)) continue;
        std::int32_t replicas = w->workloadKind == WorkloadKind::DaemonSet
            ? static_cast<std::int32_t>(std::max<std::size_t>(1, nodeNames.size()))
            : w->effectiveReplicas();
        for (std::int32_t i = 0; i < replicas; ++i) {
            auto pod = std::make_shared<Pod>();
            pod->meta.apiVersion = "v1";
            pod->meta.ns = w->meta.ns;
            pod->meta.name = w->meta.name + "-" + std::to_string(i);
            pod->meta.labels = w->podTemplate.labels;
            pod->meta.annotations = w->podTemplate.annotations;
            pod->meta.derived = true;
            Kind wk = kindOfWorkload(w->workloadKind);
            pod->meta.derivedFrom = std::string(kindName(wk)) + " " + w->meta.key();
            pod->meta.ownerReferences.push_back({kindName(wk), w->meta.name, {}, true});
            pod->meta.loadOrder = w->meta.loadOrder;
            pod->spec = w->podTemplate.spec;
            if (w->workloadKind == WorkloadKind::DaemonSet && !nodeNames.empty())
                pod->spec.nodeName = nodeNames[static_cast<std::size_t>(i) % nodeNames.size()];
            else if (pod->spec.nodeName.empty() && !nodeNames.empty())
                pod->spec.nodeName = nodeNames[nextNode++ % nodeNames.size()];
            pod->phase = "Running";
            pod->ready = true;
            b.add(Ptr<Pod>(std::move(pod)));
            ++stats.syntheticPods;
        }
    }

    // 2. IPs for Pods that have none (bare manifests), avoiding addresses already in use.
    std::set<std::string> used;
    for (const auto& [key, p] : b.objects<Pod>())
        if (!p->podIP.empty()) used.insert(p->podIP);
    std::vector<Ptr<Pod>> needIP;
    for (const auto& [key, p] : b.objects<Pod>())
        if (p->podIP.empty() && p->phase != "Succeeded" && p->phase != "Failed") needIP.push_back(p);
    for (const auto& p : needIP) {
        auto copy = std::make_shared<Pod>(*p);
        std::uint32_t attempt = 0;
        std::string ip;
        do ip = syntheticPodIP(copy->meta.ns, copy->meta.name, attempt++);
        while (used.count(ip) && attempt < 1000);
        used.insert(ip);
        copy->podIP = ip;
        copy->podIPs = {ip};
        copy->syntheticIP = true;
        if (!copy->ready && copy->phase.empty()) copy->ready = true;  // a bare manifest: assume it would start
        b.add(Ptr<Pod>(std::move(copy)));
        ++stats.syntheticIPs;
    }

    // 3. Legacy Endpoints, for Services that have no EndpointSlices of their own (the mirroring
    // controller's rule; `kubectl get endpoints,endpointslices` dumps carry both).
    std::set<std::string> servicesWithSlices;
    for (const auto& [key, s] : b.objects<EndpointSlice>())
        if (const std::string* svc = s->serviceName()) servicesWithSlices.insert(s->meta.ns + '/' + *svc);
    for (auto& le : legacy) {
        if (servicesWithSlices.count(le.meta.ns + '/' + le.meta.name)) continue;
        for (auto& s : le.slices) {
            b.add(std::make_shared<const EndpointSlice>(std::move(s)));
            ++stats.mirroredEndpoints;
        }
        servicesWithSlices.insert(le.meta.ns + '/' + le.meta.name);
    }

    // 4. EndpointSlices from selectors, grouped by the resolved port set as the controller does.
    std::vector<Ptr<Service>> services;
    for (const auto& [key, s] : b.objects<Service>()) services.push_back(s);
    for (const auto& svc : services) {
        if (!svc->selector || svc->selector->empty() || svc->type == "ExternalName") continue;
        if (servicesWithSlices.count(svc->meta.ns + '/' + svc->meta.name)) continue;
        std::map<std::vector<std::pair<std::string, std::int32_t>>, std::vector<const Pod*>> groups;
        std::vector<Ptr<Pod>> pods;
        forEachInNamespace(b.objects<Pod>(), svc->meta.ns, [&](const Ptr<Pod>& p) {
            if (p->podIP.empty() || p->phase == "Succeeded" || p->phase == "Failed") return;
            bool match = std::all_of(svc->selector->begin(), svc->selector->end(), [&](const auto& kv) {
                const std::string* v = lookup(p->meta.labels, kv.first);
                return v && *v == kv.second;
            });
            if (match) pods.push_back(p);
        });
        for (const auto& p : pods) {
            std::vector<std::pair<std::string, std::int32_t>> ports;
            for (const auto& sp : svc->ports)
                if (auto port = resolveTargetPort(*p, sp)) ports.emplace_back(sp.name, *port);
            groups[ports].push_back(p.get());
        }
        std::size_t n = 0;
        // An empty group list still yields one empty slice: the Service exists and has no endpoints.
        if (groups.empty()) groups[{}];
        for (const auto& [ports, members] : groups) {
            EndpointSlice es;
            es.meta.apiVersion = "discovery.k8s.io/v1";
            es.meta.ns = svc->meta.ns;
            es.meta.name = svc->meta.name + "-derived" + (n ? "-" + std::to_string(n) : std::string());
            ++n;
            es.meta.derived = true;
            es.meta.derivedFrom = "Service " + svc->meta.key();
            setValue(es.meta.labels, std::string(kServiceNameLabel), svc->meta.name);
            setValue(es.meta.labels, "endpointslice.kubernetes.io/managed-by", "hopscope");
            es.meta.loadOrder = svc->meta.loadOrder;
            for (const auto& [name, port] : ports) {
                EndpointPort ep;
                ep.name = name;
                ep.port = port;
                for (const auto& sp : svc->ports)
                    if (sp.name == name) ep.protocol = sp.protocol;
                es.ports.push_back(std::move(ep));
            }
            for (const Pod* p : members) {
                Endpoint e;
                e.addresses.push_back(p->podIP);
                bool terminating = p->meta.deletionTimestamp != 0;
                bool podReady = p->ready.value_or(true);
                e.conditions.ready = podReady && !terminating;
                e.conditions.serving = podReady;
                e.conditions.terminating = terminating;
                e.nodeName = p->spec.nodeName;
                e.targetRef = EndpointTargetRef{"Pod", p->meta.ns, p->meta.name, p->meta.uid};
                es.endpoints.push_back(std::move(e));
            }
            b.add(std::make_shared<const EndpointSlice>(std::move(es)));
            ++stats.derivedSlices;
        }
    }
    return stats;
}

}  // namespace hs::model
