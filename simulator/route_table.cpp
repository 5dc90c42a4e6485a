#include "simulator/route_table.h"

#include "simulator/gateway/gateway_table.h"
#include "simulator/gce/gce_table.h"
#include "simulator/nginx/nginx_table.h"
#include "simulator/spec/spec_table.h"

namespace hs::sim {

const char* profileName(Profile p) {
    switch (p) {
    case Profile::IngressNginx: return "ingress-nginx";
    case Profile::GatewayApi: return "gateway-api";
    case Profile::Gce: return "gce";
    case Profile::Spec: return "spec";
    }
    return "ingress-nginx";
}

std::optional<Profile> profileFromName(std::string_view name) {
    for (Profile p : {Profile::IngressNginx, Profile::GatewayApi, Profile::Gce, Profile::Spec})
        if (name == profileName(p)) return p;
    if (name == "nginx") return Profile::IngressNginx;
    if (name == "gateway") return Profile::GatewayApi;
    return std::nullopt;
}

std::shared_ptr<const RouteTable> compileRouteTable(std::shared_ptr<const model::ClusterState> state,
                                                    const ProfileOptions& options) {
    switch (options.profile) {
    case Profile::IngressNginx: {
        nginx::Settings s = nginx::settingsFor(*state, options);
        return nginx::compileNginx(std::move(state), s);
    }
    case Profile::GatewayApi: return gateway::compileGateway(std::move(state), options);
    case Profile::Gce: return gce::compileGce(std::move(state), options);
    case Profile::Spec: return spec::compileSpec(std::move(state), options);
    }
    return nullptr;
}

}  // namespace hs::sim
