#include "simulator/nginx/settings.h"

#include "simulator/nginx/annotations.h"

#include <charconv>

namespace hs::sim::nginx {

namespace {
std::optional<int> toInt(std::string_view s) {
    int v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
}
}  // namespace

void Settings::applyConfigMap(const model::ConfigMap& cm) {
    configMapSource = cm.meta.key();
    auto get = [&](std::string_view key) { return model::lookup(cm.data, key); };
    auto boolKey = [&](std::string_view key, bool& dst) {
        if (const std::string* v = get(key)) {
            if (auto b = parseGoBool(*v))
                dst = *b;
            else
                problems.push_back(std::string(key) + ": \"" + *v + "\" is not a boolean; default kept");
        }
    };
    if (const std::string* v = get("http-redirect-code")) {
        auto code = toInt(*v);
        if (code && (*code == 301 || *code == 302 || *code == 307 || *code == 308))
            httpRedirectCode = *code;
        else
            problems.push_back("http-redirect-code: \"" + *v + "\" is not one of 301, 302, 307, 308; 308 kept");
    }
    if (const std::string* v = get("load-balance")) {
        if (*v == "round_robin" || *v == "ewma")
            loadBalance = *v;
        else
            problems.push_back("load-balance: \"" + *v + "\" is not round_robin or ewma; round_robin kept");
    }
    boolKey("ssl-redirect", sslRedirect);
    boolKey("force-ssl-redirect", forceSSLRedirect);
    boolKey("preserve-trailing-slash", preserveTrailingSlash);
    boolKey("use-forwarded-headers", useForwardedHeaders);
    boolKey("allow-snippet-annotations", allowSnippetAnnotations);
    boolKey("implementation-specific-as-prefix", implementationSpecificAsPrefix);
    boolKey("watch-ingress-without-class", watchIngressWithoutClass);
    if (const std::string* v = get("ingress-class")) ingressClass = *v;
    if (const std::string* v = get("controller-class")) controllerClass = *v;
    if (const std::string* v = get("default-backend-service")) defaultBackendService = *v;
    if (const std::string* v = get("no-tls-redirect-locations")) noTLSRedirectLocations = *v;
    if (const std::string* v = get("upstream-hash-by")) upstreamHashBy = *v;
    if (const std::string* v = get("limit-req-status-code"))
        if (auto c = toInt(*v)) limitReqStatusCode = *c;
    if (const std::string* v = get("limit-conn-status-code"))
        if (auto c = toInt(*v)) limitConnStatusCode = *c;
    if (const std::string* v = get("custom-http-errors")) {
        customHTTPErrors.clear();
        std::string_view s = *v;
        while (!s.empty()) {
            auto comma = s.find(',');
            std::string_view item = s.substr(0, comma);
            while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
            while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
            if (auto c = toInt(item)) customHTTPErrors.push_back(*c);
            if (comma == std::string_view::npos) break;
            s.remove_prefix(comma + 1);
        }
    }
}

const model::ConfigMap* findControllerConfigMap(const model::ClusterState& state) {
    if (const auto* cm = state.configMaps().find("ingress-nginx", "ingress-nginx-controller")) return cm;
    for (const auto& cm : state.configMaps().all()) {
        const std::string* name = model::lookup(cm->meta.labels, "app.kubernetes.io/name");
        const std::string* comp = model::lookup(cm->meta.labels, "app.kubernetes.io/component");
        if (name && *name == "ingress-nginx" && comp && *comp == "controller") return cm.get();
    }
    return nullptr;
}

}  // namespace hs::sim::nginx
