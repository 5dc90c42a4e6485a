#include "app/graph/build_graph.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace hs::graph {

using namespace hs::model;

namespace {

class Builder {
public:
    Builder(const ClusterState& s, const BuildOptions& o) : st_(s), opt_(o) {}

    Graph run() {
        for (const auto& ing : st_.ingresses().all()) ingress(*ing);
        for (const auto& r : st_.httpRoutes().all()) httpRoute(*r);
        return std::move(g_);
    }

private:
    std::uint32_t node(const std::string& id, GraphNode proto) {
        auto it = index_.find(id);
        if (it != index_.end()) return it->second;
        proto.id = id;
        std::uint32_t i = g_.add(std::move(proto));
        index_.emplace(id, i);
        return i;
    }

    void edgeOnce(std::uint32_t a, std::uint32_t b, Health h, std::string label = {}) {
        if (edges_.emplace(std::uint64_t{a} << 32 | b).second) g_.connect(a, b, h, std::move(label));
    }

    std::uint32_t entryFor(const Ingress& ing) {
        std::string cls = ing.ingressClassName.value_or("");
        if (cls.empty())
            if (const std::string* a = lookup(ing.meta.annotations, "kubernetes.io/ingress.class")) cls = *a;
        if (cls.empty())
            for (const auto& c : st_.ingressClasses().all())
                if (c->isDefault()) cls = c->meta.name;
        GraphNode n;
        n.lane = Lane::Entry;
        n.label = cls.empty() ? "no class" : cls;
        if (const IngressClass* c = st_.ingressClasses().find("", cls)) {
            n.detail = c->controller;
            n.object = ObjectRef{Kind::IngressClass, "", c->meta.name};
        } else {
            n.detail = "IngressClass";
        }
        return node("Entry/ingressclass/" + cls, std::move(n));
    }

    std::uint32_t service(const std::string& ns, const std::string& name, const std::string& portText) {
        const Service* svc = st_.services().find(ns, name);
        GraphNode n;
        n.lane = Lane::Service;
        n.ns = ns;
        n.label = name;
        n.detail = portText;
        n.object = ObjectRef{Kind::Service, ns, name};
        std::string id = "Service/" + ns + "/" + name;
        if (!svc) {
            n.health = Health::Broken;
            n.healthReason = "Service does not exist";
            return node(id, std::move(n));
        }
        bool known = index_.count(id) > 0;
        std::uint32_t s = node(id, std::move(n));
        if (known) return s;
        if (svc->type == "ExternalName") {
            g_.nodes[s].detail = "ExternalName " + svc->externalName;
            return s;
        }
        std::size_t ready = 0, total = 0;
        for (const EndpointSlice* slice : st_.slicesForService(ns, name)) {
            std::uint32_t parent = s;
            if (opt_.sliceLane) {
                GraphNode sn;
                sn.lane = Lane::Slice;
                sn.ns = ns;
                sn.label = slice->meta.name;
                sn.detail = std::to_string(slice->endpoints.size()) + " endpoints";
                sn.object = ObjectRef{Kind::EndpointSlice, ns, slice->meta.name};
                parent = node("EndpointSlice/" + ns + "/" + slice->meta.name, std::move(sn));
                edgeOnce(s, parent, Health::Ok);
            }
            for (const Endpoint& e : slice->endpoints) {
                ++total;
                bool isReady = e.conditions.ready.value_or(true);
                if (isReady) ++ready;
                std::uint32_t p = podNode(ns, e);
                edgeOnce(parent, p, isReady ? Health::Ok : Health::Inactive);
            }
        }
        if (total == 0 || ready == 0) {
            g_.nodes[s].health = Health::Broken;
            g_.nodes[s].healthReason = total == 0 ? "no endpoints" : "no ready endpoints";
        } else if (ready < total) {
            g_.nodes[s].health = Health::Warning;
            g_.nodes[s].healthReason = std::to_string(total - ready) + " of " + std::to_string(total) + " endpoints not ready";
        }
        return s;
    }

    std::uint32_t podNode(const std::string& ns, const Endpoint& e) {
        const Pod* pod = nullptr;
        if (e.targetRef && e.targetRef->kind == "Pod") pod = st_.pods().find(e.targetRef->ns.empty() ? ns : e.targetRef->ns, e.targetRef->name);
        if (!pod && !e.addresses.empty()) pod = st_.podByIP(e.addresses.front());
        GraphNode n;
        n.lane = Lane::Pod;
        n.ns = ns;
        std::string addr = e.addresses.empty() ? std::string("?") : e.addresses.front();
        std::string nodeName = e.nodeName.empty() && pod ? pod->spec.nodeName : e.nodeName;
        n.detail = addr + (nodeName.empty() ? "" : " · " + nodeName);
        bool ready = e.conditions.ready.value_or(true);
        if (!ready) {
            n.health = Health::Inactive;
            n.healthReason = e.conditions.terminating.value_or(false) ? "terminating" : "not ready";
        }
        std::string id;
        if (pod) {
            n.label = pod->meta.name;
            n.object = ObjectRef{Kind::Pod, pod->meta.ns, pod->meta.name};
            id = "Pod/" + pod->meta.ns + "/" + pod->meta.name;
            n.group = groupOf(*pod);
        } else {
            n.label = addr;
            id = "Endpoint/" + ns + "/" + addr;
        }
        bool known = index_.count(id) > 0;
        std::uint32_t p = node(id, std::move(n));
        if (!known && opt_.nodeLane && !nodeName.empty()) {
            GraphNode nn;
            nn.lane = Lane::Node;
            nn.label = nodeName;
            if (const Node* k = st_.nodes().find("", nodeName)) {
                nn.object = ObjectRef{Kind::Node, "", nodeName};
                nn.detail = k->zone();
            }
            edgeOnce(p, node("Node/" + nodeName, std::move(nn)), Health::Ok);
        }
        return p;
    }

    static std::string groupOf(const Pod& p) {
        for (const auto& o : p.meta.ownerReferences)
            if (o.controller) return p.meta.ns + "/" + o.kind + "/" + o.name;
        return p.meta.ns + "/" + p.meta.name;
    }

    static std::string portText(const ServiceBackendPort& p) {
        return p.name.empty() ? ":" + std::to_string(p.number) : ":" + p.name;
    }

    void ingress(const Ingress& ing) {
        std::uint32_t entry = entryFor(ing);
        GraphNode n;
        n.lane = Lane::Route;
        n.ns = ing.meta.ns;
        n.label = ing.meta.name;
        n.detail = "Ingress";
        n.object = ObjectRef{Kind::Ingress, ing.meta.ns, ing.meta.name};
        if (const std::string* c = lookup(ing.meta.annotations, "nginx.ingress.kubernetes.io/canary"); c && *c == "true")
            n.detail = "Ingress · canary";
        std::uint32_t in = node("Ingress/" + ing.meta.key(), std::move(n));
        edgeOnce(entry, in, Health::Ok);
        auto addRule = [&](const std::string& id, std::string label, std::string detail, const IngressBackend& b) {
            GraphNode r;
            r.lane = Lane::Rule;
            r.ns = ing.meta.ns;
            r.label = std::move(label);
            r.detail = std::move(detail);
            r.object = ObjectRef{Kind::Ingress, ing.meta.ns, ing.meta.name};
            std::uint32_t ri = node(id, std::move(r));
            edgeOnce(in, ri, Health::Ok);
            if (b.service) {
                std::uint32_t s = service(ing.meta.ns, b.service->name, portText(b.service->port));
                edgeOnce(ri, s, g_.nodes[s].health == Health::Broken ? Health::Broken : Health::Ok);
            } else {
                g_.nodes[ri].health = Health::Warning;
                g_.nodes[ri].healthReason = "resource backend";
            }
        };
        if (ing.defaultBackend)
            addRule("Rule/" + ing.meta.key() + "/default", "default backend", "any unmatched request", *ing.defaultBackend);
        for (std::size_t i = 0; i < ing.rules.size(); ++i)
            for (std::size_t j = 0; j < ing.rules[i].paths.size(); ++j) {
                const auto& p = ing.rules[i].paths[j];
                addRule("Rule/" + ing.meta.key() + "/" + std::to_string(i) + "/" + std::to_string(j),
                        (ing.rules[i].host.empty() ? std::string("*") : ing.rules[i].host) + (p.path.empty() ? "/" : p.path),
                        pathTypeName(p.pathType), p.backend);
            }
    }

    void httpRoute(const HTTPRoute& r) {
        GraphNode n;
        n.lane = Lane::Route;
        n.ns = r.meta.ns;
        n.label = r.meta.name;
        n.detail = "HTTPRoute";
        n.object = ObjectRef{Kind::HTTPRoute, r.meta.ns, r.meta.name};
        std::uint32_t rt = node("HTTPRoute/" + r.meta.key(), std::move(n));
        for (const auto& p : r.parentRefs) {
            if (p.kind != "Gateway") continue;
            std::string ns = p.ns.empty() ? r.meta.ns : p.ns;
            GraphNode gw;
            gw.lane = Lane::Entry;
            gw.ns = ns;
            gw.label = p.name;
            gw.detail = "Gateway";
            if (st_.gateways().find(ns, p.name)) gw.object = ObjectRef{Kind::Gateway, ns, p.name};
            else {
                gw.health = Health::Broken;
                gw.healthReason = "Gateway does not exist";
            }
            edgeOnce(node("Gateway/" + ns + "/" + p.name, std::move(gw)), rt, Health::Ok);
        }
        std::string hosts;
        for (const auto& h : r.hostnames) hosts += (hosts.empty() ? "" : ",") + h;
        for (std::size_t i = 0; i < r.rules.size(); ++i) {
            const auto& rule = r.rules[i];
            std::string match = "PathPrefix /";
            if (!rule.matches.empty() && rule.matches.front().path)
                match = rule.matches.front().path->type + " " + rule.matches.front().path->value;
            GraphNode rn;
            rn.lane = Lane::Rule;
            rn.ns = r.meta.ns;
            rn.label = (hosts.empty() ? std::string("*") : hosts) + " rule " + std::to_string(i);
            rn.detail = match;
            rn.object = ObjectRef{Kind::HTTPRoute, r.meta.ns, r.meta.name};
            std::uint32_t ri = node("Rule/" + r.meta.key() + "/" + std::to_string(i), std::move(rn));
            edgeOnce(rt, ri, Health::Ok);
            int total = 0;
            for (const auto& b : rule.backendRefs) total += b.weight;
            for (const auto& b : rule.backendRefs) {
                if (b.ref.kind != "Service" || !b.ref.group.empty()) continue;
                std::string ns = b.ref.ns.empty() ? r.meta.ns : b.ref.ns;
                std::uint32_t s = service(ns, b.ref.name, b.ref.port ? ":" + std::to_string(*b.ref.port) : "");
                std::string label = rule.backendRefs.size() > 1 && total > 0
                                        ? "weight " + std::to_string(b.weight * 100 / total) + "%"
                                        : std::string();
                edgeOnce(ri, s, g_.nodes[s].health == Health::Broken ? Health::Broken : Health::Ok, label);
            }
        }
    }

    const ClusterState& st_;
    BuildOptions opt_;
    Graph g_;
    std::unordered_map<std::string, std::uint32_t> index_;
    std::unordered_set<std::uint64_t> edges_;
};

}  // namespace

Graph buildGraph(const ClusterState& state, const BuildOptions& options) { return Builder(state, options).run(); }

}  // namespace hs::graph
