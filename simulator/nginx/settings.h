#pragma once
// The ingress-nginx controller's settings that change routing: command-line flags and the keys
// of its ConfigMap. Defaults are the controller's own.

#include "model/cluster_state.h"

#include <string>
#include <vector>

namespace hs::sim::nginx {

struct Settings {
    // flags
    std::string controllerClass = "k8s.io/ingress-nginx";  // --controller-class
    std::string ingressClass = "nginx";  // --ingress-class (legacy annotation value)
    bool watchIngressWithoutClass = false;  // --watch-ingress-without-class
    std::string annotationsPrefix = "nginx.ingress.kubernetes.io";
    std::string defaultBackendService;  // --default-backend-service "ns/name"; empty = built-in 404
    // Ingresses not created yet (manifests) get the default IngressClass on create, as the
    // admission plugin would; live objects already carry what it set.
    bool applyDefaultClassOnCreate = true;
    // ROUTING.md B.3 renders ImplementationSpecific paths as plain nginx string prefixes; the
    // controller's store converts them to Prefix first (SetDefaultNGINXPathType). Off follows the
    // spec; on (`implementation-specific-as-prefix: "true"` in --controller-config) the source.
    bool implementationSpecificAsPrefix = false;

    // ConfigMap
    int httpRedirectCode = 308;  // http-redirect-code
    std::string loadBalance = "round_robin";  // load-balance
    bool sslRedirect = true;  // ssl-redirect
    bool forceSSLRedirect = false;  // force-ssl-redirect
    bool preserveTrailingSlash = false;  // preserve-trailing-slash
    std::string noTLSRedirectLocations = "/.well-known/acme-challenge";  // no-tls-redirect-locations
    bool useForwardedHeaders = false;  // use-forwarded-headers
    std::vector<int> customHTTPErrors;  // custom-http-errors
    int limitReqStatusCode = 503;  // limit-req-status-code
    int limitConnStatusCode = 503;  // limit-conn-status-code
    std::string upstreamHashBy;  // upstream-hash-by (global)
    std::string healthzURI = "/healthz";
    bool allowSnippetAnnotations = false;

    std::string configMapSource;  // "ns/name" of the ConfigMap read, if any
    std::vector<std::string> problems;  // invalid ConfigMap values

    // Reads the controller ConfigMap's keys into these settings.
    void applyConfigMap(const model::ConfigMap& cm);
};

// Finds the controller's ConfigMap in a snapshot: ingress-nginx/ingress-nginx-controller, else
// any ConfigMap labelled app.kubernetes.io/name=ingress-nginx and component=controller.
const model::ConfigMap* findControllerConfigMap(const model::ClusterState& state);

}  // namespace hs::sim::nginx
