// hopscope-cli diff and replay::diffTrace: two manifest sets (exit codes, groups, examples), the
// coupling of canary rolls between the sides, JSON output, a profile diff on the demo, and a
// migration check against HTTPRoutes translated from the Ingresses.
#include "model/loader.h"
#include "simulator/replay/diff.h"
#include "tests/replay/replay_fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace hs;
using hs::testing::demoLog;
using hs::testing::runCli;

namespace {

std::string afterFile() { return hs::testing::sourceDir() + "/tests/replay/data/diff-after.yaml"; }
std::string httpRoutesFile() { return hs::testing::sourceDir() + "/docs/examples/migration-httproutes.yaml"; }
std::string demoDir() { return hs::testing::sourceDir() + "/resources/demo"; }

std::shared_ptr<const sim::RouteTable> afterTable() {
    auto r = model::loadManifests({demoDir(), afterFile()});
    return sim::compileRouteTable(r.state, {});
}

replay::DiffReport diffDemo(const std::string& log) {
    auto opened = trace::openTraceBytes(log, "demo.log", {});
    return replay::diffTrace(*opened.reader, hs::testing::demoTable(), afterTable(), {});
}

const replay::DiffGroup* findGroup(const replay::DiffReport& r, const std::string& beforeService,
                                   const std::string& afterService, const std::string& beforeOutcome = "routed") {
    for (const auto& g : r.groups)
        if (g.before.service == beforeService && g.after.service == afterService && g.before.outcome == beforeOutcome)
            return &g;
    return nullptr;
}

}  // namespace

class TestDiff : public QObject {
    Q_OBJECT
private slots:
    void twoManifestSets() {
        auto r = diffDemo(demoLog(5000));
        QCOMPARE(r.requests, std::uint64_t(5000));
        QVERIFY(r.changed > 0);
        std::uint64_t sum = 0;
        for (const auto& g : r.groups) sum += g.count;
        QCOMPARE(sum, r.changed);
        // the canary at 50 %: some API requests move to the canary
        const auto* canary = findGroup(r, "shop/api", "shop/api-canary");
        QVERIFY2(canary, "no group shop/api → shop/api-canary");
        QCOMPARE(canary->changed, (std::vector<std::string>{"service", "canary"}));
        QVERIFY(!canary->before.canary && canary->after.canary);
        // /search moved from the storefront to the API, through a new rule
        const auto* search = findGroup(r, "shop/storefront", "shop/api");
        QVERIFY2(search, "no group shop/storefront → shop/api");
        QVERIFY(std::find(search->changed.begin(), search->changed.end(), "rule") != search->changed.end());
        QCOMPARE(search->after.rule, std::string("Ingress shop/search Prefix /search"));
        QVERIFY2(search->examples[0].request.find("/search?q=") != std::string::npos,
                 search->examples[0].request.c_str());
        QVERIFY2(search->examples[0].where.rfind("demo.log:", 0) == 0, search->examples[0].where.c_str());
        // www.example.com/ is no longer redirected
        const auto* www = findGroup(r, "", "blog/blog-web", "redirect");
        QVERIFY2(www, "no group redirect → blog/blog-web");
        QCOMPARE(www->before.status, 302);
        QCOMPARE(www->before.redirect, std::string("https://{host}/home"));
        QCOMPARE(www->after.outcome, std::string("routed"));
        // groups are sorted by size
        for (std::size_t i = 1; i < r.groups.size(); ++i) QVERIFY(r.groups[i - 1].count >= r.groups[i].count);
    }

    void canaryRollsAreCoupled() {
        // 10 % → 50 %: a request that rolled the canary before still rolls it after (same roll)
        auto r = diffDemo(demoLog(20000));
        for (const auto& g : r.groups) QVERIFY2(!(g.before.canary && !g.after.canary), g.before.describe().c_str());
        const auto* canary = findGroup(r, "shop/api", "shop/api-canary");
        QVERIFY(canary);
        // about 40 % of the API's weight-decided requests (20 % of the traffic is API)
        QVERIFY2(canary->count > 1000 && canary->count < 2400, qPrintable(QString::number(canary->count)));
    }

    void noChangesAgainstItself() {
        auto opened = trace::openTraceBytes(demoLog(3000), "demo.log", {});
        auto r = replay::diffTrace(*opened.reader, hs::testing::demoTable(), hs::testing::demoTable(), {});
        QCOMPARE(r.changed, std::uint64_t(0));
        QVERIFY(r.groups.empty());
    }

    void cliExitCodesAndJson() {
        QTemporaryDir dir;
        std::string trace = hs::testing::writeFile(dir, "demo.log", demoLog(2000));
        auto same = runCli({"diff", "--demo", "--against", demoDir(), "--trace", trace});
        QVERIFY2(same.code == 0, (same.out + same.err).c_str());
        QVERIFY2(same.out.find("No request changes.") != std::string::npos, same.out.c_str());

        auto changed = runCli({"diff", "--demo", "--against", demoDir(), afterFile(), "--trace", trace, "--json"});
        QVERIFY2(changed.code == 1, (changed.out + changed.err).c_str());
        QJsonParseError e;
        auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(changed.out), &e);
        QVERIFY2(e.error == QJsonParseError::NoError, qPrintable(e.errorString()));
        QCOMPARE(doc.object()["kind"].toString(), QString("hopscope-diff"));
        QVERIFY(doc.object()["changed"].toInteger() > 0);
        QVERIFY(!doc.object()["groups"].toArray().isEmpty());
        auto first = doc.object()["groups"].toArray()[0].toObject();
        QVERIFY(first.contains("before") && first.contains("after") && first.contains("examples"));

        auto text = runCli({"diff", "--demo", "--against", demoDir(), afterFile(), "--trace", trace});
        QCOMPARE(text.code, 1);
        QVERIFY2(text.out.find("⇒") != std::string::npos && text.out.find("e.g. ") != std::string::npos,
                 text.out.c_str());
    }

    void cliErrors_data() {
        QTest::addColumn<QStringList>("words");
        QTest::addColumn<QString>("message");
        QTest::newRow("nothing to compare with")
            << QStringList{"diff", "--demo", "--trace", "TRACE"} << "give what to compare with";
        QTest::newRow("no trace") << QStringList{"diff", "--demo", "--against", "DEMO"} << "--trace FILE is required";
        QTest::newRow("missing trace") << QStringList{"diff", "--demo",  "--against",
                                                      "DEMO", "--trace", "/nonexistent.log"}
                                       << "No such file";
        QTest::newRow("missing manifests")
            << QStringList{"diff", "--demo", "--against", "/nonexistent/", "--trace", "TRACE"} << "";
        QTest::newRow("unknown profile") << QStringList{"diff",    "--demo",  "--against-profile",
                                                        "traefik", "--trace", "TRACE"}
                                         << "unknown profile";
        QTest::newRow("empty trace") << QStringList{"diff", "--demo", "--against", "DEMO", "--trace", "EMPTY"}
                                     << "is empty";
    }
    void cliErrors() {
        QFETCH(QStringList, words);
        QFETCH(QString, message);
        QTemporaryDir dir;
        std::string trace = hs::testing::writeFile(dir, "demo.log", demoLog(100));
        std::string empty = hs::testing::writeFile(dir, "empty.log", "");
        std::vector<std::string> w;
        for (const auto& s : words) {
            std::string v = s.toStdString();
            if (v == "TRACE")
                v = trace;
            else if (v == "EMPTY")
                v = empty;
            else if (v == "DEMO")
                v = demoDir();
            w.push_back(v);
        }
        auto r = runCli(w);
        QVERIFY2(r.code == 2, (r.out + r.err).c_str());
        QVERIFY2(r.err.find(message.toStdString()) != std::string::npos, r.err.c_str());
    }

    void profileDiffIngressNginxToGatewayApi() {
        auto gw = sim::compileRouteTable(demo::load().state, {sim::Profile::GatewayApi});
        QTemporaryDir dir;
        std::string trace = hs::testing::writeFile(dir, "demo.log", demoLog(2000));
        auto r = runCli({"diff", "--demo", "--profile", "ingress-nginx", "--against-profile", "gateway-api", "--trace",
                         trace, "--json"});
        QVERIFY(gw);
        // the demo's Ingresses and its Gateway's HTTPRoutes do not serve the same hosts: changes
        QVERIFY2(r.code == 1, r.err.c_str());
        QJsonParseError e;
        auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(r.out), &e);
        QVERIFY2(e.error == QJsonParseError::NoError, qPrintable(e.errorString()));
        QCOMPARE(doc.object()["after"].toObject()["profile"].toString(), QString("gateway-api"));
        for (const auto& g : doc.object()["groups"].toArray())
            QVERIFY(g.toObject()["before"].toObject()["rule"].isNull());  // rules are not comparable across profiles
    }

    // Journey 3: the shop and blog Ingresses against HTTPRoutes translated from them the way
    // ingress2gateway lays them out (docs/examples/migration-httproutes.yaml). The diff must
    // show what such a translation loses, each as its own group: the rewrite, the regex's case
    // insensitivity, the allow list, app-root and permanent-redirect (and HTTPS for hosts whose
    // Ingress had no TLS: an HTTP-only listener), the default-backend annotation.
    void migrationToHttpRoutesShowsWhatTheTranslationLoses() {
        const std::vector<std::string> ingresses = {demoDir() + "/00-cluster.yaml", demoDir() + "/10-shop.yaml",
                                                    demoDir() + "/20-blog.yaml"};
        auto withRoutes = ingresses;
        withRoutes.push_back(httpRoutesFile());
        auto before = sim::compileRouteTable(model::loadManifests(ingresses).state, {});
        auto afterLoad = model::loadManifests(withRoutes);
        auto after = sim::compileRouteTable(afterLoad.state, {sim::Profile::GatewayApi});
        QVERIFY(before && after);
        auto opened = trace::openTraceBytes(demoLog(20000), "demo.log", {});
        auto r = replay::diffTrace(*opened.reader, before, after, {});
        QCOMPARE(r.requests, std::uint64_t(20000));
        std::string all;
        for (const auto& g : r.groups)
            all += std::to_string(g.count) + " " + g.before.describe() + " => " + g.after.describe() + "\n";
        auto find = [&](auto pred) -> const replay::DiffGroup* {
            for (const auto& g : r.groups)
                if (pred(g)) return &g;
            return nullptr;
        };
        auto has = [](const replay::DiffGroup& g, const char* aspect) {
            return std::find(g.changed.begin(), g.changed.end(), aspect) != g.changed.end();
        };
        // rewrite-target is gone: same Service, the path is no longer rewritten
        QVERIFY2(find([&](const auto& g) {
                     return g.before.service == "blog/blog-api" && g.after.service == "blog/blog-api" &&
                         has(g, "rewrite") && !has(g, "service");
                 }),
                 all.c_str());
        // ingress-nginx's regex locations are case-insensitive (~*), RegularExpression is not
        QVERIFY2(find([&](const auto& g) {
                     return g.before.service == "blog/blog-api" && g.after.service == "blog/blog-web";
                 }),
                 all.c_str());
        // the source-range allow list is gone: denied before, routed after
        QVERIFY2(find([&](const auto& g) {
                     return g.before.outcome == "denied" && g.after.outcome == "routed" &&
                         g.after.service == "shop/admin";
                 }),
                 all.c_str());
        // app-root (302) and permanent-redirect (301): not carried; and https to those hosts finds no
        // listener (their Ingresses had no TLS; ingress-nginx served them with its default certificate)
        for (int status : {301, 302})
            QVERIFY2(find([&](const auto& g) {
                         return g.before.outcome == "redirect" && g.before.status == status &&
                             g.after.outcome == "not-served";
                     }),
                     all.c_str());
        // the default-backend annotation: the maintenance page before, 503 from an empty Service after
        QVERIFY2(find([&](const auto& g) {
                     return g.before.service == "shop/maintenance" && g.after.outcome == "no-endpoints" &&
                         g.after.service == "shop/checkout";
                 }),
                 all.c_str());
        // the canary's weight carried over as backendRef weights [api 90, api-canary 10]: both
        // profiles roll the request's choice key the same way, so no request moves between the two
        QVERIFY2(!find([&](const auto& g) {
            return (g.before.service == "shop/api" && g.after.service == "shop/api-canary") ||
                (g.before.service == "shop/api-canary" && g.after.service == "shop/api") ||
                (g.before.service == g.after.service && has(g, "canary"));
        }),
                 all.c_str());
        // and what the translation keeps does not show: / of the storefront is not a group
        QVERIFY2(!find([&](const auto& g) {
            return g.before.service == "shop/storefront" || g.after.service == "shop/storefront";
        }),
                 all.c_str());
    }
};

QTEST_GUILESS_MAIN(TestDiff)
#include "tst_diff.moc"
