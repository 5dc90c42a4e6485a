#include "simulator/replay/verify.h"

#include "model/json_writer.h"

#include <algorithm>
#include <cstring>

namespace hs::replay {

namespace {
constexpr std::size_t kMaxGroups = 1000;

const char* ruleName(sim::CanaryRule r) {
    switch (r) {
    case sim::CanaryRule::None: return "no canary";
    case sim::CanaryRule::Affinity: return "affinity cookie";
    case sim::CanaryRule::Header: return "canary-by-header";
    case sim::CanaryRule::Cookie: return "canary-by-cookie";
    case sim::CanaryRule::Weight: return "weight";
    case sim::CanaryRule::Unavailable: return "canary has no endpoints";
    }
    return "";
}
}  // namespace

std::string_view lastUpstreamAddr(std::string_view s) {
    // "a, b": after the last comma; "a : b": after " : "; a plain "ip:port" has a colon but no
    // space, so the separators are the spaces: the address is what follows the last one.
    // Most lines name one address: no space at all (one memchr instead of a loop per byte).
    if (!std::memchr(s.data(), ' ', s.size())) return s;
    std::size_t from = s.size();
    while (from > 0 && s[from - 1] != ' ') --from;
    std::string_view out = s.substr(from);
    while (!out.empty() && out.front() == ' ') out.remove_prefix(1);
    while (!out.empty() && out.back() == ' ') out.remove_suffix(1);
    return out;
}

Verifier::Verifier(const trace::FormatFields& fields, std::string fileName, std::size_t maxExamples)
    : fields_(fields), file_(std::move(fileName)), maxExamples_(maxExamples) {}

void Verifier::disagree(const char* check, std::string recorded, std::string simulated, const trace::TraceRecord& rec) {
    ok_ = false;
    auto key = std::make_tuple(std::string(check), std::move(recorded), std::move(simulated));
    auto it = groups_.find(key);
    if (it == groups_.end()) {
        if (groups_.size() >= kMaxGroups)
            key = std::make_tuple(std::string(check), std::string("(other)"), std::string("(other)"));
        it = groups_.find(key);
        if (it == groups_.end()) {
            VerifyGroup g;
            g.check = std::get<0>(key);
            g.recorded = std::get<1>(key);
            g.simulated = std::get<2>(key);
            it = groups_.emplace(std::move(key), std::move(g)).first;
        }
    }
    ++it->second.count;
    if (it->second.examples.size() < maxExamples_) {
        const sim::Request& r = rec.request;
        it->second.examples.push_back(file_ + ":" + std::to_string(rec.line) + ": " + r.method + " " + r.scheme +
                                      "://" + (r.host.empty() ? std::string("(no Host)") : r.host) + r.target);
    }
}

void Verifier::check(const trace::TraceRecord& rec, const sim::Decision& d) {
    if (!model_ || !model_->valid()) return;
    check(rec, d, d, model_->loggedUpstream(rec.request, d));
}

void Verifier::check(const trace::TraceRecord& rec, const sim::Decision& d, const sim::Decision& names,
                     const NginxLogModel::UpstreamInfo* simInfo) {
    if (!model_ || !model_->valid()) return;
    const trace::Recorded& rc = rec.recorded;
    ok_ = true;
    bool any = false;
    std::string_view simUpstream = simInfo ? std::string_view(simInfo->name) : std::string_view("-");

    if (fields_.upstream && !rc.upstream.empty()) {
        any = true;
        if (rc.upstream != simUpstream) disagree("upstream", rc.upstream, std::string(simUpstream), rec);
    }
    if (fields_.alternative && !rc.upstream.empty()) {
        any = true;
        bool recCanary = !rc.alternative.empty();
        if (d.canaryRule == sim::CanaryRule::Weight) {
            const auto* u = simInfo;
            if (recCanary && u && rc.alternative != u->alternative)
                disagree("canary", rc.alternative, u->alternative.empty() ? std::string("(no canary)") : u->alternative,
                         rec);
            else
                ++canaryByWeight_;
        } else if (recCanary != d.canary || (recCanary && rc.alternative != names.upstream)) {
            std::string sim = d.canary ? names.upstream + " (canary, " + ruleName(d.canaryRule) + ")"
                                       : std::string(simUpstream) + " (primary, " + ruleName(d.canaryRule) + ")";
            disagree("canary", recCanary ? rc.alternative + " (canary)" : rc.upstream + " (primary)", std::move(sim),
                     rec);
        }
    }
    bool recHasAddr = fields_.upstreamAddr && !rc.upstreamAddr.empty();
    bool recProxied = recHasAddr && rc.upstreamAddr != "-";
    bool simProxied = NginxLogModel::proxied(names);
    if (recHasAddr) {
        any = true;
        auto answer = [](bool proxied, int status) {
            return proxied ? std::string("proxied")
                           : "answered " + (status ? std::to_string(status) : std::string("(no status)"));
        };
        if (recProxied != simProxied) {
            disagree("answer", answer(recProxied, rc.status), answer(simProxied, d.status), rec);
        } else if (!recProxied && fields_.status && rc.status && rc.status != d.status) {
            disagree("answer", answer(false, rc.status), answer(false, d.status), rec);
        }
        if (recProxied) {
            const std::string& served = rc.alternative.empty() ? rc.upstream : rc.alternative;
            // the recorded upstream is usually the simulated one: no second lookup then
            const auto* u = simInfo && simInfo->name == served ? simInfo
                : d.canary && names.upstream == served         ? model_->upstream(names.upstream)
                                                               : model_->upstream(served);
            std::string_view addr = lastUpstreamAddr(rc.upstreamAddr);
            if (u && u->externalName) {
                ++endpointsNotChecked_;
            } else if (u && !u->hasEndpoint(addr)) {
                disagree("endpoint", std::string(addr) + " in " + served,
                         "not an endpoint of " + served + " in the snapshot", rec);
            }
        }
    } else if (fields_.status && rc.status && !simProxied && fields_.upstream) {
        any = true;
        if (rc.status != d.status)
            disagree("answer", "status " + std::to_string(rc.status), "answered " + std::to_string(d.status), rec);
    }
    if (fields_.ingress && !rc.ingress.empty()) {
        any = true;
        if (rc.ingress != names.ingress)
            disagree("ingress", rc.ingress, names.ingress.empty() ? std::string("(none)") : names.ingress, rec);
    }
    if (fields_.service && !rc.service.empty()) {
        any = true;
        std::string simService = simInfo ? simInfo->service : names.service;
        if (rc.service != simService)
            disagree("service", rc.service, simService.empty() ? std::string("(none)") : simService, rec);
    }
    if (any) {
        ++compared_;
        if (ok_) ++agreed_;
    }
}

VerifyReport Verifier::report() const {
    VerifyReport r;
    r.active = true;
    if (fields_.upstream) r.checks.push_back("upstream");
    if (fields_.alternative) r.checks.push_back("canary");
    if (fields_.upstreamAddr) {
        r.checks.push_back("answer");
        r.checks.push_back("endpoint");
    } else if (fields_.status) {
        r.checks.push_back("answer");
    }
    if (fields_.ingress) r.checks.push_back("ingress");
    if (fields_.service) r.checks.push_back("service");
    r.compared = compared_;
    r.agreed = agreed_;
    r.canaryByWeight = canaryByWeight_;
    r.endpointsNotChecked = endpointsNotChecked_;
    for (const auto& [k, g] : groups_) r.groups.push_back(g);
    std::stable_sort(r.groups.begin(), r.groups.end(),
                     [](const VerifyGroup& a, const VerifyGroup& b) { return a.count > b.count; });
    return r;
}

void VerifyReport::writeJson(model::JsonWriter& w) const {
    w.beginObject();
    w.key("checks").beginArray();
    for (const auto& c : checks) w.value(c);
    w.endArray();
    w.field("compared", compared).field("agreed", agreed);
    w.field("agreement", compared ? static_cast<double>(agreed) / static_cast<double>(compared) : 1.0);
    w.field("canaryByWeight", canaryByWeight).field("endpointsNotChecked", endpointsNotChecked);
    w.key("disagreements").beginArray();
    for (const auto& g : groups) {
        w.beginObject();
        w.field("check", g.check).field("recorded", g.recorded).field("simulated", g.simulated).field("count", g.count);
        w.key("examples").beginArray();
        for (const auto& e : g.examples) w.value(e);
        w.endArray();
        w.endObject();
    }
    w.endArray();
    w.endObject();
}

}  // namespace hs::replay
