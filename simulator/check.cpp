#include "simulator/check.h"

#include "model/doc_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

namespace hs::sim {

using namespace hs::model;

namespace {

Diagnostic problem(const std::string& file, Mark m, std::string msg) {
    Diagnostic d;
    d.loc.file = std::make_shared<const std::string>(file);
    d.loc.line = m.line;
    d.loc.col = m.col;
    d.message = std::move(msg);
    d.code = "check.format";
    return d;
}

std::optional<std::string> scalar(const DocNode* n) {
    if (!n || !n->isScalar()) return std::nullopt;
    return n->scalar;
}

template <class T>
bool parseNumber(const std::string& s, T& out) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

const char* kStringFields[] = {"service",  "ingress",      "routeKind", "host",           "path",
                               "pathType", "upstreamPath", "location",  "tlsCertificate", "server",
                               "endpoint", "pod",          "node",      "upstream"};

const std::string& decisionField(const Decision& d, std::string_view key) {
    if (key == "service") return d.service;
    if (key == "ingress") return d.ingress;
    if (key == "routeKind") return d.routeKind;
    if (key == "host") return d.host;
    if (key == "path") return d.path;
    if (key == "pathType") return d.pathType;
    if (key == "upstreamPath") return d.upstreamPath;
    if (key == "location") return d.redirectLocation;
    if (key == "tlsCertificate") return d.tlsCertificate;
    if (key == "server") return d.server;
    if (key == "endpoint") return d.endpoint;
    if (key == "pod") return d.pod;
    if (key == "node") return d.node;
    return d.upstream;
}

}  // namespace

TestFile parseTestFile(std::string_view text, const std::string& fileName) {
    TestFile tf;
    auto name = std::make_shared<const std::string>(fileName);
    auto docs = readYamlDocuments(text, name, tf.problems);
    if (docs.empty() || docs.front().failed) {
        if (tf.problems.empty()) tf.problems.push_back(problem(fileName, {1, 1}, "the tests file is empty"));
        return tf;
    }
    const DocNode& root = docs.front().root;
    if (!root.isMap()) {
        tf.problems.push_back(problem(fileName, root.mark, "expected a map with `requests:`"));
        return tf;
    }
    if (auto p = scalar(root.find("profile"))) {
        tf.profile = profileFromName(*p);
        if (!tf.profile) tf.problems.push_back(problem(fileName, root.find("profile")->mark, "unknown profile " + *p));
    }
    if (auto s = scalar(root.find("seed")); s && !parseNumber(*s, tf.seed))
        tf.problems.push_back(problem(fileName, root.find("seed")->mark, "`seed` must be a non-negative integer"));
    if (const DocNode* o = root.find("options"); o && o->isMap()) {
        tf.gateway = scalar(o->find("gateway")).value_or("");
        tf.gceIngress = scalar(o->find("gceIngress")).value_or("");
        tf.ingressClass = scalar(o->find("ingressClass")).value_or("");
    }
    if (const DocNode* l = root.find("lint"); l && l->isSequence())
        for (const auto& item : l->items) tf.lint.push_back(item.scalar);
    const DocNode* tests = root.find("requests");
    if (!tests) tests = root.find("tests");
    if (!tests || !tests->isSequence()) {
        tf.problems.push_back(problem(fileName, tests ? tests->mark : root.mark, "`requests:` must be a list"));
        return tf;
    }
    std::size_t index = 0;
    for (const DocNode& t : tests->items) {
        ++index;
        if (!t.isMap()) {
            tf.problems.push_back(problem(fileName, t.mark, "each request must be a map"));
            continue;
        }
        RouteTest rt;
        rt.loc.file = name;
        rt.loc.line = t.mark.line;
        rt.loc.col = t.mark.col;
        rt.name = scalar(t.find("name")).value_or("request " + std::to_string(index));
        auto url = scalar(t.find("url"));
        if (!url) {
            tf.problems.push_back(problem(fileName, t.mark, rt.name + ": `url` is required"));
            continue;
        }
        ParsedUrl pu = parseUrl(*url);
        if (!pu.error.empty()) {
            tf.problems.push_back(problem(fileName, t.find("url")->mark, rt.name + ": " + pu.error));
            continue;
        }
        rt.request = std::move(pu.request);
        if (auto m = scalar(t.find("method"))) rt.request.method = *m;
        if (auto ip = scalar(t.find("clientIP"))) rt.request.clientIP = *ip;
        if (auto sni = scalar(t.find("sni"))) rt.request.sni = *sni;
        if (const DocNode* h = t.find("headers")) {
            if (h->isMap()) {
                for (const auto& [k, v] : h->members) {
                    if (iequals(k, "host"))
                        rt.request.host = v.scalar;
                    else
                        rt.request.headers.push_back({k, v.scalar});
                }
            } else if (h->isSequence()) {
                for (const auto& item : h->items) {
                    auto colon = item.scalar.find(':');
                    if (colon == std::string::npos) {
                        tf.problems.push_back(problem(fileName, item.mark, "a header must be 'Name: value'"));
                        continue;
                    }
                    std::string v = item.scalar.substr(colon + 1);
                    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
                    rt.request.headers.push_back({item.scalar.substr(0, colon), v});
                }
            }
        }
        if (const DocNode* c = t.find("cookies"); c && c->isMap()) {
            std::string cookie;
            for (const auto& [k, v] : c->members) cookie += (cookie.empty() ? "" : "; ") + k + "=" + v.scalar;
            rt.request.headers.push_back({"Cookie", cookie});
        }
        if (auto p = scalar(t.find("profile"))) {
            rt.profile = profileFromName(*p);
            if (!rt.profile) tf.problems.push_back(problem(fileName, t.find("profile")->mark, "unknown profile " + *p));
        }
        if (auto s = scalar(t.find("seed"))) {
            std::uint64_t v = 0;
            if (parseNumber(*s, v))
                rt.seed = v;
            else
                tf.problems.push_back(problem(fileName, t.find("seed")->mark, "`seed` must be a number"));
        }
        if (auto s = scalar(t.find("repeat")); s && (!parseNumber(*s, rt.repeat) || rt.repeat < 1))
            tf.problems.push_back(problem(fileName, t.find("repeat")->mark, "`repeat` must be a positive number"));
        const DocNode* e = t.find("expect");
        if (!e || !e->isMap()) {
            tf.problems.push_back(problem(fileName, t.mark, rt.name + ": `expect` (a map) is required"));
            continue;
        }
        Expectation& x = rt.expect;
        for (const auto& [k, v] : e->members) {
            std::string s = v.isScalar() ? v.scalar : std::string();
            if (k == "outcome")
                x.outcome = s;
            else if (k == "status") {
                int code = 0;
                if (v.isNull())
                    x.status = 0;
                else if (parseNumber(s, code))
                    x.status = code;
                else
                    tf.problems.push_back(problem(fileName, v.mark, "`status` must be a number or null"));
            } else if (k == "servicePort") {
                int port = 0;
                if (parseNumber(s, port))
                    x.servicePort = port;
                else
                    tf.problems.push_back(problem(fileName, v.mark, "`servicePort` must be a number"));
            } else if (k == "canary") {
                x.canary = s == "true" || s == "yes";
            } else if (k == "route") {
                x.fields.emplace_back("ingress", s);
            } else if (k == "explains") {
                if (v.isSequence())
                    for (const auto& i : v.items) x.explains.push_back(i.scalar);
                else
                    x.explains.push_back(s);
            } else if (k == "share") {
                for (const auto& [svc, frac] : v.members) x.share.emplace_back(svc, std::atof(frac.scalar.c_str()));
            } else if (k == "tolerance") {
                x.tolerance = std::atof(s.c_str());
            } else if (std::find(std::begin(kStringFields), std::end(kStringFields), k) != std::end(kStringFields)) {
                x.fields.emplace_back(k, s);
            } else {
                tf.problems.push_back(problem(fileName, v.mark, "unknown expectation `" + k + "`"));
            }
        }
        tf.tests.push_back(std::move(rt));
    }
    return tf;
}

TestFile loadTestFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        TestFile tf;
        tf.problems.push_back(problem(path, {}, "cannot open the tests file"));
        return tf;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return parseTestFile(ss.str(), path);
}

void compare(const Expectation& e, const Decision& d, bool explained, std::vector<Mismatch>& out) {
    if (e.outcome && *e.outcome != outcomeName(d.outcome))
        out.push_back({"outcome", *e.outcome, outcomeName(d.outcome)});
    if (e.status && *e.status != d.status)
        out.push_back(
            {"status", *e.status ? std::to_string(*e.status) : "null", d.status ? std::to_string(d.status) : "null"});
    if (e.servicePort && *e.servicePort != d.servicePort)
        out.push_back({"servicePort", std::to_string(*e.servicePort), std::to_string(d.servicePort)});
    if (e.canary && *e.canary != d.canary)
        out.push_back({"canary", *e.canary ? "true" : "false", d.canary ? "true" : "false"});
    for (const auto& [k, want] : e.fields)
        if (const std::string& have = decisionField(d, k); have != want) out.push_back({k, want, have});
    if (explained && !e.explains.empty()) {
        std::string text;
        for (const auto& h : d.hops) {
            text += h.decision + "\n" + h.reason + "\n" + h.departure + "\n";
            for (const auto& r : h.rejected) text += r.what + " — " + r.why + "\n";
        }
        for (const auto& s : e.explains)
            if (text.find(s) == std::string::npos) out.push_back({"explains", s, "(not in the explanation)"});
    }
}

std::string RuleRef::display() const {
    return kind + " " + object + " " + (host.empty() ? std::string("*") : host) + " " + pathType + " " + path;
}

double CheckReport::coveragePercent() const {
    if (rules.empty()) return 100.0;
    std::size_t n = 0;
    for (bool c : covered) n += c;
    return 100.0 * static_cast<double>(n) / static_cast<double>(rules.size());
}

namespace {

std::vector<RuleRef> rulesOf(const ClusterState& st, Profile p, const RouteTable* table) {
    std::vector<RuleRef> out;
    if (p == Profile::GatewayApi) {
        for (const auto& r : st.httpRoutes().all()) {
            if (table && !table->serves({Kind::HTTPRoute, r->meta.ns, r->meta.name})) continue;
            std::string hosts;
            for (const auto& h : r->hostnames) hosts += (hosts.empty() ? "" : ",") + h;
            for (const auto& rule : r->rules) {
                if (rule.matches.empty()) out.push_back({"HTTPRoute", r->meta.key(), hosts, "/", "PathPrefix"});
                for (const auto& m : rule.matches) {
                    HTTPPathMatch pm = m.path.value_or(HTTPPathMatch{});
                    out.push_back({"HTTPRoute", r->meta.key(), hosts, pm.value, pm.type});
                }
            }
        }
        return out;
    }
    for (const auto& ing : st.ingresses().all()) {
        if (table && !table->serves({Kind::Ingress, ing->meta.ns, ing->meta.name})) continue;
        for (const auto& rule : ing->rules)
            for (const auto& path : rule.paths)
                out.push_back({"Ingress", ing->meta.key(), rule.host, path.path.empty() ? "/" : path.path,
                               pathTypeName(path.pathType),
                               path.backend.service ? ing->meta.ns + "/" + path.backend.service->name : std::string()});
    }
    return out;
}

bool covers(const RuleRef& r, const Decision& d) {
    // A canary answers on its primary's rule; it covers the canary Ingress's own rule too.
    if (d.canary && r.kind == "Ingress" && d.routeKind == "Ingress" && r.service == d.service && d.host == r.host &&
        d.path == r.path)
        return true;
    if (d.ingress != r.object || d.routeKind != r.kind) return false;
    if (r.kind == "Ingress" && d.host != r.host) return false;
    return d.path == r.path && d.pathType == r.pathType;
}

std::string shareKey(const Decision& d) {
    if (d.service.empty()) return std::string(outcomeName(d.outcome)) + " " + std::to_string(d.status);
    return d.service + (d.status ? " " + std::to_string(d.status) : std::string());
}

}  // namespace

CheckReport runChecks(const TestFile& file, std::shared_ptr<const ClusterState> state, const ProfileOptions& defaults,
                      const CheckOptions& options) {
    CheckReport rep;
    Profile mainProfile = file.profile.value_or(defaults.profile);
    std::map<Profile, std::shared_ptr<const RouteTable>> tables;
    auto tableFor = [&](Profile p) {
        auto& table = tables[p];
        if (!table) {
            ProfileOptions o = defaults;
            o.profile = p;
            if (!file.gateway.empty()) o.gateway = file.gateway;
            if (!file.gceIngress.empty()) o.gceIngress = file.gceIngress;
            if (!file.ingressClass.empty()) o.ingressClass = file.ingressClass;
            table = compileRouteTable(state, o);
        }
        return table;
    };
    rep.rules = rulesOf(*state, mainProfile, tableFor(mainProfile).get());
    rep.covered.assign(rep.rules.size(), false);
    for (const RouteTest& t : file.tests) {
        Profile p = t.profile.value_or(mainProfile);
        auto table = tableFor(p);
        TestResult res;
        res.test = &t;
        if (!table) {
            res.mismatches.push_back({"profile", profileName(p), "not available in this build"});
            rep.results.push_back(std::move(res));
            ++rep.failed;
            continue;
        }
        std::uint64_t seed = t.seed.value_or(file.seed);
        auto session = table->newSession(seed);
        auto fastSession = options.verifyFastMode ? table->newSession(seed) : nullptr;
        Decision d, f;
        std::map<std::string, int> counts;
        for (int i = 0; i < std::max(1, t.repeat); ++i) {
            session->route(t.request, d, {true});
            if (p == mainProfile)
                for (std::size_t r = 0; r < rep.rules.size(); ++r)
                    if (!rep.covered[r] && covers(rep.rules[r], d)) rep.covered[r] = true;
            std::vector<Mismatch> mm;
            compare(t.expect, d, true, mm);
            if (fastSession) {
                fastSession->route(t.request, f, {false});
                std::string a = decisionJson(d, false, false), b = decisionJson(f, false, false);
                if (a != b) mm.push_back({"fast mode", a, b});
                if (!f.hops.empty()) mm.push_back({"fast mode", "no hops", "hops filled"});
            }
            ++counts[shareKey(d)];
            if (!mm.empty()) {
                res.mismatches = std::move(mm);
                break;
            }
        }
        if (res.mismatches.empty() && !t.expect.share.empty()) {
            std::string seen;
            for (const auto& [k, n] : counts) seen += k + "=" + std::to_string(n) + " ";
            for (const auto& [key, want] : t.expect.share) {
                double got = static_cast<double>(counts[key]) / std::max(1, t.repeat);
                if (std::abs(got - want) > t.expect.tolerance)
                    res.mismatches.push_back({"share " + key,
                                              std::to_string(want) + " ± " + std::to_string(t.expect.tolerance),
                                              std::to_string(got) + " (" + seen + ")"});
            }
        }
        res.decision = d;
        res.passed = res.mismatches.empty();
        (res.passed ? rep.passed : rep.failed)++;
        rep.results.push_back(std::move(res));
    }
    if (!file.lint.empty()) {
        if (auto table = tableFor(mainProfile)) {
            for (const auto& dg : table->lint()) rep.lintText += dg.format() + " {" + dg.code + "}\n";
            for (const auto& want : file.lint) rep.lint.push_back({want, rep.lintText.find(want) != std::string::npos});
        }
    }
    return rep;
}

}  // namespace hs::sim
