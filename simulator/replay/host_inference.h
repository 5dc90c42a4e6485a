#pragma once
// Hosts for traces that do not record them (ingress-nginx's default log has no $host): the
// recorded upstream names the servers that could have logged it; when several could, the path
// decides — each candidate is routed on a probe session and must log the same upstream (and the
// same kind of answer: proxied, or the same status). Several left: the first by name is used and
// the request counts as ambiguous. Results are cached per (upstream, path, answer), bounded.
// docs/traces.md, "Hosts the log does not record".

#include "simulator/recent_memo.h"
#include "simulator/replay/nginx_log_model.h"
#include "simulator/trace/trace_record.h"

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace hs::replay {

class HostInference {
public:
    HostInference(std::shared_ptr<const sim::RouteTable> table, const NginxLogModel& model);

    // Sets rec.request.host from rec.recorded (when rec.hasHost is false). Returns false when no
    // host could be inferred (the request then has no Host: the catch-all server answers).
    bool infer(trace::TraceRecord& rec);

    // For a record without a scheme whose recorded answer is a redirect the controller gave
    // itself (redirectRecorded): keeps rec.request.scheme when routing it gives that answer, else
    // switches to the other scheme when that one does. Returns true when it switched.
    // The check is inline (one comparison for most lines); the probe routes are not.
    bool inferScheme(trace::TraceRecord& rec) {
        return !rec.hasScheme && redirectRecorded(rec.recorded) && switchScheme(rec);
    }
    // The log recorded that the controller answered with a redirect (3xx, no upstream address).
    static bool redirectRecorded(const trace::Recorded& r) {
        return r.status >= 301 && r.status <= 308 && r.status != 304 && r.status != 305 && r.status != 306 &&
            (r.upstreamAddr == "-" || (r.upstreamAddr.empty() && r.upstream == "-"));
    }

    struct Stat {
        std::string upstream;
        std::string host;  // the host used ("" = none could be inferred)
        std::vector<std::string> alternatives;  // other hosts that fit as well (ambiguous)
        std::uint64_t requests = 0;
    };
    // One row per (upstream, host used, ambiguity), sorted.
    std::vector<Stat> stats() const;
    std::uint64_t inferred() const { return inferred_; }
    std::uint64_t ambiguous() const { return ambiguous_; }
    std::uint64_t failed() const { return failed_; }
    std::uint64_t schemesSwitched() const { return schemesSwitched_; }

private:
    struct Result {
        std::string host;
        std::vector<std::string> others;
        bool ok = false;
        std::size_t row = 0;  // into rows_
    };
    std::size_t row(const std::string& upstream, const std::string& host, const std::vector<std::string>& others);
    const Result& resolve(const trace::TraceRecord& rec, std::string_view upstream);
    bool fits(const trace::TraceRecord& rec, std::string_view upstream, const std::string& server);
    bool fitsAs(const trace::TraceRecord& rec, std::string_view upstream, const std::string& server,
                std::string_view scheme);
    bool switchScheme(trace::TraceRecord& rec);  // inferScheme past its check
    // Routes rec.request with `scheme` on the probe session: the recorded redirect comes back.
    bool redirectsAs(const trace::TraceRecord& rec, std::string_view scheme);

    std::shared_ptr<const sim::RouteTable> table_;
    const NginxLogModel& model_;
    std::unique_ptr<sim::RouteSession> probe_;
    sim::Request probeRequest_;
    sim::Decision probeDecision_;
    detail::FlatIndex cacheKeys_;  // (upstream, answer, path) → index into cache_
    std::vector<Result> cache_;
    std::string key_;
    std::vector<Stat> rows_;
    std::map<std::tuple<std::string, std::string, std::vector<std::string>>, std::size_t> rowIndex_;
    std::vector<std::size_t> single_;  // upstream id → row (SIZE_MAX: none yet)
    // single-server upstreams seen lately and their rows: a log names a handful of upstreams
    // over and over (a few comparisons instead of a hash lookup per line)
    sim::RecentMemo<std::size_t> recent_;
    detail::FlatIndex schemeKeys_;  // (status, scheme, method, host, target) → index into schemeSwitch_
    std::vector<bool> schemeSwitch_;
    std::string schemeKey_;
    std::uint64_t inferred_ = 0, ambiguous_ = 0, failed_ = 0, schemesSwitched_ = 0;
};

// A concrete host for a server name: itself, "<wildcard>" → "any.<suffix>" (a label the
// wildcard matches), "_" → "" (no Host: the catch-all).
std::string hostForServer(const std::string& server);

}  // namespace hs::replay
