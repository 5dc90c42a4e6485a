// Golden routing cases: every folder tests/golden/<profile>/<case>/ holds manifests.yaml and
// requests.yaml (format: tests/golden/README.md). Each request is one named data row; it is routed
// with explanations and again in fast mode (explain = false), and both Decisions must agree with
// the expectations and with each other.
#include "model/loader.h"
#include "simulator/decision.h"
#include "simulator/request.h"
#include "simulator/route_table.h"

#include <yaml-cpp/yaml.h>

#include <QtTest>

#include <filesystem>
#include <map>

namespace fs = std::filesystem;
using namespace hs;

namespace {

struct Case {
    std::string dir;
    std::shared_ptr<const sim::RouteTable> table;
    YAML::Node requests;
    std::uint64_t seed = 1;
    std::string error;
};

// Cases are loaded once per folder and shared by its rows.
Case& loadCase(const std::string& profile, const std::string& dir) {
    static std::map<std::string, Case> cache;
    auto it = cache.find(dir);
    if (it != cache.end()) return it->second;
    Case& c = cache[dir];
    c.dir = dir;
    try {
        YAML::Node root = YAML::LoadFile(dir + "/requests.yaml");
        c.requests = root["requests"];
        if (root["seed"]) c.seed = root["seed"].as<std::uint64_t>();
        sim::ProfileOptions po;
        po.profile = *sim::profileFromName(profile);
        if (YAML::Node o = root["options"]) {
            if (o["gateway"]) po.gateway = o["gateway"].as<std::string>();
            if (o["gceIngress"]) po.gceIngress = o["gceIngress"].as<std::string>();
            if (o["ingressClass"]) po.ingressClass = o["ingressClass"].as<std::string>();
        }
        model::LoadOptions lo;
        lo.threads = 1;
        model::LoadResult lr = model::loadManifests({dir + "/manifests.yaml"}, lo);
        if (lr.inputError || !lr.state) {
            c.error = "cannot load " + dir + "/manifests.yaml";
            return c;
        }
        c.table = sim::compileRouteTable(lr.state, po);
        if (!c.table) c.error = "profile " + profile + " compiles no table";
    } catch (const std::exception& e) {
        c.error = dir + "/requests.yaml: " + e.what();
    }
    return c;
}

sim::Request makeRequest(const YAML::Node& q, std::string& error) {
    sim::ParsedUrl p = sim::parseUrl(q["url"].as<std::string>(""));
    if (!p.error.empty()) error = p.error;
    sim::Request r = std::move(p.request);
    if (q["method"]) r.method = q["method"].as<std::string>();
    if (q["sni"]) r.sni = q["sni"].as<std::string>();
    if (q["clientIP"]) r.clientIP = q["clientIP"].as<std::string>();
    for (const auto& h : q["headers"]) {
        std::string name = h.first.as<std::string>(), value = h.second.as<std::string>();
        if (sim::iequals(name, "host")) r.host = value;
        else r.headers.push_back({name, value});
    }
    std::string cookies;
    for (const auto& c : q["cookies"]) cookies += (cookies.empty() ? "" : "; ") + c.first.as<std::string>() + "=" + c.second.as<std::string>();
    if (!cookies.empty()) r.headers.push_back({"Cookie", cookies});
    return r;
}

const std::string* field(const sim::Decision& d, const std::string& key) {
    static const std::map<std::string, std::string sim::Decision::*> fields = {
        {"ingress", &sim::Decision::ingress},     {"host", &sim::Decision::host},         {"path", &sim::Decision::path},
        {"pathType", &sim::Decision::pathType},   {"service", &sim::Decision::service},   {"endpoint", &sim::Decision::endpoint},
        {"pod", &sim::Decision::pod},             {"node", &sim::Decision::node},         {"upstreamPath", &sim::Decision::upstreamPath},
        {"location", &sim::Decision::redirectLocation}, {"tlsCertificate", &sim::Decision::tlsCertificate},
        {"server", &sim::Decision::server},       {"routeKind", &sim::Decision::routeKind}, {"upstream", &sim::Decision::upstream},
    };
    auto it = fields.find(key);
    return it == fields.end() ? nullptr : &(d.*(it->second));
}

std::string hopText(const sim::Decision& d) {
    std::string s;
    for (const auto& h : d.hops) {
        s += h.decision + "\n" + h.reason + "\n" + h.departure + "\n";
        for (const auto& r : h.rejected) s += r.what + " — " + r.why + "\n";
    }
    return s;
}

// Compares one Decision with the `expect` map; returns the mismatches, one per line.
std::string check(const sim::Decision& d, const YAML::Node& expect, bool explained) {
    std::string bad;
    for (const auto& kv : expect) {
        std::string key = kv.first.as<std::string>();
        const YAML::Node& v = kv.second;
        if (key == "share" || key == "tolerance") continue;
        if (key == "explains") {
            if (!explained) continue;
            std::string text = hopText(d);
            for (const auto& s : v)
                if (text.find(s.as<std::string>()) == std::string::npos) bad += "explanation lacks \"" + s.as<std::string>() + "\"\n";
            continue;
        }
        if (key == "outcome") {
            if (v.as<std::string>() != sim::outcomeName(d.outcome)) bad += "outcome " + std::string(sim::outcomeName(d.outcome)) + ", expected " + v.as<std::string>() + "\n";
        } else if (key == "status") {
            int want = v.IsNull() ? 0 : v.as<int>();
            if (want != d.status) bad += "status " + std::to_string(d.status) + ", expected " + std::to_string(want) + "\n";
        } else if (key == "servicePort") {
            if (v.as<int>() != d.servicePort) bad += "servicePort " + std::to_string(d.servicePort) + ", expected " + v.as<std::string>() + "\n";
        } else if (key == "canary") {
            if (v.as<bool>() != d.canary) bad += std::string("canary ") + (d.canary ? "true" : "false") + ", expected " + v.as<std::string>() + "\n";
        } else if (const std::string* f = field(d, key)) {
            std::string want = v.IsNull() ? std::string() : v.as<std::string>();
            if (*f != want) bad += key + " \"" + *f + "\", expected \"" + want + "\"\n";
        } else {
            bad += "unknown expectation key " + key + "\n";
        }
    }
    return bad;
}

std::vector<std::string> profiles() { return {"ingress-nginx", "gateway-api", "gce", "spec"}; }

}  // namespace

class TestGolden : public QObject {
    Q_OBJECT
private slots:
    void route_data() {
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QString>("dir");
        QTest::addColumn<int>("index");
        fs::path root = fs::path(HS_SOURCE_DIR) / "tests" / "golden";
        int rows = 0;
        for (const std::string& profile : profiles()) {
            if (!fs::is_directory(root / profile)) continue;
            std::vector<fs::path> cases;
            for (const auto& e : fs::directory_iterator(root / profile))
                if (e.is_directory() && fs::exists(e.path() / "requests.yaml")) cases.push_back(e.path());
            std::sort(cases.begin(), cases.end());
            for (const fs::path& dir : cases) {
                YAML::Node reqs;
                try {
                    reqs = YAML::LoadFile((dir / "requests.yaml").string())["requests"];
                } catch (const std::exception& ex) {
                    QTest::newRow((profile + "/" + dir.filename().string() + " (unreadable)").c_str())
                        << QString::fromStdString(profile) << QString::fromStdString(dir.string()) << -1;
                    continue;
                }
                for (std::size_t i = 0; i < reqs.size(); ++i) {
                    std::string name = profile + "/" + dir.filename().string() + ": " + reqs[i]["name"].as<std::string>("#" + std::to_string(i));
                    QTest::newRow(name.c_str()) << QString::fromStdString(profile) << QString::fromStdString(dir.string()) << static_cast<int>(i);
                    ++rows;
                }
            }
        }
        QVERIFY2(rows > 0, "no golden cases found under tests/golden");
    }

    void route() {
        QFETCH(QString, profile);
        QFETCH(QString, dir);
        QFETCH(int, index);
        Case& c = loadCase(profile.toStdString(), dir.toStdString());
        QVERIFY2(c.error.empty(), c.error.c_str());
        QVERIFY2(index >= 0, "requests.yaml cannot be read");
        YAML::Node q = c.requests[static_cast<std::size_t>(index)];
        std::string urlError;
        sim::Request r = makeRequest(q, urlError);
        QVERIFY2(urlError.empty(), urlError.c_str());
        YAML::Node expect = q["expect"];
        int repeat = q["repeat"].as<int>(1);
        std::uint64_t seed = q["seed"].as<std::uint64_t>(c.seed);

        auto full = c.table->newSession(seed);
        auto fast = c.table->newSession(seed);
        sim::Decision d, f;
        std::map<std::string, int> counts;
        for (int i = 0; i < repeat; ++i) {
            full->route(r, d, {true});
            fast->route(r, f, {false});
            std::string bad = check(d, expect, true);
            QVERIFY2(bad.empty(), (bad + "decision: " + sim::decisionJson(d, true)).c_str());
            QVERIFY2(f.hops.empty(), "fast mode filled hops");
            // Same seed, same state: fast mode decides exactly like explain mode.
            QVERIFY2(sim::decisionJson(d, false, false) == sim::decisionJson(f, false, false),
                     ("fast mode differs:\n" + sim::decisionJson(d, false, false) + "\n" + sim::decisionJson(f, false, false)).c_str());
            ++counts[d.service.empty() ? std::string(sim::outcomeName(d.outcome)) + " " + std::to_string(d.status) : d.service + (d.status ? " " + std::to_string(d.status) : std::string())];
        }
        if (YAML::Node share = expect["share"]) {
            double tol = expect["tolerance"].as<double>(0.03);
            std::string seen;
            for (const auto& [k, n] : counts) seen += k + "=" + std::to_string(n) + " ";
            for (const auto& kv : share) {
                std::string key = kv.first.as<std::string>();
                double want = kv.second.as<double>();
                double got = static_cast<double>(counts[key]) / repeat;
                QVERIFY2(std::abs(got - want) <= tol, (key + ": share " + std::to_string(got) + ", expected " + std::to_string(want) + " ± " +
                                                       std::to_string(tol) + " (" + seen + ")").c_str());
            }
        }
    }

    // Expected lint findings of a case: `lint:` in requests.yaml lists substrings of codes or messages.
    void lint_data() {
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QString>("dir");
        fs::path root = fs::path(HS_SOURCE_DIR) / "tests" / "golden";
        QTest::newRow("(placeholder)") << QString() << QString();
        for (const std::string& profile : profiles()) {
            if (!fs::is_directory(root / profile)) continue;
            std::vector<fs::path> cases;
            for (const auto& e : fs::directory_iterator(root / profile))
                if (e.is_directory() && fs::exists(e.path() / "requests.yaml")) cases.push_back(e.path());
            std::sort(cases.begin(), cases.end());
            for (const fs::path& dir : cases) {
                try {
                    if (!YAML::LoadFile((dir / "requests.yaml").string())["lint"]) continue;
                } catch (const std::exception&) {
                    continue;
                }
                QTest::newRow((profile + "/" + dir.filename().string()).c_str()) << QString::fromStdString(profile) << QString::fromStdString(dir.string());
            }
        }
    }
    void lint() {
        QFETCH(QString, profile);
        QFETCH(QString, dir);
        if (profile.isEmpty()) return;
        Case& c = loadCase(profile.toStdString(), dir.toStdString());
        QVERIFY2(c.error.empty(), c.error.c_str());
        YAML::Node root = YAML::LoadFile(dir.toStdString() + "/requests.yaml");
        model::Diagnostics diags = c.table->lint();
        std::string all;
        for (const auto& dg : diags) all += dg.format() + " {" + dg.code + "}\n";
        for (const auto& want : root["lint"]) {
            std::string w = want.as<std::string>();
            QVERIFY2(all.find(w) != std::string::npos, ("lint lacks \"" + w + "\":\n" + all).c_str());
        }
        for (const auto& dg : diags)
            if (dg.object.rfind("Ingress", 0) == 0 || dg.object.rfind("HTTPRoute", 0) == 0 || dg.object.rfind("Gateway", 0) == 0)
                QVERIFY2(dg.loc.line > 0, ("finding not located: " + dg.format()).c_str());
    }
};

QTEST_APPLESS_MAIN(TestGolden)
#include "tst_golden.moc"
