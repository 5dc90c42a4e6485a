#pragma once
// Renders the ingress-nginx profile's Config (config.h) as a real nginx configuration: one
// `server` per host, locations in the profile's order with the same modifiers, the app-root,
// redirect and rewrite directives ingress-nginx's template writes, allow/deny lists, and the
// HTTPS redirect the controller makes in Lua, emulated with nginx maps. What ingress-nginx
// decides in Lua per request (canary, balancing, affinity) appears as comments.
//
// Two flavours (docs/export-nginx.md):
//  - readable (default): a config to read like `kubectl ingress-nginx conf`, loadable by a stock
//    nginx (`nginx -t`), each location proxying to an upstream block with the Service's endpoints;
//  - for-test: the same structure on a loopback listener, every location proxying to a small echo
//    server (a unix socket) and naming itself in response headers, so the differential test can
//    read back which server and location nginx chose and the URI it sent upstream.

#include "simulator/nginx/config.h"

#include <string>
#include <vector>

namespace hs::sim::nginx {

struct ExportOptions {
    bool forTest = false;
    int listenPort = 80;  // the plain-HTTP listener (for-test: on 127.0.0.1 only)
    std::string echoSocket;  // for-test: absolute path of the echo server's unix socket
    // readable: loopback ports of the stand-ins for the controller's default backend (ingress-nginx
    // runs it on 8181) and for upstreams without endpoints.
    int defaultBackendPort = 8181;
    int noEndpointsPort = 8182;
    std::string source;  // what the cluster came from, for the header comment
};

// Response headers of a for-test config.
inline constexpr const char* kHeaderServer = "X-Hs-Server";  // the server's id ("s3")
inline constexpr const char* kHeaderLocation = "X-Hs-Loc";  // the location's id ("s3.l7")
inline constexpr const char* kHeaderEcho = "X-Hs-Echo";  // set by the echo server: body = URI sent upstream
// Request headers a for-test config reads instead of what a TLS listener and a real client
// address would give it.
inline constexpr const char* kHeaderTestScheme = "X-Test-Scheme";  // "https": the request came over TLS
inline constexpr const char* kHeaderTestClientIp = "X-Test-Client-IP";  // the client address (realip)

// One location as the export names it, with the fields a Decision uses for the same location.
struct ExportedLocation {
    std::string id;  // "s3.l7"
    std::string server;  // Server::hostname
    std::string location;  // Location::render(regexMode), as Decision::location has it
    std::string written;  // how the configuration names it (the controller's health check and
        // status page stay plain prefixes in regex mode)
    std::string ingress;  // "ns/name"; empty for the controller's own locations
    std::string path;  // the Ingress path as written ("" when the location has no Ingress path)
    std::string pathType;  // its pathType name ("" likewise)
    bool rendered = true;  // false: left out of the config (see NginxExport::warnings)
};

struct NginxExport {
    std::string text;
    std::vector<std::string> serverIds;  // index = Config::servers index, value "s<i>"
    std::vector<ExportedLocation> locations;
    // Locations the export had to leave out to keep the configuration loadable (duplicate static
    // locations, regexes PCRE cannot compile) — the same ones the router never matches.
    std::vector<std::string> warnings;

    const ExportedLocation* location(std::string_view id) const;
};

NginxExport exportNginx(const Config& config, const ExportOptions& options);

}  // namespace hs::sim::nginx
