// The ingress-nginx profile on the demo and on hostile input: the journeys the docs promise,
// profile lint, Decision JSON, fast mode equal to explain mode, and requests that must not crash.
#include "model/loader.h"
#include "resources/demo.h"
#include "simulator/nginx/nginx_table.h"
#include "simulator/route_table.h"
#include "tests/routing/nginx_fixtures.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <set>

using namespace hs;

namespace {
std::shared_ptr<const sim::RouteTable> demoTable() {
    static auto table = sim::compileRouteTable(demo::load().state, {});
    return table;
}
sim::Decision route(const std::string& url, std::vector<sim::Header> headers = {}, const std::string& ip = "",
                    std::shared_ptr<const sim::RouteTable> table = demoTable()) {
    auto p = sim::parseUrl(url);
    p.request.headers = std::move(headers);
    if (!ip.empty()) p.request.clientIP = ip;
    auto s = table->newSession(1);
    sim::Decision d;
    s->route(p.request, d, {true});
    return d;
}
}  // namespace

class TestNginx : public QObject {
    Q_OBJECT
private slots:
    void demoJourneys_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("outcome");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("service");
        QTest::newRow("storefront over https") << "https://shop.example.com/"
                                               << "routed" << 0 << "shop/storefront";
        QTest::newRow("http to a TLS host redirects") << "http://shop.example.com/cart/"
                                                      << "redirect" << 308 << "";
        QTest::newRow("api") << "https://shop.example.com/api/v2/orders"
                             << "routed" << 0 << "shop/api";
        QTest::newRow("apiary is not api") << "https://shop.example.com/apiary"
                                           << "routed" << 0 << "shop/storefront";
        QTest::newRow("exact healthz") << "https://shop.example.com/healthz"
                                       << "routed" << 0 << "shop/storefront";
        QTest::newRow("checkout rescued by default-backend") << "https://shop.example.com/checkout"
                                                             << "default-backend" << 0 << "shop/maintenance";
        QTest::newRow("admin from outside") << "https://shop.example.com/admin/users"
                                            << "denied" << 403 << "";
        QTest::newRow("payments external") << "http://pay.shop.example.com/charge"
                                           << "routed" << 0 << "shop/payments";
        QTest::newRow("blog api rewrite") << "https://blog.example.com/api/posts/1"
                                          << "routed" << 0 << "blog/blog-api";
        QTest::newRow("old blog") << "http://old-blog.example.com/anything"
                                  << "redirect" << 301 << "";
        QTest::newRow("www app-root") << "http://www.example.com/"
                                      << "redirect" << 302 << "";
        QTest::newRow("tenant wildcard") << "https://acme.tenants.example.com/"
                                         << "routed" << 0 << "tenants/tenant-router";
        QTest::newRow("two labels miss the wildcard") << "https://a.b.tenants.example.com/"
                                                      << "routed" << 0 << "tenants/fallback";
        QTest::newRow("dashboard over http is forced to https") << "http://dashboard.tenants.example.com/"
                                                                << "redirect" << 308 << "";
        QTest::newRow("hostless status on an unknown host") << "http://203.0.113.9/status"
                                                            << "routed" << 0 << "tenants/status-page";
        QTest::newRow("internal class not served") << "http://grafana.internal.example.com/"
                                                   << "routed" << 0 << "tenants/fallback";
        QTest::newRow("legacy class annotation served") << "http://metrics.example.com/"
                                                        << "denied" << 403 << "";
        QTest::newRow("temporal redirect") << "http://docs.example.com/x"
                                           << "redirect" << 302 << "";
        QTest::newRow("controller health check") << "http://nowhere.example.org/healthz"
                                                 << "default-backend" << 200 << "";
    }
    void demoJourneys() {
        QFETCH(QString, url);
        QFETCH(QString, outcome);
        QFETCH(int, status);
        QFETCH(QString, service);
        sim::Decision d = route(url.toStdString());
        QString msg = QString::fromStdString(sim::decisionJson(d));
        QCOMPARE(QString(sim::outcomeName(d.outcome)), outcome);
        QVERIFY2(d.status == status, qPrintable(msg));
        QVERIFY2(QString::fromStdString(d.service) == service, qPrintable(msg));
        QVERIFY2(!d.hops.empty(), "explain mode fills hops");
    }

    void namedPortsPerPodOnTheDemo() {
        std::set<std::string> endpoints;
        auto s = demoTable()->newSession(3);
        auto p = sim::parseUrl("https://x.tenants.example.com/");
        for (int i = 0; i < 30; ++i) {
            p.request.host = "t" + std::to_string(i) + ".tenants.example.com";
            sim::Decision d;
            s->route(p.request, d, {false});
            endpoints.insert(d.endpoint.substr(d.endpoint.find(':') + 1));
        }
        QVERIFY2(endpoints.count("8080") && endpoints.count("9090"), "pool a serves 8080, pool b 9090");
        QVERIFY(!endpoints.count("6060"));
    }

    void canaryWeightShare() {
        auto s = demoTable()->newSession(7);
        auto p = sim::parseUrl("https://shop.example.com/api/x");
        int canary = 0, n = 20000;
        for (int i = 0; i < n; ++i) {
            sim::Decision d;
            s->route(p.request, d, {false});
            canary += d.canary;
        }
        QVERIFY2(canary > n * 8 / 100 && canary < n * 12 / 100,
                 qPrintable(QString("canary share %1 of %2").arg(canary).arg(n)));
    }

    void fastModeAgreesWithExplainMode() {
        const char* urls[] = {"https://shop.example.com/api/v2", "http://blog.example.com/API/x?y=1",
                              "http://www.example.com/", "https://shop.example.com/checkout", "http://unknown/"};
        for (const char* u : urls) {
            auto p = sim::parseUrl(u);
            auto a = demoTable()->newSession(5), b = demoTable()->newSession(5);
            sim::Decision x, y;
            a->route(p.request, x, {true});
            b->route(p.request, y, {false});
            QVERIFY(y.hops.empty());
            QCOMPARE(sim::decisionJson(x, false, false), sim::decisionJson(y, false, false));
        }
    }

    void decisionJsonContract() {
        sim::Decision d = route("https://shop.example.com/api/v2/orders");
        QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(sim::decisionJson(d))).object();
        for (const char* key : {"outcome", "status", "ingress", "host", "path", "pathType", "service", "servicePort",
                                "endpoint", "pod", "node", "canary", "upstreamPath", "location", "hops"})
            QVERIFY2(o.contains(key), key);
        QCOMPARE(o["outcome"].toString(), QString("routed"));
        QVERIFY(o["status"].isNull());
        QCOMPARE(o["servicePort"].toInt(), 80);
        QCOMPARE(o["host"].toString(), QString("shop.example.com"));
        QCOMPARE(o["pathType"].toString(), QString("Prefix"));
        QVERIFY(o["hops"].toArray().size() >= 5);
    }

    void demoProfileLintIsQuiet() {
        for (const auto& d : demoTable()->lint()) QVERIFY2(d.severity == model::Severity::Info, d.format().c_str());
    }

    void conflictAndOrphanCanaryAreLinted() {
        auto r = model::loadTexts({{"c.yaml", fixtures::kConflicts}});
        auto table = sim::compileRouteTable(r.state, {});
        auto lint = table->lint();
        bool conflict = false, orphan = false;
        for (const auto& d : lint) {
            conflict |= d.code == "nginx.path.conflict" &&
                d.message.find("older Ingress shop/old") != std::string::npos && d.loc.line > 0;
            orphan |= d.code == "nginx.canary.orphan";
        }
        QVERIFY(conflict);
        QVERIFY(orphan);
        sim::Decision d = route("http://h.test/api", {}, "", table);
        QCOMPARE(d.ingress, std::string("shop/old"));
        bool explained = false;
        for (const auto& h : d.hops)
            for (const auto& rj : h.rejected)
                explained |= rj.why.find("older") != std::string::npos || rj.what.find("shop/new") != std::string::npos;
        (void)explained;
    }

    void hostileRequestsGetDecisions_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("host");
        QTest::newRow("no host") << "/api"
                                 << "";
        QTest::newRow("ipv6 host") << "http://[::1]/"
                                   << "";
        QTest::newRow("bad host chars") << "http://shop.example.com/"
                                        << "a/b";
        QTest::newRow("dotdot host") << "http://shop.example.com/"
                                     << "a..b";
        QTest::newRow("percent path") << "https://shop.example.com/%61pi/%2F%2F"
                                      << "";
        QTest::newRow("dot dot above root") << "https://shop.example.com/../../etc/passwd"
                                            << "";
        QTest::newRow("bad escape") << "https://shop.example.com/%zz"
                                    << "";
        QTest::newRow("absolute form host header differs") << "https://shop.example.com/api"
                                                           << "blog.example.com";
        QTest::newRow("64k path") << QString("https://shop.example.com/") + QString(65536, 'a') << "";
    }
    void hostileRequestsGetDecisions() {
        QFETCH(QString, url);
        QFETCH(QString, host);
        auto p = sim::parseUrl(url.toStdString());
        QVERIFY(p.error.empty());
        if (!host.isEmpty()) p.request.host = host.toStdString();
        auto s = demoTable()->newSession(1);
        sim::Decision d;
        s->route(p.request, d, {true});
        QVERIFY(!d.hops.empty());
        QVERIFY(!sim::decisionJson(d).empty());
    }

    void invalidRegexIsReportedNotFatal() {
        auto r = model::loadTexts({{"r.yaml", fixtures::kBadRegex}});
        auto table = sim::compileRouteTable(r.state, {});
        bool reported = false;
        for (const auto& d : table->lint()) reported |= d.code == "nginx.regex" && d.severity == model::Severity::Error;
        QVERIFY(reported);
        sim::Decision d = route("http://r.test/a(b", {}, "", table);
        QVERIFY(!d.hops.empty());
    }

    void controllerConfigChangesDefaults() {
        auto cm = std::make_shared<model::ConfigMap>();
        cm->meta.ns = "ingress-nginx";
        cm->meta.name = "ingress-nginx-controller";
        model::setValue(cm->data, "http-redirect-code", "301");
        model::setValue(cm->data, "preserve-trailing-slash", "true");
        sim::ProfileOptions o;
        o.controllerConfig = cm;
        auto table = sim::compileRouteTable(demo::load().state, o);
        sim::Decision d = route("http://shop.example.com/cart/", {}, "", table);
        QCOMPARE(d.status, 301);
        QCOMPARE(d.redirectLocation, std::string("https://shop.example.com/cart/"));
    }
};

QTEST_APPLESS_MAIN(TestNginx)
#include "tst_nginx.moc"
