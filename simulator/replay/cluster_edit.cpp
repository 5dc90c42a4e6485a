#include "simulator/replay/cluster_edit.h"

#include "model/derive.h"
#include "model/loader.h"

#include <algorithm>
#include <set>

namespace hs::replay {

using namespace hs::model;

namespace {

std::pair<std::string, std::string> split(const std::string& key) {
    auto slash = key.find('/');
    return {key.substr(0, slash), key.substr(slash + 1)};
}

bool endpointIsPod(const Endpoint& e, const Pod& p) {
    if (e.targetRef && e.targetRef->kind == "Pod" && e.targetRef->name == p.meta.name && e.targetRef->ns == p.meta.ns)
        return true;
    if (e.targetRef && e.targetRef->kind == "Pod" && e.targetRef->name == p.meta.name && e.targetRef->ns.empty())
        return true;
    for (const auto& a : e.addresses)
        if (!a.empty() && (a == p.podIP || std::find(p.podIPs.begin(), p.podIPs.end(), a) != p.podIPs.end()))
            return true;
    return false;
}

// Rewrites every EndpointSlice of the Pod's namespace with `fn(endpoints)`; returns how many
// endpoints `fn` reported touching.
template <class Fn>
std::size_t editSlices(ClusterStateBuilder& b, const std::string& ns, Fn fn) {
    std::vector<Ptr<EndpointSlice>> slices;
    for (const auto& [key, s] : b.objects<EndpointSlice>())
        if (s->meta.ns == ns) slices.push_back(s);
    std::size_t touched = 0;
    for (const auto& s : slices) {
        auto copy = std::make_shared<EndpointSlice>(*s);
        std::size_t n = fn(*copy);
        if (n) {
            touched += n;
            b.add(Ptr<EndpointSlice>(std::move(copy)));
        }
    }
    return touched;
}

const Pod* findPod(const ClusterStateBuilder& b, const std::string& key) {
    const auto& pods = b.objects<Pod>();
    auto it = pods.find(key);
    return it == pods.end() ? nullptr : it->second.get();
}

std::size_t setReady(ClusterStateBuilder& b, const Pod& pod, bool ready) {
    auto copy = std::make_shared<Pod>(pod);
    copy->ready = ready;
    b.add(Ptr<Pod>(copy));
    return editSlices(b, pod.meta.ns, [&](EndpointSlice& s) {
        std::size_t n = 0;
        for (auto& e : s.endpoints)
            if (endpointIsPod(e, pod)) {
                bool terminating = e.conditions.terminating.value_or(false);
                e.conditions.ready = ready && !terminating;
                e.conditions.serving = ready;
                ++n;
            }
        return n;
    });
}

std::size_t deletePod(ClusterStateBuilder& b, const Pod& pod) {
    Pod keep = pod;  // `pod` lives in the builder's map
    b.remove(Kind::Pod, keep.meta.ns, keep.meta.name);
    return editSlices(b, keep.meta.ns, [&](EndpointSlice& s) {
        std::size_t before = s.endpoints.size();
        s.endpoints.erase(std::remove_if(s.endpoints.begin(), s.endpoints.end(),
                                         [&](const Endpoint& e) { return endpointIsPod(e, keep); }),
                          s.endpoints.end());
        return before - s.endpoints.size();
    });
}

std::string freeIP(const ClusterStateBuilder& b, const std::string& ns, const std::string& name) {
    std::set<std::string> used;
    for (const auto& [key, p] : b.objects<Pod>())
        if (!p->podIP.empty()) used.insert(p->podIP);
    std::uint32_t attempt = 0;
    std::string ip;
    do ip = syntheticPodIP(ns, name, attempt++);
    while (used.count(ip) && attempt < 10000);
    return ip;
}

// Adds a copy of `like` named `key`; its endpoints are copies of `like`'s in the same slices.
std::size_t addPod(ClusterStateBuilder& b, const Pod& like, const std::string& key, std::string ip) {
    // Plain names, not a structured binding: a lambda below captures them, which clang before 16
    // rejects (the fuzz build uses Debian's clang 14).
    const auto parts = split(key);
    const std::string& ns = parts.first;
    const std::string& name = parts.second;
    Pod old = like;
    auto pod = std::make_shared<Pod>(like);
    pod->meta.name = name;
    pod->meta.ns = ns;
    pod->meta.uid.clear();
    pod->meta.derived = true;
    pod->meta.derivedFrom = "scenario (like " + like.meta.key() + ")";
    pod->meta.deletionTimestamp = 0;
    pod->meta.source = nullptr;
    if (ip.empty()) ip = freeIP(b, ns, name);
    pod->podIP = ip;
    pod->podIPs = {ip};
    pod->syntheticIP = true;
    pod->ready = true;
    pod->phase = "Running";
    b.add(Ptr<Pod>(pod));
    return editSlices(b, ns, [&](EndpointSlice& s) {
        std::vector<Endpoint> added;
        for (const auto& e : s.endpoints)
            if (endpointIsPod(e, old)) {
                Endpoint c = e;
                c.addresses = {ip};
                c.conditions.ready = true;
                c.conditions.serving = true;
                c.conditions.terminating = false;
                c.hostname.clear();
                c.targetRef = EndpointTargetRef{"Pod", ns, name, {}};
                added.push_back(std::move(c));
            }
        for (auto& e : added) s.endpoints.push_back(std::move(e));
        return added.size();
    });
}

// Ready Pods behind a Service (from its slices), by name.
std::vector<const Pod*> readyPods(const ClusterStateBuilder& b, const std::string& ns, const std::string& service) {
    std::set<std::string> names;
    std::vector<const Pod*> out;
    for (const auto& [key, s] : b.objects<EndpointSlice>()) {
        const std::string* svc = s->serviceName();
        if (s->meta.ns != ns || !svc || *svc != service) continue;
        for (const auto& e : s->endpoints) {
            if (!e.conditions.ready.value_or(true)) continue;
            for (const auto& [pk, p] : b.objects<Pod>())
                if (p->meta.ns == ns && endpointIsPod(e, *p) && names.insert(p->meta.name).second)
                    out.push_back(p.get());
        }
    }
    std::sort(out.begin(), out.end(), [](const Pod* a, const Pod* c) { return a->meta.name < c->meta.name; });
    return out;
}

template <class T>
void addAll(ClusterStateBuilder& b, const KindStore<T>& store) {
    for (const auto& o : store.all()) b.add(o);
}

}  // namespace

EditResult applyClusterEvent(const ClusterState& state, const ScenarioEvent& e) {
    EditResult r;
    ClusterStateBuilder b(state);
    using K = ScenarioEvent::Kind;
    switch (e.kind) {
    case K::PodUnready:
    case K::PodReady: {
        const Pod* p = findPod(b, e.target);
        if (!p) {
            r.error = "no Pod " + e.target + " in the snapshot";
            return r;
        }
        bool ready = e.kind == K::PodReady;
        std::size_t n = setReady(b, *p, ready);
        r.effect = std::to_string(n) + " endpoint(s) of Pod " + e.target + " marked " + (ready ? "ready" : "not ready");
        break;
    }
    case K::PodDeleted: {
        const Pod* p = findPod(b, e.target);
        if (!p) {
            r.error = "no Pod " + e.target + " in the snapshot";
            return r;
        }
        std::size_t n = deletePod(b, *p);
        r.effect = "Pod " + e.target + " and " + std::to_string(n) + " endpoint(s) removed";
        break;
    }
    case K::PodAdded: {
        const Pod* like = findPod(b, e.like);
        if (!like) {
            r.error = "no Pod " + e.like + " to copy";
            return r;
        }
        if (findPod(b, e.target)) {
            r.error = "Pod " + e.target + " exists already";
            return r;
        }
        Pod copy = *like;
        std::size_t n = addPod(b, copy, e.target, e.ip);
        r.effect = "Pod " + e.target + " added with " + std::to_string(n) + " endpoint(s) (like " + e.like + ")";
        break;
    }
    case K::Scale: {
        auto [ns, name] = split(e.target);
        if (!state.services().find(ns, name)) {
            r.error = "no Service " + e.target + " in the snapshot";
            return r;
        }
        auto pods = readyPods(b, ns, name);
        std::size_t have = pods.size();
        auto want = static_cast<std::size_t>(e.number);
        if (want < have) {
            std::vector<Pod> drop;
            for (std::size_t i = want; i < have; ++i) drop.push_back(*pods[i]);
            for (const Pod& p : drop) deletePod(b, p);
            r.effect = "Service " + e.target + " scaled from " + std::to_string(have) + " to " + std::to_string(want) +
                " ready Pod(s)";
        } else if (want > have) {
            if (have == 0) {
                r.error = "Service " + e.target + " has no ready Pod to copy; use `apply` with a Deployment instead";
                return r;
            }
            Pod like = *pods.back();
            std::size_t k = 1;
            for (std::size_t added = 0; added < want - have; ++k) {
                std::string key = ns + "/" + name + "-scaled-" + std::to_string(k);
                if (findPod(b, key)) continue;
                addPod(b, like, key, {});
                ++added;
            }
            r.effect = "Service " + e.target + " scaled from " + std::to_string(have) + " to " + std::to_string(want) +
                " ready Pod(s) (copies of " + like.meta.key() + ")";
        } else {
            r.effect = "Service " + e.target + " already has " + std::to_string(have) + " ready Pod(s)";
        }
        break;
    }
    case K::CanaryWeight: {
        auto [ns, name] = split(e.target);
        const Ingress* ing = state.ingresses().find(ns, name);
        if (!ing) {
            r.error = "no Ingress " + e.target + " in the snapshot";
            return r;
        }
        auto copy = std::make_shared<Ingress>(*ing);
        const std::string prefix = "nginx.ingress.kubernetes.io/";
        setValue(copy->meta.annotations, prefix + "canary-weight", std::to_string(e.number));
        if (e.weightTotal)
            setValue(copy->meta.annotations, prefix + "canary-weight-total", std::to_string(*e.weightTotal));
        const std::string* canary = lookup(ing->meta.annotations, prefix + "canary");
        b.add(Ptr<Ingress>(copy));
        r.effect = "canary-weight of " + e.target + " set to " + std::to_string(e.number) +
            (canary && *canary == "true" ? std::string() : " (it is not a canary Ingress: no effect)");
        break;
    }
    case K::Apply: {
        LoadOptions lo;
        lo.derive = false;
        lo.threads = 1;
        auto loaded = loadManifests(e.files, lo);
        if (loaded.inputError || !loaded.state) {
            r.error = "cannot read the manifests";
            for (const auto& d : loaded.diagnostics)
                if (d.severity == Severity::Error) {
                    r.error += ": " + d.format();
                    break;
                }
            return r;
        }
        // Synthetic Pods and slices are derived again for the whole cluster after the change.
        std::vector<std::pair<Kind, std::string>> derived;
        for (const auto& [k, p] : b.objects<Pod>())
            if (p->meta.derived) derived.emplace_back(Kind::Pod, k);
        for (const auto& [k, s] : b.objects<EndpointSlice>())
            if (s->meta.derived) derived.emplace_back(Kind::EndpointSlice, k);
        for (const auto& [kind, key] : derived) {
            auto [ns, name] = split(key);
            b.remove(kind, ns, name);
        }
        const ClusterState& in = *loaded.state;
        addAll(b, in.namespaces());
        addAll(b, in.nodes());
        addAll(b, in.ingressClasses());
        addAll(b, in.ingresses());
        addAll(b, in.services());
        addAll(b, in.endpointSlices());
        addAll(b, in.pods());
        addAll(b, in.workloads());
        addAll(b, in.secrets());
        addAll(b, in.configMaps());
        addAll(b, in.gatewayClasses());
        addAll(b, in.gateways());
        addAll(b, in.httpRoutes());
        addAll(b, in.referenceGrants());
        deriveMissing(b, {});
        std::size_t errors = countSeverity(loaded.diagnostics, Severity::Error);
        r.effect = std::to_string(in.objectCount()) + " object(s) applied" +
            (errors ? " (" + std::to_string(errors) + " invalid, see lint)" : std::string());
        break;
    }
    case K::ServiceTime: r.error = "not a cluster event"; return r;
    }
    r.state = b.build();
    return r;
}

}  // namespace hs::replay
