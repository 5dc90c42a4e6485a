#pragma once
// Verify: compare what the trace says the real controller did with what the simulator decides,
// request by request, and group every disagreement. Only the deterministic part of a decision is
// compared (docs/replay.md, "Verify"):
//
//   upstream  $proxy_upstream_name — the location nginx matched (host, path, class, merging)
//   canary    $proxy_alternative_upstream_name — canary or not, when a rule decided it (header,
//             cookie, affinity); a weight roll is random, so either answer agrees with it
//   answer    proxied ($upstream_addr is an address) or answered by the controller, and then its
//             status (redirects, 403, 404, 503)
//   endpoint  the recorded $upstream_addr (the last one after retries) is an endpoint of the
//             recorded upstream in the snapshot — not which endpoint the balancer picked
//   ingress, service  $namespace/$ingress_name, $namespace/$service_name, when logged

#include "simulator/replay/nginx_log_model.h"
#include "simulator/trace/trace_record.h"

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace hs::model {
class JsonWriter;
}

namespace hs::replay {

struct VerifyGroup {
    std::string check;  // upstream, canary, answer, endpoint, ingress, service
    std::string recorded;
    std::string simulated;
    std::uint64_t count = 0;
    std::vector<std::string> examples;  // "access.log:123: GET shop.example.com/api/x"
};

struct VerifyReport {
    bool active = false;
    std::vector<std::string> checks;  // the comparisons this trace allows
    std::uint64_t compared = 0;  // requests with at least one comparison
    std::uint64_t agreed = 0;  // requests whose comparisons all agree
    std::uint64_t canaryByWeight = 0;  // canary choices left to a weight roll (not compared)
    std::uint64_t endpointsNotChecked = 0;  // ExternalName upstreams (nginx logs a resolved address)
    std::vector<VerifyGroup> groups;  // disagreements, most frequent first
    double rate() const { return compared ? static_cast<double>(agreed) / static_cast<double>(compared) : 1.0; }

    void writeJson(model::JsonWriter& w) const;
};

class Verifier {
public:
    Verifier(const trace::FormatFields& fields, std::string fileName, std::size_t maxExamples = 3);
    // The model of the table now in force (scenario events replace the table). Not owned.
    void setModel(const NginxLogModel* model) { model_ = model; }

    void check(const trace::TraceRecord& rec, const sim::Decision& d);
    // The same with the upstream the model says nginx logs for `d` (NginxLogModel::loggedUpstream),
    // known to the caller: the replay works it out once per route.
    // `names` carries d's route names — upstream, endpoint, Ingress, Service (d itself unless the
    // router left them out, RouteOptions::names).
    void check(const trace::TraceRecord& rec, const sim::Decision& d, const sim::Decision& names,
               const NginxLogModel::UpstreamInfo* logged);
    VerifyReport report() const;

private:
    void disagree(const char* check, std::string recorded, std::string simulated, const trace::TraceRecord& rec);

    trace::FormatFields fields_;
    std::string file_;
    std::size_t maxExamples_;
    const NginxLogModel* model_ = nullptr;
    std::uint64_t compared_ = 0, agreed_ = 0, canaryByWeight_ = 0, endpointsNotChecked_ = 0;
    bool ok_ = true;  // the current request agrees so far
    std::map<std::tuple<std::string, std::string, std::string>, VerifyGroup> groups_;
};

// "10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80" → "10.0.0.3:80" (the address that answered last).
std::string_view lastUpstreamAddr(std::string_view logged);

}  // namespace hs::replay
