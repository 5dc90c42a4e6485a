// hopscope-cli route: where does this request go, and why? One request, every hop explained.
#include "app/cli/cli.h"
#include "model/json_writer.h"

#include <charconv>
#include <ostream>

namespace hs::cli {

std::vector<OptionSpec> profileOptions(const std::string& prefix) {
    return {
        {"--" + prefix + "profile", "", true, false, false,
         "controller model: ingress-nginx (default), gateway-api, gce, spec", "P"},
        {"--" + prefix + "ingress-class", "", true, false, false,
         "IngressClass (or legacy annotation value) the controller serves", "C"},
        {"--" + prefix + "controller-config", "", true, false, false,
         "a file holding the controller's ConfigMap (ingress-nginx)", "FILE"},
        {"--" + prefix + "gateway", "", true, false, false, "gateway-api: only this Gateway (ns/name)", "GW"},
        {"--" + prefix + "gce-ingress", "", true, false, false,
         "gce: the Ingress whose load balancer gets the request (ns/name)", "ING"},
    };
}

std::optional<sim::ProfileOptions> profileFrom(const Args& args, Io& io, int& exitCode, const std::string& prefix) {
    sim::ProfileOptions o;
    std::string name = args.get("--" + prefix + "profile", "ingress-nginx");
    auto p = sim::profileFromName(name);
    if (!p) {
        io.err << "error: unknown profile '" << name << "' (ingress-nginx, gateway-api, gce, spec)\n";
        exitCode = kExitUsage;
        return std::nullopt;
    }
    o.profile = *p;
    o.ingressClass = args.get("--" + prefix + "ingress-class", "");
    o.gateway = args.get("--" + prefix + "gateway", "");
    o.gceIngress = args.get("--" + prefix + "gce-ingress", "");
    if (auto file = args.get("--" + prefix + "controller-config")) {
        model::LoadOptions lo;
        lo.derive = false;
        auto r = model::loadManifests({*file}, lo);
        for (const auto& d : r.diagnostics)
            if (d.severity == model::Severity::Error) io.err << d.format() << '\n';
        if (r.inputError || r.state->configMaps().size() == 0) {
            io.err << "error: " << *file << " holds no ConfigMap\n";
            exitCode = kExitUsage;
            return std::nullopt;
        }
        o.controllerConfig = r.state->configMaps().all().front();
    }
    return o;
}

std::vector<OptionSpec> requestOptions() {
    return {
        {"--url", "", true, false, false, "the request: https://host[:port]/path?query (or /path for no Host)", "URL"},
        {"--method", "-X", true, false, false, "HTTP method (default GET)", "M"},
        {"-H", "--header", true, true, false, "a request header, 'Name: value' (repeatable)", "HEADER"},
        {"--cookie", "", true, true, false, "a cookie, name=value (repeatable)", "NAME=VALUE"},
        {"--client-ip", "", true, false, false, "the client's address (default 203.0.113.10)", "IP"},
        {"--sni", "", true, false, false, "TLS server name, when it differs from the host", "NAME"},
    };
}

std::optional<sim::Request> requestFrom(const Args& args, Io& io, int& exitCode) {
    auto url = args.get("--url");
    if (!url) {
        io.err << "error: --url is required\n";
        exitCode = kExitUsage;
        return std::nullopt;
    }
    sim::ParsedUrl p = sim::parseUrl(*url);
    if (!p.error.empty()) {
        io.err << "error: --url " << *url << ": " << p.error << '\n';
        exitCode = kExitUsage;
        return std::nullopt;
    }
    sim::Request r = std::move(p.request);
    if (auto m = args.get("--method")) r.method = *m;
    for (const std::string& h : args.all("-H")) {
        auto colon = h.find(':');
        if (colon == std::string::npos || colon == 0) {
            io.err << "error: -H '" << h << "': expected 'Name: value'\n";
            exitCode = kExitUsage;
            return std::nullopt;
        }
        std::string name = h.substr(0, colon), value = h.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        if (sim::iequals(name, "host"))
            r.host = value;
        else
            r.headers.push_back({name, value});
    }
    std::string cookies;
    for (const std::string& c : args.all("--cookie")) {
        if (c.find('=') == std::string::npos) {
            io.err << "error: --cookie '" << c << "': expected name=value\n";
            exitCode = kExitUsage;
            return std::nullopt;
        }
        cookies += (cookies.empty() ? "" : "; ") + c;
    }
    if (!cookies.empty()) r.headers.push_back({"Cookie", cookies});
    if (auto ip = args.get("--client-ip")) r.clientIP = *ip;
    if (auto sni = args.get("--sni")) r.sni = *sni;
    return r;
}

namespace {

// Wraps text at `width` columns with `indent` spaces after the first line.
void wrap(std::ostream& out, std::string_view text, std::size_t indent, std::size_t width = 100) {
    std::size_t col = indent;
    bool first = true;
    while (!text.empty()) {
        auto sp = text.find(' ');
        std::string_view word = text.substr(0, sp);
        if (!first && col + 1 + word.size() > width) {
            out << '\n' << std::string(indent, ' ');
            col = indent;
        } else if (!first) {
            out << ' ';
            ++col;
        }
        out << word;
        col += word.size();
        first = false;
        if (sp == std::string_view::npos) break;
        text.remove_prefix(sp + 1);
    }
    out << '\n';
}

}  // namespace

void printDecision(std::ostream& out, const sim::Request& r, const sim::Decision& d) {
    out << r.method << ' ' << r.scheme << "://" << (r.host.empty() ? std::string("(no Host)") : r.host) << r.target
        << "   client " << r.clientIP << " · profile " << d.profile << "\n\n";
    int n = 1;
    for (const sim::Hop& h : d.hops) {
        std::string head = (n < 10 ? " " : "") + std::to_string(n) + ". " + sim::stageName(h.stage);
        head.resize(std::max<std::size_t>(head.size() + 1, 16), ' ');
        out << head;
        wrap(out, h.decision, 16);
        if (!h.reason.empty()) {
            out << std::string(16, ' ');
            wrap(out, h.reason, 16);
        }
        if (!h.departure.empty()) {
            out << std::string(16, ' ') << "note: ";
            wrap(out, h.departure, 22);
        }
        std::size_t shown = 0;
        for (const auto& rj : h.rejected) {
            if (++shown > 12) {
                out << std::string(16, ' ') << "… and " << (h.rejected.size() - 12)
                    << " more (--json lists them all)\n";
                break;
            }
            out << std::string(16, ' ') << "✗ ";
            wrap(out, rj.what + " — " + rj.why, 18);
        }
        ++n;
    }
    out << "\n→ " << sim::outcomeName(d.outcome);
    if (d.status) out << ' ' << d.status;
    if (!d.redirectLocation.empty()) out << " → " << d.redirectLocation;
    if (!d.service.empty())
        out << " · Service " << d.service << (d.servicePort ? ":" + std::to_string(d.servicePort) : "");
    if (d.canary) out << " (canary)";
    if (!d.endpoint.empty()) out << " · " << d.endpoint;
    if (!d.pod.empty()) out << " · Pod " << d.pod;
    if (!d.node.empty()) out << " on " << d.node;
    if (!d.upstreamPath.empty()) out << " · upstream path " << d.upstreamPath;
    out << '\n';
}

namespace {

int runRoute(const Args& args, Io& io) {
    int code = kExitOk;
    auto request = requestFrom(args, io, code);
    if (!request) return code;
    auto profile = profileFrom(args, io, code);
    if (!profile) return code;
    std::uint64_t seed = 1;
    if (auto s = args.get("--seed")) {
        auto res = std::from_chars(s->data(), s->data() + s->size(), seed);
        if (res.ec != std::errc() || res.ptr != s->data() + s->size()) {
            io.err << "error: --seed must be a non-negative integer\n";
            return kExitUsage;
        }
    }
    auto loaded = loadSource(args, io, code);
    if (!loaded) return code;
    auto table = sim::compileRouteTable(loaded->state, *profile);
    if (!table) {
        io.err << "error: profile " << sim::profileName(profile->profile) << " is not available in this build\n";
        return kExitUsage;
    }
    auto session = table->newSession(seed);
    sim::Decision d;
    session->route(*request, d, {true});
    if (args.has("--json")) {
        model::JsonWriter w(true);
        sim::writeDecisionJson(w, d);
        io.out << w.str() << '\n';
    } else {
        printDecision(io.out, *request, d);
    }
    return kExitOk;
}

}  // namespace

Command routeCommand() {
    Command c;
    c.name = "route";
    c.summary = "where does this request go, and why? every hop explained";
    c.usage =
        "-f PATH... --url URL [--profile P] [-H 'Name: value']... [--cookie n=v]... [--client-ip IP] [--seed N] [--json]";
    c.options = sourceOptions();
    for (auto& o : requestOptions()) c.options.push_back(o);
    for (auto& o : profileOptions()) c.options.push_back(o);
    c.options.push_back(
        {"--seed", "", true, false, false, "random seed for balancers and canary weights (default 1)", "N"});
    c.options.push_back({"--json", "", false, false, false, "print the Decision as JSON (docs/decision-json.md)", ""});
    c.run = runRoute;
    return c;
}

}  // namespace hs::cli
