#include "resources/demo/traces/demo_traffic.h"

#include "model/json_writer.h"
#include "simulator/balancer.h"
#include "simulator/replay/engine.h"
#include "simulator/replay/nginx_log_model.h"
#include "simulator/trace/time_parse.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <vector>

namespace hs::demo {

namespace {

struct Template {
    const char* host;  // "*" = a tenant host
    const char* path;  // placeholders: {id} {slug} {word} {hash}
    double weight;
    const char* method;
    bool office;  // from the office network (10.1.0.0/22)
    const char* header;  // an extra "Name: value", or nullptr
};

// The demo's traffic, by weight (resources/demo/README.md lists what each line exercises).
const Template kCatalogue[] = {
    {"shop.example.com", "/", 8, "GET", false, nullptr},
    {"shop.example.com", "/products/{id}", 14, "GET", false, nullptr},
    {"shop.example.com", "/cart", 3, "GET", false, nullptr},
    {"shop.example.com", "/search?q={word}", 4, "GET", false, nullptr},
    {"shop.example.com", "/static/app.{hash}.js", 6, "GET", false, nullptr},
    {"shop.example.com", "/healthz", 0.5, "GET", false, nullptr},
    {"shop.example.com", "/apiary", 0.3, "GET", false, nullptr},
    {"shop.example.com", "/api/v2/orders", 6, "GET", false, nullptr},
    {"shop.example.com", "/api/v2/products/{id}", 8, "GET", false, nullptr},
    {"shop.example.com", "/api/v2/cart", 4, "POST", false, nullptr},
    {"shop.example.com", "/api/v2/orders", 1, "GET", false, "X-Canary: always"},
    {"shop.example.com", "/checkout/cart", 2, "GET", false, nullptr},
    {"shop.example.com", "/checkout", 1, "POST", false, nullptr},
    {"shop.example.com", "/admin/users", 0.5, "GET", true, nullptr},
    {"shop.example.com", "/admin", 0.3, "GET", false, nullptr},
    {"pay.shop.example.com", "/charge", 0.8, "POST", false, nullptr},
    {"blog.example.com", "/", 4, "GET", false, nullptr},
    {"blog.example.com", "/2024/{slug}", 8, "GET", false, nullptr},
    {"blog.example.com", "/feed.xml", 2, "GET", false, nullptr},
    {"blog.example.com", "/api/posts/{id}", 4, "GET", false, nullptr},
    {"blog.example.com", "/API/posts/{id}", 0.2, "GET", false, nullptr},
    {"www.example.com", "/", 1, "GET", false, nullptr},
    {"www.example.com", "/home", 2, "GET", false, nullptr},
    {"old-blog.example.com", "/{slug}", 1, "GET", false, nullptr},
    {"*", "/", 3, "GET", false, nullptr},
    {"*", "/app/{word}", 5, "GET", false, nullptr},
    {"dashboard.tenants.example.com", "/", 1.5, "GET", false, nullptr},
    {"dashboard.tenants.example.com", "/d/{id}", 1.5, "GET", false, nullptr},
    {"metrics.example.com", "/api/v1/query?query=up", 0.7, "GET", true, nullptr},
    {"metrics.example.com", "/graph", 0.2, "GET", false, nullptr},
    {"docs.example.com", "/{slug}", 0.5, "GET", false, nullptr},
    {"203.0.113.50", "/", 0.3, "GET", false, nullptr},
    {"status.example.net", "/status", 0.3, "GET", false, nullptr},
    {"a.b.tenants.example.com", "/", 0.2, "GET", false, nullptr},
    {"grafana.internal.example.com", "/", 0.2, "GET", false, nullptr},
};

const char* kTenants[] = {"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne"};
const char* kWords[] = {"boots", "lamp", "coffee", "desk", "chair", "kettle", "socks", "camera", "guitar", "tent"};
const char* kSlugs[] = {"hello-world", "release-notes", "ingress-migration", "canary-basics", "why-404", "tuning-ewma"};
const char* kAgents[] = {
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "curl/8.5.0",
    "okhttp/4.12.0",
};

struct Generated {
    sim::Request request;
    std::uint64_t line = 0;
    std::int64_t timeNs = 0;
    std::string agent, referer;
};

class Traffic {
public:
    Traffic(std::shared_ptr<const sim::RouteTable> table, const TrafficOptions& o)
        : table_(std::move(table)), opt_(o), rng_(o.seed), session_(table_->newSession(o.seed)), model_(*table_) {
        double total = 0;
        for (const auto& t : kCatalogue) {
            total += t.weight;
            cumulative_.push_back(total);
        }
        total_ = total;
        t_ = o.startNs;
    }

    // The next request and its decision.
    void next(Generated& g, sim::Decision& d) {
        ++line_;
        double gap = -std::log(1.0 - rng_.unit()) / opt_.ratePerSecond;
        t_ += static_cast<std::int64_t>(gap * 1e9);
        double pick = rng_.unit() * total_;
        std::size_t i = 0;
        while (i + 1 < cumulative_.size() && pick >= cumulative_[i]) ++i;
        const Template& tp = kCatalogue[i];
        sim::Request& r = g.request;
        r.method = tp.method;
        r.scheme = "https";
        r.sni.clear();
        std::string host = tp.host;
        if (host == "*") host = std::string(kTenants[rng_.range(0, std::size(kTenants) - 1)]) + ".tenants.example.com";
        r.host = host;
        r.target = fill(tp.path);
        r.clientIP = tp.office ? "10.1." + std::to_string(rng_.range(0, 3)) + "." + std::to_string(rng_.range(1, 254))
                               : publicClient();
        g.agent =
            std::string(tp.path) == "/healthz" ? "kube-probe/1.31" : kAgents[rng_.range(0, std::size(kAgents) - 1)];
        g.referer = rng_.range(0, 2) == 0 ? "https://" + host + "/" : "-";
        r.headers.clear();
        r.headers.push_back({"User-Agent", g.agent});
        if (g.referer != "-") r.headers.push_back({"Referer", g.referer});
        if (tp.header) {
            std::string_view h = tp.header;
            auto colon = h.find(':');
            r.headers.push_back({std::string(h.substr(0, colon)), std::string(h.substr(colon + 2))});
        }
        r.timeNs = t_;
        g.timeNs = t_;
        g.line = line_;
        sim::RouteOptions ro;
        ro.explain = false;
        ro.choiceKey = replay::choiceKeyFor(opt_.seed, line_);
        session_->route(r, d, ro);
    }

    // The backend's status for a proxied request (the model's Pods answer like real ones would).
    int backendStatus(const Generated& g, const sim::Decision& d) {
        if (d.outcome == sim::Outcome::DefaultBackend) return d.service == "shop/maintenance" ? 503 : 404;
        std::string_view p = g.request.target;
        if (p.rfind("/static/", 0) == 0) return rng_.range(0, 3) == 0 ? 304 : 200;
        if (p.rfind("/products/", 0) == 0 || p.rfind("/2024/", 0) == 0) return rng_.range(0, 19) == 0 ? 404 : 200;
        if (g.request.method == "POST") return rng_.range(0, 9) == 0 ? 422 : 201;
        return 200;
    }
    std::int64_t requestTime(bool proxied) {
        if (!proxied) return 0;
        double z = std::sqrt(-2.0 * std::log(1.0 - rng_.unit())) * std::cos(6.283185307179586 * rng_.unit());
        double v = std::exp(std::log(0.018) + 0.8 * z);
        return static_cast<std::int64_t>(std::min(v, 30.0) * 1e9);
    }
    std::uint64_t bytes(std::uint64_t lo, std::uint64_t hi) {
        return static_cast<std::uint64_t>(rng_.range(static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi)));
    }
    std::string requestId() {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng_.next()),
                      static_cast<unsigned long long>(rng_.next()));
        return buf;
    }

    const replay::NginxLogModel& model() const { return model_; }
    sim::Rng& rng() { return rng_; }

private:
    std::string fill(std::string_view path) {
        std::string out;
        for (std::size_t i = 0; i < path.size(); ++i) {
            if (path[i] != '{') {
                out.push_back(path[i]);
                continue;
            }
            auto close = path.find('}', i);
            std::string_view what = path.substr(i + 1, close - i - 1);
            if (what == "id")
                out += std::to_string(rng_.range(1, 5000));
            else if (what == "word")
                out += kWords[rng_.range(0, std::size(kWords) - 1)];
            else if (what == "slug")
                out += kSlugs[rng_.range(0, std::size(kSlugs) - 1)];
            else if (what == "hash") {
                char buf[16];
                std::snprintf(buf, sizeof buf, "%08llx",
                              static_cast<unsigned long long>(rng_.range(0, 15) * 0x1111111));
                out += buf;
            }
            i = close;
        }
        return out;
    }
    std::string publicClient() {
        // about 4000 clients in documentation and shared-address ranges
        std::int64_t n = rng_.range(0, 3999);
        if (n < 254) return "203.0.113." + std::to_string(n + 1);
        if (n < 508) return "198.51.100." + std::to_string(n - 253);
        return "100." + std::to_string(64 + n % 8) + "." + std::to_string(n / 8 % 250) + "." +
            std::to_string(n % 251 + 1);
    }

    std::shared_ptr<const sim::RouteTable> table_;
    TrafficOptions opt_;
    sim::Rng rng_;
    std::unique_ptr<sim::RouteSession> session_;
    replay::NginxLogModel model_;
    std::vector<double> cumulative_;
    double total_ = 0;
    std::int64_t t_ = 0;
    std::uint64_t line_ = 0;
};

const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// "25/Nov/2026:08:00:00 +0000"
std::string timeLocal(std::int64_t ns) {
    std::string iso = trace::formatIso8601Ms(ns);  // 2026-11-25T08:00:00.123Z
    int month = std::stoi(iso.substr(5, 2));
    return iso.substr(8, 2) + "/" + kMonths[month - 1] + "/" + iso.substr(0, 4) + ":" + iso.substr(11, 8) + " +0000";
}

std::string seconds3(std::int64_t ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ns / 1'000'000'000),
                  static_cast<long long>(ns / 1'000'000 % 1000));
    return buf;
}

// What nginx writes for $upstream_addr: the endpoint, or for ExternalName the address it resolved.
std::string upstreamAddr(const replay::NginxLogModel& m, const sim::Decision& d) {
    if (!replay::NginxLogModel::proxied(d)) return "-";
    if (const auto* u = m.upstream(d.upstream); u && u->externalName) {
        auto colon = d.endpoint.rfind(':');
        return "192.0.2.80" + d.endpoint.substr(colon);
    }
    return d.endpoint;
}

}  // namespace

void writeIngressNginxLog(std::ostream& out, std::shared_ptr<const sim::RouteTable> table,
                          const TrafficOptions& options) {
    Traffic traffic(table, options);
    Generated g;
    sim::Decision d;
    std::string line;
    std::int64_t lastSecond = -1;
    std::string stamp;
    for (std::uint64_t i = 0; i < options.requests; ++i) {
        traffic.next(g, d);
        const auto& m = traffic.model();
        bool proxied = replay::NginxLogModel::proxied(d);
        int status = proxied ? traffic.backendStatus(g, d) : d.status;
        std::int64_t rt = traffic.requestTime(proxied);
        std::int64_t second = g.timeNs / 1'000'000'000;
        if (second != lastSecond) {
            stamp = timeLocal(second * 1'000'000'000);
            lastSecond = second;
        }
        std::uint64_t body = proxied ? traffic.bytes(120, 48000) : traffic.bytes(150, 180);
        line.clear();
        line += g.request.clientIP;
        line += " - - [";
        line += stamp;
        line += "] \"";
        line += g.request.method;
        line += ' ';
        line += g.request.target;
        line += " HTTP/2.0\" ";
        line += std::to_string(status);
        line += ' ';
        line += std::to_string(body);
        line += " \"";
        line += g.referer;
        line += "\" \"";
        line += g.agent;
        line += "\" ";
        line += std::to_string(traffic.bytes(60, 900));
        line += ' ';
        line += seconds3(rt);
        line += " [";
        line += m.upstreamName(g.request, d);
        line += "] [";
        line += replay::NginxLogModel::alternativeName(d);
        line += "] ";
        if (proxied) {
            line += upstreamAddr(m, d);
            line += ' ';
            line += std::to_string(body);
            line += ' ';
            line += seconds3(std::max<std::int64_t>(0, rt - 1'000'000));
            line += ' ';
            line += std::to_string(status);
        } else {
            line += "- - - -";
        }
        line += ' ';
        line += traffic.requestId();
        line += '\n';
        out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
}

void writeJsonLines(std::ostream& out, std::shared_ptr<const sim::RouteTable> table, const TrafficOptions& options) {
    Traffic traffic(table, options);
    Generated g;
    sim::Decision d;
    for (std::uint64_t i = 0; i < options.requests; ++i) {
        traffic.next(g, d);
        const auto& m = traffic.model();
        bool proxied = replay::NginxLogModel::proxied(d);
        int status = proxied ? traffic.backendStatus(g, d) : d.status;
        model::JsonWriter w;
        w.beginObject();
        w.field("time", trace::formatIso8601Ms(g.timeNs)).field("method", g.request.method);
        w.field("url", g.request.scheme + "://" + g.request.host + g.request.target)
            .field("client", g.request.clientIP);
        w.key("headers").beginObject();
        for (const auto& h : g.request.headers) w.field(h.name, h.value);
        w.endObject();
        w.key("recorded").beginObject();
        w.field("status", status).field("upstream", std::string(m.upstreamName(g.request, d)));
        w.field("alternative", std::string(replay::NginxLogModel::alternativeName(d)))
            .field("upstreamAddr", upstreamAddr(m, d));
        w.endObject();
        w.endObject();
        out << w.str() << '\n';
    }
}

void writeBrowserHar(std::ostream& out, std::shared_ptr<const sim::RouteTable> table, std::uint64_t seed) {
    struct Step {
        const char* url;
        const char* method;
        const char* header;
    };
    // One visitor: the shop over http (redirected), browsing, the API with and without the canary
    // header, checkout (down: maintenance page), the admin area from outside, the blog and its
    // API, the www landing page, the tenant dashboard (its affinity cookie pins the Pod).
    const Step steps[] = {
        {"http://shop.example.com/", "GET", nullptr},
        {"https://shop.example.com/", "GET", nullptr},
        {"https://shop.example.com/static/app.0badcafe.js", "GET", nullptr},
        {"https://shop.example.com/static/style.0badcafe.css", "GET", nullptr},
        {"https://shop.example.com/api/v2/products/17", "GET", nullptr},
        {"https://shop.example.com/api/v2/products/18", "GET", nullptr},
        {"https://shop.example.com/api/v2/products/19", "GET", "X-Canary: always"},
        {"https://shop.example.com/products/17", "GET", nullptr},
        {"https://shop.example.com/search?q=lamp", "GET", nullptr},
        {"https://shop.example.com/api/v2/cart", "POST", nullptr},
        {"https://shop.example.com/api/v2/cart", "POST", "X-Canary: always"},
        {"https://shop.example.com/cart", "GET", nullptr},
        {"https://shop.example.com/checkout", "GET", nullptr},
        {"https://shop.example.com/checkout/pay", "POST", nullptr},
        {"https://shop.example.com/admin", "GET", nullptr},
        {"https://shop.example.com/apiary", "GET", nullptr},
        {"http://blog.example.com/", "GET", nullptr},
        {"https://blog.example.com/", "GET", nullptr},
        {"https://blog.example.com/feed.xml", "GET", nullptr},
        {"https://blog.example.com/api/posts/42", "GET", nullptr},
        {"https://blog.example.com/API/posts/43", "GET", nullptr},
        {"https://blog.example.com/2024/canary-basics", "GET", nullptr},
        {"http://old-blog.example.com/2019/archive", "GET", nullptr},
        {"http://www.example.com/", "GET", nullptr},
        {"http://www.example.com/home", "GET", nullptr},
        {"http://dashboard.tenants.example.com/", "GET", nullptr},
        {"https://dashboard.tenants.example.com/", "GET", nullptr},
        {"https://dashboard.tenants.example.com/d/7", "GET", nullptr},
        {"https://dashboard.tenants.example.com/d/8", "GET", nullptr},
        {"https://dashboard.tenants.example.com/d/9", "GET", nullptr},
        {"https://acme.tenants.example.com/", "GET", nullptr},
        {"https://acme.tenants.example.com/app/reports", "GET", nullptr},
        {"https://globex.tenants.example.com/app/reports", "GET", nullptr},
        {"http://docs.example.com/getting-started", "GET", nullptr},
        {"https://pay.shop.example.com/charge", "POST", nullptr},
        {"http://status.example.net/status", "GET", nullptr},
        {"https://unknown.example.org/", "GET", nullptr},
        {"https://shop.example.com/api/v2/orders", "GET", nullptr},
    };
    auto session = table->newSession(seed);
    sim::Rng rng(seed);
    std::int64_t t = 1'795'597'200'000'000'000;  // 2026-11-25T09:00:00Z
    std::string cookies;  // what the browser sends back (affinity)
    model::JsonWriter w(true);
    w.beginObject();
    w.key("log").beginObject();
    w.field("version", "1.2");
    w.key("creator").beginObject();
    w.field("name", "hopscope-demo-traces").field("version", "1");
    w.endObject();
    w.key("pages").beginArray();
    w.endArray();
    w.key("entries").beginArray();
    std::uint64_t line = 0;
    for (const Step& s : steps) {
        ++line;
        sim::ParsedUrl p = sim::parseUrl(s.url);
        sim::Request r = p.request;
        r.method = s.method;
        r.clientIP = "203.0.113.77";
        r.timeNs = t;
        std::vector<std::pair<std::string, std::string>> headers = {
            {"Host", r.host}, {"User-Agent", kAgents[1]}, {"Accept", "*/*"}, {"Accept-Language", "en-GB,en;q=0.9"}};
        if (s.header) {
            std::string_view h = s.header;
            auto colon = h.find(':');
            headers.emplace_back(std::string(h.substr(0, colon)), std::string(h.substr(colon + 2)));
        }
        if (!cookies.empty() && r.host == "dashboard.tenants.example.com") headers.emplace_back("Cookie", cookies);
        for (const auto& [n, v] : headers)
            if (n != "Host") r.headers.push_back({n, v});
        sim::Decision d;
        sim::RouteOptions ro;
        ro.explain = false;
        ro.choiceKey = replay::choiceKeyFor(seed, line);
        session->route(r, d, ro);
        int status = d.status ? d.status
                              : (d.outcome == sim::Outcome::DefaultBackend && d.service == "shop/maintenance" ? 503
                                     : std::string_view(s.method) == "POST"                                   ? 201
                                                                                                              : 200);
        double ms = d.endpoint.empty() ? 2.0 + static_cast<double>(rng.range(0, 30)) / 10.0
                                       : 8.0 + static_cast<double>(rng.range(0, 900)) / 10.0;
        w.beginObject();
        w.field("startedDateTime", trace::formatIso8601Ms(t)).field("time", ms);
        w.key("request").beginObject();
        w.field("method", r.method).field("url", std::string(s.url)).field("httpVersion", "HTTP/2.0");
        w.key("cookies").beginArray();
        w.endArray();
        w.key("headers").beginArray();
        for (const auto& [n, v] : headers) {
            w.beginObject();
            w.field("name", n).field("value", v);
            w.endObject();
        }
        w.endArray();
        w.key("queryString").beginArray();
        w.endArray();
        w.field("headersSize", -1).field("bodySize", std::string_view(s.method) == "POST" ? 64 : 0);
        if (std::string_view(s.method) == "POST") {
            w.key("postData").beginObject();
            w.field("mimeType", "application/json").field("text", "{\"item\":17,\"quantity\":1}");
            w.endObject();
        }
        w.endObject();
        w.key("response").beginObject();
        w.field("status", status).field("statusText", "").field("httpVersion", "HTTP/2.0");
        w.key("cookies").beginArray();
        w.endArray();
        w.key("headers").beginArray();
        if (!d.redirectLocation.empty()) {
            w.beginObject();
            w.field("name", "Location").field("value", d.redirectLocation);
            w.endObject();
        }
        for (const auto& c : d.setCookies) {
            w.beginObject();
            w.field("name", "Set-Cookie").field("value", c);
            w.endObject();
            auto semi = c.find(';');
            cookies = c.substr(0, semi);
        }
        w.endArray();
        w.key("content").beginObject();
        w.field("size", 1024).field("mimeType", "text/html").field("text", "<!doctype html><title>demo</title>");
        w.endObject();
        w.field("redirectURL", d.redirectLocation).field("headersSize", -1).field("bodySize", 1024);
        w.endObject();
        w.key("cache").beginObject();
        w.endObject();
        w.key("timings").beginObject();
        w.field("send", 0.1).field("wait", ms - 0.5).field("receive", 0.4);
        w.endObject();
        w.field("serverIPAddress", "198.51.100.10");
        w.field("_hopscopeNote", "generated by hopscope-demo-traces");
        w.endObject();
        t += static_cast<std::int64_t>((50 + rng.range(0, 400)) * 1'000'000);
    }
    w.endArray();
    w.endObject();
    w.endObject();
    out << w.str() << '\n';
}

}  // namespace hs::demo
