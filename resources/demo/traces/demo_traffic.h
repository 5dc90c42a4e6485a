#pragma once
// Synthetic traffic for the demo cluster, and the traces written from it: an ingress-nginx access
// log in the default upstreaminfo format, a HAR of one browser session, JSON Lines. Every request
// comes from a fixed catalogue of the demo's hosts and paths (shop, API with its canary, checkout,
// admin, payments, blog in regex mode, redirect hosts, tenants, dashboard, metrics, unknown
// hosts), drawn with a seeded generator; what the log records about each one ($status,
// $proxy_upstream_name, $proxy_alternative_upstream_name, $upstream_addr, ...) is what the
// ingress-nginx profile decides for it, written the way ingress-nginx logs it
// (replay/nginx_log_model.h). Same seed, same bytes. resources/demo/README.md documents it.

#include "simulator/route_table.h"

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>

namespace hs::demo {

struct TrafficOptions {
    std::uint64_t requests = 100'000;
    std::uint64_t seed = 42;
    std::int64_t startNs = 1'795'593'600'000'000'000;  // 2026-11-25T08:00:00Z
    double ratePerSecond = 50;  // mean arrival rate (Poisson)
};

// The ingress-nginx access log (log_format upstreaminfo), one line per request.
void writeIngressNginxLog(std::ostream& out, std::shared_ptr<const sim::RouteTable> table,
                          const TrafficOptions& options);
// The same requests as Hopscope JSON Lines (with what the controller recorded).
void writeJsonLines(std::ostream& out, std::shared_ptr<const sim::RouteTable> table, const TrafficOptions& options);
// A HAR 1.2 file of one browser session on the shop and the blog (about 40 entries).
void writeBrowserHar(std::ostream& out, std::shared_ptr<const sim::RouteTable> table, std::uint64_t seed = 7);

}  // namespace hs::demo
