#include "simulator/check.h"

#include "model/doc_reader.h"

#include <charconv>
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

std::optional<std::string> str(const DocNode* n) {
    if (!n || n->isNull()) return std::nullopt;
    if (!n->isScalar()) return std::nullopt;
    return n->scalar;
}

}  // namespace

TestFile parseTestFile(std::string_view text, const std::string& fileName) {
    TestFile tf;
    auto name = std::make_shared<const std::string>(fileName);
    auto docs = readYamlDocuments(text, name, tf.problems);
    if (docs.empty()) {
        tf.problems.push_back(problem(fileName, {1, 1}, "the tests file is empty"));
        return tf;
    }
    const DocNode& root = docs.front().root;
    if (!root.isMap()) {
        tf.problems.push_back(problem(fileName, root.mark, "expected a map with `tests:`"));
        return tf;
    }
    if (auto p = str(root.find("profile"))) {
        tf.profile = profileFromName(*p);
        if (!tf.profile) tf.problems.push_back(problem(fileName, root.find("profile")->mark, "unknown profile " + *p));
    }
    const DocNode* tests = root.find("tests");
    if (!tests || !tests->isSequence()) {
        tf.problems.push_back(problem(fileName, tests ? tests->mark : root.mark, "`tests:` must be a list"));
        return tf;
    }
    std::size_t index = 0;
    for (const DocNode& t : tests->items) {
        ++index;
        if (!t.isMap()) {
            tf.problems.push_back(problem(fileName, t.mark, "each test must be a map"));
            continue;
        }
        RouteTest rt;
        rt.loc.file = name;
        rt.loc.line = t.mark.line;
        rt.loc.col = t.mark.col;
        rt.name = str(t.find("name")).value_or("test " + std::to_string(index));
        auto url = str(t.find("url"));
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
        if (auto m = str(t.find("method"))) rt.request.method = *m;
        if (auto ip = str(t.find("clientIP"))) rt.request.clientIP = *ip;
        if (auto sni = str(t.find("sni"))) rt.request.sni = *sni;
        if (const DocNode* h = t.find("headers")) {
            if (h->isMap())
                for (const auto& [k, v] : h->members) {
                    if (iequals(k, "host")) rt.request.host = v.scalar;
                    else rt.request.headers.push_back({k, v.scalar});
                }
            else if (h->isSequence())
                for (const auto& item : h->items) {
                    auto colon = item.scalar.find(':');
                    if (colon == std::string::npos) {
                        tf.problems.push_back(problem(fileName, item.mark, "header must be 'Name: value'"));
                        continue;
                    }
                    std::string v = item.scalar.substr(colon + 1);
                    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
                    rt.request.headers.push_back({item.scalar.substr(0, colon), v});
                }
        }
        if (const DocNode* c = t.find("cookies"); c && c->isMap()) {
            std::string cookie;
            for (const auto& [k, v] : c->members) cookie += (cookie.empty() ? "" : "; ") + k + "=" + v.scalar;
            rt.request.headers.push_back({"Cookie", cookie});
        }
        if (auto p = str(t.find("profile"))) {
            rt.profile = profileFromName(*p);
            if (!rt.profile) tf.problems.push_back(problem(fileName, t.find("profile")->mark, "unknown profile " + *p));
        }
        auto intField = [&](const char* key, auto& dst) {
            if (auto v = str(t.find(key))) {
                long long x = 0;
                auto r = std::from_chars(v->data(), v->data() + v->size(), x);
                if (r.ec == std::errc() && r.ptr == v->data() + v->size()) dst = static_cast<std::remove_reference_t<decltype(dst)>>(x);
                else tf.problems.push_back(problem(fileName, t.find(key)->mark, std::string("`") + key + "` must be a number"));
            }
        };
        intField("seed", rt.seed);
        intField("repeat", rt.repeat);
        const DocNode* e = t.find("expect");
        if (!e || !e->isMap()) {
            tf.problems.push_back(problem(fileName, t.mark, rt.name + ": `expect` (a map) is required"));
            continue;
        }
        Expectation& x = rt.expect;
        for (const auto& [k, v] : e->members) {
            auto s = v.isScalar() ? std::optional<std::string>(v.scalar) : std::nullopt;
            if (k == "outcome") x.outcome = s;
            else if (k == "status") x.status = v.isNull() ? 0 : std::atoi(v.scalar.c_str());
            else if (k == "service") x.service = s.value_or("");
            else if (k == "servicePort") x.servicePort = std::atoi(v.scalar.c_str());
            else if (k == "ingress" || k == "route") x.ingress = s.value_or("");
            else if (k == "host") x.host = s.value_or("");
            else if (k == "path") x.path = s.value_or("");
            else if (k == "pathType") x.pathType = s.value_or("");
            else if (k == "upstreamPath") x.upstreamPath = s.value_or("");
            else if (k == "location") x.location = s.value_or("");
            else if (k == "canary") x.canary = s && (*s == "true" || *s == "yes");
            else if (k == "pod") x.pod = s.value_or("");
            else if (k == "endpoint") x.endpoint = s.value_or("");
            else if (k == "tlsCertificate") x.tlsCertificate = s.value_or("");
            else tf.problems.push_back(problem(fileName, v.mark, "unknown expectation `" + k + "`"));
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

void compare(const Expectation& e, const Decision& d, std::vector<Mismatch>& out) {
    auto check = [&](const char* field, const std::optional<std::string>& want, const std::string& have) {
        if (want && *want != have) out.push_back({field, *want, have});
    };
    check("outcome", e.outcome, outcomeName(d.outcome));
    if (e.status && *e.status != d.status)
        out.push_back({"status", *e.status ? std::to_string(*e.status) : "null", d.status ? std::to_string(d.status) : "null"});
    check("service", e.service, d.service);
    if (e.servicePort && *e.servicePort != d.servicePort)
        out.push_back({"servicePort", std::to_string(*e.servicePort), std::to_string(d.servicePort)});
    check("ingress", e.ingress, d.ingress);
    check("host", e.host, d.host);
    check("path", e.path, d.path);
    check("pathType", e.pathType, d.pathType);
    check("upstreamPath", e.upstreamPath, d.upstreamPath);
    check("location", e.location, d.redirectLocation);
    if (e.canary && *e.canary != d.canary) out.push_back({"canary", *e.canary ? "true" : "false", d.canary ? "true" : "false"});
    check("pod", e.pod, d.pod);
    check("endpoint", e.endpoint, d.endpoint);
    check("tlsCertificate", e.tlsCertificate, d.tlsCertificate);
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
std::vector<RuleRef> rulesOf(const ClusterState& st, Profile p) {
    std::vector<RuleRef> out;
    if (p == Profile::GatewayApi) {
        for (const auto& r : st.httpRoutes().all()) {
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
        for (const auto& rule : ing->rules)
            for (const auto& path : rule.paths)
                out.push_back({"Ingress", ing->meta.key(), rule.host, path.path.empty() ? "/" : path.path, pathTypeName(path.pathType)});
    }
    return out;
}

bool covers(const RuleRef& r, const Decision& d) {
    if (d.ingress != r.object) return false;
    if (r.kind == "Ingress" && d.routeKind != "Ingress") return false;
    if (r.kind == "HTTPRoute" && d.routeKind != "HTTPRoute") return false;
    if (r.kind == "Ingress" && d.host != r.host) return false;
    return d.path == r.path && d.pathType == r.pathType;
}
}  // namespace

CheckReport runChecks(const TestFile& file, std::shared_ptr<const ClusterState> state, const ProfileOptions& defaults) {
    CheckReport rep;
    Profile mainProfile = file.profile.value_or(defaults.profile);
    rep.rules = rulesOf(*state, mainProfile);
    rep.covered.assign(rep.rules.size(), false);
    std::map<Profile, std::shared_ptr<const RouteTable>> tables;
    for (const RouteTest& t : file.tests) {
        Profile p = t.profile.value_or(mainProfile);
        auto& table = tables[p];
        if (!table) {
            ProfileOptions o = defaults;
            o.profile = p;
            table = compileRouteTable(state, o);
        }
        TestResult res;
        res.test = &t;
        if (!table) {
            res.mismatches.push_back({"profile", profileName(p), "not available in this build"});
            rep.results.push_back(std::move(res));
            ++rep.failed;
            continue;
        }
        auto session = table->newSession(t.seed);
        Decision d;
        for (int i = 0; i < std::max(1, t.repeat); ++i) {
            session->route(t.request, d, {true});
            if (p == mainProfile)
                for (std::size_t r = 0; r < rep.rules.size(); ++r)
                    if (!rep.covered[r] && covers(rep.rules[r], d)) rep.covered[r] = true;
            std::vector<Mismatch> mm;
            compare(t.expect, d, mm);
            if (!mm.empty()) {
                res.mismatches = std::move(mm);
                break;
            }
        }
        res.decision = d;
        res.passed = res.mismatches.empty();
        (res.passed ? rep.passed : rep.failed)++;
        rep.results.push_back(std::move(res));
    }
    return rep;
}

}  // namespace hs::sim
