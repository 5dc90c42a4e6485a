#pragma once
// The API resources Hopscope reads, and where the server serves them. Only what routing needs is
// listed; Secrets are deliberately absent (a TLS Secret is fetched by name, never listed).

#include "model/objects.h"

#include <optional>
#include <string>
#include <vector>

namespace hs::kube {

// A resource as a server serves it: group/version/resource plus what the model calls it.
struct ApiResource {
    std::string group;  // "" for core
    std::string version;  // "v1"
    std::string resource;  // plural, "ingresses"
    std::string kind;  // "Ingress"
    bool namespaced = true;
    model::Kind modelKind = model::Kind::Pod;

    std::string apiVersion() const { return group.empty() ? version : group + '/' + version; }
    // "/api/v1/namespaces/NS/pods" or "/apis/networking.k8s.io/v1/ingresses" (ns empty = all).
    std::string collectionPath(const std::string& ns) const;
    std::string objectPath(const std::string& ns, const std::string& name) const;
    // "pods", "ingresses.networking.k8s.io" — as kubectl and RBAC messages name resources.
    std::string displayName() const;
};

// What Hopscope would like, in order of preference.
struct WantedResource {
    model::Kind modelKind;
    std::string group;
    std::vector<std::string> versions;  // preferred first
    std::string resource;
    std::string kind;
    bool namespaced;
    bool optional;  // only when the server serves it (Gateway API); otherwise reported when missing
};

const std::vector<WantedResource>& wantedResources();

}  // namespace hs::kube
