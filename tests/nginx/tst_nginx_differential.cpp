// The differential test: Hopscope's ingress-nginx model against a real nginx (ROUTING.md B.2–B.5,
// issue #3 item 7). For each manifest set, `export-nginx --for-test` renders the configuration the
// profile builds, nginx runs it on loopback, and thousands of generated and mutated requests go
// through both nginx and the router; every host/location/rewrite/redirect decision must agree.
// docs/nginx-fidelity.md describes what is covered and what is not.
#include "differ.h"
#include "nginx_harness.h"
#include "request_generator.h"

#include "app/cli/cli.h"
#include "model/loader.h"
#include "resources/demo.h"
#include "simulator/nginx/export.h"
#include "simulator/nginx/nginx_table.h"
#include "tests/test_paths.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <memory>
#include <sstream>

using namespace hs;

namespace {

model::LoadResult loadSet(const std::string& set) {
    if (set == "demo") return demo::load();
    return model::loadManifests({hs::testing::sourceDir() + "/tests/nginx/manifests/" + set});
}

// One manifest set compiled, exported for the test and served by a running nginx.
struct Fixture {
    std::shared_ptr<const sim::RouteTable> table;
    std::shared_ptr<const sim::nginx::Config> config;
    sim::nginx::NginxExport ex;
    test::NginxInstance nginx;
    std::unique_ptr<test::Differ> differ;
    std::unique_ptr<test::HttpClient> client;
    std::string error;

    bool start(const QString& binary, const std::string& set) {
        model::LoadResult loaded = loadSet(set);
        if (!loaded.state) {
            error = "cannot load manifest set " + set;
            return false;
        }
        table = sim::compileRouteTable(loaded.state, sim::ProfileOptions{});
        config = sim::nginx::configOf(*table);
        if (!config) {
            error = "no ingress-nginx configuration for " + set;
            return false;
        }
        auto render = [&](int port, const std::string& echo) {
            sim::nginx::ExportOptions o;
            o.forTest = true;
            o.listenPort = port;
            o.echoSocket = echo;
            o.source = set;
            ex = sim::nginx::exportNginx(*config, o);
            return ex.text;
        };
        if (!nginx.start(binary, render, error)) return false;
        differ = std::make_unique<test::Differ>(table, *config, ex);
        client = std::make_unique<test::HttpClient>(nginx.port());
        return true;
    }
};

}  // namespace

class TestNginxDifferential : public QObject {
    Q_OBJECT

    QString nginx_;
    std::map<std::string, std::unique_ptr<Fixture>> fixtures_;
    std::size_t compared_ = 0;
    std::size_t disagreed_ = 0;

    Fixture* fixture(const std::string& set) {
        auto& f = fixtures_[set];
        if (!f) {
            f = std::make_unique<Fixture>();
            if (!f->start(nginx_, set)) {
                std::string e = f->error;
                fixtures_.erase(set);
                QTest::qFail(("nginx for " + set + ": " + e).c_str(), __FILE__, __LINE__);
                return nullptr;
            }
        }
        return f.get();
    }

private slots:
    void initTestCase() {
        nginx_ = test::findNginx();
        if (nginx_.isEmpty())
            QSKIP(
                "no nginx binary (install the Debian package nginx-light, or set HOPSCOPE_NGINX): the differential test needs a real nginx");
        qInfo("nginx: %s", qPrintable(nginx_));
    }

    void cleanupTestCase() {
        fixtures_.clear();  // stops every nginx
        if (compared_)
            qInfo("differential test: %zu requests compared, %zu disagreement(s), agreement %.3f%%", compared_,
                  disagreed_, 100.0 * static_cast<double>(compared_ - disagreed_) / static_cast<double>(compared_));
    }

    // The readable export (no --for-test) must be a configuration a stock nginx accepts.
    void readableExportLoads_data() {
        QTest::addColumn<QString>("set");
        for (const char* s : {"demo", "paths", "regex", "redirects"}) QTest::newRow(s) << QString(s);
    }
    void readableExportLoads() {
        QFETCH(QString, set);
        model::LoadResult loaded = loadSet(set.toStdString());
        auto table = sim::compileRouteTable(loaded.state, sim::ProfileOptions{});
        auto config = sim::nginx::configOf(*table);
        QVERIFY(config);
        sim::nginx::ExportOptions o;
        o.source = set.toStdString();
        // nginx -t binds the listeners: free ports, so that it also runs without root and next to
        // anything else on the machine.
        o.listenPort = test::freeLoopbackPort();
        o.defaultBackendPort = test::freeLoopbackPort();
        o.noEndpointsPort = test::freeLoopbackPort();
        std::string text = sim::nginx::exportNginx(*config, o).text;
        std::string problems = test::checkNginxConfig(nginx_, text);
        QVERIFY2(problems.empty(), problems.c_str());
    }

    // hopscope-cli export-nginx, run in-process.
    void exportCommand() {
        auto run = [](std::vector<std::string> words, std::string& out, std::string& err) {
            std::ostringstream o, e;
            std::istringstream in;
            cli::Io io{o, e, in};
            int code = cli::run(words, io);
            out = o.str();
            err = e.str();
            return code;
        };
        std::string out, err;
        QCOMPARE(run({"export-nginx", "--demo"}, out, err), 0);
        QVERIFY2(out.find("server_name shop.example.com;") != std::string::npos, out.c_str());
        QVERIFY(out.find("listen 80 default_server;") != std::string::npos);
        QVERIFY(out.find("X-Hs-Loc") == std::string::npos);
        QVERIFY(out.find("listen 127.0.0.1:8181;") != std::string::npos);  // the default backend's stand-in

        QCOMPARE(run({"export-nginx", "--demo", "--for-test", "--listen-port", "18181", "--echo-socket",
                      "/tmp/hs-echo.sock"},
                     out, err),
                 0);
        QVERIFY(out.find("listen 127.0.0.1:18181 default_server;") != std::string::npos);
        QVERIFY(out.find("server unix:/tmp/hs-echo.sock;") != std::string::npos);
        QVERIFY(out.find("add_header X-Hs-Loc s") != std::string::npos);

        QTemporaryDir dir;
        std::string file = dir.filePath("nginx.conf").toStdString();
        QCOMPARE(run({"export-nginx", "-f", hs::testing::sourceDir() + "/tests/nginx/manifests/regex", "-o", file}, out,
                     err),
                 0);
        QVERIFY(out.empty());
        QVERIFY2(err.find("warning: server re-edge.test: location ~* \"^/bad(\" left out") != std::string::npos,
                 err.c_str());
        QVERIFY(QFile::exists(QString::fromStdString(file)));

        QCOMPARE(run({"export-nginx", "--demo", "--listen-port", "0"}, out, err), 2);
        QCOMPARE(run({"export-nginx", "--demo", "--for-test", "--echo-socket", "relative.sock"}, out, err), 2);
        QCOMPARE(run({"export-nginx"}, out, err), 2);
    }

    // The generator's regex samples really match their location regex (else the regex cases
    // would only test near misses).
    void regexSamplesMatch() {
        model::LoadResult loaded = loadSet("regex");
        auto config = sim::nginx::configOf(*sim::compileRouteTable(loaded.state, sim::ProfileOptions{}));
        QVERIFY(config);
        test::SeedRng rng(5);
        int sampled = 0;
        for (const auto& s : config->servers) {
            if (!s.regexMode) continue;
            for (const auto& l : s.locations) {
                QRegularExpression re(QString::fromStdString("^" + l.path), QRegularExpression::CaseInsensitiveOption);
                if (!re.isValid() || l.special != sim::nginx::SpecialLocation::None) continue;
                for (int k = 0; k < 20; ++k) {
                    auto sample = test::sampleRegex(l.path, rng);
                    QVERIFY2(sample, ("no sample for " + l.path).c_str());
                    QVERIFY2(re.match(QString::fromStdString(*sample)).hasMatch(),
                             (*sample + " does not match ^" + l.path).c_str());
                    ++sampled;
                }
            }
        }
        QVERIFY(sampled > 200);
    }

    // Thousands of generated requests per manifest set, through nginx and through the router.
    void differential_data() {
        QTest::addColumn<QString>("set");
        QTest::addColumn<quint64>("seed");
        QTest::newRow("demo") << QString("demo") << quint64(20260101);
        QTest::newRow("paths") << QString("paths") << quint64(7);
        QTest::newRow("regex") << QString("regex") << quint64(11);
        QTest::newRow("redirects") << QString("redirects") << quint64(13);
    }
    void differential() {
        QFETCH(QString, set);
        QFETCH(quint64, seed);
        Fixture* f = fixture(set.toStdString());
        if (!f) return;
        test::GeneratorOptions go;
        go.seed = seed;
        std::vector<test::TestRequest> requests = test::generateRequests(*f->config, go);
        QVERIFY2(requests.size() > 1000, "the generator should produce thousands of requests");
        QElapsedTimer timer;
        timer.start();
        test::Report report;
        for (std::size_t i = 0; i < requests.size(); ++i) {
            test::HttpResponse resp = f->client->send(test::rawRequest(requests[i]));
            report.add(set.toStdString(), f->differ->compare(requests[i], i, resp));
        }
        compared_ += requests.size();
        disagreed_ += report.disagreements();
        qInfo("%s: %zu requests compared in %lld ms, %zu disagreement(s)", qPrintable(set), requests.size(),
              static_cast<long long>(timer.elapsed()), report.disagreements());
        if (report.disagreements()) {
            std::string text = report.text();
            if (!f->ex.warnings.empty()) {
                text += "\nexport warnings:\n";
                for (const auto& w : f->ex.warnings) text += "  " + w + "\n";
            }
            QFAIL(text.c_str());
        }
    }

    // Fixed requests: the spec's test vectors that nginx decides, and one row per model bug the
    // differential test exposed (the row's name says which), so each stays fixed.
    void fixedCases_data() {
        QTest::addColumn<QString>("set");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("target");
        QTest::addColumn<bool>("https");
        QTest::addColumn<QString>("client");
        // ROUTING.md test vectors
        QTest::newRow("vector: Exact /foo/ answers 301 for /foo") << "paths"
                                                                  << "exact.test"
                                                                  << "/bar" << false << "203.0.113.10";
        QTest::newRow("vector: Prefix /aaa/bbb/ answers 301 for /aaa/bbb") << "paths"
                                                                           << "prefix.test"
                                                                           << "/aaa/bbb" << false << "203.0.113.10";
        QTest::newRow("vector: Prefix /aaa/bb does not take /aaa/bbb") << "paths"
                                                                       << "prefix.test"
                                                                       << "/aaa/bbb/x" << false << "203.0.113.10";
        QTest::newRow("vector: Prefix /foo + Exact /foo, /foo is Exact") << "paths"
                                                                         << "mixed.test"
                                                                         << "/foo" << false << "203.0.113.10";
        QTest::newRow("vector: ImplementationSpecific /foo takes /foobar") << "paths"
                                                                           << "impl.test"
                                                                           << "/foobar" << false << "203.0.113.10";
        QTest::newRow("vector: wildcard covers one label only") << "paths"
                                                                << "baz.bar.wild.test"
                                                                << "/w" << false << "203.0.113.10";
        QTest::newRow("vector: host with a server never falls back to hostless rules")
            << "paths"
            << "exact.test"
            << "/b" << false << "203.0.113.10";
        QTest::newRow("vector: regex /foo/.* takes /FOO/x") << "regex"
                                                            << "regex.test"
                                                            << "/FOO/x" << false << "203.0.113.10";
        QTest::newRow("vector: first regex in order wins") << "regex"
                                                           << "regex.test"
                                                           << "/foo/bar/bar" << false << "203.0.113.10";
        QTest::newRow("vector: rewrite /something -> /") << "regex"
                                                         << "rewrite.test"
                                                         << "/something" << false << "203.0.113.10";
        QTest::newRow("vector: rewrite /something/new -> /new") << "regex"
                                                                << "rewrite.test"
                                                                << "/something/new?x=1" << false << "203.0.113.10";
        QTest::newRow("vector: app-root 302") << "redirects"
                                              << "app.test"
                                              << "/" << false << "203.0.113.10";
        QTest::newRow("vector: TLS host 3xx drops trailing slash") << "redirects"
                                                                   << "tls.test"
                                                                   << "/path/" << false << "203.0.113.10";
        QTest::newRow("vector: preserve-trailing-slash") << "redirects"
                                                         << "tls.test"
                                                         << "/keep/" << false << "203.0.113.10";
        QTest::newRow("vector: ACME challenge is exempt") << "redirects"
                                                          << "tls.test"
                                                          << "/.well-known/acme-challenge/t" << false << "203.0.113.10";
        QTest::newRow("vector: permanent-redirect code 999 -> 301") << "redirects"
                                                                    << "perm999.test"
                                                                    << "/x" << false << "203.0.113.10";
        QTest::newRow("vector: temporal wins over permanent") << "redirects"
                                                              << "temp.test"
                                                              << "/x" << true << "203.0.113.10";
        QTest::newRow("vector: allow list 192.168.1.5 -> 403") << "redirects"
                                                               << "acl.test"
                                                               << "/allow" << true << "192.168.1.5";
        QTest::newRow("vector: allow list 10.0.0.7 proxied") << "redirects"
                                                             << "acl.test"
                                                             << "/allow" << true << "10.0.0.7";
        // Model bugs the differential test exposed, one row each (docs/nginx-fidelity.md lists them).
        QTest::newRow("bug 1: Host with a double trailing dot is a 400, was routed to the host")
            << "demo"
            << "shop.example.com.."
            << "/api" << false << "203.0.113.10";
        QTest::newRow("bug 1: Host ':80' (empty name) is a 400, was the catch-all") << "demo"
                                                                                    << ":80"
                                                                                    << "/" << false << "203.0.113.10";
        QTest::newRow("bug 2: a default-backend / with its creator's allow list answers 403, was 404")
            << "redirects"
            << "acl.test"
            << "/" << false << "192.168.1.5";
        QTest::newRow("bug 3: a rewritten URI goes upstream escaped (/a%20b, was /a b)")
            << "regex"
            << "rewrite.test"
            << "/api/v2/a%20b" << false << "203.0.113.10";
        QTest::newRow("bug 3: a rewritten URI escapes a decoded ? (%3F)") << "regex"
                                                                          << "rewrite.test"
                                                                          << "/q/a%3Fb?z=2" << false << "203.0.113.10";
        QTest::newRow("bug 4: a redirecting rewrite keeps the request's arguments, dropped them")
            << "regex"
            << "absrw.test"
            << "/go/X?x=1" << false << "203.0.113.10";
        QTest::newRow("bug 4: a redirecting rewrite escapes captures of an encoded path, was unescaped")
            << "regex"
            << "absrw.test"
            << "/go/a%20b" << false << "203.0.113.10";
        QTest::newRow("bug 4: a redirecting rewrite with its own arguments appends the request's after &")
            << "regex"
            << "absrw.test"
            << "/goq/a/c+d?x=1" << false << "203.0.113.10";
        QTest::newRow("bug 5: a final ? in rewrite-target drops the request's arguments, was /na/x?&y=1")
            << "regex"
            << "rewrite.test"
            << "/noargs/x?y=1" << false << "203.0.113.10";
        QTest::newRow("bug 6: a request line over nginx's 8k buffer is a 414, was routed")
            << "demo"
            << "shop.example.com" << QString("/") + QString(8177, 'a') << false << "203.0.113.10";
        QTest::newRow("bug 6: a request line of exactly 8192 bytes is still routed")
            << "demo"
            << "shop.example.com" << QString("/") + QString(8176, 'a') << false << "203.0.113.10";
        QTest::newRow("bug 7: an absolute-form target routes by its host, was a 400")
            << "demo"
            << "unknown.test"
            << "http://shop.example.com/api/x?y=1" << false << "203.0.113.10";
        QTest::newRow("bug 7: an absolute-form target with an upper-case scheme and a port")
            << "demo"
            << "blog.example.com"
            << "HTTPS://Shop.Example.com:8443/admin" << true << "10.1.1.1";
        QTest::newRow("bug 7: an absolute-form host with '_' is a 400 (Host headers may have it)")
            << "demo"
            << "unknown.test"
            << "http://a_b.tenants.example.com/" << false << "203.0.113.10";
        QTest::newRow("spec: the HTTPS redirect for an IPv6-literal Host drops the port, kept it")
            << "redirects"
            << "[::1]:8080"
            << "/secure/x" << false << "203.0.113.10";
    }
    void fixedCases() {
        QFETCH(QString, set);
        QFETCH(QString, host);
        QFETCH(QString, target);
        QFETCH(bool, https);
        QFETCH(QString, client);
        Fixture* f = fixture(set.toStdString());
        if (!f) return;
        test::TestRequest t;
        t.host = host.toStdString();
        t.target = target.toStdString();
        t.https = https;
        t.clientIp = client.toStdString();
        t.mutation = "fixed";
        test::HttpResponse resp = f->client->send(test::rawRequest(t));
        test::Verdict v = f->differ->compare(t, 0, resp);
        ++compared_;
        if (!v.agree) ++disagreed_;
        QVERIFY2(v.agree, ("\n" + v.detail).c_str());
    }
};

QTEST_GUILESS_MAIN(TestNginxDifferential)
#include "tst_nginx_differential.moc"
