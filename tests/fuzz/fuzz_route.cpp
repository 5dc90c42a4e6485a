// Routing with fuzzer-chosen regex paths and hash keys: an Ingress in regex mode (PCRE2, nginx's
// engine) with an upstream-hash-by expression and a canary-by-header-pattern, and an HTTPRoute
// with a RegularExpression path and header match (RE2), compiled for the ingress-nginx and
// gateway-api profiles; then one fuzzer-chosen request is routed through both.
#include "fuzz_util.h"
#include "model/loader.h"
#include "simulator/route_table.h"

#include <fuzzer/FuzzedDataProvider.h>

using hs::fuzz::jsonQuote;

namespace {

std::string manifests(const std::string& path, const std::string& hashBy, const std::string& pattern,
                      const std::string& routeRegex, const std::string& headerRegex) {
    std::string pods = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"app"},
"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
"spec":{"containers":[{"name":"c","image":"x","ports":[{"name":"http","containerPort":8080}]}]}}}}
{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"app"},
"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080}]}}
{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"nginx"},"spec":{"controller":"k8s.io/ingress-nginx"}}
{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"gc"},"spec":{"controllerName":"example.com/gw"}}
{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"gw","namespace":"app"},
"spec":{"gatewayClassName":"gc","listeners":[{"name":"http","protocol":"HTTP","port":80}]}}
)";
    std::string ingress =
        R"({"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"re","namespace":"app",
"annotations":{"nginx.ingress.kubernetes.io/use-regex":"true","nginx.ingress.kubernetes.io/rewrite-target":"/$1",
"nginx.ingress.kubernetes.io/upstream-hash-by":)" +
        jsonQuote(hashBy) + R"(}},
"spec":{"ingressClassName":"nginx","rules":[{"host":"shop.example.com","http":{"paths":[
{"path":)" +
        jsonQuote(path) +
        R"(,"pathType":"ImplementationSpecific","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}}
{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"canary","namespace":"app",
"annotations":{"nginx.ingress.kubernetes.io/canary":"true","nginx.ingress.kubernetes.io/canary-by-header":"X-Canary",
"nginx.ingress.kubernetes.io/canary-by-header-pattern":)" +
        jsonQuote(pattern) + R"(}},
"spec":{"ingressClassName":"nginx","rules":[{"host":"shop.example.com","http":{"paths":[
{"path":)" +
        jsonQuote(path) +
        R"(,"pathType":"ImplementationSpecific","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}}
)";
    std::string route =
        R"({"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r","namespace":"app"},
"spec":{"parentRefs":[{"name":"gw"}],"rules":[{"matches":[{"path":{"type":"RegularExpression","value":)" +
        jsonQuote(routeRegex) + R"(},"headers":[{"type":"RegularExpression","name":"X-Re","value":)" +
        jsonQuote(headerRegex) + R"(}]}],
"backendRefs":[{"name":"web","port":80}]}]}}
)";
    return pods + ingress + route;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    std::string path = in.ConsumeRandomLengthString(128);
    std::string hashBy = in.ConsumeRandomLengthString(64);
    std::string pattern = in.ConsumeRandomLengthString(64);
    std::string routeRegex = in.ConsumeRandomLengthString(128);
    std::string headerRegex = in.ConsumeRandomLengthString(64);
    std::string target = in.ConsumeRandomLengthString(256);
    std::string header = in.ConsumeRemainingBytesAsString();

    hs::model::LoadOptions options;
    options.threads = 1;
    std::vector<hs::model::InputText> inputs;
    inputs.push_back({"fuzz.json", manifests(path, hashBy, pattern, routeRegex, headerRegex)});
    auto loaded = hs::model::loadTexts(std::move(inputs), options);
    if (!loaded.state) return 0;

    hs::sim::Request req;
    req.host = "shop.example.com";
    req.target = target.empty() || target.front() != '/' ? "/" + target : target;
    req.headers.push_back({"X-Canary", header});
    req.headers.push_back({"X-Re", header});
    for (auto profile : {hs::sim::Profile::IngressNginx, hs::sim::Profile::GatewayApi}) {
        hs::sim::ProfileOptions po;
        po.profile = profile;
        auto table = hs::sim::compileRouteTable(loaded.state, po);
        (void)table->lint();
        (void)table->rules();
        auto session = table->newSession(1);
        hs::sim::Decision d;
        session->route(req, d, {});
        session->route(req, d, {});  // the second request meets the balancer's state
    }
    return 0;
}
