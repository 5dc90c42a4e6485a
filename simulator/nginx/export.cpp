#include "simulator/nginx/export.h"

#include "simulator/request.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace hs::sim::nginx {

using model::PathType;

const ExportedLocation* NginxExport::location(std::string_view id) const {
    for (const auto& l : locations)
        if (l.id == id) return &l;
    return nullptr;
}

namespace {

constexpr const char* kEchoUpstream = "hs_echo";

// nginx's tokenizer ends a bare word at whitespace, ';', '{' or '}' and treats quotes, '#' and
// '\' specially; anything carrying those is written as a double-quoted string, escaped so that
// nginx reads back exactly `s`.
bool needsQuotes(std::string_view s) {
    if (s.empty()) return true;
    for (char c : s)
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' || c == '{' || c == '}' || c == '"' ||
            c == '\'' || c == '#' || c == '\\')
            return true;
    return false;
}

// nginx unescapes \" \' \\ \t \r \n in every token and keeps other backslashes, so a regex's
// `\.` or `\w` is written as is and only the ambiguous ones are doubled.
std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '"') out += '\\';
        if (c == '\\' && (i + 1 == s.size() || std::string_view("\"'\\trn").find(s[i + 1]) != std::string_view::npos))
            out += '\\';
        out += c;
    }
    out += '"';
    return out;
}

std::string word(std::string_view s) { return needsQuotes(s) ? quoted(s) : std::string(s); }

// Comments never span lines: a newline in user data would end the comment.
std::string oneLine(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c == '\n' || c == '\r') c = ' ';
    return out;
}

std::string regexEscape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

// ingress-nginx's buildServerName: `*.foo.com` becomes a regex naming exactly one label.
std::string serverNameFor(const std::string& host) {
    if (host.size() > 2 && host[0] == '*' && host[1] == '.')
        return "~^(?<subdomain>[\\w-]+)" + regexEscape(host.substr(1)) + "$";
    return host;
}

// Whether nginx (PCRE2) can compile `pattern`; nginx refuses a configuration with a regex it
// cannot compile, and the router never matches such a location (nginx_table.cpp).
bool compiles(const std::string& pattern, bool caseless, std::string& error) {
    int err = 0;
    PCRE2_SIZE off = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                     caseless ? PCRE2_CASELESS : 0, &err, &off, nullptr);
    if (code) {
        pcre2_code_free(code);
        return true;
    }
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(err, buf, sizeof buf);
    error = std::string(reinterpret_cast<char*>(buf)) + " at offset " + std::to_string(off);
    return false;
}

bool absoluteUrl(std::string_view s) {
    return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind("$scheme", 0) == 0;
}

bool needsRewrite(const Location& l) {
    return l.ann && !l.ann->rewriteTarget.empty() && l.ann->rewriteTarget != l.path;
}

const model::HTTPIngressPath* ingressPathOf(const Config& c, const Location& l) {
    if (l.ingress == kNone || l.rule < 0) return nullptr;
    const model::Ingress& ing = *c.ingresses[l.ingress].ingress;
    return &ing.rules[static_cast<std::size_t>(l.rule)].paths[static_cast<std::size_t>(l.pathIndex)];
}

std::string balancingText(const Upstream& u) {
    const BalancerConfig& b = u.balancer;
    switch (b.kind) {
    case BalancerKind::RoundRobin: return "round_robin";
    case BalancerKind::Ewma: return "ewma";
    case BalancerKind::CHash: return "consistent hash by " + b.hashBy.text();
    case BalancerKind::CHashSubset:
        return "consistent hash by " + b.hashBy.text() + " over subsets of " + std::to_string(b.subsetSize);
    case BalancerKind::StickyBalanced: return "cookie affinity " + b.affinity.cookieName + " (balanced)";
    case BalancerKind::StickyPersistent: return "cookie affinity " + b.affinity.cookieName + " (persistent)";
    }
    return "";
}

class Renderer {
public:
    Renderer(const Config& c, const ExportOptions& o) : c_(c), o_(o) {}

    NginxExport run() {
        collectCertificates();
        out_.serverIds.reserve(c_.servers.size());
        for (std::size_t si = 0; si < c_.servers.size(); ++si) out_.serverIds.push_back("s" + std::to_string(si));
        std::ostringstream body;
        for (std::size_t si = 0; si < c_.servers.size(); ++si) server(body, si);
        std::ostringstream doc;
        header(doc);
        http(doc, body.str());
        out_.text = doc.str();
        return std::move(out_);
    }

private:
    std::string scheme() const { return o_.forTest ? "$hs_scheme" : "$scheme"; }
    std::string listen(bool defaultServer) const {
        std::string addr = o_.forTest ? "127.0.0.1:" + std::to_string(o_.listenPort) : std::to_string(o_.listenPort);
        return "listen " + addr + (defaultServer ? " default_server" : "") + ";";
    }

    // Hosts whose requests Lua's certificate lookup finds a certificate for (ssl-redirect applies
    // only to them): every server with a TLS certificate, and its aliases. certificate.lua looks
    // the host up exactly, then as `*.` + everything after the first label.
    void collectCertificates() {
        for (const Server& s : c_.servers) {
            if (!s.hasCertificate || s.isCatchAll()) continue;
            certHosts_.insert(toLower(s.hostname));
            for (const auto& a : s.aliases) certHosts_.insert(toLower(a));
        }
    }

    void header(std::ostream& d) const {
        d << "# nginx configuration exported by hopscope-cli export-nginx";
        if (!o_.source.empty()) d << " from " << oneLine(o_.source);
        d << ".\n"
             "# The server/location structure Hopscope's ingress-nginx profile builds: one server per host,\n"
             "# locations in the controller's order with its modifiers (= exact, prefix, ~* regex mode), and the\n"
             "# redirects, rewrites and allow lists ingress-nginx's template writes. What the controller decides in\n"
             "# Lua per request (canary, load balancing, affinity, custom errors) and its rate limits are shown as\n"
             "# comments; the HTTPS redirect it makes in Lua is written as nginx maps. See docs/export-nginx.md.\n";
        if (o_.forTest)
            d << "#\n# --for-test: plain HTTP on 127.0.0.1:" << o_.listenPort
              << "; every location proxies to the echo server and names itself in\n"
                 "# the response headers "
              << kHeaderServer << " and " << kHeaderLocation << "; requests state their scheme in " << kHeaderTestScheme
              << "\n# and their client address in " << kHeaderTestClientIp << ".\n";
        d << "\n";
        if (o_.forTest) {
            d << "daemon off;\n"
                 "pid nginx.pid;\n"
                 "error_log error.log warn;\n";
        }
        d << "worker_processes 1;\n\n"
             "events {\n    worker_connections 1024;\n}\n\n";
    }

    void http(std::ostream& d, const std::string& servers) {
        d << "http {\n";
        if (o_.forTest) {
            d << "    access_log off;\n"
                 "    client_body_temp_path client_body;\n"
                 "    proxy_temp_path proxy;\n"
                 "    fastcgi_temp_path fastcgi;\n"
                 "    uwsgi_temp_path uwsgi;\n"
                 "    scgi_temp_path scgi;\n";
        }
        d << "    default_type text/plain;\n"
             "    server_names_hash_bucket_size 256;\n"
             "    server_names_hash_max_size 8192;\n"
             "    map_hash_bucket_size 256;\n"
             "    # nginx defaults ingress-nginx relies on: $uri has `//` merged; request lines fit in 8k;\n"
             "    # redirects nginx makes (the trailing-slash 301) name the request's host and no port.\n"
             "    merge_slashes on;\n"
             "    client_header_buffer_size 1k;\n"
             "    large_client_header_buffers 4 8k;  # a longer request line is a 414\n"
             "    absolute_redirect on;\n"
             "    server_name_in_redirect off;\n"
             "    port_in_redirect off;\n"
             "    proxy_http_version 1.1;\n"
             "    proxy_set_header Connection \"\";\n"
             "    proxy_set_header Host $host;\n\n";
        if (o_.forTest) {
            d << "    # The scheme the request came with: a TLS listener in a real controller, a header here.\n"
                 "    map $http_x_test_scheme $hs_scheme {\n        default http;\n        https https;\n    }\n"
                 "    # The client address allow/deny lists see.\n"
                 "    set_real_ip_from 127.0.0.1;\n"
                 "    real_ip_header "
              << kHeaderTestClientIp << ";\n\n";
        }
        d << "    # The HTTPS redirect ingress-nginx makes in Lua (lua_ingress.lua): to https://<Host without port\n"
             "    # (an IPv6 literal keeps its brackets)>\n"
             "    # <request URI with one trailing / dropped, unless preserve-trailing-slash>.\n"
             "    map $http_host $hs_redirect_host {\n        default \"\";\n        \"~^(\\[[^]]*\\])\" $1;\n        \"~^([^:]*)\" $1;\n    }\n"
             "    map $request_uri $hs_request_uri_noslash {\n        default $request_uri;\n        \"~^(.*)/$\" $1;\n    }\n";
        d << "    # ssl-redirect applies when Lua finds a certificate for $host (exactly, else as *.<parent>).\n"
             "    map $host $hs_has_cert {\n        default 0;\n";
        for (const auto& h : certHosts_) {
            if (h.size() > 2 && h[0] == '*' && h[1] == '.')
                d << "        " << quoted("~^[^.]*" + regexEscape(h.substr(1)) + "$") << " 1;\n";
            else
                d << "        " << quoted(h) << " 1;\n";
        }
        d << "    }\n"
             "    map \""
          << scheme() << ":$hs_has_cert\" $hs_ssl_redirect {\n        default 0;\n        \"http:1\" 1;\n    }\n\n";

        upstreams(d);
        d << servers;
        internalServers(d);
        d << "}\n";
    }

    void upstreams(std::ostream& d) {
        if (o_.forTest) {
            d << "    # Every location proxies here; the echo server answers with the URI it received.\n"
                 "    upstream "
              << kEchoUpstream << " {\n        server unix:" << o_.echoSocket << ";\n        keepalive 16;\n    }\n\n";
            return;
        }
        for (const Upstream& u : c_.upstreams) {
            if (!usedUpstreams_.count(u.name) && !u.isDefault) continue;
            d << "    # " << oneLine(upstreamComment(u)) << "\n";
            d << "    upstream " << word(u.name) << " {\n";
            if (u.backend.externalName) {
                for (const auto& ep : u.backend.endpoints)
                    d << "        # ExternalName: ingress-nginx resolves " << oneLine(ep.hostPort)
                      << " at request time\n";
                d << "        server 127.0.0.1:" << o_.noEndpointsPort
                  << ";  # stand-in (this export does not resolve names)\n";
                needNoEndpoints_ = true;
            } else if (!u.backend.endpoints.empty()) {
                for (const auto& ep : u.backend.endpoints) {
                    d << "        server " << ep.hostPort << ";";
                    if (!ep.podKey.empty())
                        d << "  # Pod " << oneLine(ep.podKey) << (ep.node.empty() ? "" : " on " + oneLine(ep.node));
                    d << "\n";
                }
            } else if (u.isDefault) {
                d << "        server 127.0.0.1:" << o_.defaultBackendPort
                  << ";  # the controller's default backend: 404\n";
                needDefaultBackend_ = true;
            } else {
                d << "        # no endpoints" << (u.backend.problem.empty() ? "" : ": " + oneLine(u.backend.problem))
                  << " — ingress-nginx answers 503\n"
                     "        server 127.0.0.1:"
                  << o_.noEndpointsPort << ";  # stand-in that answers 503\n";
                needNoEndpoints_ = true;
            }
            d << "    }\n\n";
        }
    }

    std::string upstreamComment(const Upstream& u) const {
        if (u.isDefault && u.serviceName.empty()) return "upstream-default-backend: the controller's built-in 404";
        std::string s =
            (u.customDefault ? "default-backend annotation: Service " : "Service ") + u.serviceNs + "/" + u.serviceName;
        if (!u.port.empty()) s += " port " + u.port;
        s += "; " + std::to_string(u.backend.endpoints.size()) + " endpoint(s); balancing " + balancingText(u) +
            " (Lua)";
        if (u.creator != kNone) s += "; settings from " + c_.ingresses[u.creator].key;
        return s;
    }

    void internalServers(std::ostream& d) const {
        if (o_.forTest) {
            d << "    # The echo server: answers every request with the URI nginx sent upstream.\n"
                 "    server {\n        listen unix:"
              << o_.echoSocket
              << ";\n"
                 "        add_header "
              << kHeaderEcho
              << " 1 always;\n"
                 "        return 200 \"$request_uri\";\n    }\n";
            return;
        }
        if (needDefaultBackend_)
            d << "    # The controller's built-in default backend.\n"
                 "    server {\n        listen 127.0.0.1:"
              << o_.defaultBackendPort << ";\n        return 404;\n    }\n\n";
        if (needNoEndpoints_)
            d << "    # Stand-in for upstreams without endpoints (ingress-nginx's balancer answers 503).\n"
                 "    server {\n        listen 127.0.0.1:"
              << o_.noEndpointsPort << ";\n        return 503;\n    }\n\n";
    }

    void identity(std::ostream& d, const std::string& indent, const std::string& serverId,
                  const std::string& locId) const {
        if (!o_.forTest) return;
        d << indent << "add_header " << kHeaderServer << " " << serverId << " always;\n";
        if (!locId.empty()) d << indent << "add_header " << kHeaderLocation << " " << locId << " always;\n";
    }

    void server(std::ostream& d, std::size_t si) {
        const Server& s = c_.servers[si];
        const std::string& sid = out_.serverIds[si];
        d << "    # server " << oneLine(s.hostname);
        if (s.isCatchAll())
            d << " — the catch-all: hostless rules and the default backend";
        else if (s.creator != kNone)
            d << " — created by " << c_.ingresses[s.creator].key;
        d << " (id " << sid << ")\n";
        if (s.hasCertificate && !s.isCatchAll())
            d << "    # TLS: "
              << oneLine(s.certificate == "default" ? "the controller's default certificate"
                                                    : "Secret " + s.certificate)
              << " (served on 443; this export has no TLS listener)\n";
        if (s.regexMode)
            d << "    # regex mode: " << oneLine(s.regexCause)
              << " — every location is ~* \"^<path>\", tried in order\n";
        d << "    server {\n";
        d << "        " << listen(s.isCatchAll()) << "\n";
        d << "        server_name " << word(s.isCatchAll() ? "_" : serverNameFor(s.hostname));
        for (const auto& a : s.aliases) d << " " << word(serverNameFor(a));
        d << ";\n";
        identity(d, "        ", sid, "");

        std::set<std::string> seenStatic;
        for (std::size_t li = 0; li < s.locations.size(); ++li) location(d, si, li, seenStatic);
        d << "    }\n\n";
    }

    void location(std::ostream& d, std::size_t si, std::size_t li, std::set<std::string>& seenStatic) {
        const Server& s = c_.servers[si];
        const Location& l = s.locations[li];
        const std::string ind = "            ";
        ExportedLocation ex;
        ex.id = out_.serverIds[si] + ".l" + std::to_string(li);
        ex.server = s.hostname;
        ex.location = l.render(s.regexMode);
        if (l.ingress != kNone) ex.ingress = c_.ingresses[l.ingress].key;
        if (const auto* p = ingressPathOf(c_, l)) {
            ex.path = p->path;
            ex.pathType = model::pathTypeName(p->pathType);
        }

        // app-root: a server-level `if` written before the location, as the template does;
        // the first one in location order wins.
        if (l.ann && !l.ann->appRoot.empty() && l.special == SpecialLocation::None)
            d << "        # app-root " << oneLine(l.ann->appRoot) << (ex.ingress.empty() ? "" : " (" + ex.ingress + ")")
              << "\n"
              << "        if ($uri = /) {\n            return 302 " << scheme() << "://$http_host"
              << word(l.ann->appRoot) << ";\n        }\n";

        // The location's name. The controller's health check and status page are plain prefix
        // locations even in regex mode (the template writes them literally).
        std::string name;
        bool special = l.special != SpecialLocation::None;
        bool regex = s.regexMode && !special;
        if (regex) {
            std::string error;
            if (!compiles("^" + l.path, true, error)) {
                ex.rendered = false;
                out_.warnings.push_back("server " + s.hostname + ": location ~* \"^" + l.path +
                                        "\" left out: PCRE cannot compile it (" + error +
                                        "); the controller would refuse the configuration");
            }
            name = "~* " + quoted("^" + l.path);
        } else {
            std::string key = (l.pathType == PathType::Exact && !special ? "= " : "") + l.path;
            if (!seenStatic.insert(key).second) {
                ex.rendered = false;
                out_.warnings.push_back(
                    "server " + s.hostname + ": duplicate location " + key +
                    " left out (nginx refuses duplicates; the controller would keep its previous configuration)");
            }
            name = (l.pathType == PathType::Exact && !special ? "= " : "") + word(l.path);
        }
        ex.written = name;

        d << "\n        # " << oneLine(locationComment(l, ex)) << " (id " << ex.id << ")\n";
        if (!ex.rendered) {
            d << "        # left out: " << oneLine(out_.warnings.back()) << "\n";
            out_.locations.push_back(std::move(ex));
            return;
        }
        d << "        location " << name << " {\n";
        identity(d, ind, out_.serverIds[si], ex.id);
        if (l.special == SpecialLocation::Healthz) {
            d << ind << "return 200;\n        }\n";
            out_.locations.push_back(std::move(ex));
            return;
        }
        if (l.special == SpecialLocation::NginxStatus) {
            d << ind << "allow 127.0.0.1;\n"
              << ind << "allow ::1;\n"
              << ind << "deny all;\n"
              << ind << "stub_status on;\n        }\n";
            out_.locations.push_back(std::move(ex));
            return;
        }
        locationBody(d, s, l, ind);
        d << "        }\n";
        out_.locations.push_back(std::move(ex));
    }

    std::string locationComment(const Location& l, const ExportedLocation& ex) const {
        if (l.special == SpecialLocation::Healthz) return "the controller's health check";
        if (l.special == SpecialLocation::NginxStatus) return "the controller's status page (127.0.0.1 only)";
        std::string s;
        if (l.isDefBackend)
            s = "the server's default location" +
                (ex.ingress.empty() ? std::string() : " (default backend of " + ex.ingress + ")");
        else if (ex.path.empty())
            s = "spec.defaultBackend of " + ex.ingress + ", which has no rules: it takes over the catch-all's /";
        else
            s = ex.pathType + " " + (ex.path.empty() ? std::string("/") : ex.path) + " (" + ex.ingress + ")" +
                (l.exactTwin ? ", its exact twin" : "");
        if (l.upstream != kNone) {
            const Upstream& u =
                c_.upstreams[l.usesCustomDefault && l.customDefaultUpstream != kNone ? l.customDefaultUpstream
                                                                                     : l.upstream];
            s += " → upstream " + u.name;
            if (u.isDefault)
                s += " (404)";
            else if (!u.serviceName.empty())
                s += " (Service " + u.serviceNs + "/" + u.serviceName + (u.port.empty() ? "" : ":" + u.port) + ")";
            if (l.usesCustomDefault)
                s += ", the default-backend annotation's Service: the rule's Service has no endpoints";
        }
        return s;
    }

    void locationBody(std::ostream& d, const Server& s, const Location& l, const std::string& ind) {
        const Annotations* a = l.ann;
        std::uint32_t upIdx =
            l.usesCustomDefault && l.customDefaultUpstream != kNone ? l.customDefaultUpstream : l.upstream;
        const Upstream* up = upIdx != kNone ? &c_.upstreams[upIdx] : nullptr;
        if (up) usedUpstreams_.insert(up->name);
        std::string pass = o_.forTest ? std::string(kEchoUpstream)
            : up                      ? word(up->name)
                                      : std::string(kDefaultUpstream);
        if (!up) usedUpstreams_.insert(kDefaultUpstream);

        if (a && !a->deniedReason.empty()) {
            d << ind << "# location denied: " << oneLine(a->deniedReason) << "\n" << ind << "return 503;\n";
            // Keeps nginx's trailing-slash redirect (set by proxy_pass) as the controller's config has it.
            d << ind << "proxy_pass http://" << pass << ";\n";
            return;
        }
        // Lua-level decisions, for the reader.
        if (up && !up->alternatives.empty() && !l.usesCustomDefault) {
            const Upstream& alt = c_.upstreams[up->alternatives.front()];
            const CanaryAnnotations& t = alt.trafficShaping;
            std::string how;
            if (!t.header.empty())
                how += "header " + t.header + (t.headerValue.empty() ? "" : "=" + t.headerValue) +
                    (t.headerPattern.empty() ? "" : " ~ " + t.headerPattern) + ", ";
            if (!t.cookie.empty()) how += "cookie " + t.cookie + ", ";
            how +=
                "weight " + std::to_string(t.weight) + "/" + std::to_string(t.weightTotal > 100 ? t.weightTotal : 100);
            d << ind << "# canary: upstream " << oneLine(alt.name) << " (" << oneLine(how)
              << "), chosen in Lua per request\n";
        }
        if (a && (a->limitRPS > 0 || a->limitRPM > 0 || a->limitConnections > 0)) {
            d << ind << "# rate limits (limit_req/limit_conn in the controller; not rendered):";
            if (a->limitRPS > 0) d << " limit-rps " << a->limitRPS;
            if (a->limitRPM > 0) d << " limit-rpm " << a->limitRPM;
            if (a->limitConnections > 0) d << " limit-connections " << a->limitConnections;
            d << " (burst ×" << a->limitBurstMultiplier << ")\n";
        }
        if (a && !a->customHTTPErrors.empty())
            d << ind << "# custom-http-errors: answered by the default backend (Lua/error_page)\n";

        // access phase
        if (a) {
            for (const Cidr& c : a->denyList) d << ind << "deny " << c.text << ";\n";
            if (!a->allowList.empty()) {
                for (const Cidr& c : a->allowList) d << ind << "allow " << c.text << ";\n";
                d << ind << "deny all;\n";
            }
        }
        // rewrite phase, in the order ingress-nginx runs it: the redirect annotations' `return`,
        // the rewrite (break), then Lua's HTTPS redirect. A rewrite-target that is an absolute URL
        // makes nginx redirect at once, before Lua; any other rewrite only changes $uri, and
        // `break` would stop the emulated HTTPS redirect below it, so that one is written first.
        if (a && (!a->temporalRedirect.empty() || !a->permanentRedirect.empty())) {
            bool temporal = !a->temporalRedirect.empty();
            d << ind << "return " << (temporal ? a->temporalRedirectCode : a->permanentRedirectCode) << " "
              << word(temporal ? a->temporalRedirect : a->permanentRedirect) << ";\n";
        }
        std::string rewrite;
        if (needsRewrite(l)) {
            std::string error;
            if (compiles("(?i)" + l.path, false, error))
                rewrite = ind + "rewrite " + quoted("(?i)" + l.path) + " " + word(a->rewriteTarget) + " break;\n";
            else
                rewrite = ind + "# rewrite-target " + oneLine(a->rewriteTarget) + " left out: PCRE cannot compile " +
                    oneLine(l.path) + "\n";
        }
        bool redirects = a && (!a->temporalRedirect.empty() || !a->permanentRedirect.empty());
        bool absolute = a && absoluteUrl(a->rewriteTarget);
        if (!redirects) {
            if (absolute) d << rewrite;
            httpsRedirect(d, s, l, ind);
            if (!absolute) d << rewrite;
        }
        if (!o_.forTest && a && !a->upstreamVhost.empty())
            d << ind << "proxy_set_header Connection \"\";\n"
              << ind << "proxy_set_header Host " << word(a->upstreamVhost) << ";\n";
        bool tlsUpstream = !o_.forTest && up && !up->isDefault && a &&
            (a->backendProtocol == "HTTPS" || a->backendProtocol == "GRPCS");
        if (!o_.forTest && a && a->backendProtocol != "HTTP" && a->backendProtocol != "HTTPS")
            d << ind << "# backend-protocol " << oneLine(a->backendProtocol)
              << ": the controller uses grpc_pass/fastcgi_pass; shown as proxy_pass\n";
        d << ind << "proxy_pass " << (tlsUpstream ? "https://" : "http://") << pass << ";\n";
    }

    // lua_ingress.rewrite → redirect_to_https: force-ssl-redirect, or ssl-redirect when Lua has a
    // certificate for the host; never for no-tls-redirect-locations.
    bool certFor(const std::string& host) const {
        std::string h = toLower(host);
        if (certHosts_.count(h)) return true;
        auto dot = h.find('.');
        return dot != std::string::npos && certHosts_.count("*" + h.substr(dot));
    }

    void httpsRedirect(std::ostream& d, const Server& s, const Location& l, const std::string& ind) const {
        const Annotations* a = l.ann;
        if (!a) return;
        std::string_view list = c_.settings.noTLSRedirectLocations;
        while (!list.empty()) {
            auto comma = list.find(',');
            std::string_view item = list.substr(0, comma);
            while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
            while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
            if (!item.empty() && l.path.rfind(item, 0) == 0) {
                if (a->forceSSLRedirect || a->sslRedirect)
                    d << ind << "# no HTTPS redirect: in no-tls-redirect-locations\n";
                return;
            }
            if (comma == std::string_view::npos) break;
            list.remove_prefix(comma + 1);
        }
        std::string target = "https://$hs_redirect_host" +
            std::string(a->preserveTrailingSlash ? "$request_uri" : "$hs_request_uri_noslash");
        int code = c_.settings.httpRedirectCode;
        if (a->forceSSLRedirect) {
            d << ind << "# force-ssl-redirect (Lua)\n"
              << ind << "if (" << scheme() << " = http) {\n"
              << ind << "    return " << code << " " << target << ";\n"
              << ind << "}\n";
        } else if (a->sslRedirect && !certHosts_.empty()) {
            // A server named exactly is reached only by its name and aliases, so whether Lua finds
            // a certificate is known here; wildcard and catch-all servers need the per-host map.
            bool exactName = !s.isCatchAll() && !s.isWildcard();
            bool all = exactName && certFor(s.hostname), none = exactName && !certFor(s.hostname);
            for (const auto& al : s.aliases) {
                all = all && certFor(al);
                none = none && !certFor(al);
            }
            if (none) return;
            d << ind << "# ssl-redirect (Lua): "
              << (all ? "the host has a certificate" : "when Lua finds a certificate for $host") << "\n"
              << ind << "if (" << (all ? scheme() + " = http" : std::string("$hs_ssl_redirect")) << ") {\n"
              << ind << "    return " << code << " " << target << ";\n"
              << ind << "}\n";
        }
    }

    const Config& c_;
    const ExportOptions& o_;
    NginxExport out_;
    std::set<std::string> certHosts_;
    std::set<std::string> usedUpstreams_;
    bool needDefaultBackend_ = false;
    bool needNoEndpoints_ = false;
};

}  // namespace

NginxExport exportNginx(const Config& config, const ExportOptions& options) { return Renderer(config, options).run(); }

}  // namespace hs::sim::nginx
