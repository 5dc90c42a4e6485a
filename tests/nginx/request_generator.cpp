#include "request_generator.h"

#include "simulator/nginx/export.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace hs::test {

using sim::nginx::Config;
using sim::nginx::Location;
using sim::nginx::Server;
using sim::nginx::SpecialLocation;

std::uint64_t SeedRng::next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// ---- regex sampling -------------------------------------------------------------------------

namespace {

// A recursive-descent walk over the regex that emits one matching string as it parses: enough
// for the patterns Ingress paths use (literals, escapes, ., classes, groups, alternation,
// ? * + {n,m}, ^ and $).
class Sampler {
public:
    Sampler(const std::string& p, SeedRng& rng) : p_(p), rng_(rng) {}

    std::optional<std::string> run() {
        std::string out;
        if (!alternation(out) || i_ != p_.size()) return std::nullopt;
        return out;
    }

private:
    bool alternation(std::string& out) {
        // Parse every branch (to consume it) but keep one chosen at random.
        std::vector<std::string> branches;
        std::vector<bool> ended;
        do {
            std::string b;
            bool saveEnd = ended_;
            if (!sequence(b)) return false;
            branches.push_back(std::move(b));
            ended.push_back(ended_);
            ended_ = saveEnd;
        } while (i_ < p_.size() && p_[i_] == '|' && ++i_);
        std::size_t pick = rng_.below(branches.size());
        if (!ended_) out += branches[pick];
        ended_ = ended_ || ended[pick];
        return true;
    }

    bool sequence(std::string& out) {
        while (i_ < p_.size() && p_[i_] != '|' && p_[i_] != ')') {
            std::size_t atomStart = i_;
            std::string piece;
            bool pieceEnds = false;
            {
                bool saveEnd = ended_;
                ended_ = false;
                if (!atom(piece)) return false;
                pieceEnds = ended_;
                ended_ = saveEnd;
            }
            std::size_t atomEnd = i_;
            int lo = 1, hi = 1;
            if (!quantifier(lo, hi)) return false;
            int n = lo + static_cast<int>(rng_.below(static_cast<std::size_t>(std::min(hi, lo + 3) - lo + 1)));
            for (int k = 0; k < n && !ended_; ++k) {
                std::string again;
                if (k == 0) {
                    again = piece;
                } else {
                    // each repetition samples anew
                    std::size_t save = i_;
                    i_ = atomStart;
                    bool saveEnd = ended_;
                    atom(again);
                    ended_ = saveEnd;
                    i_ = save;
                    (void)atomEnd;
                }
                out += again;
                if (pieceEnds) ended_ = true;
            }
        }
        return true;
    }

    bool quantifier(int& lo, int& hi) {
        if (i_ >= p_.size()) return true;
        char c = p_[i_];
        if (c == '?')
            lo = 0, hi = 1, ++i_;
        else if (c == '*')
            lo = 0, hi = 3, ++i_;
        else if (c == '+')
            lo = 1, hi = 3, ++i_;
        else if (c == '{') {
            std::size_t close = p_.find('}', i_);
            if (close == std::string::npos) return true;  // a literal '{' (PCRE)
            std::string body = p_.substr(i_ + 1, close - i_ - 1);
            auto comma = body.find(',');
            if (body.empty() || !std::isdigit(static_cast<unsigned char>(body[0]))) return true;
            lo = std::atoi(body.c_str());
            hi = comma == std::string::npos ? lo
                                            : (comma + 1 < body.size() ? std::atoi(body.c_str() + comma + 1) : lo + 3);
            i_ = close + 1;
        }
        if (i_ < p_.size() && (p_[i_] == '?' || p_[i_] == '+')) ++i_;  // lazy / possessive
        return true;
    }

    static char pickFrom(const std::string& set, SeedRng& rng) {
        return set.empty() ? 'x' : set[rng.below(set.size())];
    }

    bool atom(std::string& out) {
        char c = p_[i_++];
        switch (c) {
        case '^': return true;
        case '$': ended_ = true; return true;
        case '.': out += pickFrom("abcXYZ019-_~/", rng_); return true;
        case '(': {
            if (i_ + 1 < p_.size() && p_[i_] == '?') {
                if (p_[i_ + 1] == ':')
                    i_ += 2;
                else if (p_[i_ + 1] == 'i' && i_ + 2 < p_.size() && p_[i_ + 2] == ')') {
                    i_ += 3;
                    return true;
                } else
                    return false;
            }
            if (!alternation(out)) return false;
            if (i_ >= p_.size() || p_[i_] != ')') return false;
            ++i_;
            return true;
        }
        case '[': return charClass(out);
        case '\\': {
            if (i_ >= p_.size()) return false;
            char e = p_[i_++];
            if (e == 'd')
                out += pickFrom("0123456789", rng_);
            else if (e == 'w')
                out += pickFrom("aZ9_", rng_);
            else if (e == 's')
                out += ' ';
            else if (std::isalnum(static_cast<unsigned char>(e)))
                return false;
            else
                out += e;
            return true;
        }
        case ')':
        case '|': return false;
        default: out += c; return true;
        }
    }

    bool charClass(std::string& out) {
        bool negate = i_ < p_.size() && p_[i_] == '^';
        if (negate) ++i_;
        std::string members;
        bool first = true;
        while (i_ < p_.size() && (p_[i_] != ']' || first)) {
            first = false;
            char a = p_[i_++];
            if (a == '\\' && i_ < p_.size()) {
                char e = p_[i_++];
                if (e == 'd')
                    members += "0123456789";
                else if (e == 'w')
                    members += "abcXYZ_09";
                else
                    members += e;
                continue;
            }
            if (i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {
                char b = p_[i_ + 1];
                i_ += 2;
                for (int ch = a; ch <= b; ++ch) members += static_cast<char>(ch);
                continue;
            }
            members += a;
        }
        if (i_ >= p_.size()) return false;
        ++i_;  // ']'
        if (negate) {
            std::string all = "abcxyzABCXYZ0189-_.~";
            std::string rest;
            for (char ch : all)
                if (members.find(ch) == std::string::npos) rest += ch;
            out += pickFrom(rest, rng_);
        } else {
            out += pickFrom(members, rng_);
        }
        return true;
    }

    const std::string& p_;
    SeedRng& rng_;
    std::size_t i_ = 0;
    bool ended_ = false;
};

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string hex2(unsigned char c, bool lower = false) {
    const char* d = lower ? "0123456789abcdef" : "0123456789ABCDEF";
    return std::string("%") + d[c >> 4] + d[c & 15];
}

}  // namespace

std::optional<std::string> sampleRegex(const std::string& pattern, SeedRng& rng) {
    std::optional<std::string> s = Sampler(pattern, rng).run();
    if (s && (s->empty() || s->front() != '/')) s->insert(s->begin(), '/');
    return s;
}

std::string encodeForTarget(const std::string& path) {
    std::string out;
    for (char ch : path) {
        auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7f || ch == '%' || ch == '?' || ch == '#' || ch == '"' || ch == '<' || ch == '>' ||
            ch == '\\' || ch == '^' || ch == '`' || ch == '{' || ch == '|' || ch == '}')
            out += hex2(c);
        else
            out += ch;
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> mutatePath(const std::string& t) {
    std::vector<std::pair<std::string, std::string>> m;
    auto add = [&](const char* cls, std::string s) {
        if (!s.empty() && s.front() == '/') m.emplace_back(cls, std::move(s));
    };
    std::string path = t, query;
    if (auto q = t.find('?'); q != std::string::npos) {
        path = t.substr(0, q);
        query = t.substr(q);
    }
    bool slash = path.size() > 1 && path.back() == '/';
    add("as-is", t);
    if (!slash) add("slash-added", path + "/" + query);
    if (slash) add("slash-removed", path.substr(0, path.size() - 1) + query);
    std::string base = slash ? path : path + "/";
    add("extra-segment", base + "x");
    add("extra-segment", base + "x/y.html");
    if (!slash && path.size() > 1) add("near-miss", path + "ary");
    if (path.size() > 1) add("near-miss", path.substr(0, path.size() - 1));
    if (!slash && path.size() > 1) add("near-miss", path + "-x");
    add("case", upper(path));
    {
        std::string s = path;
        for (char& c : s)
            if (std::isalpha(static_cast<unsigned char>(c))) {
                c = static_cast<char>(std::isupper(static_cast<unsigned char>(c)) ? std::tolower(c) : std::toupper(c));
                break;
            }
        add("case", s);
    }
    // percent-encoding
    for (std::size_t i = 1; i < path.size(); ++i)
        if (std::isalpha(static_cast<unsigned char>(path[i]))) {
            add("pct-letter", path.substr(0, i) + hex2(static_cast<unsigned char>(path[i])) + path.substr(i + 1));
            add("pct-letter", path.substr(0, i) + hex2(static_cast<unsigned char>(path[i]), true) + path.substr(i + 1));
            break;
        }
    {
        std::string all = "/";
        for (std::size_t i = 1; i < path.size(); ++i)
            all +=
                path[i] == '/' || path[i] == '%' ? std::string(1, path[i]) : hex2(static_cast<unsigned char>(path[i]));
        add("pct-all", all);
    }
    if (auto s2 = path.find('/', 1); s2 != std::string::npos) {
        add("pct-slash", path.substr(0, s2) + "%2F" + path.substr(s2 + 1));
        add("pct-slash", path.substr(0, s2) + "%2f" + path.substr(s2 + 1));
    }
    add("pct-slash", path + "%2Fx");
    add("bad-pct", path + "%zz");
    add("bad-pct", path + "%4");
    add("bad-pct", path + "%");
    add("bad-pct", path + "%G1");
    add("nul", path + "%00");
    // dot segments
    add("dot", "/x/.." + path);
    add("dot", base + ".");
    add("dot", base + "..");
    add("dot", base + "../y");
    add("dot", "/." + path);
    add("dot", base + "./z");
    add("dot-encoded", "/%2e" + path);
    add("dot-encoded", base + "%2E%2E/w");
    add("dot-encoded", "/x/%2e%2e" + path);
    add("above-root", "/.." + path);
    add("above-root", "/../.." + path);
    // slashes
    add("double-slash", "/" + path);
    add("double-slash", base + "/x");
    if (auto s2 = path.find('/', 1); s2 != std::string::npos)
        add("double-slash", path.substr(0, s2) + "/" + path.substr(s2));
    // query, fragment, odd characters
    add("query", path + "?a=1&b=/c/../d");
    add("query", path + "?");
    add("query", path + "?x=%2F%zz");
    add("query", base + "?q");
    add("fragment", path + "#frag");
    add("special", base + "a;b=c");
    add("special", base + "a%20b");
    add("special", base + "%C3%A9t%C3%A9");
    add("special", path + "+x");
    add("special", path + "~");
    add("raw-utf8", base + "\xC3\xA9t\xC3\xA9");
    return m;
}

// ---- requests -------------------------------------------------------------------------------

namespace {

struct HostVariant {
    std::string host;
    std::string mutation;
    bool primary = false;
};

std::vector<HostVariant> hostVariants(const Server& s, SeedRng& rng) {
    std::vector<HostVariant> v;
    if (s.isCatchAll()) return v;
    auto add = [&](std::string h, const char* m, bool primary = false) { v.push_back({std::move(h), m, primary}); };
    if (s.isWildcard()) {
        std::string suffix = s.hostname.substr(1);  // ".foo.com"
        const char* labels[] = {"a", "tenant-1", "a_b", "x9", "-"};
        add(labels[rng.below(2)] + suffix, "wildcard", true);
        add(labels[2 + rng.below(3)] + suffix, "wildcard");
        add("A" + upper(suffix), "host-case");
        add("a.b" + suffix, "wildcard-two-labels");
        add(suffix.substr(1), "wildcard-bare");
        add("a+b" + suffix, "wildcard-nonword");
        add("a" + suffix + ":8443", "host-port");
    } else {
        add(s.hostname, "host", true);
        add(upper(s.hostname), "host-case");
        add(s.hostname + ":8080", "host-port");
        add(s.hostname + ".", "host-trailing-dot");
        add(s.hostname + "..", "host-double-dot");
        add("x" + s.hostname, "host-near-miss");
        add(s.hostname + ".evil.test", "host-near-miss");
        auto dot = s.hostname.find('.');
        if (dot != std::string::npos) add(s.hostname.substr(dot + 1), "host-parent");
    }
    for (const auto& a : s.aliases) add(a, "alias");
    return v;
}

const std::vector<std::string>& globalPaths() {
    static const std::vector<std::string> p = {
        "/",    "/index.html", "/healthz", "/healthz/x", "/nginx_status", "/.well-known/acme-challenge/tok",
        "/..",  "/../x",       "/a/../..", "/%2e%2e",    "/%2E./x",       "//",
        "///x", "/a%2fb",      "/%zz",     "/a%",        "/%00",          "/%41PI",
        "/?",   "/?a=b",       "/#frag",   "/./",        "/a/./b/../c",   "/a//b",
        "/%2F", "/%5C",        "/a%3Fb",
    };
    return p;
}

const char* kClientIps[] = {"203.0.113.10", "10.0.0.7",  "10.0.0.99", "192.168.100.5",
                            "192.168.1.5",  "127.0.0.1", "10.200.1.1"};

}  // namespace

std::vector<TestRequest> generateRequests(const Config& c, const GeneratorOptions& o) {
    SeedRng rng(o.seed);
    // Seed paths per server: the location names nginx sees and the Ingress paths as written;
    // regex locations contribute samples of their regex.
    std::vector<std::vector<std::string>> seeds(c.servers.size());
    for (std::size_t si = 0; si < c.servers.size(); ++si) {
        const Server& s = c.servers[si];
        std::set<std::string> uniq;
        for (const Location& l : s.locations) {
            if (l.special != SpecialLocation::None) continue;
            if (s.regexMode) {
                for (int k = 0; k < 4; ++k)
                    if (auto sample = sampleRegex(l.path, rng)) uniq.insert(encodeForTarget(*sample));
                std::string literal;
                for (char ch : l.path) {
                    if (std::string_view("\\^$.|?*+()[]{}").find(ch) != std::string_view::npos) break;
                    literal += ch;
                }
                if (!literal.empty()) uniq.insert(encodeForTarget(literal));
            } else {
                uniq.insert(encodeForTarget(l.path));
                if (!l.ingressPath.empty()) uniq.insert(encodeForTarget(l.ingressPath));
            }
        }
        seeds[si].assign(uniq.begin(), uniq.end());
    }

    std::vector<TestRequest> out;
    std::vector<HostVariant> allHosts;
    std::vector<std::pair<std::string, std::string>> allPaths;  // (mutation, target)
    auto finish = [&](TestRequest r) {
        r.https = rng.chance(o.httpsPercent);
        r.clientIp = kClientIps[rng.below(std::size(kClientIps))];
        out.push_back(std::move(r));
    };

    for (std::size_t si = 0; si < c.servers.size(); ++si) {
        const Server& s = c.servers[si];
        std::vector<std::pair<std::string, std::string>> own;
        for (const auto& seed : seeds[si])
            for (auto& m : mutatePath(seed)) own.push_back(std::move(m));
        allPaths.insert(allPaths.end(), own.begin(), own.end());
        std::vector<HostVariant> hosts = hostVariants(s, rng);
        if (s.isCatchAll()) hosts = {{"unknown.test", "host-unknown", true}};
        allHosts.insert(allHosts.end(), hosts.begin(), hosts.end());
        for (const HostVariant& h : hosts) {
            if (h.primary) {
                // every mutation of every own path, plus the global paths
                for (const auto& [m, t] : own) finish({h.host, true, t, false, {}, m});
                for (const auto& g : globalPaths()) finish({h.host, true, g, false, {}, "global"});
            } else {
                for (std::size_t k = 0; k < o.perHostSamples && !own.empty(); ++k) {
                    const auto& [m, t] = own[rng.below(own.size())];
                    finish({h.host, true, t, false, {}, h.mutation + "+" + m});
                }
            }
        }
    }
    // hosts no rule names
    // request lines at nginx's 8k large header buffer (line = target + 15 bytes with "GET " and
    // " HTTP/1.1\r\n"), and a 64 KB path
    for (std::size_t len : {8177u, 8178u, 65536u}) {
        const HostVariant& h = allHosts[rng.below(allHosts.size())];
        finish({h.host, true, "/" + std::string(len - 1, 'a'), false, {}, "long-line"});
    }
    // absolute-form targets: nginx routes by the name in the target, not the Host header
    for (std::size_t k = 0; k < o.crossSamples / 5 && !allPaths.empty(); ++k) {
        const HostVariant& h = allHosts[rng.below(allHosts.size())];
        const auto& [m, t] = allPaths[rng.below(allPaths.size())];
        const char* scheme = rng.chance(20) ? "HTTPS://" : "http://";
        finish({"unknown.test", true, scheme + h.host + t, false, {}, "absolute-form+" + m});
    }
    const std::vector<HostVariant> odd = {{"unknown.test", "host-unknown"},
                                          {"UNKNOWN.test:80", "host-unknown"},
                                          {"127.0.0.1", "host-ip"},
                                          {"[::1]", "host-ipv6"},
                                          {"[::1]:8080", "host-ipv6"},
                                          {"localhost", "host-unknown"},
                                          {"a..b", "host-bad"},
                                          {"-", "host-unknown"},
                                          {":80", "host-bad"},
                                          {".", "host-bad"}};
    allHosts.insert(allHosts.end(), odd.begin(), odd.end());
    for (std::size_t k = 0; k < o.crossSamples && !allPaths.empty(); ++k) {
        const HostVariant& h = allHosts[rng.below(allHosts.size())];
        const auto& [m, t] = allPaths[rng.below(allPaths.size())];
        finish({h.host, true, t, false, {}, "cross:" + h.mutation + "+" + m});
    }
    // no Host header at all (HTTP/1.0)
    for (const auto& g : globalPaths()) finish({"", false, g, false, {}, "no-host"});
    for (std::size_t k = 0; k < 20 && !allPaths.empty(); ++k)
        finish({"", false, allPaths[rng.below(allPaths.size())].second, false, {}, "no-host"});
    return out;
}

std::string rawRequest(const TestRequest& r) {
    std::string s = "GET " + r.target + (r.hasHost ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n");
    if (r.hasHost) s += "Host: " + r.host + "\r\n";
    if (r.https) s += std::string(sim::nginx::kHeaderTestScheme) + ": https\r\n";
    s += std::string(sim::nginx::kHeaderTestClientIp) + ": " + r.clientIp + "\r\n";
    s += "User-Agent: hopscope-nginx-differential\r\n\r\n";
    return s;
}

}  // namespace hs::test
