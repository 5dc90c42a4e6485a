#include "simulator/replay/host_inference.h"
#include "simulator/fast_string.h"

#include <algorithm>

namespace hs::replay {

std::string hostForServer(const std::string& server) {
    if (server == "_") return {};
    if (server.size() > 2 && server[0] == '*' && server[1] == '.') return "any" + server.substr(1);
    return server;
}

namespace {
// The recorded $upstream_addr names an endpoint (nginx proxied the request).
bool recordedProxied(const trace::Recorded& r) { return !r.upstreamAddr.empty() && r.upstreamAddr != "-"; }
}  // namespace

HostInference::HostInference(std::shared_ptr<const sim::RouteTable> table, const NginxLogModel& model)
    : table_(std::move(table)), model_(model) {
    probe_ = table_->newSession(0x9e3779b97f4a7c15ULL);
}

namespace {
std::string_view otherScheme(std::string_view s) { return s == "http" ? "https" : "http"; }
}  // namespace

bool HostInference::fitsAs(const trace::TraceRecord& rec, std::string_view upstream, const std::string& server,
                           std::string_view scheme) {
    probeRequest_.method = rec.request.method;
    probeRequest_.scheme = scheme;
    probeRequest_.target = rec.request.target;
    probeRequest_.headers = rec.request.headers;
    probeRequest_.clientIP = rec.request.clientIP;
    probeRequest_.timeNs = rec.request.timeNs;
    probeRequest_.sni.clear();
    probeRequest_.host = hostForServer(server);
    probe_->route(probeRequest_, probeDecision_, {false});
    if (model_.upstreamName(probeRequest_, probeDecision_) != upstream) return false;
    bool proxied = NginxLogModel::proxied(probeDecision_);
    if (recordedProxied(rec.recorded)) return proxied || probeDecision_.outcome == sim::Outcome::Denied;
    return !proxied && (rec.recorded.status == 0 || probeDecision_.status == rec.recorded.status);
}

// A log without a scheme: a recorded redirect may be the plain-HTTP request's (inferScheme then
// picks the scheme for the host chosen).
bool HostInference::fits(const trace::TraceRecord& rec, std::string_view upstream, const std::string& server) {
    if (fitsAs(rec, upstream, server, rec.request.scheme)) return true;
    return !rec.hasScheme && redirectRecorded(rec.recorded) &&
        fitsAs(rec, upstream, server, otherScheme(rec.request.scheme));
}

bool HostInference::redirectsAs(const trace::TraceRecord& rec, std::string_view scheme) {
    probeRequest_ = rec.request;
    probeRequest_.scheme = scheme;
    probe_->route(probeRequest_, probeDecision_, {false});
    return !NginxLogModel::proxied(probeDecision_) && probeDecision_.status == rec.recorded.status;
}

bool HostInference::switchScheme(trace::TraceRecord& rec) {
    // the answer for (status, scheme, method, host, target), cached: a log repeats its redirects
    const sim::Request& r = rec.request;
    schemeKey_.assign(std::to_string(rec.recorded.status)).append(1, '\x1f').append(r.scheme).append(1, '\x1f');
    schemeKey_.append(r.method).append(1, '\x1f').append(r.host).append(1, '\x1f').append(r.target);
    std::uint32_t id = schemeKeys_.find(schemeKey_);
    if (id == detail::FlatIndex::kNone) {
        if (schemeSwitch_.size() >= 65536) {  // bounded; recomputed the same
            schemeKeys_.clear();
            schemeSwitch_.clear();
        }
        const bool sw = !redirectsAs(rec, r.scheme) && redirectsAs(rec, otherScheme(r.scheme));
        id = schemeKeys_.insert(schemeKey_);  // == schemeSwitch_.size()
        schemeSwitch_.push_back(sw);
    }
    if (!schemeSwitch_[id]) return false;
    rec.request.scheme = otherScheme(r.scheme);
    ++schemesSwitched_;
    return true;
}

const HostInference::Result& HostInference::resolve(const trace::TraceRecord& rec, std::string_view upstream) {
    std::string_view path = rec.request.path();
    key_.assign(upstream).append(1, '\x1f');
    if (recordedProxied(rec.recorded))
        key_.append("p");
    else
        key_.append(std::to_string(rec.recorded.status));
    key_.append(1, '\x1f').append(path);
    if (std::uint32_t hit = cacheKeys_.find(key_); hit != detail::FlatIndex::kNone) return cache_[hit];
    if (cache_.size() >= 65536) {  // bounded memory; results are recomputed the same
        cacheKeys_.clear();
        cache_.clear();
    }

    Result res;
    std::vector<std::string> candidates;
    if (upstream == "-") {
        candidates = model_.servers();
    } else if (const auto* u = model_.upstream(upstream)) {
        candidates = u->servers;
    }
    std::vector<std::string> fitting;
    for (const auto& c : candidates)
        if (fits(rec, upstream, c)) fitting.push_back(hostForServer(c));
    if (fitting.empty() && !candidates.empty() && upstream != "-") {
        // Nothing fits exactly (a configuration that differs from the recorded one): use the first
        // server that has the upstream at all.
        for (const auto& c : candidates) fitting.push_back(hostForServer(c));
    }
    if (!fitting.empty()) {
        res.ok = true;
        res.host = fitting.front();
        res.others.assign(fitting.begin() + 1, fitting.end());
    }
    res.row = row(std::string(upstream), res.ok ? res.host : std::string(), res.others);
    cacheKeys_.insert(key_);  // id == cache_.size()
    cache_.push_back(std::move(res));
    return cache_.back();
}

std::size_t HostInference::row(const std::string& upstream, const std::string& host,
                               const std::vector<std::string>& others) {
    auto key = std::make_tuple(upstream, host, others);
    auto it = rowIndex_.find(key);
    if (it != rowIndex_.end()) return it->second;
    Stat s;
    s.upstream = upstream;
    s.host = host;
    s.alternatives = others;
    rows_.push_back(std::move(s));
    rowIndex_.emplace(std::move(key), rows_.size() - 1);
    return rows_.size() - 1;
}

bool HostInference::infer(trace::TraceRecord& rec) {
    if (rec.hasHost) return true;
    const std::string& upstream = rec.recorded.upstream;
    if (upstream.empty()) {
        ++failed_;
        ++rows_[row("(not recorded)", {}, {})].requests;
        rec.request.host.clear();
        return false;
    }
    // Fast path: an upstream that only one server logs, seen lately (no lookup).
    const sim::RecentMemo<std::size_t>::Lookup seen = recent_.lookup(upstream);
    if (seen.hit) {
        sim::setText(rec.request.host, rows_[*seen.hit].host);
        ++rows_[*seen.hit].requests;
        ++inferred_;
        return true;
    }
    const NginxLogModel::UpstreamInfo* u = upstream == "-" ? nullptr : model_.upstream(upstream);
    if (u && u->servers.size() == 1) {
        if (single_.size() < model_.upstreamCount()) single_.resize(model_.upstreamCount(), SIZE_MAX);
        std::size_t& slot = single_[u->id];
        if (slot == SIZE_MAX) slot = row(u->name, hostForServer(u->servers.front()), {});
        sim::setText(rec.request.host, rows_[slot].host);
        ++rows_[slot].requests;
        ++inferred_;
        if (seen.admit) recent_.remember(upstream) = slot;
        return true;
    }
    const Result& r = resolve(rec, upstream);
    ++rows_[r.row].requests;
    if (!r.ok) {
        ++failed_;
        rec.request.host.clear();
        return false;
    }
    ++inferred_;
    if (!r.others.empty()) ++ambiguous_;
    sim::setText(rec.request.host, r.host);
    return true;
}

std::vector<HostInference::Stat> HostInference::stats() const {
    std::vector<Stat> out;
    for (const auto& s : rows_)
        if (s.requests) out.push_back(s);
    std::sort(out.begin(), out.end(), [](const Stat& a, const Stat& b) {
        return std::tie(a.upstream, a.host, a.alternatives) < std::tie(b.upstream, b.host, b.alternatives);
    });
    return out;
}

}  // namespace hs::replay
