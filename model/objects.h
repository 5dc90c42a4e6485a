#pragma once
// Value types for the Kubernetes objects routing depends on. They hold what routing, validation,
// the graph and the snapshot writer need, nothing more: no Secret key material, no Pod status
// beyond readiness and addresses. Field names follow the Kubernetes API so the docs need no
// translation table.

#include "model/diagnostic.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hs::model {

// Kinds Hopscope understands. Order is the order kinds are listed in outputs.
enum class Kind : std::uint8_t {
    Namespace,
    Node,
    IngressClass,
    Ingress,
    Service,
    EndpointSlice,
    Pod,
    Deployment,
    StatefulSet,
    ReplicaSet,
    DaemonSet,
    Secret,
    ConfigMap,
    GatewayClass,
    Gateway,
    HTTPRoute,
    ReferenceGrant,
};
inline constexpr int kKindCount = 17;

const char* kindName(Kind k);
std::optional<Kind> kindFromName(std::string_view name);
bool isNamespaced(Kind k);

// Label and annotation maps: sorted by key, unique keys. Small and cache-friendly.
using StringMap = std::vector<std::pair<std::string, std::string>>;
const std::string* lookup(const StringMap& m, std::string_view key);
void setValue(StringMap& m, std::string key, std::string value);  // keeps the map sorted

struct OwnerReference {
    std::string kind;
    std::string name;
    std::string uid;
    bool controller = false;
};

// The document an object was read from (files only), shared by every object of a `List`.
struct SourceDocument {
    SourceLoc loc;  // first line of the document
    std::string text;  // exact text of the document as written
};

struct ObjectMeta {
    std::string apiVersion;  // as written (e.g. networking.k8s.io/v1beta1 before conversion)
    std::string ns;  // empty for cluster-scoped kinds
    std::string name;
    std::string uid;
    std::string resourceVersion;
    std::int64_t creationTimestamp = 0;  // Unix seconds; 0 when absent
    std::int64_t deletionTimestamp = 0;  // Unix seconds; 0 when absent
    std::uint32_t loadOrder = 0;  // position in the input, for objects without timestamps
    std::int64_t generation = 0;
    StringMap labels;
    StringMap annotations;
    std::vector<OwnerReference> ownerReferences;
    // Synthesised by Hopscope (a Pod from a Deployment's template, an EndpointSlice from a
    // selector) rather than read; `derivedFrom` says from what, e.g. "Deployment shop/web".
    bool derived = false;
    std::string derivedFrom;
    SourceLoc loc;  // where the object starts (files only)
    std::shared_ptr<const SourceDocument> source;  // null for live or derived objects
    std::string sourcePath;  // "items[3]" inside a List document, else empty

    std::string key() const { return ns.empty() ? name : ns + "/" + name; }
};

struct IntOrString {
    bool isString = false;
    std::int32_t number = 0;
    std::string str;

    bool empty() const { return !isString && number == 0; }
    std::string toString() const { return isString ? str : std::to_string(number); }
};

struct LabelSelectorRequirement {
    std::string key;
    std::string op;  // In, NotIn, Exists, DoesNotExist
    std::vector<std::string> values;
};

struct LabelSelector {
    StringMap matchLabels;
    std::vector<LabelSelectorRequirement> matchExpressions;

    bool empty() const { return matchLabels.empty() && matchExpressions.empty(); }
    bool matches(const StringMap& labels) const;
};

// ---- networking.k8s.io/v1 -------------------------------------------------------------------

enum class PathType : std::uint8_t { Unset, Exact, Prefix, ImplementationSpecific };
const char* pathTypeName(PathType t);

struct ServiceBackendPort {
    std::string name;
    std::int32_t number = 0;
};

struct IngressServiceBackend {
    std::string name;
    ServiceBackendPort port;
};

struct TypedLocalObjectReference {
    std::string apiGroup;
    std::string kind;
    std::string name;
};

struct IngressBackend {
    std::optional<IngressServiceBackend> service;
    std::optional<TypedLocalObjectReference> resource;
};

struct HTTPIngressPath {
    std::string path;
    PathType pathType = PathType::Unset;
    IngressBackend backend;
};

struct IngressRule {
    std::string host;
    bool hasHttp = false;
    std::vector<HTTPIngressPath> paths;
};

struct IngressTLS {
    std::vector<std::string> hosts;
    std::string secretName;
};

struct LoadBalancerIngress {
    std::string ip;
    std::string hostname;
};

struct Ingress {
    ObjectMeta meta;
    std::optional<std::string> ingressClassName;
    std::optional<IngressBackend> defaultBackend;
    std::vector<IngressTLS> tls;
    std::vector<IngressRule> rules;
    std::vector<LoadBalancerIngress> loadBalancer;  // status.loadBalancer.ingress
    bool convertedFromV1beta1 = false;
};

struct IngressClass {
    ObjectMeta meta;
    std::string controller;
    std::optional<TypedLocalObjectReference> parameters;
    bool isDefault() const;  // ingressclass.kubernetes.io/is-default-class: "true"
};

// ---- core/v1 ---------------------------------------------------------------------------------

struct ServicePort {
    std::string name;
    std::string protocol = "TCP";
    std::string appProtocol;
    std::int32_t port = 0;
    IntOrString targetPort;  // empty = same as port
    std::int32_t nodePort = 0;
};

struct Service {
    ObjectMeta meta;
    std::string type = "ClusterIP";  // ClusterIP, NodePort, LoadBalancer, ExternalName
    std::optional<StringMap> selector;  // nullopt: endpoints are managed by hand
    std::vector<ServicePort> ports;
    std::string clusterIP;
    std::string externalName;
    std::string sessionAffinity;  // None, ClientIP
    std::string trafficDistribution;  // PreferClose, PreferSameZone, PreferSameNode
    std::string internalTrafficPolicy;
    std::string externalTrafficPolicy;

    bool headless() const { return clusterIP == "None"; }
};

struct EndpointConditions {
    std::optional<bool> ready;  // nil means ready (unknown state is treated as ready)
    std::optional<bool> serving;
    std::optional<bool> terminating;
};

struct EndpointTargetRef {
    std::string kind;
    std::string ns;
    std::string name;
    std::string uid;
};

struct Endpoint {
    std::vector<std::string> addresses;
    EndpointConditions conditions;
    std::string hostname;
    std::string nodeName;
    std::string zone;
    std::optional<EndpointTargetRef> targetRef;
    std::vector<std::string> hintZones;  // hints.forZones[].name
    std::vector<std::string> hintNodes;  // hints.forNodes[].name
};

struct EndpointPort {
    std::optional<std::string> name;
    std::optional<std::int32_t> port;
    std::string protocol = "TCP";
    std::string appProtocol;
};

inline constexpr std::string_view kServiceNameLabel = "kubernetes.io/service-name";

struct EndpointSlice {
    ObjectMeta meta;
    std::string addressType = "IPv4";  // IPv4, IPv6, FQDN
    std::vector<Endpoint> endpoints;
    std::vector<EndpointPort> ports;
    bool convertedFromEndpoints = false;  // read as a legacy v1 Endpoints object
    const std::string* serviceName() const { return lookup(meta.labels, kServiceNameLabel); }
};

struct ContainerPort {
    std::string name;
    std::int32_t containerPort = 0;
    std::string protocol = "TCP";
};

struct Probe {
    std::string httpPath;  // readiness probe httpGet.path, when it is one
    IntOrString httpPort;
};

struct Container {
    std::string name;
    std::string image;
    std::vector<ContainerPort> ports;
    std::optional<Probe> readinessProbe;
};

struct PodSpec {
    std::string nodeName;
    std::vector<Container> containers;
};

struct PodTemplate {
    StringMap labels;
    StringMap annotations;
    PodSpec spec;
};

struct Pod {
    ObjectMeta meta;
    PodSpec spec;
    std::string phase;  // Pending, Running, Succeeded, Failed, Unknown; empty in bare manifests
    std::string podIP;
    std::vector<std::string> podIPs;
    std::optional<bool> ready;  // the Ready condition; nullopt when the manifest has no status
    bool syntheticIP = false;  // podIP invented by Hopscope (manifests carry no status)
};

struct NodeAddress {
    std::string type;
    std::string address;
};

struct Node {
    ObjectMeta meta;
    std::vector<NodeAddress> addresses;
    std::optional<bool> ready;
    bool unschedulable = false;
    std::string zone() const;  // topology.kubernetes.io/zone label
};

struct Namespace {
    ObjectMeta meta;
    std::string phase;
};

enum class WorkloadKind : std::uint8_t { Deployment, StatefulSet, ReplicaSet, DaemonSet };

struct Workload {
    ObjectMeta meta;
    WorkloadKind workloadKind = WorkloadKind::Deployment;
    std::optional<std::int32_t> replicas;  // absent = 1 (DaemonSet: one per Node)
    LabelSelector selector;
    PodTemplate podTemplate;
    std::string serviceName;  // StatefulSet governing Service
    std::int32_t effectiveReplicas() const { return replicas.value_or(1); }
};

// A TLS Secret as Hopscope keeps it: the certificate's names and dates, never the key.
struct CertificateInfo {
    std::string subjectCN;
    std::vector<std::string> dnsNames;  // subjectAltName DNS entries
    std::string issuer;
    std::int64_t notBefore = 0;  // Unix seconds
    std::int64_t notAfter = 0;
    std::string error;  // why the certificate could not be read, if it could not
    bool covers(std::string_view host) const;  // RFC 6125 wildcard matching on SANs (CN when none)
};

struct Secret {
    ObjectMeta meta;
    std::string type;
    std::optional<CertificateInfo> certificate;  // for kubernetes.io/tls
    bool hadPrivateKey = false;  // a tls.key was present (and dropped)
};

struct ConfigMap {
    ObjectMeta meta;
    StringMap data;
};

// ---- gateway.networking.k8s.io/v1 -------------------------------------------------------------

struct GatewayClass {
    ObjectMeta meta;
    std::string controllerName;
};

struct SecretObjectReference {
    std::string group;
    std::string kind = "Secret";
    std::string name;
    std::string ns;  // empty = same namespace
};

struct RouteNamespaces {
    std::string from = "Same";  // All, Same, Selector
    LabelSelector selector;
};

struct RouteGroupKind {
    std::string group = "gateway.networking.k8s.io";
    std::string kind;
};

struct Listener {
    std::string name;
    std::optional<std::string> hostname;
    std::int32_t port = 0;
    std::string protocol;  // HTTP, HTTPS, TLS, TCP, UDP
    std::string tlsMode;  // Terminate, Passthrough
    std::vector<SecretObjectReference> certificateRefs;
    RouteNamespaces allowedNamespaces;
    std::vector<RouteGroupKind> allowedKinds;
};

struct Gateway {
    ObjectMeta meta;
    std::string gatewayClassName;
    std::vector<Listener> listeners;
    std::vector<std::string> addresses;
};

struct ParentReference {
    std::string group = "gateway.networking.k8s.io";
    std::string kind = "Gateway";
    std::string ns;  // empty = the route's namespace
    std::string name;
    std::optional<std::string> sectionName;
    std::optional<std::int32_t> port;
};

struct HTTPPathMatch {
    std::string type = "PathPrefix";  // Exact, PathPrefix, RegularExpression
    std::string value = "/";
};

struct HTTPHeaderMatch {
    std::string type = "Exact";  // Exact, RegularExpression
    std::string name;
    std::string value;
};

struct HTTPRouteMatch {
    std::optional<HTTPPathMatch> path;
    std::vector<HTTPHeaderMatch> headers;
    std::vector<HTTPHeaderMatch> queryParams;
    std::optional<std::string> method;
};

struct HTTPHeaderFilter {
    StringMap set;
    StringMap add;
    std::vector<std::string> remove;
};

struct HTTPPathModifier {
    std::string type;  // ReplaceFullPath, ReplacePrefixMatch
    std::string value;
};

struct HTTPRequestRedirectFilter {
    std::optional<std::string> scheme;
    std::optional<std::string> hostname;
    std::optional<HTTPPathModifier> path;
    std::optional<std::int32_t> port;
    std::int32_t statusCode = 302;
};

struct HTTPURLRewriteFilter {
    std::optional<std::string> hostname;
    std::optional<HTTPPathModifier> path;
};

struct BackendObjectReference {
    std::string group;  // "" = core
    std::string kind = "Service";
    std::string name;
    std::string ns;  // empty = the route's namespace
    std::optional<std::int32_t> port;
};

struct HTTPRouteFilter {
    std::string
        type;  // RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect, URLRewrite, RequestMirror, ExtensionRef
    std::optional<HTTPHeaderFilter> requestHeaderModifier;
    std::optional<HTTPHeaderFilter> responseHeaderModifier;
    std::optional<HTTPRequestRedirectFilter> requestRedirect;
    std::optional<HTTPURLRewriteFilter> urlRewrite;
    std::optional<BackendObjectReference> requestMirror;
};

struct HTTPBackendRef {
    BackendObjectReference ref;
    std::int32_t weight = 1;
    std::vector<HTTPRouteFilter> filters;
};

struct HTTPRouteRule {
    std::string name;
    std::vector<HTTPRouteMatch> matches;  // empty = one PathPrefix "/" match
    std::vector<HTTPRouteFilter> filters;
    std::vector<HTTPBackendRef> backendRefs;
};

struct HTTPRoute {
    ObjectMeta meta;
    std::vector<ParentReference> parentRefs;
    std::vector<std::string> hostnames;
    std::vector<HTTPRouteRule> rules;
};

struct ReferenceGrantFrom {
    std::string group;
    std::string kind;
    std::string ns;
};

struct ReferenceGrantTo {
    std::string group;
    std::string kind;
    std::optional<std::string> name;
};

struct ReferenceGrant {
    ObjectMeta meta;
    std::vector<ReferenceGrantFrom> from;
    std::vector<ReferenceGrantTo> to;
};

// A reference to any object, for graph nodes, diagnostics and selections.
struct ObjectRef {
    Kind kind = Kind::Pod;
    std::string ns;
    std::string name;
    std::string display() const;  // "Ingress shop/web"
    bool operator==(const ObjectRef&) const = default;
    bool operator<(const ObjectRef& o) const;
};

}  // namespace hs::model
