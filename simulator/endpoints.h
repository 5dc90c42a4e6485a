#pragma once
// Service → endpoints, as the controllers resolve them (ROUTING.md section C): the Service port a
// backend reference means, the EndpointSlice ports that serve it, which endpoint conditions count,
// named target ports per Pod, ExternalName, and the Pod and Node behind each address.

#include "model/cluster_state.h"

#include <string>
#include <string_view>
#include <vector>

namespace hs::sim {

struct EndpointInfo {
    std::string address;
    std::int32_t port = 0;
    std::string hostPort;  // "10.1.2.3:8080", "[fd00::1]:8080", "payments.example.net:443"
    const model::Pod* pod = nullptr;
    std::string podKey;  // "ns/name" when known
    std::string node;
    std::string zone;
    bool ready = true;
    bool serving = true;
    bool terminating = false;
};

struct ResolvedBackend {
    const model::Service* service = nullptr;
    const model::ServicePort* servicePort = nullptr;
    bool externalName = false;
    std::vector<EndpointInfo> endpoints;  // usable endpoints, in slice-name then listed order
    std::size_t excluded = 0;  // endpoints present but not usable (not ready, no such port)
    std::string problem;  // why `endpoints` is empty, for the explanation
};

// The Service port an ingress-nginx backend port means: the first Service port whose number,
// targetPort or name equals the Ingress's port (ingress-nginx compares them as strings).
const model::ServicePort* nginxServicePort(const model::Service& svc, std::string_view backendPort);

// Endpoints the way ingress-nginx collects them (endpointslices.go): slices labelled for the
// Service whose name starts with the Service name, ports matched by name (an unnamed Service
// port takes any) and protocol, else the numeric targetPort; endpoints with ready == false
// dropped; first address only; duplicate ip:port removed. ExternalName → one endpoint, refused
// for localhost and loopback addresses.
ResolvedBackend resolveNginx(const model::ClusterState& st, std::string_view ns, std::string_view service,
                             std::string_view backendPort);

// Endpoints the way kube-proxy and most Gateway implementations use them: ready endpoints, and
// serving+terminating ones only when none is ready.
ResolvedBackend resolveKubeProxy(const model::ClusterState& st, std::string_view ns, std::string_view service,
                                 std::int32_t servicePort);

std::string joinHostPort(std::string_view host, std::int32_t port);

}  // namespace hs::sim
