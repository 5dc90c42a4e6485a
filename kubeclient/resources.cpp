#include "kubeclient/resources.h"

namespace hs::kube {

std::string ApiResource::collectionPath(const std::string& ns) const {
    std::string p = group.empty() ? "/api/" + version : "/apis/" + group + '/' + version;
    if (namespaced && !ns.empty()) p += "/namespaces/" + ns;
    return p + '/' + resource;
}

std::string ApiResource::objectPath(const std::string& ns, const std::string& name) const {
    return collectionPath(ns) + '/' + name;
}

std::string ApiResource::displayName() const { return group.empty() ? resource : resource + '.' + group; }

const std::vector<WantedResource>& wantedResources() {
    using model::Kind;
    static const std::vector<WantedResource> all = {
        {Kind::Namespace, "", {"v1"}, "namespaces", "Namespace", false, false},
        {Kind::Node, "", {"v1"}, "nodes", "Node", false, false},
        {Kind::IngressClass, "networking.k8s.io", {"v1", "v1beta1"}, "ingressclasses", "IngressClass", false, false},
        {Kind::Ingress, "networking.k8s.io", {"v1", "v1beta1"}, "ingresses", "Ingress", true, false},
        {Kind::Service, "", {"v1"}, "services", "Service", true, false},
        {Kind::EndpointSlice, "discovery.k8s.io", {"v1", "v1beta1"}, "endpointslices", "EndpointSlice", true, false},
        {Kind::Pod, "", {"v1"}, "pods", "Pod", true, false},
        {Kind::ConfigMap, "", {"v1"}, "configmaps", "ConfigMap", true, false},
        {Kind::Deployment, "apps", {"v1"}, "deployments", "Deployment", true, true},
        {Kind::StatefulSet, "apps", {"v1"}, "statefulsets", "StatefulSet", true, true},
        {Kind::GatewayClass,
         "gateway.networking.k8s.io",
         {"v1", "v1beta1"},
         "gatewayclasses",
         "GatewayClass",
         false,
         true},
        {Kind::Gateway, "gateway.networking.k8s.io", {"v1", "v1beta1"}, "gateways", "Gateway", true, true},
        {Kind::HTTPRoute, "gateway.networking.k8s.io", {"v1", "v1beta1"}, "httproutes", "HTTPRoute", true, true},
        {Kind::ReferenceGrant,
         "gateway.networking.k8s.io",
         {"v1", "v1beta1"},
         "referencegrants",
         "ReferenceGrant",
         true,
         true},
    };
    return all;
}

}  // namespace hs::kube
