// The gateway-api, gce and spec profiles on the bundled demo cluster: the demo's Gateway API
// setup is fully accepted, and typical requests of the tour get sane answers in every profile.
#include "resources/demo.h"
#include "simulator/decision.h"
#include "simulator/route_table.h"

#include <QtTest>

using namespace hs;

namespace {

std::shared_ptr<const model::ClusterState> demoState() {
    static auto state = hs::demo::load().state;
    return state;
}

sim::Decision routeUrl(sim::Profile p, const std::string& url, std::vector<sim::Header> headers = {},
                       std::uint64_t seed = 1) {
    sim::ProfileOptions o;
    o.profile = p;
    auto table = sim::compileRouteTable(demoState(), o);
    sim::Decision d;
    if (!table) return d;
    sim::Request r = sim::parseUrl(url).request;
    r.headers = std::move(headers);
    table->newSession(seed)->route(r, d, {true});
    return d;
}

}  // namespace

class TestProfilesDemo : public QObject {
    Q_OBJECT
private slots:
    void everyProfileCompiles() {
        for (sim::Profile p : {sim::Profile::GatewayApi, sim::Profile::Gce, sim::Profile::Spec}) {
            sim::ProfileOptions o;
            o.profile = p;
            auto t = sim::compileRouteTable(demoState(), o);
            QVERIFY2(t != nullptr, sim::profileName(p));
            QCOMPARE(t->profile(), p);
        }
    }

    void gatewayApiAcceptsEveryDemoRoute() {
        sim::ProfileOptions o;
        o.profile = sim::Profile::GatewayApi;
        auto t = sim::compileRouteTable(demoState(), o);
        QVERIFY(t);
        std::string all;
        for (const auto& d : t->lint()) all += d.format() + "\n";
        QVERIFY2(all.empty(), all.c_str());
        QVERIFY(demoState()->httpRoutes().size() >= 4);
    }

    void gatewayApiDemoRequests_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("header");
        QTest::addColumn<QString>("outcome");
        QTest::addColumn<QString>("service");
        QTest::addColumn<QString>("extra");  // upstreamPath or redirect location
        QTest::newRow("storefront root") << "https://shop.example.com/"
                                         << ""
                                         << "routed"
                                         << "shop/storefront"
                                         << "";
        QTest::newRow("exact healthz beats prefix /") << "https://shop.example.com/healthz"
                                                      << ""
                                                      << "routed"
                                                      << "shop/storefront"
                                                      << "";
        QTest::newRow("canary header match") << "https://shop.example.com/api/cart"
                                             << "X-Canary: always"
                                             << "routed"
                                             << "shop/api-canary"
                                             << "";
        QTest::newRow("prefix rewrite") << "http://blog.example.com/api/posts"
                                        << ""
                                        << "routed"
                                        << "blog/blog-api"
                                        << "/posts";
        QTest::newRow("blog web") << "http://blog.example.com/2026/hello"
                                  << ""
                                  << "routed"
                                  << "blog/blog-web"
                                  << "";
        QTest::newRow("redirect") << "http://old-blog.example.com/a?b=1"
                                  << ""
                                  << "redirect"
                                  << ""
                                  << "https://blog.example.com/a?b=1";
        QTest::newRow("wildcard, two labels") << "https://a.b.tenants.example.com/"
                                              << ""
                                              << "routed"
                                              << "tenants/tenant-router"
                                              << "";
        QTest::newRow("blog only on the http listener") << "https://blog.example.com/"
                                                        << ""
                                                        << "not-served"
                                                        << ""
                                                        << "";
    }
    void gatewayApiDemoRequests() {
        QFETCH(QString, url);
        QFETCH(QString, header);
        QFETCH(QString, outcome);
        QFETCH(QString, service);
        QFETCH(QString, extra);
        std::vector<sim::Header> hs;
        if (!header.isEmpty()) {
            auto parts = header.split(": ");
            hs.push_back({parts[0].toStdString(), parts[1].toStdString()});
        }
        sim::Decision d = routeUrl(sim::Profile::GatewayApi, url.toStdString(), hs);
        std::string json = sim::decisionJson(d, true);
        QVERIFY2(outcome.toStdString() == sim::outcomeName(d.outcome), json.c_str());
        QVERIFY2(service.toStdString() == d.service, json.c_str());
        if (!extra.isEmpty())
            QVERIFY2(extra.toStdString() == (d.redirectLocation.empty() ? d.upstreamPath : d.redirectLocation),
                     json.c_str());
        QVERIFY2(!d.hops.empty(), "no explanation");
    }

    void gatewayApiWeightsOnTheDemo() {
        sim::ProfileOptions o;
        o.profile = sim::Profile::GatewayApi;
        auto t = sim::compileRouteTable(demoState(), o);
        auto s = t->newSession(42);
        sim::Request r = sim::parseUrl("https://shop.example.com/api/items").request;
        sim::Decision d;
        int canary = 0, n = 5000;
        for (int i = 0; i < n; ++i) {
            s->route(r, d, {false});
            QCOMPARE(sim::outcomeName(d.outcome), "routed");
            if (d.service == "shop/api-canary") ++canary;
        }
        double share = static_cast<double>(canary) / n;
        QVERIFY2(share > 0.08 && share < 0.12, std::to_string(share).c_str());
    }

    void specDemoRequests() {
        sim::Decision d = routeUrl(sim::Profile::Spec, "https://shop.example.com/api/v2/orders");
        QVERIFY2(d.outcome == sim::Outcome::Routed || d.outcome == sim::Outcome::NoEndpoints,
                 sim::decisionJson(d, true).c_str());
        QCOMPARE(d.profile, std::string("spec"));
        QVERIFY2(!d.ingress.empty(), sim::decisionJson(d, true).c_str());
        // The one-label wildcard of the Ingress spec: two labels do not match *.tenants.example.com.
        sim::Decision w = routeUrl(sim::Profile::Spec, "http://a.b.tenants.example.com/");
        QVERIFY2(w.host != "*.tenants.example.com", sim::decisionJson(w, true).c_str());
        sim::Decision one = routeUrl(sim::Profile::Spec, "http://acme.tenants.example.com/");
        QVERIFY2(one.host == "*.tenants.example.com", sim::decisionJson(one, true).c_str());
    }

    void gceOnTheDemo() {
        // The demo's Ingresses name IngressClasses: ingress-gce serves none of them, and says why.
        sim::ProfileOptions o;
        o.profile = sim::Profile::Gce;
        auto t = sim::compileRouteTable(demoState(), o);
        sim::Decision d = routeUrl(sim::Profile::Gce, "https://shop.example.com/");
        std::string json = sim::decisionJson(d, true);
        bool served = d.outcome != sim::Outcome::NotServed;
        if (!served)
            QVERIFY2(json.find("not served") != std::string::npos || json.find("ingress-gce") != std::string::npos,
                     json.c_str());
        model::Diagnostics diags = t->lint();
        QVERIFY2(!diags.empty(), "gce lint says nothing about the demo's Ingresses");
    }
};

QTEST_APPLESS_MAIN(TestProfilesDemo)
#include "tst_profiles_demo.moc"
