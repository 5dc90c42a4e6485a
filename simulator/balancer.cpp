#include "simulator/balancer.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <numeric>

namespace hs::sim {

// ---- Rng -------------------------------------------------------------------------------------

namespace {
std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng(std::uint64_t seed) {
    for (auto& s : s_) s = splitmix(seed);
}

std::uint64_t Rng::next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

std::int64_t Rng::range(std::int64_t lo, std::int64_t hi) {
    if (hi <= lo) return lo;
    std::uint64_t span = static_cast<std::uint64_t>(hi - lo) + 1;
    // rejection sampling: unbiased
    std::uint64_t limit = UINT64_MAX - UINT64_MAX % span;
    std::uint64_t v;
    do v = next();
    while (v >= limit);
    return lo + static_cast<std::int64_t>(v % span);
}

double Rng::unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }

// ---- hashing ---------------------------------------------------------------------------------

std::uint32_t crc32(std::string_view data) {
    return static_cast<std::uint32_t>(
        ::crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

std::string md5Hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned i = 0; i < len; ++i) {
        out.push_back(hex[digest[i] >> 4]);
        out.push_back(hex[digest[i] & 15]);
    }
    return out;
}

void HashRing::build(const std::vector<std::string>& ids) {
    constexpr std::uint32_t kPoints = 160;
    points_.clear();
    points_.reserve(ids.size() * kPoints);
    for (std::uint32_t id = 0; id < ids.size(); ++id) {
        uLong base = ::crc32(0L, reinterpret_cast<const Bytef*>(ids[id].data()), static_cast<uInt>(ids[id].size()));
        unsigned char prev[4] = {0, 0, 0, 0};
        for (std::uint32_t i = 0; i < kPoints; ++i) {
            auto h = static_cast<std::uint32_t>(::crc32(base, prev, 4));
            points_.push_back({h, id});
            prev[0] = static_cast<unsigned char>(h & 0xff);
            prev[1] = static_cast<unsigned char>((h >> 8) & 0xff);
            prev[2] = static_cast<unsigned char>((h >> 16) & 0xff);
            prev[3] = static_cast<unsigned char>((h >> 24) & 0xff);
        }
    }
    std::sort(points_.begin(), points_.end(),
              [](const Point& a, const Point& b) { return a.hash != b.hash ? a.hash < b.hash : a.id < b.id; });
}

std::size_t HashRing::find(std::string_view key) const {
    std::uint32_t h = crc32(key);
    auto it =
        std::lower_bound(points_.begin(), points_.end(), h, [](const Point& p, std::uint32_t v) { return p.hash < v; });
    if (it == points_.end()) it = points_.begin();
    return it->id;
}

namespace {
std::int64_t weightTotal(std::span<const int> weights) {
    std::int64_t total = 0;
    for (int w : weights) total += std::max(0, w);
    return total;
}
// The choice whose share of [1, Σw] holds `roll`, the shares laid out from the first choice or
// from the last.
std::size_t pickAt(std::span<const int> weights, std::int64_t roll, bool fromLast) {
    for (std::size_t k = 0; k < weights.size(); ++k) {
        const std::size_t i = fromLast ? weights.size() - 1 - k : k;
        roll -= std::max(0, weights[i]);
        if (roll <= 0) return i;
    }
    return fromLast ? 0 : weights.size() - 1;
}
}  // namespace

std::size_t pickWeighted(std::span<const int> weights, Rng& rng) {
    const std::int64_t total = weightTotal(weights);
    return total <= 0 ? 0 : pickAt(weights, rng.range(1, total), false);
}

std::size_t pickWeightedByKey(std::span<const int> weights, std::uint64_t choiceKey) {
    const std::int64_t total = weightTotal(weights);
    Rng keyed(choiceKey);
    return total <= 0 ? 0 : pickAt(weights, keyed.range(1, total), true);
}

// ---- variable expressions --------------------------------------------------------------------

VarExpr::VarExpr(std::string_view text) : text_(text) {
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '$' && i + 1 < text.size()) {
            std::size_t start = i + 1, end;
            if (text[start] == '{') {
                end = text.find('}', start);
                if (end == std::string_view::npos) end = text.size();
                parts_.push_back({true, std::string(text.substr(start + 1, end - start - 1))});
                i = end + 1;
                continue;
            }
            end = start;
            while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_'))
                ++end;
            parts_.push_back({true, std::string(text.substr(start, end - start))});
            i = end;
            continue;
        }
        std::size_t next = text.find('$', i + 1);
        if (next == std::string_view::npos) next = text.size();
        parts_.push_back({false, std::string(text.substr(i, next - i))});
        i = next;
    }
}

namespace {
bool knownVar(std::string_view v) {
    static const char* fixed[] = {"request_uri",  "uri",         "document_uri",       "args",
                                  "query_string", "remote_addr", "binary_remote_addr", "host",
                                  "http_host",    "scheme",      "request_method",     "server_name",
                                  "is_args"};
    for (const char* f : fixed)
        if (v == f) return true;
    return v.rfind("http_", 0) == 0 || v.rfind("cookie_", 0) == 0 || v.rfind("arg_", 0) == 0;
}
}  // namespace

std::vector<std::string> VarExpr::unknownVariables() const {
    std::vector<std::string> out;
    for (const auto& p : parts_)
        if (p.variable && !knownVar(p.text)) out.push_back(p.text);
    return out;
}

void VarExpr::eval(const Request& r, std::string_view uri, std::string& out) const {
    out.clear();
    for (const auto& p : parts_) {
        if (!p.variable) {
            out += p.text;
            continue;
        }
        std::string_view v = p.text;
        if (v == "request_uri")
            out += r.target;
        else if (v == "uri" || v == "document_uri")
            out += uri;
        else if (v == "args" || v == "query_string")
            out += r.query();
        else if (v == "is_args")
            out += r.query().empty() ? "" : "?";
        else if (v == "remote_addr")
            out += r.clientIP;
        else if (v == "binary_remote_addr")
            out += r.clientIP;  // same distribution, readable
        else if (v == "host")
            out += r.hostName();
        else if (v == "http_host")
            out += r.host;
        else if (v == "scheme")
            out += r.scheme;
        else if (v == "request_method")
            out += r.method;
        else if (v.rfind("http_", 0) == 0) {
            // $http_x_user → header "X-User" (case-insensitive, '_' matches '-')
            std::string_view want = v.substr(5);
            for (const auto& h : r.headers) {
                if (h.name.size() != want.size()) continue;
                bool eq = true;
                for (std::size_t i = 0; i < want.size() && eq; ++i) {
                    char c =
                        h.name[i] == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(h.name[i])));
                    eq = c == want[i];
                }
                if (eq) {
                    out += h.value;
                    break;
                }
            }
        } else if (v.rfind("cookie_", 0) == 0) {
            if (auto c = r.cookie(v.substr(7))) out += *c;
        } else if (v.rfind("arg_", 0) == 0) {
            if (auto a = r.arg(v.substr(4))) out += *a;
        }
    }
}

// ---- balancers -------------------------------------------------------------------------------

const char* balancerKindName(BalancerKind k) {
    switch (k) {
    case BalancerKind::RoundRobin: return "round_robin";
    case BalancerKind::Ewma: return "ewma";
    case BalancerKind::CHash: return "chash";
    case BalancerKind::CHashSubset: return "chashsubset";
    case BalancerKind::StickyBalanced: return "sticky_balanced";
    case BalancerKind::StickyPersistent: return "sticky_persistent";
    }
    return "round_robin";
}

namespace {

class RoundRobin final : public Balancer {
public:
    RoundRobin(Rng& rng) : rng_(rng) {}
    void init() {
        next_ = endpoints_.empty()
            ? 0
            : static_cast<std::size_t>(rng_.range(0, static_cast<std::int64_t>(endpoints_.size()) - 1));
    }
    void pick(const BalanceInput& in, Rng&, std::string&, BalanceResult& out) override {
        out.index = next_;
        if (++next_ == endpoints_.size()) next_ = 0;  // (no division per request)
        if (in.explain)
            out.why = "round robin: next in turn (" + std::to_string(out.index + 1) + " of " +
                std::to_string(endpoints_.size()) + ")";
    }

private:
    Rng& rng_;
    std::size_t next_ = 0;
};

class Ewma final : public Balancer {
public:
    explicit Ewma(EwmaStore& store) : store_(store) {}
    void init(double now) {
        // New endpoints start at the average of the known ones (slow start).
        double total = 0;
        int known = 0;
        for (const auto& e : endpoints_)
            if (auto it = store_.entries.find(e); it != store_.entries.end()) {
                total += it->second.ewma;
                ++known;
            }
        if (known == 0) return;
        for (const auto& e : endpoints_)
            if (!store_.entries.count(e)) store_.entries[e] = {total / known, now};
    }
    double score(std::size_t i, double now) const {
        auto it = store_.entries.find(endpoints_[i]);
        if (it == store_.entries.end()) return 0;
        double td = std::max(0.0, now - it->second.lastTouched);
        return it->second.ewma * std::exp(-td / 10.0);
    }
    void pick(const BalanceInput& in, Rng& rng, std::string&, BalanceResult& out) override {
        std::size_t n = endpoints_.size();
        if (n == 1) {
            out.index = 0;
            if (in.explain) out.why = "ewma: only one endpoint";
            return;
        }
        // partial Fisher–Yates over a fresh copy: peers[1..2] become two random distinct peers
        std::size_t a = static_cast<std::size_t>(rng.range(0, static_cast<std::int64_t>(n) - 1));
        std::size_t b = static_cast<std::size_t>(rng.range(1, static_cast<std::int64_t>(n) - 1));
        // map the second draw onto the shuffled array: position 1 after swapping 0 <-> a
        std::size_t first = a;
        std::size_t second = b == a ? 0 : b;
        double s1 = score(first, in.nowSeconds), s2 = score(second, in.nowSeconds);
        out.index = s2 < s1 ? second : first;
        if (in.explain) {
            char buf[200];
            std::snprintf(buf, sizeof buf,
                          "ewma: two random choices %s (score %.4f s) and %s (score %.4f s); the lower wins",
                          endpoints_[first].c_str(), s1, endpoints_[second].c_str(), s2);
            out.why = buf;
        }
    }
    void observe(std::size_t i, double rtt, double now) override {
        auto& e = store_.entries[endpoints_[i]];
        double td = std::max(0.0, now - e.lastTouched);
        double w = std::exp(-td / 10.0);
        e.ewma = e.ewma * w + rtt * (1.0 - w);
        e.lastTouched = now;
    }

private:
    EwmaStore& store_;
};

class CHash final : public Balancer {
public:
    void init() { ring_.build(endpoints_); }
    void pick(const BalanceInput& in, Rng&, std::string& key, BalanceResult& out) override {
        config_.hashBy.eval(*in.request, in.uri, key);
        out.index = ring_.find(key);
        if (in.explain)
            out.why = "consistent hash of " + config_.hashBy.text() + " = \"" + key + "\" (crc32 " +
                std::to_string(crc32(key)) + ")";
    }

private:
    HashRing ring_;
};

class CHashSubset final : public Balancer {
public:
    void init() {
        std::size_t size = static_cast<std::size_t>(std::max(1, config_.subsetSize));
        std::size_t n = endpoints_.size();
        std::size_t sets = (n + size - 1) / size;
        std::vector<std::size_t> order(sets * size);
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i % n;  // pad the last set from the start
        subsets_.assign(sets, {});
        std::vector<std::string> ids;
        for (std::size_t s = 0; s < sets; ++s) {
            for (std::size_t k = 0; k < size; ++k) subsets_[s].push_back(order[s * size + k]);
            ids.push_back("set" + std::to_string(s + 1));
        }
        ring_.build(ids);
    }
    const std::vector<std::vector<std::size_t>>& subsets() const { return subsets_; }
    void pick(const BalanceInput& in, Rng& rng, std::string& key, BalanceResult& out) override {
        config_.hashBy.eval(*in.request, in.uri, key);
        std::size_t set = ring_.find(key);
        const auto& members = subsets_[set];
        out.index = members[static_cast<std::size_t>(rng.range(0, static_cast<std::int64_t>(members.size()) - 1))];
        if (in.explain)
            out.why = "hash subset: " + config_.hashBy.text() + " = \"" + key + "\" selects set" +
                std::to_string(set + 1) + " of " + std::to_string(subsets_.size()) + ", then a random member";
    }

private:
    HashRing ring_;
    std::vector<std::vector<std::size_t>> subsets_;
};

// ngx.cookie_time: "Wed, 25-Nov-26 12:00:00 GMT"
std::string cookieTime(double t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d-%b-%y %H:%M:%S GMT", &tm);
    return buf;
}

// sticky.lua's new key: string.format("%.3f.%d.%d", ngx.now() + 1, worker pid, math.random(...))
// with worker 1. std::to_chars with a precision writes what printf's %.3f does (C++ [charconv]),
// at a fraction of snprintf's cost (a new affinity cookie per request without one).
std::string_view newCookieKey(double nowSeconds, std::int64_t roll, char (&buf)[64]) {
    auto [p, ec] = std::to_chars(buf, buf + 40, nowSeconds + 1, std::chars_format::fixed, 3);
    if (ec != std::errc{}) p = std::copy_n("0.000", 5, buf);  // beyond 10^35 s: not a time
    *p++ = '.';
    *p++ = '1';
    *p++ = '.';
    p = std::to_chars(p, buf + sizeof buf, roll).ptr;
    return {buf, static_cast<std::size_t>(p - buf)};
}

class Sticky final : public Balancer {
public:
    void init() {
        ring_.build(endpoints_);
        backendKey_ = md5Hex(md5Hex(config_.upstreamName) + config_.upstreamName);
        for (std::size_t i = 0; i < endpoints_.size(); ++i) persistentKeys_.push_back(md5Hex(endpoints_[i]));
    }

    // (upstream_key, backend_key) of the affinity cookie
    std::pair<std::string_view, std::string_view> parsed(const Request& r) const {
        auto raw = r.cookie(config_.affinity.cookieName);
        if (!raw) return {};
        std::string_view v = *raw;
        auto bar = v.find('|');
        if (bar == std::string_view::npos) return {v, {}};
        return {v.substr(0, bar), v.substr(bar + 1)};
    }

    bool isAffinitized(const Request& r) const override {
        return parsed(r).second == backendKey_ && !backendKey_.empty();
    }

    std::optional<std::size_t> fromKey(std::string_view key) const {
        if (key.empty()) return std::nullopt;
        if (config_.kind == BalancerKind::StickyBalanced) return ring_.find(key);
        for (std::size_t i = 0; i < persistentKeys_.size(); ++i)
            if (persistentKeys_[i] == key) return i;
        return std::nullopt;  // the endpoint it pinned is gone
    }

    bool shouldSetCookie(const BalanceInput& in) const {
        std::string_view host = in.serverName == "_" ? in.serverName : in.host;
        auto matches = [&](std::string_view h) {
            for (const auto& [lh, path] : config_.affinity.locations)
                if (lh == h && path == in.locationPath) return true;
            return false;
        };
        if (matches(host)) return true;
        auto dot = host.find('.');
        if (dot == std::string_view::npos) return false;
        std::string wildcard = "*" + std::string(host.substr(dot));
        return matches(wildcard);
    }

    void pick(const BalanceInput& in, Rng& rng, std::string&, BalanceResult& out) override {
        auto [key, backend] = parsed(*in.request);
        (void)backend;
        if (auto idx = fromKey(key)) {
            out.index = *idx;
            if (in.explain) out.why = "cookie " + config_.affinity.cookieName + " pins " + endpoints_[*idx];
            return;
        }
        std::string newKey;
        char buf[64];
        const std::string_view drawn = newCookieKey(in.nowSeconds, rng.range(1, 999999), buf);
        if (config_.kind == BalancerKind::StickyBalanced) {
            newKey = drawn;
            out.index = ring_.find(newKey);
        } else {
            out.index = ring_.find(drawn);
            newKey = persistentKeys_[out.index];
        }
        if (in.explain)
            out.why = std::string(key.empty() ? "no " : "a stale ") + config_.affinity.cookieName +
                " cookie: a new endpoint is picked (" +
                (config_.kind == BalancerKind::StickyBalanced ? "balanced" : "persistent") + " affinity)";
        if (!shouldSetCookie(in)) return;
        const AffinitySettings& a = config_.affinity;
        std::string c = a.cookieName + "=" + newKey + "|" + backendKey_;
        c += "; Path=" + (a.cookiePath.empty() ? std::string(in.locationPath) : a.cookiePath);
        if (!a.expires.empty()) c += "; Expires=" + cookieTime(in.nowSeconds + std::atof(a.expires.c_str()));
        if (!a.maxAge.empty()) c += "; Max-Age=" + a.maxAge;
        c += "; HttpOnly";
        if (a.secureSet ? a.secure : in.https) c += "; Secure";
        if (!a.sameSite.empty()) c += "; SameSite=" + a.sameSite;
        out.setCookie = std::move(c);
    }

private:
    HashRing ring_;
    std::string backendKey_;
    std::vector<std::string> persistentKeys_;
};

}  // namespace

std::unique_ptr<Balancer> Balancer::create(const BalancerConfig& config, std::span<const EndpointInfo> endpoints,
                                           Rng& rng, EwmaStore& ewma) {
    std::unique_ptr<Balancer> b;
    switch (config.kind) {
    case BalancerKind::RoundRobin: b = std::make_unique<RoundRobin>(rng); break;
    case BalancerKind::Ewma: b = std::make_unique<Ewma>(ewma); break;
    case BalancerKind::CHash: b = std::make_unique<CHash>(); break;
    case BalancerKind::CHashSubset: b = std::make_unique<CHashSubset>(); break;
    case BalancerKind::StickyBalanced:
    case BalancerKind::StickyPersistent: b = std::make_unique<Sticky>(); break;
    }
    b->config_ = config;
    for (const auto& e : endpoints) b->endpoints_.push_back(e.hostPort);
    switch (config.kind) {
    case BalancerKind::RoundRobin: static_cast<RoundRobin*>(b.get())->init(); break;
    case BalancerKind::Ewma: static_cast<Ewma*>(b.get())->init(0); break;
    case BalancerKind::CHash: static_cast<CHash*>(b.get())->init(); break;
    case BalancerKind::CHashSubset: static_cast<CHashSubset*>(b.get())->init(); break;
    case BalancerKind::StickyBalanced:
    case BalancerKind::StickyPersistent: static_cast<Sticky*>(b.get())->init(); break;
    }
    return b;
}

}  // namespace hs::sim
