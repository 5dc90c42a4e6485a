#include "simulator/nginx/annotations.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace hs::sim::nginx {

std::optional<bool> parseGoBool(std::string_view s) {
    if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
    if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") return false;
    return std::nullopt;
}

std::optional<Cidr> parseCidr(std::string_view text) {
    Cidr c;
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    c.text = std::string(text);
    std::string_view addr = text;
    int prefix = -1;
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
        addr = text.substr(0, slash);
        std::string_view p = text.substr(slash + 1);
        int v = 0;
        auto r = std::from_chars(p.data(), p.data() + p.size(), v);
        if (r.ec != std::errc() || r.ptr != p.data() + p.size()) return std::nullopt;
        prefix = v;
    }
    std::string a(addr);
    if (inet_pton(AF_INET, a.c_str(), c.addr) == 1) {
        c.v6 = false;
        if (prefix < 0) prefix = 32;
        if (prefix > 32) return std::nullopt;
    } else if (inet_pton(AF_INET6, a.c_str(), c.addr) == 1) {
        c.v6 = true;
        if (prefix < 0) prefix = 128;
        if (prefix > 128) return std::nullopt;
    } else {
        return std::nullopt;
    }
    c.prefix = prefix;
    return c;
}

bool Cidr::contains(std::string_view ip) const {
    unsigned char other[16] = {};
    std::string s(ip);
    bool isV6 = false;
    if (inet_pton(AF_INET, s.c_str(), other) == 1)
        isV6 = false;
    else if (inet_pton(AF_INET6, s.c_str(), other) == 1)
        isV6 = true;
    else
        return false;
    if (isV6 != v6) return false;
    int full = prefix / 8, rest = prefix % 8;
    if (std::memcmp(addr, other, static_cast<std::size_t>(full)) != 0) return false;
    if (rest == 0) return true;
    unsigned char mask = static_cast<unsigned char>(0xFF << (8 - rest));
    return (addr[full] & mask) == (other[full] & mask);
}

const std::vector<std::string>& Annotations::supported() {
    static const std::vector<std::string> keys{"affinity",
                                               "affinity-canary-behavior",
                                               "affinity-mode",
                                               "allowlist-source-range",
                                               "app-root",
                                               "backend-protocol",
                                               "canary",
                                               "canary-by-cookie",
                                               "canary-by-header",
                                               "canary-by-header-pattern",
                                               "canary-by-header-value",
                                               "canary-weight",
                                               "canary-weight-total",
                                               "custom-http-errors",
                                               "default-backend",
                                               "denylist-source-range",
                                               "force-ssl-redirect",
                                               "from-to-www-redirect",
                                               "limit-allowlist",
                                               "limit-burst-multiplier",
                                               "limit-connections",
                                               "limit-rpm",
                                               "limit-rps",
                                               "limit-whitelist",
                                               "load-balance",
                                               "permanent-redirect",
                                               "permanent-redirect-code",
                                               "preserve-trailing-slash",
                                               "rewrite-target",
                                               "server-alias",
                                               "service-upstream",
                                               "session-cookie-change-on-failure",
                                               "session-cookie-expires",
                                               "session-cookie-max-age",
                                               "session-cookie-name",
                                               "session-cookie-path",
                                               "session-cookie-samesite",
                                               "session-cookie-secure",
                                               "ssl-redirect",
                                               "temporal-redirect",
                                               "temporal-redirect-code",
                                               "upstream-hash-by",
                                               "upstream-hash-by-subset",
                                               "upstream-hash-by-subset-size",
                                               "upstream-vhost",
                                               "use-regex",
                                               "whitelist-source-range"};
    return keys;
}

namespace {

class Reader {
public:
    Reader(const model::ObjectMeta& m, const Settings& s, Annotations& out)
        : meta_(m), prefix_(s.annotationsPrefix + "/"), out_(out) {}

    const std::string* raw(std::string_view name) const {
        return model::lookup(meta_.annotations, prefix_ + std::string(name));
    }

    void str(std::string_view name, std::string& dst) const {
        if (const std::string* v = raw(name)) dst = *v;
    }
    void boolean(std::string_view name, bool& dst) {
        const std::string* v = raw(name);
        if (!v) return;
        if (auto b = parseGoBool(*v))
            dst = *b;
        else
            problem(name, "\"" + *v + "\" is not a boolean (true/false); the default is used");
    }
    void integer(std::string_view name, int& dst) {
        const std::string* v = raw(name);
        if (!v) return;
        int x = 0;
        auto r = std::from_chars(v->data(), v->data() + v->size(), x);
        if (r.ec == std::errc() && r.ptr == v->data() + v->size())
            dst = x;
        else
            problem(name, "\"" + *v + "\" is not an integer; the default is used");
    }
    // Comma-separated CIDR list; an invalid entry denies the location, as the controller does.
    bool cidrs(std::string_view name, std::vector<Cidr>& dst) {
        const std::string* v = raw(name);
        if (!v) return false;
        std::string_view s = *v;
        while (!s.empty()) {
            auto comma = s.find(',');
            std::string_view item = s.substr(0, comma);
            while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
            while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
            if (!item.empty()) {
                if (auto c = parseCidr(item))
                    dst.push_back(*c);
                else {
                    problem(
                        name,
                        "\"" + std::string(item) + "\" is not an IP address or network: the location is denied (503)");
                    out_.deniedReason = prefix_ + std::string(name) + ": invalid address \"" + std::string(item) + "\"";
                }
            }
            if (comma == std::string_view::npos) break;
            s.remove_prefix(comma + 1);
        }
        return true;
    }
    void problem(std::string_view name, std::string msg) {
        out_.problems.push_back({prefix_ + std::string(name), std::move(msg)});
    }

private:
    const model::ObjectMeta& meta_;
    std::string prefix_;
    Annotations& out_;
};

bool validRedirectUrl(std::string_view u) {
    auto colon = u.find("://");
    return colon != std::string_view::npos && colon > 0 && u.size() > colon + 3;
}

}  // namespace

Annotations parseAnnotations(const model::ObjectMeta& meta, const Settings& settings) {
    Annotations a;
    a.sslRedirect = settings.sslRedirect;
    a.forceSSLRedirect = settings.forceSSLRedirect;
    a.preserveTrailingSlash = settings.preserveTrailingSlash;
    a.upstreamHashBy = settings.upstreamHashBy;
    Reader r(meta, settings, a);

    // canary
    r.boolean("canary", a.canary.enabled);
    r.str("canary-by-header", a.canary.header);
    r.str("canary-by-header-value", a.canary.headerValue);
    r.str("canary-by-header-pattern", a.canary.headerPattern);
    r.str("canary-by-cookie", a.canary.cookie);
    r.integer("canary-weight", a.canary.weight);
    r.integer("canary-weight-total", a.canary.weightTotal);

    // rewrite
    r.str("rewrite-target", a.rewriteTarget);
    r.boolean("use-regex", a.useRegex);
    r.str("app-root", a.appRoot);
    r.boolean("ssl-redirect", a.sslRedirect);
    r.boolean("force-ssl-redirect", a.forceSSLRedirect);
    r.boolean("preserve-trailing-slash", a.preserveTrailingSlash);
    if (!a.appRoot.empty() && a.appRoot.front() != '/') {
        r.problem("app-root", "\"" + a.appRoot + "\" must start with /; ignored");
        a.appRoot.clear();
    }

    // redirects: temporal wins over permanent (redirect.go checks it first)
    std::string temporal, permanent;
    r.str("temporal-redirect", temporal);
    r.integer("temporal-redirect-code", a.temporalRedirectCode);
    if (a.temporalRedirectCode < 300 || a.temporalRedirectCode > 307) a.temporalRedirectCode = 302;
    r.str("permanent-redirect", permanent);
    r.integer("permanent-redirect-code", a.permanentRedirectCode);
    if (a.permanentRedirectCode < 300 || a.permanentRedirectCode > 308) a.permanentRedirectCode = 301;
    r.boolean("from-to-www-redirect", a.fromToWWWRedirect);
    if (!temporal.empty()) {
        if (validRedirectUrl(temporal))
            a.temporalRedirect = temporal;
        else
            r.problem("temporal-redirect", "\"" + temporal + "\" is not an absolute URL; ignored");
    } else if (!permanent.empty()) {
        if (validRedirectUrl(permanent))
            a.permanentRedirect = permanent;
        else
            r.problem("permanent-redirect", "\"" + permanent + "\" is not an absolute URL; ignored");
    }

    // access lists (the controller accepts both spellings)
    if (!r.cidrs("allowlist-source-range", a.allowList)) r.cidrs("whitelist-source-range", a.allowList);
    r.cidrs("denylist-source-range", a.denyList);

    // rate limits
    r.integer("limit-connections", a.limitConnections);
    r.integer("limit-rps", a.limitRPS);
    r.integer("limit-rpm", a.limitRPM);
    r.integer("limit-burst-multiplier", a.limitBurstMultiplier);
    {
        std::vector<Cidr> tmp;
        std::string saved = a.deniedReason;
        if (!r.cidrs("limit-allowlist", tmp)) r.cidrs("limit-whitelist", tmp);
        a.deniedReason = saved;  // a bad rate-limit allow list only drops the entry
        a.limitAllowList = std::move(tmp);
    }

    // backends and balancing
    r.str("default-backend", a.defaultBackend);
    if (const std::string* v = r.raw("custom-http-errors")) {
        std::string_view s = *v;
        while (!s.empty()) {
            auto comma = s.find(',');
            std::string_view item = s.substr(0, comma);
            while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
            int code = 0;
            auto res = std::from_chars(item.data(), item.data() + item.size(), code);
            if (res.ec == std::errc() && code >= 100 && code <= 599)
                a.customHTTPErrors.push_back(code);
            else if (!item.empty())
                r.problem("custom-http-errors", "\"" + std::string(item) + "\" is not an HTTP status code");
            if (comma == std::string_view::npos) break;
            s.remove_prefix(comma + 1);
        }
    } else {
        a.customHTTPErrors = settings.customHTTPErrors;
    }
    if (const std::string* v = r.raw("backend-protocol")) {
        std::string p = *v;
        std::transform(p.begin(), p.end(), p.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        static const char* valid[] = {"HTTP", "HTTPS", "AUTO_HTTP", "GRPC", "GRPCS", "AJP", "FCGI"};
        if (std::find(std::begin(valid), std::end(valid), p) != std::end(valid))
            a.backendProtocol = p;
        else
            r.problem("backend-protocol",
                      "\"" + *v + "\" is not HTTP, HTTPS, AUTO_HTTP, GRPC, GRPCS, AJP or FCGI; HTTP is used");
    }
    r.str("upstream-vhost", a.upstreamVhost);
    r.boolean("service-upstream", a.serviceUpstream);
    if (const std::string* v = r.raw("load-balance")) {
        if (*v == "round_robin" || *v == "ewma")
            a.loadBalance = *v;
        else
            r.problem("load-balance", "\"" + *v + "\" is not round_robin or ewma; the ConfigMap's default is used");
    }
    r.str("upstream-hash-by", a.upstreamHashBy);
    r.boolean("upstream-hash-by-subset", a.upstreamHashBySubset);
    r.integer("upstream-hash-by-subset-size", a.upstreamHashBySubsetSize);
    if (a.upstreamHashBySubsetSize < 1) a.upstreamHashBySubsetSize = 3;
    if (const std::string* v = r.raw("server-alias")) {
        std::string_view s = *v;
        while (!s.empty()) {
            auto comma = s.find(',');
            std::string_view item = s.substr(0, comma);
            while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
            while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
            if (!item.empty()) a.serverAliases.emplace_back(item);
            if (comma == std::string_view::npos) break;
            s.remove_prefix(comma + 1);
        }
    }

    // session affinity
    r.str("affinity", a.affinity.type);
    if (!a.affinity.type.empty() && a.affinity.type != "cookie") {
        r.problem("affinity", "\"" + a.affinity.type + "\" is not supported (only \"cookie\"); no affinity");
        a.affinity.type.clear();
    }
    r.str("affinity-mode", a.affinity.mode);
    if (a.affinity.mode != "balanced" && a.affinity.mode != "persistent") a.affinity.mode = "balanced";
    {
        std::string behavior;
        r.str("affinity-canary-behavior", behavior);
        a.affinity.canaryBehaviorLegacy = behavior == "legacy";
    }
    r.str("session-cookie-name", a.affinity.cookieName);
    if (a.affinity.cookieName.empty()) a.affinity.cookieName = "INGRESSCOOKIE";
    r.str("session-cookie-path", a.affinity.cookiePath);
    r.str("session-cookie-expires", a.affinity.expires);
    r.str("session-cookie-max-age", a.affinity.maxAge);
    r.boolean("session-cookie-secure", a.affinity.secure);
    r.str("session-cookie-samesite", a.affinity.sameSite);
    r.boolean("session-cookie-change-on-failure", a.affinity.changeOnFailure);
    return a;
}

}  // namespace hs::sim::nginx
