#include "app/graph/build_graph.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace hs::graph {

using namespace hs::model;

namespace {

Health healthOf(sim::RuleView::Status s) {
    switch (s) {
    case sim::RuleView::Status::Active: return Health::Ok;
    case sim::RuleView::Status::Shadowed: return Health::Inactive;
    case sim::RuleView::Status::NotServed: return Health::Inactive;
    case sim::RuleView::Status::Broken: return Health::Broken;
    }
    return Health::Ok;
}

class Builder {
public:
    Builder(const sim::RouteTable& t, const BuildOptions& o) : table_(t), st_(t.state()), opt_(o) {}

    Graph run() {
        std::vector<sim::RuleView> rules = table_.rules();
        for (const auto& r : rules) rule(r);
        return std::move(g_);
    }

private:
    std::uint32_t node(const std::string& id, GraphNode proto, bool* created = nullptr) {
        auto it = index_.find(id);
        if (created) *created = it == index_.end();
        if (it != index_.end()) return it->second;
        proto.id = id;
        std::uint32_t i = g_.add(std::move(proto));
        index_.emplace(id, i);
        return i;
    }

    void edge(std::uint32_t a, std::uint32_t b, Health h, std::string label = {}) {
        auto key = std::uint64_t{a} << 32 | b;
        auto it = edges_.find(key);
        if (it != edges_.end()) {
            GraphEdge& e = g_.edges[it->second];
            if (static_cast<int>(h) < static_cast<int>(e.health)) e.health = h;  // the healthiest path wins
            if (e.label.empty()) e.label = std::move(label);
            return;
        }
        edges_.emplace(key, g_.edges.size());
        g_.connect(a, b, h, std::move(label));
    }

    std::uint32_t entry(const sim::RuleView& r) {
        GraphNode n;
        n.lane = Lane::Entry;
        std::string id = "Entry/" + r.entryId;
        if (r.route.kind == Kind::HTTPRoute) {
            n.label = r.entry.empty() ? "no Gateway" : r.entry.substr(r.entry.find(' ') + 1);
            n.detail = "Gateway";
            auto slash = n.label.find('/');
            if (slash != std::string::npos) {
                n.ns = n.label.substr(0, slash);
                if (st_.gateways().find(n.ns, n.label.substr(slash + 1)))
                    n.object = ObjectRef{Kind::Gateway, n.ns, n.label.substr(slash + 1)};
                else {
                    n.health = Health::Broken;
                    n.healthReason = "Gateway does not exist";
                }
            }
            id = "Gateway/" + n.label;
        } else {
            std::string cls = r.entryId.size() > 6 ? r.entryId.substr(6) : std::string();
            n.label = cls.empty() ? "no class" : cls;
            if (const IngressClass* ic = st_.ingressClasses().find("", cls)) {
                n.object = ObjectRef{Kind::IngressClass, "", cls};
                n.detail = ic->controller;
            } else {
                n.detail = cls.empty() ? "no IngressClass" : "IngressClass (not in the input)";
            }
            id = "Entry/ingressclass/" + cls;
        }
        bool created = false;
        std::uint32_t e = node(id, std::move(n), &created);
        // An entry is served when any of its rules is.
        if (created && r.status == sim::RuleView::Status::NotServed) {
            g_.nodes[e].health = Health::Inactive;
            g_.nodes[e].healthReason = r.reason;
        } else if (r.status != sim::RuleView::Status::NotServed && g_.nodes[e].health == Health::Inactive) {
            g_.nodes[e].health = Health::Ok;
            g_.nodes[e].healthReason.clear();
        }
        return e;
    }

    std::uint32_t route(const sim::RuleView& r) {
        GraphNode n;
        n.lane = Lane::Route;
        n.ns = r.route.ns;
        n.label = r.route.name;
        n.detail = kindName(r.route.kind);
        n.object = r.route;
        if (r.route.kind == Kind::Ingress)
            if (const Ingress* ing = st_.ingresses().find(r.route.ns, r.route.name))
                if (const std::string* c = lookup(ing->meta.annotations, "nginx.ingress.kubernetes.io/canary");
                    c && *c == "true")
                    n.detail = "Ingress · canary";
        return node(std::string(kindName(r.route.kind)) + "/" + r.route.ns + "/" + r.route.name, std::move(n));
    }

    std::uint32_t service(const sim::BackendView& b) {
        auto slash = b.service.find('/');
        std::string ns = b.service.substr(0, slash), name = b.service.substr(slash + 1);
        GraphNode n;
        n.lane = Lane::Service;
        n.ns = ns;
        n.label = name;
        n.detail =
            b.port ? ":" + std::to_string(b.port) + (b.portName.empty() ? "" : " (" + b.portName + ")") : std::string();
        n.object = ObjectRef{Kind::Service, ns, name};
        const Service* svc = st_.services().find(ns, name);
        if (svc && svc->type == "ExternalName") n.detail = "ExternalName " + svc->externalName;
        bool created = false;
        std::uint32_t s = node("Service/" + b.service, std::move(n), &created);
        if (!created) return s;
        if (!svc) {
            g_.nodes[s].health = Health::Broken;
            g_.nodes[s].healthReason = "Service does not exist";
            return s;
        }
        if (b.endpoints.empty()) {
            g_.nodes[s].health = Health::Broken;
            g_.nodes[s].healthReason = b.problem.empty() ? "no endpoints" : b.problem;
        }
        // Usable endpoints as the profile resolves them, then the ones it leaves out.
        std::unordered_set<std::string> usable;
        for (const auto& e : b.endpoints) {
            usable.insert(e.hostPort.substr(0, e.hostPort.rfind(':')));
            std::uint32_t p = pod(ns, e.pod, e.hostPort, e.node, true, {});
            edge(sliceFor(s, ns, name, e.hostPort), p, Health::Ok);
        }
        std::size_t excluded = 0;
        for (const EndpointSlice* es : st_.slicesForService(ns, name))
            for (const Endpoint& e : es->endpoints) {
                if (e.addresses.empty() || usable.count(e.addresses.front())) continue;
                ++excluded;
                std::string podKey;
                if (e.targetRef && e.targetRef->kind == "Pod")
                    podKey = (e.targetRef->ns.empty() ? ns : e.targetRef->ns) + "/" + e.targetRef->name;
                std::string why = e.conditions.terminating.value_or(false) ? "terminating"
                    : !e.conditions.ready.value_or(true)                   ? "not ready"
                                                                           : "no matching port";
                std::uint32_t p = pod(ns, podKey, e.addresses.front(), e.nodeName, false, why);
                std::uint32_t from = opt_.sliceLane ? sliceNode(s, *es) : s;
                edge(from, p, Health::Inactive, why);
            }
        if (!b.endpoints.empty() && excluded) {
            g_.nodes[s].health = Health::Warning;
            g_.nodes[s].healthReason =
                std::to_string(excluded) + " endpoint(s) not used (not ready, terminating or no matching port)";
        }
        return s;
    }

    std::uint32_t sliceNode(std::uint32_t serviceNode, const EndpointSlice& es) {
        GraphNode n;
        n.lane = Lane::Slice;
        n.ns = es.meta.ns;
        n.label = es.meta.name;
        n.detail = std::to_string(es.endpoints.size()) + " endpoints" + (es.meta.derived ? " · derived" : "");
        n.object = ObjectRef{Kind::EndpointSlice, es.meta.ns, es.meta.name};
        std::uint32_t sl = node("EndpointSlice/" + es.meta.ns + "/" + es.meta.name, std::move(n));
        edge(serviceNode, sl, Health::Ok);
        return sl;
    }

    // The node a usable endpoint hangs from: the Service, or its slice in the slice lane.
    std::uint32_t sliceFor(std::uint32_t serviceNode, const std::string& ns, const std::string& name,
                           const std::string& hostPort) {
        if (!opt_.sliceLane) return serviceNode;
        std::string addr = hostPort.substr(0, hostPort.rfind(':'));
        for (const EndpointSlice* es : st_.slicesForService(ns, name))
            for (const Endpoint& e : es->endpoints)
                if (!e.addresses.empty() && e.addresses.front() == addr) return sliceNode(serviceNode, *es);
        return serviceNode;
    }

    std::uint32_t pod(const std::string& ns, const std::string& podKey, const std::string& address,
                      const std::string& nodeName, bool usable, const std::string& why) {
        GraphNode n;
        n.lane = Lane::Pod;
        n.ns = ns;
        std::string addr =
            address.find(':') != std::string::npos && address.front() != '[' && address.find('.') != std::string::npos
            ? address.substr(0, address.rfind(':'))
            : address;
        const Pod* p = nullptr;
        if (!podKey.empty()) {
            auto slash = podKey.find('/');
            p = st_.pods().find(podKey.substr(0, slash), podKey.substr(slash + 1));
        }
        if (!p) p = st_.podByIP(addr);
        std::string nodeOf = !nodeName.empty() ? nodeName : p ? p->spec.nodeName : std::string();
        n.detail = address + (nodeOf.empty() ? "" : " · " + nodeOf);
        std::string id;
        if (p) {
            n.label = p->meta.name;
            n.ns = p->meta.ns;
            n.object = ObjectRef{Kind::Pod, p->meta.ns, p->meta.name};
            id = "Pod/" + p->meta.ns + "/" + p->meta.name;
            for (const auto& o : p->meta.ownerReferences)
                if (o.controller) n.group = p->meta.ns + "/" + o.kind + "/" + o.name;
            if (n.group.empty()) n.group = p->meta.ns + "/" + p->meta.name;
            if (p->meta.derived) n.detail += " · synthetic";
        } else {
            n.label = address;
            id = "Endpoint/" + ns + "/" + address;
        }
        if (!usable) {
            n.health = Health::Inactive;
            n.healthReason = why;
        }
        bool created = false;
        std::uint32_t i = node(id, std::move(n), &created);
        if (!created && usable && g_.nodes[i].health == Health::Inactive) {  // usable through another Service
            g_.nodes[i].health = Health::Ok;
            g_.nodes[i].healthReason.clear();
        }
        if (created && opt_.nodeLane && !nodeOf.empty()) {
            GraphNode nn;
            nn.lane = Lane::Node;
            nn.label = nodeOf;
            if (const Node* k = st_.nodes().find("", nodeOf)) {
                nn.object = ObjectRef{Kind::Node, "", nodeOf};
                nn.detail = k->zone();
            }
            edge(i, node("Node/" + nodeOf, std::move(nn)), Health::Ok);
        }
        return i;
    }

    void rule(const sim::RuleView& r) {
        std::uint32_t e = entry(r);
        std::uint32_t rt = route(r);
        Health h = healthOf(r.status);
        edge(e, rt, r.status == sim::RuleView::Status::NotServed ? Health::Inactive : Health::Ok);
        GraphNode n;
        n.lane = Lane::Rule;
        n.ns = r.route.ns;
        n.label = (r.host.empty() ? std::string("*") : r.host) + (r.path.rfind("(", 0) == 0 ? " " : "") + r.path;
        n.detail = r.pathType.empty() ? std::string("default backend") : r.pathType;
        n.object = r.route;
        n.health = h;
        n.healthReason = r.reason;
        std::string id = "Rule/" + std::string(kindName(r.route.kind)) + "/" + r.route.ns + "/" + r.route.name + "/" +
            std::to_string(r.rule) + "/" + std::to_string(r.pathIndex);
        std::uint32_t ri = node(id, std::move(n));
        edge(rt, ri, h == Health::Broken ? Health::Ok : h);
        if (r.status == sim::RuleView::Status::Shadowed || r.status == sim::RuleView::Status::NotServed) {
            // Draw where it would go, dashed: the reason is on the rule.
            for (const auto& b : r.backends) edge(ri, service(b), Health::Inactive, b.label);
            return;
        }
        for (const auto& b : r.backends) {
            std::uint32_t s = service(b);
            Health eh = g_.nodes[s].health == Health::Broken ? Health::Broken : Health::Ok;
            edge(ri, s, eh, b.label);
        }
    }

    const sim::RouteTable& table_;
    const ClusterState& st_;
    BuildOptions opt_;
    Graph g_;
    std::unordered_map<std::string, std::uint32_t> index_;
    std::unordered_map<std::uint64_t, std::size_t> edges_;
};

}  // namespace

Graph buildGraph(const sim::RouteTable& table, const BuildOptions& options) { return Builder(table, options).run(); }

Graph buildGraph(const ClusterState& state, const BuildOptions& options) {
    // A non-owning handle: the caller keeps `state` alive for the duration of the call.
    std::shared_ptr<const ClusterState> handle(std::shared_ptr<const ClusterState>(), &state);
    auto table = sim::compileRouteTable(handle, options.profile);
    if (!table) return {};
    return buildGraph(*table, options);
}

}  // namespace hs::graph
