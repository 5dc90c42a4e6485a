#include "differ.h"

#include <sstream>

namespace hs::test {

using sim::Decision;
using sim::Outcome;
using sim::nginx::ExportedLocation;
using sim::nginx::Location;
using sim::nginx::SpecialLocation;

namespace {

enum class Kind { Bad, Redirect, Forbidden, Unavailable, Proxied, Self, Other };

const char* kindName(Kind k) {
    switch (k) {
    case Kind::Bad: return "rejected (400/414)";
    case Kind::Redirect: return "redirect";
    case Kind::Forbidden: return "403";
    case Kind::Unavailable: return "503 (location denied)";
    case Kind::Proxied: return "proxied";
    case Kind::Self: return "answered by the location";
    case Kind::Other: return "other";
    }
    return "?";
}

bool isRedirect(int s) { return s == 301 || s == 302 || s == 303 || s == 307 || s == 308; }

std::string normPath(const std::string& p) { return p.empty() ? "/" : p; }

// The mutation that most likely explains a difference: the host's when the host was mutated,
// else the path's ("cross:host-port+pct-slash" → "host-port").
std::string mutationClass(std::string m) {
    if (m.rfind("cross:", 0) == 0) m.erase(0, 6);
    auto plus = m.find('+');
    if (plus == std::string::npos) return m;
    std::string host = m.substr(0, plus);
    return host == "host" || host == "wildcard" || host == "alias" ? m.substr(plus + 1) : host;
}

}  // namespace

Differ::Differ(std::shared_ptr<const sim::RouteTable> table, const sim::nginx::Config& config,
               const sim::nginx::NginxExport& ex)
    : table_(std::move(table)), session_(table_->newSession(42)), config_(config), ex_(ex) {
    for (std::size_t si = 0; si < config_.servers.size(); ++si)
        serverIdByName_[config_.servers[si].hostname] = ex_.serverIds[si];
    for (const auto& l : ex_.locations) byKey_.emplace(keyOfExported(l), &l);
}

std::string Differ::keyOfDecision(const Decision& d) const {
    std::string ingress = d.ingress == "the controller" ? std::string() : d.ingress;
    return d.server + " | " + d.location + " | " + ingress + " | " + (d.pathType.empty() ? d.path : normPath(d.path)) +
        " | " + d.pathType;
}

std::string Differ::keyOfExported(const ExportedLocation& l) const {
    return l.server + " | " + l.location + " | " + l.ingress + " | " +
        (l.pathType.empty() ? l.path : normPath(l.path)) + " | " + l.pathType;
}

const Location* Differ::locationOfKey(const std::string& key) const {
    auto it = byKey_.find(key);
    if (it == byKey_.end()) return nullptr;
    const std::string& id = it->second->id;  // "s<i>.l<j>"
    auto dot = id.find(".l");
    std::size_t si = std::stoul(id.substr(1, dot - 1)), li = std::stoul(id.substr(dot + 2));
    return &config_.servers[si].locations[li];
}

sim::Request Differ::modelRequest(const TestRequest& t, std::size_t i) const {
    sim::Request r;
    r.scheme = t.https ? "https" : "http";
    r.host = t.hasHost ? t.host : std::string();
    r.target = t.target;
    r.clientIP = t.clientIp;
    r.timeNs = static_cast<std::int64_t>(i) * 10'000'000'000;
    return r;
}

Verdict Differ::compare(const TestRequest& t, std::size_t i, const HttpResponse& n) {
    sim::Request r = modelRequest(t, i);
    sim::RouteOptions ro;
    ro.explain = false;
    session_->route(r, d_, ro);
    const Decision& d = d_;
    std::string modelKey = d.location.empty() ? std::string() : keyOfDecision(d);
    const Location* modelLoc = modelKey.empty() ? nullptr : locationOfKey(modelKey);

    // Hopscope's answer, in the terms nginx can show.
    Kind mk = Kind::Other;
    switch (d.outcome) {
    case Outcome::BadRequest: mk = Kind::Bad; break;
    case Outcome::Redirect: mk = Kind::Redirect; break;
    case Outcome::Denied:
        if (d.status == 403)
            mk = Kind::Forbidden;
        else if (modelLoc && modelLoc->ann && !modelLoc->ann->deniedReason.empty())
            mk = Kind::Unavailable;
        else
            mk = Kind::Proxied;  // a rate limit: Lua/limit_req, not rendered for the test
        break;
    case Outcome::Routed:
    case Outcome::NoEndpoints:
    case Outcome::DefaultBackend:
        mk = modelLoc && modelLoc->special != SpecialLocation::None ? Kind::Self : Kind::Proxied;
        break;
    case Outcome::NotServed: mk = Kind::Other; break;
    }
    // nginx's answer.
    const std::string* echo = n.header(sim::nginx::kHeaderEcho);
    Kind nk = Kind::Other;
    if (n.status == 400 || n.status == 414)
        nk = Kind::Bad;
    else if (isRedirect(n.status))
        nk = Kind::Redirect;
    else if (n.status == 403)
        nk = Kind::Forbidden;
    else if (n.status == 503 && !echo)
        nk = Kind::Unavailable;
    else if (n.status == 200)
        nk = echo ? Kind::Proxied : Kind::Self;
    const std::string* nLocId = n.header(sim::nginx::kHeaderLocation);
    const std::string* nServerId = n.header(sim::nginx::kHeaderServer);
    const ExportedLocation* nLoc = nLocId ? ex_.location(*nLocId) : nullptr;
    const std::string* nRedirect = n.header("Location");
    std::string expectedUri = d.upstreamPath.empty() ? r.target : d.upstreamPath;

    std::vector<std::string> diffs;
    if (nk != mk) diffs.push_back(std::string("answer: nginx ") + kindName(nk) + " vs hopscope " + kindName(mk));
    if (nk == mk && nk == Kind::Bad && n.status != d.status)
        diffs.push_back("rejection status " + std::to_string(n.status) + " vs " + std::to_string(d.status));
    if (nk == mk && nk == Kind::Redirect) {
        if (n.status != d.status)
            diffs.push_back("redirect status " + std::to_string(n.status) + " vs " + std::to_string(d.status));
        std::string nl = nRedirect ? *nRedirect : std::string("(none)");
        // nginx builds its own 301 (the trailing slash) with the listener's scheme, plain HTTP here.
        bool schemeOnly = t.https && n.status == 301 && nl.rfind("http://", 0) == 0 &&
            d.redirectLocation.rfind("https://", 0) == 0 && nl.substr(7) == d.redirectLocation.substr(8);
        if (nl != d.redirectLocation && !schemeOnly) diffs.push_back("redirect Location");
    }
    if (nk == mk && nk != Kind::Bad && nk != Kind::Other) {
        std::string modelServer = d.server.empty() ? std::string() : serverIdByName_[d.server];
        if (!nServerId || *nServerId != modelServer) diffs.push_back("server");
        std::string nKey = nLoc ? keyOfExported(*nLoc) : std::string();
        if (nKey != modelKey)
            diffs.push_back(modelKey.empty() || nKey.empty() ? "location (one side has none)" : "location");
        if (nk == Kind::Proxied && n.body != expectedUri) diffs.push_back("upstream URI");
    }
    if (nk == Kind::Other && mk == Kind::Other) diffs.push_back("both answered something unexpected");

    Verdict v;
    if (diffs.empty()) return v;
    v.agree = false;
    v.group = diffs.front() + " [" + mutationClass(t.mutation) + "]";
    std::ostringstream s;
    s << "  GET " << t.target << (t.hasHost ? "  Host: " + t.host : std::string("  (HTTP/1.0, no Host)"))
      << (t.https ? "  (as https)" : "") << "  client " << t.clientIp << "  [" << t.mutation << "]\n";
    s << "    nginx:    " << (n.status ? std::to_string(n.status) : "no answer: " + n.error);
    if (nRedirect) s << " Location: " << *nRedirect;
    if (nServerId) s << "  server " << *nServerId;
    if (nLoc)
        s << "  location " << nLoc->id << " `" << nLoc->written << "` ("
          << (nLoc->ingress.empty() ? "controller" : nLoc->ingress) << " " << normPath(nLoc->path) << ")";
    else if (nLocId)
        s << "  location " << *nLocId << " (unknown id)";
    if (echo) s << "  upstream URI " << n.body;
    s << "\n    hopscope: " << sim::outcomeName(d.outcome) << " " << d.status;
    if (!d.redirectLocation.empty()) s << " Location: " << d.redirectLocation;
    if (!d.server.empty()) s << "  server " << serverIdByName_[d.server] << " (" << d.server << ")";
    if (!d.location.empty())
        s << "  location `" << d.location << "` (" << (d.ingress.empty() ? "controller" : d.ingress) << " " << d.path
          << ")";
    if (mk == Kind::Proxied) s << "  upstream URI " << expectedUri;
    s << "\n    differs: ";
    for (std::size_t k = 0; k < diffs.size(); ++k) s << (k ? ", " : "") << diffs[k];
    v.detail = s.str();
    return v;
}

void Report::add(const std::string& set, const Verdict& v) {
    if (v.agree) return;
    ++total_;
    Group& g = groups_[set + ": " + v.group];
    ++g.count;
    if (g.examples.size() < 8) g.examples.push_back(v.detail);
}

std::string Report::text(std::size_t maxGroups, std::size_t examples) const {
    std::vector<std::pair<std::string, const Group*>> sorted;
    for (const auto& [k, g] : groups_) sorted.emplace_back(k, &g);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second->count > b.second->count; });
    std::ostringstream s;
    s << total_ << " disagreement(s) in " << groups_.size() << " group(s)\n";
    std::size_t shown = 0;
    for (const auto& [k, g] : sorted) {
        if (shown++ == maxGroups) {
            s << "... " << sorted.size() - maxGroups << " more group(s)\n";
            break;
        }
        s << "\n" << g->count << " × " << k << "\n";
        for (std::size_t i = 0; i < g->examples.size() && i < examples; ++i) s << g->examples[i];
    }
    return s.str();
}

}  // namespace hs::test
