#include "model/cluster_state.h"

#include <algorithm>

namespace hs::model {

namespace {
std::string joinKey(std::string_view ns, std::string_view name) {
    std::string k;
    k.reserve(ns.size() + name.size() + 1);
    k.append(ns).push_back('/');
    k.append(name);
    return k;
}
}  // namespace

template <class T>
const T* KindStore<T>::find(std::string_view ns, std::string_view name) const {
    auto it = index_.find(joinKey(ns, name));
    return it == index_.end() ? nullptr : items_[it->second].get();
}

template <class T>
Ptr<T> KindStore<T>::findShared(std::string_view ns, std::string_view name) const {
    auto it = index_.find(joinKey(ns, name));
    return it == index_.end() ? nullptr : items_[it->second];
}

template <class T>
std::span<const Ptr<T>> KindStore<T>::inNamespace(std::string_view ns) const {
    auto lo = std::lower_bound(items_.begin(), items_.end(), ns,
                               [](const Ptr<T>& o, std::string_view n) { return o->meta.ns < n; });
    auto hi =
        std::upper_bound(lo, items_.end(), ns, [](std::string_view n, const Ptr<T>& o) { return n < o->meta.ns; });
    return {items_.data() + (lo - items_.begin()), static_cast<std::size_t>(hi - lo)};
}

template <class T>
void KindStore<T>::rebuild(std::vector<Ptr<T>> items) {
    std::sort(items.begin(), items.end(), [](const Ptr<T>& a, const Ptr<T>& b) {
        if (a->meta.ns != b->meta.ns) return a->meta.ns < b->meta.ns;
        return a->meta.name < b->meta.name;
    });
    items_ = std::move(items);
    index_.clear();
    index_.reserve(items_.size());
    for (std::uint32_t i = 0; i < items_.size(); ++i)
        index_.emplace(joinKey(items_[i]->meta.ns, items_[i]->meta.name), i);
}

template class KindStore<Namespace>;
template class KindStore<Node>;
template class KindStore<IngressClass>;
template class KindStore<Ingress>;
template class KindStore<Service>;
template class KindStore<EndpointSlice>;
template class KindStore<Pod>;
template class KindStore<Workload>;
template class KindStore<Secret>;
template class KindStore<ConfigMap>;
template class KindStore<GatewayClass>;
template class KindStore<Gateway>;
template class KindStore<HTTPRoute>;
template class KindStore<ReferenceGrant>;

std::span<const EndpointSlice* const> ClusterState::slicesForService(std::string_view ns,
                                                                     std::string_view service) const {
    auto it = slicesByService_.find(joinKey(ns, service));
    if (it == slicesByService_.end()) return {};
    return {it->second.data(), it->second.size()};
}

std::vector<const Pod*> ClusterState::podsMatching(std::string_view ns, const StringMap& selector) const {
    std::vector<const Pod*> out;
    if (selector.empty()) return out;  // an empty Service selector selects nothing
    const std::vector<std::uint32_t>* smallest = nullptr;
    for (const auto& [k, v] : selector) {
        std::string key;
        key.append(ns).push_back('\0');
        key.append(k).push_back('=');
        key.append(v);
        auto it = podsByLabel_.find(key);
        if (it == podsByLabel_.end()) return out;
        if (!smallest || it->second.size() < smallest->size()) smallest = &it->second;
    }
    for (std::uint32_t idx : *smallest) {
        const Pod* p = pods_.all()[idx].get();
        bool all = std::all_of(selector.begin(), selector.end(), [&](const auto& kv) {
            const std::string* v = lookup(p->meta.labels, kv.first);
            return v && *v == kv.second;
        });
        if (all) out.push_back(p);
    }
    return out;
}

std::vector<const Pod*> ClusterState::podsMatching(std::string_view ns, const LabelSelector& selector) const {
    if (selector.matchExpressions.empty()) return podsMatching(ns, selector.matchLabels);
    std::vector<const Pod*> out;
    for (const auto& p : pods_.inNamespace(ns))
        if (selector.matches(p->meta.labels)) out.push_back(p.get());
    return out;
}

const Pod* ClusterState::podByIP(std::string_view ip) const {
    auto it = podsByIP_.find(std::string(ip));
    return it == podsByIP_.end() ? nullptr : pods_.all()[it->second].get();
}

const ObjectMeta* ClusterState::meta(const ObjectRef& r) const {
    auto m = [](const auto* o) -> const ObjectMeta* { return o ? &o->meta : nullptr; };
    switch (r.kind) {
    case Kind::Namespace: return m(namespaces_.find(r.ns, r.name));
    case Kind::Node: return m(nodes_.find(r.ns, r.name));
    case Kind::IngressClass: return m(ingressClasses_.find(r.ns, r.name));
    case Kind::Ingress: return m(ingresses_.find(r.ns, r.name));
    case Kind::Service: return m(services_.find(r.ns, r.name));
    case Kind::EndpointSlice: return m(endpointSlices_.find(r.ns, r.name));
    case Kind::Pod: return m(pods_.find(r.ns, r.name));
    case Kind::Deployment:
    case Kind::StatefulSet:
    case Kind::ReplicaSet:
    case Kind::DaemonSet: return m(workloads_.find(r.ns, r.name));
    case Kind::Secret: return m(secrets_.find(r.ns, r.name));
    case Kind::ConfigMap: return m(configMaps_.find(r.ns, r.name));
    case Kind::GatewayClass: return m(gatewayClasses_.find(r.ns, r.name));
    case Kind::Gateway: return m(gateways_.find(r.ns, r.name));
    case Kind::HTTPRoute: return m(httpRoutes_.find(r.ns, r.name));
    case Kind::ReferenceGrant: return m(referenceGrants_.find(r.ns, r.name));
    }
    return nullptr;
}

bool ClusterState::contains(const ObjectRef& ref) const { return meta(ref) != nullptr; }

std::size_t ClusterState::count(Kind k) const {
    switch (k) {
    case Kind::Namespace: return namespaces_.size();
    case Kind::Node: return nodes_.size();
    case Kind::IngressClass: return ingressClasses_.size();
    case Kind::Ingress: return ingresses_.size();
    case Kind::Service: return services_.size();
    case Kind::EndpointSlice: return endpointSlices_.size();
    case Kind::Pod: return pods_.size();
    case Kind::Deployment:
    case Kind::StatefulSet:
    case Kind::ReplicaSet:
    case Kind::DaemonSet: {
        auto wk = k == Kind::Deployment ? WorkloadKind::Deployment
            : k == Kind::StatefulSet    ? WorkloadKind::StatefulSet
            : k == Kind::ReplicaSet     ? WorkloadKind::ReplicaSet
                                        : WorkloadKind::DaemonSet;
        return static_cast<std::size_t>(std::count_if(workloads_.all().begin(), workloads_.all().end(),
                                                      [wk](const auto& w) { return w->workloadKind == wk; }));
    }
    case Kind::Secret: return secrets_.size();
    case Kind::ConfigMap: return configMaps_.size();
    case Kind::GatewayClass: return gatewayClasses_.size();
    case Kind::Gateway: return gateways_.size();
    case Kind::HTTPRoute: return httpRoutes_.size();
    case Kind::ReferenceGrant: return referenceGrants_.size();
    }
    return 0;
}

std::size_t ClusterState::objectCount() const {
    return namespaces_.size() + nodes_.size() + ingressClasses_.size() + ingresses_.size() + services_.size() +
        endpointSlices_.size() + pods_.size() + workloads_.size() + secrets_.size() + configMaps_.size() +
        gatewayClasses_.size() + gateways_.size() + httpRoutes_.size() + referenceGrants_.size();
}

// ---- builder ---------------------------------------------------------------------------------

namespace {
template <class T>
void seed(std::map<std::string, Ptr<T>>& dst, const KindStore<T>& src) {
    for (const auto& o : src.all()) dst.emplace(o->meta.ns + '/' + o->meta.name, o);
}
template <class T>
std::vector<Ptr<T>> values(const std::map<std::string, Ptr<T>>& m) {
    std::vector<Ptr<T>> v;
    v.reserve(m.size());
    for (const auto& [k, o] : m) v.push_back(o);
    return v;
}
}  // namespace

ClusterStateBuilder::ClusterStateBuilder(const ClusterState& base) {
    seed(namespaces_, base.namespaces_);
    seed(nodes_, base.nodes_);
    seed(ingressClasses_, base.ingressClasses_);
    seed(ingresses_, base.ingresses_);
    seed(services_, base.services_);
    seed(endpointSlices_, base.endpointSlices_);
    seed(pods_, base.pods_);
    seed(workloads_, base.workloads_);
    seed(secrets_, base.secrets_);
    seed(configMaps_, base.configMaps_);
    seed(gatewayClasses_, base.gatewayClasses_);
    seed(gateways_, base.gateways_);
    seed(httpRoutes_, base.httpRoutes_);
    seed(referenceGrants_, base.referenceGrants_);
    source_ = base.source_;
    generation_ = base.generation_ + 1;
}

template <>
const std::map<std::string, Ptr<Namespace>>& ClusterStateBuilder::objects<Namespace>() const {
    return namespaces_;
}
template <>
const std::map<std::string, Ptr<Node>>& ClusterStateBuilder::objects<Node>() const {
    return nodes_;
}
template <>
const std::map<std::string, Ptr<IngressClass>>& ClusterStateBuilder::objects<IngressClass>() const {
    return ingressClasses_;
}
template <>
const std::map<std::string, Ptr<Ingress>>& ClusterStateBuilder::objects<Ingress>() const {
    return ingresses_;
}
template <>
const std::map<std::string, Ptr<Service>>& ClusterStateBuilder::objects<Service>() const {
    return services_;
}
template <>
const std::map<std::string, Ptr<EndpointSlice>>& ClusterStateBuilder::objects<EndpointSlice>() const {
    return endpointSlices_;
}
template <>
const std::map<std::string, Ptr<Pod>>& ClusterStateBuilder::objects<Pod>() const {
    return pods_;
}
template <>
const std::map<std::string, Ptr<Workload>>& ClusterStateBuilder::objects<Workload>() const {
    return workloads_;
}
template <>
const std::map<std::string, Ptr<Secret>>& ClusterStateBuilder::objects<Secret>() const {
    return secrets_;
}
template <>
const std::map<std::string, Ptr<ConfigMap>>& ClusterStateBuilder::objects<ConfigMap>() const {
    return configMaps_;
}
template <>
const std::map<std::string, Ptr<GatewayClass>>& ClusterStateBuilder::objects<GatewayClass>() const {
    return gatewayClasses_;
}
template <>
const std::map<std::string, Ptr<Gateway>>& ClusterStateBuilder::objects<Gateway>() const {
    return gateways_;
}
template <>
const std::map<std::string, Ptr<HTTPRoute>>& ClusterStateBuilder::objects<HTTPRoute>() const {
    return httpRoutes_;
}
template <>
const std::map<std::string, Ptr<ReferenceGrant>>& ClusterStateBuilder::objects<ReferenceGrant>() const {
    return referenceGrants_;
}

bool ClusterStateBuilder::remove(Kind kind, std::string_view ns, std::string_view name) {
    std::string key = joinKey(ns, name);
    switch (kind) {
    case Kind::Namespace: return namespaces_.erase(key) > 0;
    case Kind::Node: return nodes_.erase(key) > 0;
    case Kind::IngressClass: return ingressClasses_.erase(key) > 0;
    case Kind::Ingress: return ingresses_.erase(key) > 0;
    case Kind::Service: return services_.erase(key) > 0;
    case Kind::EndpointSlice: return endpointSlices_.erase(key) > 0;
    case Kind::Pod: return pods_.erase(key) > 0;
    case Kind::Deployment:
    case Kind::StatefulSet:
    case Kind::ReplicaSet:
    case Kind::DaemonSet: return workloads_.erase(key) > 0;
    case Kind::Secret: return secrets_.erase(key) > 0;
    case Kind::ConfigMap: return configMaps_.erase(key) > 0;
    case Kind::GatewayClass: return gatewayClasses_.erase(key) > 0;
    case Kind::Gateway: return gateways_.erase(key) > 0;
    case Kind::HTTPRoute: return httpRoutes_.erase(key) > 0;
    case Kind::ReferenceGrant: return referenceGrants_.erase(key) > 0;
    }
    return false;
}

void ClusterStateBuilder::clear(Kind kind) {
    switch (kind) {
    case Kind::Namespace: namespaces_.clear(); break;
    case Kind::Node: nodes_.clear(); break;
    case Kind::IngressClass: ingressClasses_.clear(); break;
    case Kind::Ingress: ingresses_.clear(); break;
    case Kind::Service: services_.clear(); break;
    case Kind::EndpointSlice: endpointSlices_.clear(); break;
    case Kind::Pod: pods_.clear(); break;
    case Kind::Deployment:
    case Kind::StatefulSet:
    case Kind::ReplicaSet:
    case Kind::DaemonSet: {
        WorkloadKind wk = kind == Kind::Deployment ? WorkloadKind::Deployment
            : kind == Kind::StatefulSet            ? WorkloadKind::StatefulSet
            : kind == Kind::ReplicaSet             ? WorkloadKind::ReplicaSet
                                                   : WorkloadKind::DaemonSet;
        std::erase_if(workloads_, [wk](const auto& kv) { return kv.second->workloadKind == wk; });
        break;
    }
    case Kind::Secret: secrets_.clear(); break;
    case Kind::ConfigMap: configMaps_.clear(); break;
    case Kind::GatewayClass: gatewayClasses_.clear(); break;
    case Kind::Gateway: gateways_.clear(); break;
    case Kind::HTTPRoute: httpRoutes_.clear(); break;
    case Kind::ReferenceGrant: referenceGrants_.clear(); break;
    }
}

std::shared_ptr<const ClusterState> ClusterStateBuilder::build() const {
    auto s = std::make_shared<ClusterState>();
    s->namespaces_.rebuild(values(namespaces_));
    s->nodes_.rebuild(values(nodes_));
    s->ingressClasses_.rebuild(values(ingressClasses_));
    s->ingresses_.rebuild(values(ingresses_));
    s->services_.rebuild(values(services_));
    s->endpointSlices_.rebuild(values(endpointSlices_));
    s->pods_.rebuild(values(pods_));
    s->workloads_.rebuild(values(workloads_));
    s->secrets_.rebuild(values(secrets_));
    s->configMaps_.rebuild(values(configMaps_));
    s->gatewayClasses_.rebuild(values(gatewayClasses_));
    s->gateways_.rebuild(values(gateways_));
    s->httpRoutes_.rebuild(values(httpRoutes_));
    s->referenceGrants_.rebuild(values(referenceGrants_));
    s->source_ = source_;
    s->generation_ = generation_;

    for (const auto& slice : s->endpointSlices_.all()) {
        if (const std::string* svc = slice->serviceName())
            s->slicesByService_[joinKey(slice->meta.ns, *svc)].push_back(slice.get());
    }
    const auto& pods = s->pods_.all();
    s->podsByIP_.reserve(pods.size());
    for (std::uint32_t i = 0; i < pods.size(); ++i) {
        const Pod& p = *pods[i];
        for (const auto& [k, v] : p.meta.labels) {
            std::string key;
            key.reserve(p.meta.ns.size() + k.size() + v.size() + 2);
            key.append(p.meta.ns).push_back('\0');
            key.append(k).push_back('=');
            key.append(v);
            s->podsByLabel_[std::move(key)].push_back(i);
        }
        if (!p.podIP.empty()) s->podsByIP_.emplace(p.podIP, i);
        for (const auto& ip : p.podIPs)
            if (ip != p.podIP) s->podsByIP_.emplace(ip, i);
    }
    return s;
}

}  // namespace hs::model
