// Scenario files: parsing (with located errors), durations and distributions, and every event
// kind changing what the replay routes from its time on.
#include "tests/replay/replay_fixtures.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace hs;
using hs::testing::demoTable;
using hs::testing::replayText;

namespace {

// Requests to the shop's API, two per second for 60 seconds (line i at second i/2).
std::string apiTrace(const std::string& path = "/api/v2/orders") {
    std::string out;
    for (int i = 0; i < 120; ++i) {
        std::int64_t ns = 1795600000LL * 1000000000LL + static_cast<std::int64_t>(i) * 500000000LL;
        out += "{\"timeNs\":" + std::to_string(ns) + ",\"url\":\"https://shop.example.com" + path + "\"}\n";
    }
    return out;
}

struct Run {
    replay::ReplayResult result;
    std::vector<std::pair<std::uint64_t, QJsonObject>> decisions;  // (line, decision)
};

Run run(const std::string& scenarioYaml, const std::string& trace, const std::string& baseDir = "") {
    auto sl = replay::parseScenario(scenarioYaml, "scenario.yaml", baseDir);
    if (!sl.scenario) throw std::runtime_error(sl.diagnostics.empty() ? "bad scenario" : sl.diagnostics[0].format());
    std::ostringstream d;
    replay::ReplayOptions o;
    o.scenario = &*sl.scenario;
    o.decisions = &d;
    Run r{replayText(trace, o), {}};
    std::istringstream in(d.str());
    std::string line;
    while (std::getline(in, line)) {
        auto obj = QJsonDocument::fromJson(QByteArray::fromStdString(line)).object();
        r.decisions.emplace_back(static_cast<std::uint64_t>(obj["line"].toInteger()), obj["decision"].toObject());
    }
    return r;
}

// new-route.yaml in `dir`: an Ingress sending shop.example.com/search to the shop's API.
void writeSearchRoute(const QTemporaryDir& dir) {
    hs::testing::writeFile(dir, "new-route.yaml", R"(apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: search, namespace: shop, creationTimestamp: "2026-11-25T00:00:00Z"}
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - {path: /search, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
)");
}

// Pods that served lines [from, to).
std::set<QString> podsBetween(const Run& r, std::uint64_t from, std::uint64_t to) {
    std::set<QString> pods;
    for (const auto& [line, d] : r.decisions)
        if (line >= from && line < to && d["pod"].isString()) pods.insert(d["pod"].toString());
    return pods;
}

}  // namespace

class TestScenario : public QObject {
    Q_OBJECT
private slots:
    void durations_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ns");
        QTest::newRow("ms") << "20ms" << qint64(20000000);
        QTest::newRow("fraction") << "1.5s" << qint64(1500000000);
        QTest::newRow("us") << "250us" << qint64(250000);
        QTest::newRow("compound") << "2m30s" << qint64(150000000000);
        QTest::newRow("hours") << "1h" << qint64(3600000000000);
        QTest::newRow("no unit") << "20" << qint64(-1);
        QTest::newRow("unknown unit") << "3 weeks" << qint64(-1);
    }
    void durations() {
        QFETCH(QString, text);
        QFETCH(qint64, ns);
        auto d = replay::parseDuration(text.toStdString());
        if (ns < 0)
            QVERIFY(!d);
        else {
            QVERIFY(d);
            QCOMPARE(qint64(*d), ns);
            QCOMPARE(replay::parseDuration(replay::formatDuration(*d)).value_or(-1), *d);
        }
    }

    void distributionsHaveTheirShape_data() {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<double>("medianMs");
        QTest::addColumn<double>("p99Ms");
        QTest::newRow("constant") << "5ms" << 5.0 << 5.0;
        QTest::newRow("lognormal") << "{distribution: lognormal, median: 20ms, p99: 200ms}" << 20.0 << 200.0;
        QTest::newRow("exponential") << "{distribution: exponential, mean: 10ms}" << 10.0 * std::log(2.0)
                                     << 10.0 * std::log(100.0);
        QTest::newRow("uniform") << "{distribution: uniform, min: 10ms, max: 30ms}" << 20.0 << 29.8;
    }
    void distributionsHaveTheirShape() {
        QFETCH(QString, yaml);
        QFETCH(double, medianMs);
        QFETCH(double, p99Ms);
        auto sl = replay::parseScenario("defaults: {serviceTime: " + yaml.toStdString() + "}\n", "d.yaml", "");
        QVERIFY2(sl.scenario, sl.diagnostics.empty() ? "" : sl.diagnostics[0].format().c_str());
        sim::Rng rng(5);
        double spare = std::numeric_limits<double>::quiet_NaN();
        replay::LatencyHistogram h;
        for (int i = 0; i < 200000; ++i) h.add(sl.scenario->defaultServiceTime.sample(rng, spare));
        double median = static_cast<double>(h.quantile(0.5)) / 1e6, p99 = static_cast<double>(h.quantile(0.99)) / 1e6;
        QVERIFY2(std::abs(median - medianMs) <= 0.05 * medianMs + 0.01, qPrintable(QString("median %1").arg(median)));
        QVERIFY2(std::abs(p99 - p99Ms) <= 0.06 * p99Ms + 0.01, qPrintable(QString("p99 %1").arg(p99)));
    }

    void parseErrors_data() {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("message");  // "line: fragment"
        QTest::newRow("unknown top key") << "defaults: {}\nevnts: []\n"
                                         << "2: unknown key `evnts`";
        QTest::newRow("bad duration") << "defaults:\n  serviceTime: fast\n"
                                      << "2: `fast` is not a duration";
        QTest::newRow("unknown distribution") << "defaults:\n  serviceTime: {distribution: pareto}\n"
                                              << "2: unknown distribution `pareto`";
        QTest::newRow("missing p99") << "defaults:\n  serviceTime: {distribution: lognormal, median: 5ms}\n"
                                     << "2: the lognormal distribution needs `p99`";
        QTest::newRow("event without at") << "events:\n  - podUnready: shop/api-0\n"
                                          << "2: missing `at`";
        QTest::newRow("event without what") << "events:\n  - at: 5m\n"
                                            << "2: the event says only when";
        QTest::newRow("unknown event") << "events:\n  - at: 5m\n    explode: shop/api-0\n"
                                       << "3: unknown event `explode`";
        QTest::newRow("not ns/name") << "events:\n  - at: 5m\n    podDeleted: api-0\n"
                                     << "3: expected namespace/name";
        QTest::newRow("concurrency zero") << "services:\n  shop/api: {concurrency: 0}\n"
                                          << "2: expected a whole number";
        QTest::newRow("YAML syntax") << "defaults: [unclosed\n"
                                     << "";
    }
    void parseErrors() {
        QFETCH(QString, yaml);
        QFETCH(QString, message);
        auto sl = replay::parseScenario(yaml.toStdString(), "s.yaml", "");
        QVERIFY(!sl.scenario);
        QVERIFY(!sl.diagnostics.empty());
        std::string all;
        for (const auto& d : sl.diagnostics) all += d.format() + "\n";
        if (!message.isEmpty()) {
            auto colon = message.indexOf(": ");
            std::string where = "s.yaml:" + message.left(colon).toStdString() + ":";
            QVERIFY2(all.find(where) != std::string::npos, all.c_str());
            QVERIFY2(all.find(message.mid(colon + 2).toStdString()) != std::string::npos, all.c_str());
        }
    }

    void settingsApplyByPattern() {
        auto r =
            run("defaults: {serviceTime: 1ms, concurrency: 4}\n"
                "services:\n  shop/*: {serviceTime: 7ms}\n"
                "pods:\n  \"shop/api-*\": {concurrency: 9, serviceTime: 3ms}\n",
                apiTrace() + "{\"timeNs\":1795600070000000000,\"url\":\"https://shop.example.com/\"}\n");
        for (const auto& p : r.result.pods) {
            if (p.name.rfind("shop/api-", 0) == 0) {
                QCOMPARE(p.concurrency, 9);
                QCOMPARE(p.serviceTime, std::string("constant 3ms"));
            } else if (p.name.rfind("shop/", 0) == 0) {
                QCOMPARE(p.concurrency, 4);
                QCOMPARE(p.serviceTime, std::string("constant 7ms"));
            }
        }
    }

    void podUnreadyAndReady() {
        auto r =
            run("events:\n  - {at: 20s, podUnready: shop/api-0}\n  - {at: 40s, podReady: shop/api-0}\n", apiTrace());
        QVERIFY(podsBetween(r, 1, 40).count("shop/api-0"));
        QVERIFY2(!podsBetween(r, 42, 80).count("shop/api-0"), "an unready Pod still got requests");
        QVERIFY(podsBetween(r, 82, 121).count("shop/api-0"));
        QCOMPARE(r.result.events.size(), std::size_t(2));
        QVERIFY2(
            r.result.events[0].effect.find("1 endpoint(s) of Pod shop/api-0 marked not ready") != std::string::npos,
            r.result.events[0].effect.c_str());
        QCOMPARE(r.result.events[0].beforeLine, std::uint64_t(41));
    }

    void podDeletedAndAdded() {
        auto r = run(
            "events:\n  - {at: 10s, podDeleted: shop/api-1}\n  - {at: 30s, podAdded: {name: shop/api-new, like: shop/api-2}}\n",
            apiTrace());
        QVERIFY(!podsBetween(r, 22, 121).count("shop/api-1"));
        QVERIFY(!podsBetween(r, 1, 60).count("shop/api-new"));
        QVERIFY2(podsBetween(r, 62, 121).count("shop/api-new"), "the added Pod got no requests");
    }

    void serviceScaled() {
        auto r = run(
            "events:\n  - {at: 20s, scale: {service: shop/api, replicas: 5}}\n  - {at: 40s, scale: {service: shop/api, replicas: 1}}\n",
            apiTrace());
        auto during = podsBetween(r, 42, 80);
        during.erase("shop/api-canary-0");
        QCOMPARE(int(during.size()), 5);
        auto after = podsBetween(r, 82, 121);
        after.erase("shop/api-canary-0");
        QCOMPARE(int(after.size()), 1);
    }

    void canaryWeightChanged() {
        auto r = run("events:\n  - {at: 30s, canaryWeight: {ingress: shop/api-canary, weight: 100}}\n", apiTrace());
        int canaryAfter = 0, after = 0;
        for (const auto& [line, d] : r.decisions)
            if (line > 61) {
                ++after;
                canaryAfter += d["canary"].toBool();
            }
        QCOMPARE(canaryAfter, after);
        int canaryBefore = 0;
        for (const auto& [line, d] : r.decisions)
            if (line <= 60) canaryBefore += d["canary"].toBool();
        QVERIFY(canaryBefore < 30);  // 10 %
    }

    void manifestApplied() {
        QTemporaryDir dir;
        writeSearchRoute(dir);
        auto r = run("events:\n  - {at: 30s, apply: new-route.yaml}\n", apiTrace("/search"), dir.path().toStdString());
        for (const auto& [line, d] : r.decisions) {
            QString want = line <= 60 ? "shop/storefront" : "shop/api";
            QString service = d["service"].toString();
            if (service == "shop/api-canary") service = "shop/api";
            QCOMPARE(service, want);
        }
        QVERIFY2(r.result.events[0].effect.find("1 object(s) applied") != std::string::npos,
                 r.result.events[0].effect.c_str());
    }

    // Scenario events replace the route table mid-trace: routes are keyed on the new table's
    // routeRefs from then on. A replay without a decision log (routes named once per ref) must
    // count what one with a log (every Decision named) counts.
    void summaryTheSameAcrossTableChangesWithOrWithoutDecisionLog() {
        QTemporaryDir dir;
        writeSearchRoute(dir);
        const std::string yaml =
            "events:\n  - {at: 20s, podDeleted: shop/api-0}\n  - {at: 30s, apply: new-route.yaml}\n"
            "  - {at: 40s, canaryWeight: {ingress: shop/api-canary, weight: 100}}\n";
        std::string trace = apiTrace("/search");
        const std::string more = apiTrace();
        trace += more;  // /api/v2/orders after /search: timestamps go back, replayed in order
        auto summary = [&](bool withLog) {
            auto sl = replay::parseScenario(yaml, "scenario.yaml", dir.path().toStdString());
            if (!sl.scenario) throw std::runtime_error("bad scenario");
            std::ostringstream d;
            replay::ReplayOptions o;
            o.scenario = &*sl.scenario;
            if (withLog) o.decisions = &d;
            return hs::testing::summaryJson(replayText(trace, o));
        };
        const std::string named = summary(true), byRef = summary(false);
        QVERIFY2(named == byRef, "the summary changed with the decision log on");
        QVERIFY(named.find("shop/api-canary") != std::string::npos);
    }

    void serviceTimeEvent() {
        auto r = run(
            "defaults: {serviceTime: 2ms}\nevents:\n  - {at: 30s, serviceTime: {pod: \"shop/api-*\", serviceTime: 900ms}}\n",
            apiTrace());
        for (const auto& p : r.result.pods)
            if (p.name.rfind("shop/api-", 0) == 0 && p.name != "shop/api-canary-0") {
                QCOMPARE(p.serviceTime, std::string("constant 900ms"));
                QVERIFY(p.latency.max() >= 900000000);
                QVERIFY(p.latency.min() < 10000000);
            }
    }

    void eventsThatCannotApply() {
        auto r =
            run("events:\n  - {at: 10s, podDeleted: shop/nope}\n  - {at: 2h, podDeleted: shop/api-0}\n", apiTrace());
        QCOMPARE(r.result.requests, std::uint64_t(120));
        QCOMPARE(r.result.events.size(), std::size_t(2));
        QVERIFY2(r.result.events[0].error.find("no Pod shop/nope") != std::string::npos,
                 r.result.events[0].error.c_str());
        QVERIFY2(r.result.events[1].error.find("not reached") != std::string::npos, r.result.events[1].error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestScenario)
#include "tst_scenario.moc"
