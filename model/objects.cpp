#include "model/objects.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <tuple>

namespace hs::model {

namespace {
struct KindInfo {
    Kind kind;
    const char* name;
    bool namespaced;
};
constexpr std::array<KindInfo, kKindCount> kKinds{{
    {Kind::Namespace, "Namespace", false},
    {Kind::Node, "Node", false},
    {Kind::IngressClass, "IngressClass", false},
    {Kind::Ingress, "Ingress", true},
    {Kind::Service, "Service", true},
    {Kind::EndpointSlice, "EndpointSlice", true},
    {Kind::Pod, "Pod", true},
    {Kind::Deployment, "Deployment", true},
    {Kind::StatefulSet, "StatefulSet", true},
    {Kind::ReplicaSet, "ReplicaSet", true},
    {Kind::DaemonSet, "DaemonSet", true},
    {Kind::Secret, "Secret", true},
    {Kind::ConfigMap, "ConfigMap", true},
    {Kind::GatewayClass, "GatewayClass", false},
    {Kind::Gateway, "Gateway", true},
    {Kind::HTTPRoute, "HTTPRoute", true},
    {Kind::ReferenceGrant, "ReferenceGrant", true},
}};
}  // namespace

const char* kindName(Kind k) { return kKinds[static_cast<std::size_t>(k)].name; }

std::optional<Kind> kindFromName(std::string_view name) {
    for (const auto& k : kKinds)
        if (name == k.name) return k.kind;
    return std::nullopt;
}

bool isNamespaced(Kind k) { return kKinds[static_cast<std::size_t>(k)].namespaced; }

const std::string* lookup(const StringMap& m, std::string_view key) {
    auto it =
        std::lower_bound(m.begin(), m.end(), key, [](const auto& kv, std::string_view k) { return kv.first < k; });
    if (it != m.end() && it->first == key) return &it->second;
    return nullptr;
}

void setValue(StringMap& m, std::string key, std::string value) {
    auto it =
        std::lower_bound(m.begin(), m.end(), key, [](const auto& kv, const std::string& k) { return kv.first < k; });
    if (it != m.end() && it->first == key)
        it->second = std::move(value);
    else
        m.emplace(it, std::move(key), std::move(value));
}

bool LabelSelector::matches(const StringMap& labels) const {
    for (const auto& [k, v] : matchLabels) {
        const std::string* have = lookup(labels, k);
        if (!have || *have != v) return false;
    }
    for (const auto& r : matchExpressions) {
        const std::string* have = lookup(labels, r.key);
        bool in = have && std::find(r.values.begin(), r.values.end(), *have) != r.values.end();
        if (r.op == "In" && !in) return false;
        if (r.op == "NotIn" && have && in) return false;
        if (r.op == "Exists" && !have) return false;
        if (r.op == "DoesNotExist" && have) return false;
    }
    return true;
}

const char* pathTypeName(PathType t) {
    switch (t) {
    case PathType::Unset: return "";
    case PathType::Exact: return "Exact";
    case PathType::Prefix: return "Prefix";
    case PathType::ImplementationSpecific: return "ImplementationSpecific";
    }
    return "";
}

bool IngressClass::isDefault() const {
    const std::string* v = lookup(meta.annotations, "ingressclass.kubernetes.io/is-default-class");
    return v && *v == "true";
}

std::string Node::zone() const {
    if (const std::string* z = lookup(meta.labels, "topology.kubernetes.io/zone")) return *z;
    return {};
}

namespace {
std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}
bool nameCovers(std::string_view pattern, std::string_view host) {
    std::string p = lower(pattern), h = lower(host);
    if (p == h) return true;
    // RFC 6125: a wildcard only as the complete left-most label, covering exactly one label.
    if (p.size() > 2 && p[0] == '*' && p[1] == '.') {
        auto dot = h.find('.');
        return dot != std::string::npos && dot > 0 && h.substr(dot) == p.substr(1);
    }
    return false;
}
}  // namespace

bool CertificateInfo::covers(std::string_view host) const {
    if (!error.empty()) return false;
    if (!dnsNames.empty())
        return std::any_of(dnsNames.begin(), dnsNames.end(), [&](const std::string& n) { return nameCovers(n, host); });
    return !subjectCN.empty() && nameCovers(subjectCN, host);
}

std::string ObjectRef::display() const {
    std::string s = kindName(kind);
    s += ' ';
    if (!ns.empty()) s += ns + '/';
    s += name;
    return s;
}

bool ObjectRef::operator<(const ObjectRef& o) const {
    return std::tie(kind, ns, name) < std::tie(o.kind, o.ns, o.name);
}

}  // namespace hs::model
