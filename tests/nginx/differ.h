#pragma once
// Compares what a real nginx (running the --for-test export) answered with what Hopscope's
// router decided for the same request: the kind of answer (400, redirect, 403, 503 denied
// location, proxied, answered by the location itself), the status code and Location of
// redirects, the server and location chosen, and the URI sent upstream. Lua-level outcomes
// (canary, balancing, endpoints, rate limits) are not compared: nginx alone cannot decide them.

#include "nginx_harness.h"
#include "request_generator.h"

#include "simulator/nginx/config.h"
#include "simulator/nginx/export.h"
#include "simulator/route_table.h"

#include <map>
#include <memory>
#include <string>

namespace hs::test {

struct Verdict {
    bool agree = true;
    std::string group;  // what differs, for grouping ("location", "status 301 vs 200", ...)
    std::string detail;  // the request, nginx's answer and Hopscope's decision, readable
};

class Differ {
public:
    Differ(std::shared_ptr<const sim::RouteTable> table, const sim::nginx::Config& config,
           const sim::nginx::NginxExport& ex);

    // The model's Request for a test request (the i-th: replays advance the clock 10 s per
    // request so rate limits never fire).
    sim::Request modelRequest(const TestRequest& t, std::size_t i) const;
    Verdict compare(const TestRequest& t, std::size_t i, const HttpResponse& nginx);

private:
    std::string keyOfDecision(const sim::Decision& d) const;
    std::string keyOfExported(const sim::nginx::ExportedLocation& l) const;
    const sim::nginx::Location* locationOfKey(const std::string& key) const;

    std::shared_ptr<const sim::RouteTable> table_;
    std::unique_ptr<sim::RouteSession> session_;
    const sim::nginx::Config& config_;
    const sim::nginx::NginxExport& ex_;
    std::map<std::string, std::string> serverIdByName_;
    std::map<std::string, const sim::nginx::ExportedLocation*> byKey_;
    sim::Decision d_;
};

// Accumulates disagreements by group; prints at most `maxGroups` groups with `examples` each.
class Report {
public:
    void add(const std::string& set, const Verdict& v);
    std::size_t disagreements() const { return total_; }
    std::string text(std::size_t maxGroups = 25, std::size_t examples = 3) const;

private:
    struct Group {
        std::size_t count = 0;
        std::vector<std::string> examples;
    };
    std::map<std::string, Group> groups_;
    std::size_t total_ = 0;
};

}  // namespace hs::test
