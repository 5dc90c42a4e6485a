#include "simulator/profile_util.h"

#include "simulator/balancer.h"
#include "simulator/request.h"

namespace hs::sim {

std::string_view trimTrailingSlashes(std::string_view p) {
    while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
    return p;
}

bool elementPrefixMatch(std::string_view rulePath, std::string_view path) {
    std::string_view p = trimTrailingSlashes(rulePath);
    if (p.empty() || p == "/") return true;
    if (path.size() < p.size() || path.compare(0, p.size(), p) != 0) return false;
    return path.size() == p.size() || path[p.size()] == '/';
}

namespace {
// Next '/'-separated element of `s` at or after `i` (skipping separators); empty at the end.
std::string_view nextElement(std::string_view s, std::size_t& i) {
    while (i < s.size() && s[i] == '/') ++i;
    std::size_t start = i;
    while (i < s.size() && s[i] != '/') ++i;
    return s.substr(start, i - start);
}
}  // namespace

std::string prefixMismatch(std::string_view rulePath, std::string_view path) {
    std::string_view p = trimTrailingSlashes(rulePath);
    std::size_t ai = 0, bi = 0;
    while (true) {
        std::string_view ea = nextElement(p, ai);
        if (ea.empty()) break;
        std::string_view eb = nextElement(path, bi);
        if (eb.empty())
            return "needs element `" + std::string(ea) + "`, " + std::string(path) + " has no more elements";
        if (ea != eb) {
            std::string why = "element `" + std::string(eb) + "` ≠ `" + std::string(ea) + "`";
            if (eb.size() > ea.size() && eb.compare(0, ea.size(), ea) == 0)
                why += " (a string prefix is not an element prefix)";
            return why;
        }
    }
    return "every element matches";
}

namespace {
bool endsWithIgnoreCase(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}
}  // namespace

bool hostMatches(std::string_view pattern, std::string_view host, WildcardSpan span) {
    if (pattern == "*") return true;
    if (pattern.size() < 2 || pattern[0] != '*' || pattern[1] != '.') return iequals(pattern, host);
    std::string_view suffix = pattern.substr(1);  // ".foo.com"
    if (host.size() <= suffix.size() || !endsWithIgnoreCase(host, suffix)) return false;
    std::string_view front = host.substr(0, host.size() - suffix.size());
    if (span == WildcardSpan::OneLabel) return front.find('.') == std::string_view::npos;
    // Any number of labels, but never an empty one (".foo.com" or "a..foo.com").
    return front.front() != '.' && front.back() != '.' && front.find("..") == std::string_view::npos;
}

std::string wildcardMismatch(std::string_view pattern, std::string_view host, WildcardSpan span) {
    if (pattern.size() < 2 || pattern[0] != '*' || pattern[1] != '.') return {};
    std::string_view base = pattern.substr(2);
    if (iequals(host, base))
        return "a wildcard needs at least one label in front: " + std::string(pattern) + " does not cover " +
            std::string(base) + " itself";
    std::string_view suffix = pattern.substr(1);
    if (!endsWithIgnoreCase(host, suffix)) return std::string(host) + " is not under " + std::string(base);
    if (span == WildcardSpan::OneLabel && !hostMatches(pattern, host, span))
        return "in the Ingress spec a wildcard covers exactly one label; " + std::string(host) +
            " has more in front of " + std::string(base);
    return {};
}

std::size_t roundRobinPick(RoundRobinState& s, std::size_t n, Rng& rng) {
    if (n == 0) return 0;
    if (!s.started) {
        s.next = static_cast<std::size_t>(rng.range(0, static_cast<std::int64_t>(n) - 1));
        s.started = true;
    }
    std::size_t i = s.next % n;
    s.next = (i + 1) % n;
    return i;
}

void fillEndpoint(Decision& d, const EndpointInfo& ep, bool explain, std::string endpointReason,
                  std::string_view podNote) {
    d.endpoint = ep.hostPort;
    d.pod = ep.podKey;
    d.node = ep.node;
    if (!explain) return;
    Hop& h = d.addHop(Stage::Endpoint);
    h.decision = ep.hostPort;
    h.reason = std::move(endpointReason);
    if (!ep.pod) {
        h.reason += " (no Pod owns this address)";
        return;
    }
    Hop& p = d.addHop(Stage::Pod);
    p.decision = "Pod " + ep.podKey + (ep.node.empty() ? std::string() : " on " + ep.node);
    if (ep.pod->meta.derived)
        p.reason = "synthesised from " + ep.pod->meta.derivedFrom + " (the manifests list no Pods)";
    else
        p.reason = ep.ready
            ? "endpoint ready"
            : "endpoint not ready but serving while terminating (kube-proxy falls back to these when none is ready)";
    if (!podNote.empty()) {
        p.reason += "; ";
        p.reason += podNote;
    }
}

std::string objectKey(std::string_view ns, std::string_view name) {
    std::string out;
    out.reserve(ns.size() + name.size() + 1);
    if (!ns.empty()) {
        out += ns;
        out += '/';
    }
    out += name;
    return out;
}

}  // namespace hs::sim
