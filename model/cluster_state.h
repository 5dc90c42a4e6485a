#pragma once
// ClusterState: an immutable snapshot of everything routing depends on, with indexes by
// kind/namespace/name and by Pod label. Build one with ClusterStateBuilder; share it as
// `std::shared_ptr<const ClusterState>` between threads without locks (nothing in it changes
// after build()). Objects are held by shared_ptr so the next snapshot of a live cluster reuses
// every object that did not change.

#include "model/objects.h"

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hs::model {

template <class T>
using Ptr = std::shared_ptr<const T>;

// Objects of one kind sorted by (namespace, name), with a hash index.
template <class T>
class KindStore {
public:
    const std::vector<Ptr<T>>& all() const { return items_; }
    std::size_t size() const { return items_.size(); }
    const T* find(std::string_view ns, std::string_view name) const;
    Ptr<T> findShared(std::string_view ns, std::string_view name) const;
    // The objects of one namespace (a contiguous range of all()).
    std::span<const Ptr<T>> inNamespace(std::string_view ns) const;

private:
    friend class ClusterStateBuilder;
    void rebuild(std::vector<Ptr<T>> items);
    std::vector<Ptr<T>> items_;
    std::unordered_map<std::string, std::uint32_t> index_;  // "ns/name" -> position
};

class ClusterState {
public:
    const KindStore<Namespace>& namespaces() const { return namespaces_; }
    const KindStore<Node>& nodes() const { return nodes_; }
    const KindStore<IngressClass>& ingressClasses() const { return ingressClasses_; }
    const KindStore<Ingress>& ingresses() const { return ingresses_; }
    const KindStore<Service>& services() const { return services_; }
    const KindStore<EndpointSlice>& endpointSlices() const { return endpointSlices_; }
    const KindStore<Pod>& pods() const { return pods_; }
    const KindStore<Workload>& workloads() const { return workloads_; }  // all four workload kinds
    const KindStore<Secret>& secrets() const { return secrets_; }
    const KindStore<ConfigMap>& configMaps() const { return configMaps_; }
    const KindStore<GatewayClass>& gatewayClasses() const { return gatewayClasses_; }
    const KindStore<Gateway>& gateways() const { return gateways_; }
    const KindStore<HTTPRoute>& httpRoutes() const { return httpRoutes_; }
    const KindStore<ReferenceGrant>& referenceGrants() const { return referenceGrants_; }

    // EndpointSlices whose kubernetes.io/service-name label names this Service, by slice name.
    std::span<const EndpointSlice* const> slicesForService(std::string_view ns, std::string_view service) const;
    // Pods of a namespace whose labels match every selector pair (a Service selector), by name.
    std::vector<const Pod*> podsMatching(std::string_view ns, const StringMap& selector) const;
    std::vector<const Pod*> podsMatching(std::string_view ns, const LabelSelector& selector) const;
    // The Pod owning an IP address (podIP / podIPs), nullptr when none.
    const Pod* podByIP(std::string_view ip) const;
    // Objects that reference this object by name in routing terms are found by the simulator;
    // here only the generic lookup by ObjectRef.
    bool contains(const ObjectRef& ref) const;
    const ObjectMeta* meta(const ObjectRef& ref) const;

    std::size_t objectCount() const;
    std::size_t count(Kind k) const;

    // A description of where this snapshot came from: "demo", "files: a.yaml, b/", "context prod".
    const std::string& source() const { return source_; }
    // Increases with every snapshot built from the same builder lineage.
    std::uint64_t generation() const { return generation_; }

private:
    friend class ClusterStateBuilder;
    KindStore<Namespace> namespaces_;
    KindStore<Node> nodes_;
    KindStore<IngressClass> ingressClasses_;
    KindStore<Ingress> ingresses_;
    KindStore<Service> services_;
    KindStore<EndpointSlice> endpointSlices_;
    KindStore<Pod> pods_;
    KindStore<Workload> workloads_;
    KindStore<Secret> secrets_;
    KindStore<ConfigMap> configMaps_;
    KindStore<GatewayClass> gatewayClasses_;
    KindStore<Gateway> gateways_;
    KindStore<HTTPRoute> httpRoutes_;
    KindStore<ReferenceGrant> referenceGrants_;

    std::unordered_map<std::string, std::vector<const EndpointSlice*>> slicesByService_;  // "ns/svc"
    std::unordered_map<std::string, std::vector<std::uint32_t>> podsByLabel_;  // "ns\0key=value" -> pod positions
    std::unordered_map<std::string, std::uint32_t> podsByIP_;
    std::string source_;
    std::uint64_t generation_ = 0;
};

// Collects objects, then freezes them into a ClusterState. Adding an object with the same kind,
// namespace and name as an earlier one replaces it (as a later `kubectl apply` would). Not
// thread-safe; build on one thread, share the result.
class ClusterStateBuilder {
public:
    ClusterStateBuilder() = default;
    // Starts from an existing snapshot (sharing its objects) — how live updates make the next one.
    explicit ClusterStateBuilder(const ClusterState& base);

    void add(Ptr<Namespace> o) { put(namespaces_, std::move(o)); }
    void add(Ptr<Node> o) { put(nodes_, std::move(o)); }
    void add(Ptr<IngressClass> o) { put(ingressClasses_, std::move(o)); }
    void add(Ptr<Ingress> o) { put(ingresses_, std::move(o)); }
    void add(Ptr<Service> o) { put(services_, std::move(o)); }
    void add(Ptr<EndpointSlice> o) { put(endpointSlices_, std::move(o)); }
    void add(Ptr<Pod> o) { put(pods_, std::move(o)); }
    void add(Ptr<Workload> o) { put(workloads_, std::move(o)); }
    void add(Ptr<Secret> o) { put(secrets_, std::move(o)); }
    void add(Ptr<ConfigMap> o) { put(configMaps_, std::move(o)); }
    void add(Ptr<GatewayClass> o) { put(gatewayClasses_, std::move(o)); }
    void add(Ptr<Gateway> o) { put(gateways_, std::move(o)); }
    void add(Ptr<HTTPRoute> o) { put(httpRoutes_, std::move(o)); }
    void add(Ptr<ReferenceGrant> o) { put(referenceGrants_, std::move(o)); }
    template <class T>
    void add(T&& value) {
        add(std::make_shared<const std::decay_t<T>>(std::forward<T>(value)));
    }

    // Removes an object; returns whether it existed. Workloads are one store: pass any workload kind.
    bool remove(Kind kind, std::string_view ns, std::string_view name);
    // Removes every object of a kind (a relist replaces them all).
    void clear(Kind kind);

    // Read access while building (the derivation step inspects what is there).
    template <class T>
    const std::map<std::string, Ptr<T>>& objects() const;

    void setSource(std::string source) { source_ = std::move(source); }
    void setGeneration(std::uint64_t g) { generation_ = g; }

    std::shared_ptr<const ClusterState> build() const;

private:
    template <class T>
    static void put(std::map<std::string, Ptr<T>>& store, Ptr<T> o) {
        std::string key = o->meta.ns + '/' + o->meta.name;
        store[std::move(key)] = std::move(o);
    }

    std::map<std::string, Ptr<Namespace>> namespaces_;
    std::map<std::string, Ptr<Node>> nodes_;
    std::map<std::string, Ptr<IngressClass>> ingressClasses_;
    std::map<std::string, Ptr<Ingress>> ingresses_;
    std::map<std::string, Ptr<Service>> services_;
    std::map<std::string, Ptr<EndpointSlice>> endpointSlices_;
    std::map<std::string, Ptr<Pod>> pods_;
    std::map<std::string, Ptr<Workload>> workloads_;
    std::map<std::string, Ptr<Secret>> secrets_;
    std::map<std::string, Ptr<ConfigMap>> configMaps_;
    std::map<std::string, Ptr<GatewayClass>> gatewayClasses_;
    std::map<std::string, Ptr<Gateway>> gateways_;
    std::map<std::string, Ptr<HTTPRoute>> httpRoutes_;
    std::map<std::string, Ptr<ReferenceGrant>> referenceGrants_;
    std::string source_;
    std::uint64_t generation_ = 0;
};

}  // namespace hs::model
