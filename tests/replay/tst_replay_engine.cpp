// The replay engine: every line accounted for, golden summaries for fixed seeds, byte-identical
// decision logs for a seed, timestamps going backwards, hosts the cluster does not serve, speed,
// Pod queues and limits, EWMA learning from simulated latencies, non-UTF-8 input.
#include "model/loader.h"
#include "tests/replay/replay_fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <sstream>

using namespace hs;
using hs::testing::demoLog;
using hs::testing::demoTable;
using hs::testing::replayText;

namespace {

// A small JSON Lines trace over the demo: 40 requests in 20 seconds, a few of every kind.
std::string smallTrace() {
    const char* urls[] = {
        "https://shop.example.com/",
        "https://shop.example.com/products/7",
        "https://shop.example.com/api/v2/orders",
        "http://shop.example.com/cart/",
        "https://shop.example.com/checkout",
        "https://shop.example.com/admin",
        "https://blog.example.com/api/posts/3",
        "https://blog.example.com/feed.xml",
        "http://www.example.com/",
        "https://acme.tenants.example.com/",
        "https://unknown.example.org/",
        "http://old-blog.example.com/x",
    };
    std::string out;
    for (int i = 0; i < 40; ++i) {
        char line[512];
        std::snprintf(
            line, sizeof line,
            "{\"time\":\"2026-11-25T10:00:%02d.%03dZ\",\"method\":\"GET\",\"url\":\"%s\",\"client\":\"203.0.113.%d\"%s}\n",
            i / 2, (i % 2) * 500 + i, urls[i % std::size(urls)], 10 + i % 7,
            i % 9 == 0 ? ",\"headers\":{\"X-Canary\":\"always\"}" : "");
        out += line;
    }
    return out;
}

std::string goldenPath(const std::string& name) { return hs::testing::sourceDir() + "/tests/replay/golden/" + name; }

void compareGolden(const std::string& name, const std::string& actual) {
    std::string path = goldenPath(name);
    if (qEnvironmentVariableIsSet("HS_UPDATE_GOLDEN")) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    std::string expected = hs::testing::readFile(path);
    if (expected != actual) {
        std::string out = path + ".actual";
        std::ofstream(out, std::ios::binary) << actual;
        QFAIL(qPrintable(QString::fromStdString("summary differs from " + path + " (actual written to " + out +
                                                "; HS_UPDATE_GOLDEN=1 rewrites the golden file)")));
    }
}

std::shared_ptr<const sim::RouteTable> tableFrom(const std::string& yaml) {
    auto r = model::loadTexts({{"test.yaml", yaml}});
    return sim::compileRouteTable(r.state, {});
}

// Two Pods behind one Service, routed by an Ingress with the given extra annotations.
std::string twoPodCluster(const std::string& annotations) {
    return R"(apiVersion: v1
kind: Namespace
metadata: {name: app}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web:1, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: app}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: app
  annotations:
)" + annotations +
        R"(
spec:
  ingressClassName: nginx
  rules:
    - host: web.example.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
)";
}

std::string steadyTrace(int requests, int perSecond, const std::string& host = "web.example.com") {
    std::string out;
    for (int i = 0; i < requests; ++i) {
        std::int64_t ns = 1795600000LL * 1000000000LL + static_cast<std::int64_t>(i) * 1000000000LL / perSecond;
        out += "{\"timeNs\":" + std::to_string(ns) + ",\"url\":\"https://" + host + "/p/" + std::to_string(i) + "\"}\n";
    }
    return out;
}

}  // namespace

class TestReplayEngine : public QObject {
    Q_OBJECT
private slots:
    void everyLineIsAccountedFor() {
        std::string text = demoLog(300).substr(0, demoLog(300).size() / 2);
        text += "\n\n";  // ends the cut line, then a blank one
        text += "this is not a log line\n";
        text += "192.0.2.1 - - [25/Nov/2026:08:00:01 +0000] \"-\" 400 0 \"-\" \"-\" 0 0.000 [] [] - - - - abc\n";
        text += demoLog(300).substr(demoLog(300).size() / 2);
        std::vector<std::string> problems;
        replay::ReplayOptions o;
        o.onProblem = [&](const std::string& p) { problems.push_back(p); };
        trace::TraceOptions t;
        t.format = trace::TraceFormat::IngressNginx;
        auto r = replayText(text, o, demoTable(), t, "mixed.log");
        QCOMPARE(r.requests + r.bad + r.skipped, r.lines);
        QVERIFY2(r.bad >= 2, qPrintable(QString::number(r.bad)));  // the garbage line and the line split in two
        QVERIFY(r.skipped >= 2);
        std::uint64_t outcomes = 0;
        for (auto n : r.outcomes) outcomes += n;
        QCOMPARE(outcomes, r.requests);
        QVERIFY(!problems.empty());
        QVERIFY2(problems[0].rfind("mixed.log:", 0) == 0, problems[0].c_str());
        std::uint64_t reasons = 0;
        for (const auto& b : r.badReasons) reasons += b.count;
        QCOMPARE(reasons, r.bad);
    }

    void goldenSummaries_data() {
        QTest::addColumn<QString>("golden");
        QTest::addColumn<QString>("trace");
        QTest::addColumn<int>("seed");
        QTest::newRow("JSON Lines, seed 7") << "small-seed7.summary.json"
                                            << "small" << 7;
        QTest::newRow("demo log 2000 lines, seed 1") << "demo2000-seed1.summary.json"
                                                     << "demo" << 1;
    }
    void goldenSummaries() {
        QFETCH(QString, golden);
        QFETCH(QString, trace);
        QFETCH(int, seed);
        replay::ReplayOptions o;
        o.seed = static_cast<std::uint64_t>(seed);
        o.clusterName = "demo";
        std::string text = trace == "small" ? smallTrace() : demoLog(2000);
        auto r = replayText(text, o, demoTable(), {}, trace == "small" ? "small.jsonl" : "demo.log");
        compareGolden(golden.toStdString(), hs::testing::summaryJson(r));
    }

    // Without a decision log the router leaves a proxied route's names out and the engine names
    // it once by its routeRef (RouteOptions::names); with one, every Decision carries its names.
    // The summary (counts per Ingress, Service and Pod, verify, latencies) must not tell them apart.
    void summaryTheSameWithOrWithoutDecisionLog() {
        auto run = [&](std::ostringstream* decisions) {
            replay::ReplayOptions o;
            o.seed = 5;
            o.decisions = decisions;
            return replayText(demoLog(5000), o);
        };
        std::ostringstream log;
        const auto named = run(&log), byRef = run(nullptr);
        QVERIFY(!log.str().empty());
        QVERIFY(byRef.verify && byRef.verify->compared > 0);
        QVERIFY(byRef.outcomes[static_cast<std::size_t>(sim::Outcome::Routed)] > 4000);
        QVERIFY2(hs::testing::summaryJson(named) == hs::testing::summaryJson(byRef),
                 "the summary changed with the decision log on");
    }

    void sameSeedSameDecisionLog() {
        auto run = [&](std::uint64_t seed) {
            std::ostringstream decisions;
            replay::ReplayOptions o;
            o.seed = seed;
            o.decisions = &decisions;
            replayText(demoLog(3000), o);
            return decisions.str();
        };
        std::string a = run(3), b = run(3), c = run(4);
        QVERIFY(!a.empty());
        QVERIFY2(a == b, "the same seed gave two different decision logs");
        QVERIFY2(a != c, "another seed gave the same decision log (canary rolls, round robin starts)");
        // one line per request, each a JSON object with the decision
        std::istringstream in(a);
        std::string line;
        int n = 0;
        while (std::getline(in, line)) {
            QJsonParseError e;
            auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(line), &e);
            QVERIFY2(e.error == QJsonParseError::NoError, line.c_str());
            QVERIFY(doc.object()["decision"].toObject().contains("outcome"));
            QVERIFY(!doc.object()["decision"].toObject().contains("hops"));
            ++n;
        }
        QCOMPARE(n, 3000);
    }

    void timestampsGoingBackwards() {
        std::string text =
            "{\"time\":\"2026-11-25T10:00:05Z\",\"url\":\"https://shop.example.com/a\"}\n"
            "{\"time\":\"2026-11-25T10:00:02Z\",\"url\":\"https://shop.example.com/b\"}\n"
            "{\"time\":\"2026-11-25T10:00:06Z\",\"url\":\"https://shop.example.com/c\"}\n";
        std::vector<std::string> problems;
        replay::ReplayOptions o;
        o.onProblem = [&](const std::string& p) { problems.push_back(p); };
        auto r = replayText(text, o, demoTable(), {}, "back.jsonl");
        QCOMPARE(r.requests, std::uint64_t(3));
        QCOMPARE(r.outOfOrder, std::uint64_t(1));
        QCOMPARE(problems.size(), std::size_t(1));
        QVERIFY2(problems[0].find("back.jsonl:2: timestamp") != std::string::npos &&
                     problems[0].find("3s before") != std::string::npos,
                 problems[0].c_str());
        QCOMPARE(qint64(r.simulatedNs / 1000000000), qint64(1));  // 10:00:05 → 10:00:06 plus the last response
        QCOMPARE(qint64(r.outOfOrderMaxNs), qint64(3'000'000'000));
        std::ostringstream report;
        r.writeText(report);
        QVERIFY2(report.str().find("several logs one after another") == std::string::npos, report.str().c_str());

        // two replicas' logs one after the other: the second starts an hour back, the report says why
        std::string two =
            "{\"time\":\"2026-11-25T11:00:00Z\",\"url\":\"https://shop.example.com/a\"}\n"
            "{\"time\":\"2026-11-25T10:00:00Z\",\"url\":\"https://shop.example.com/b\"}\n";
        auto r2 = replayText(two, {}, demoTable(), {}, "replicas.jsonl");
        QCOMPARE(qint64(r2.outOfOrderMaxNs), qint64(3600'000'000'000));
        std::ostringstream report2;
        r2.writeText(report2);
        QVERIFY2(report2.str().find("(up to 1h back: several logs one after another") != std::string::npos,
                 report2.str().c_str());
    }

    void hostsTheClusterDoesNotServe() {
        std::string text;
        for (int i = 0; i < 20; ++i)
            text += "{\"url\":\"https://nobody-" + std::to_string(i) +
                ".example.net/x\",\"time\":\"2026-11-25T10:00:0" + std::to_string(i % 10) + "Z\"}\n";
        // the demo has a catch-all default backend (tenants/fallback)
        auto r = replayText(text);
        QCOMPARE(r.requests, std::uint64_t(20));
        QCOMPARE(r.outcomes[std::size_t(sim::Outcome::Routed)], std::uint64_t(20));
        QCOMPARE(r.services.size(), std::size_t(1));
        QCOMPARE(r.services[0].name, std::string("tenants/fallback"));
        // without one, the controller's own 404
        auto bare = tableFrom(twoPodCluster("    nginx.ingress.kubernetes.io/ssl-redirect: \"false\""));
        auto r2 = replayText(text, {}, bare);
        QCOMPARE(r2.outcomes[std::size_t(sim::Outcome::DefaultBackend)], std::uint64_t(20));
        QCOMPARE(r2.statuses.at("404"), std::uint64_t(20));
    }

    void speed_data() {
        QTest::addColumn<QString>("speed");
        QTest::addColumn<qint64>("maxSimulatedMs");
        QTest::addColumn<qint64>("minSimulatedMs");
        QTest::newRow("as recorded") << "1" << qint64(11000) << qint64(9900);
        QTest::newRow("twice as fast") << "2" << qint64(5500) << qint64(4900);
        QTest::newRow("back to back") << "max" << qint64(2000) << qint64(0);
    }
    void speed() {
        QFETCH(QString, speed);
        QFETCH(qint64, maxSimulatedMs);
        QFETCH(qint64, minSimulatedMs);
        replay::ReplayOptions o;
        if (speed == "max")
            o.backToBack = true;
        else
            o.speed = speed.toDouble();
        auto r = replayText(steadyTrace(101, 10), o, tableFrom(twoPodCluster("    x: y")));
        qint64 ms = r.simulatedNs / 1000000;
        QVERIFY2(ms <= maxSimulatedMs && ms >= minSimulatedMs, qPrintable(QString("simulated %1 ms").arg(ms)));
        QCOMPARE(r.requests, std::uint64_t(101));
    }

    void podQueuesAndLimits() {
        auto sl =
            replay::parseScenario("defaults: {serviceTime: 100ms, concurrency: 1, queueLimit: 2}\n", "q.yaml", "");
        QVERIFY(sl.scenario);
        // 10 requests at the same instant to a single Pod: 1 served, 2 wait, 7 turned away
        std::string text;
        for (int i = 0; i < 10; ++i) text += "{\"timeNs\":1795600000000000000,\"url\":\"https://web.example.com/\"}\n";
        std::string yaml = twoPodCluster("    x: y");
        yaml.replace(yaml.find("replicas: 2"), 11, "replicas: 1");
        replay::ReplayOptions o;
        o.scenario = &*sl.scenario;
        auto r = replayText(text, o, tableFrom(yaml));
        QCOMPARE(r.pods.size(), std::size_t(1));
        const auto& p = r.pods[0];
        QCOMPARE(p.requests, std::uint64_t(10));
        QCOMPARE(p.rejected, std::uint64_t(7));
        QCOMPARE(p.completed, std::uint64_t(3));
        QCOMPARE(p.maxQueue, std::uint32_t(2));
        QCOMPARE(qint64(p.latency.max()), qint64(300000000));
        QCOMPARE(r.statuses.at("503 (Pod queue full)"), std::uint64_t(7));
    }

    void ewmaLearnsFromSimulatedLatencies() {
        auto table = tableFrom(twoPodCluster("    nginx.ingress.kubernetes.io/load-balance: ewma"));
        auto sl = replay::parseScenario(
            "pods:\n  app/web-0: {serviceTime: 400ms}\n  app/web-1: {serviceTime: 2ms}\n"
            "defaults: {concurrency: 100}\n",
            "ewma.yaml", "");
        QVERIFY(sl.scenario);
        replay::ReplayOptions o;
        o.scenario = &*sl.scenario;
        auto r = replayText(steadyTrace(2000, 50), o, table);
        QCOMPARE(r.pods.size(), std::size_t(2));
        std::uint64_t slow = r.pods[0].requests, fast = r.pods[1].requests;
        QVERIFY2(fast > 3 * slow, qPrintable(QString("fast %1, slow %2").arg(fast).arg(slow)));
        // round robin, for contrast, splits evenly
        auto rr = replayText(steadyTrace(2000, 50), o, tableFrom(twoPodCluster("    x: y")));
        QCOMPARE(rr.pods[0].requests, std::uint64_t(1000));
    }

    void timeSeriesAddUp() {
        replay::ReplayOptions o;
        o.bucketNs = 5 * replay::kSec;
        auto r = replayText(demoLog(2000), o);
        QCOMPARE(qint64(r.bucketNs), qint64(5 * replay::kSec));
        for (const auto& p : r.pods) {
            std::uint64_t sum = 0, done = 0;
            for (const auto& b : p.series) {
                sum += b.requests;
                done += b.completed;
            }
            QCOMPARE(sum, p.requests);
            QCOMPARE(done, p.completed);
            QCOMPARE(p.series.size(), r.pods.front().series.size());
        }
    }

    void nonUtf8InTheDecisionLog() {
        std::string text = "{\"url\":\"https://shop.example.com/ok\"}\n";
        text +=
            "192.0.2.1 - - [25/Nov/2026:08:00:01 +0000] \"GET /\xFF\xFE/x HTTP/1.1\" 200 0 \"-\" \"\xC3\x28\" 1 0.001 [shop-storefront-http] [] "
            "10.244.1.21:8080 0 0.001 200 abc\n";
        std::ostringstream decisions;
        replay::ReplayOptions o;
        o.decisions = &decisions;
        trace::TraceOptions t;
        t.format = trace::TraceFormat::IngressNginx;
        auto r = replayText(text.substr(text.find('\n') + 1), o, demoTable(), t);
        QCOMPARE(r.requests, std::uint64_t(1));
        std::string line = decisions.str();
        QJsonParseError e;
        QJsonDocument::fromJson(QByteArray::fromStdString(line), &e);
        QVERIFY2(e.error == QJsonParseError::NoError, line.c_str());
        QVERIFY2(line.find("\xEF\xBF\xBD") != std::string::npos, "invalid bytes should become U+FFFD");
        std::string summary = hs::testing::summaryJson(r);
        replay::repairUtf8(summary);
        QJsonDocument::fromJson(QByteArray::fromStdString(summary), &e);
        QVERIFY2(e.error == QJsonParseError::NoError, qPrintable(e.errorString()));
    }

    void strictStopsAtTheFirstBadLine() {
        std::string text = demoLog(50) + "garbage\n" + demoLog(50);
        replay::ReplayOptions o;
        o.strict = true;
        trace::TraceOptions t;
        t.format = trace::TraceFormat::IngressNginx;
        auto r = replayText(text, o, demoTable(), t);
        QVERIFY(r.stoppedByStrict);
        QCOMPARE(r.bad, std::uint64_t(1));
        QVERIFY(r.lines <= 51 + 4096);  // read ahead by at most one batch
    }

    // The live observers (desktop app charts) see what the summary counts, in time order.
    void observersSeeWhatTheSummaryCounts() {
        replay::ReplayOptions o;
        o.seed = 5;
        std::uint64_t seen = 0, rejected = 0, completed = 0, canary = 0;
        std::map<std::string, std::uint64_t> perPod, perService;
        std::int64_t lastAt = -1;
        bool ordered = true;
        o.onRequest = [&](const trace::TraceRecord& rec, const sim::Decision& d, std::int64_t at, bool rej) {
            ++seen;
            if (rej) ++rejected;
            if (d.canary) ++canary;
            if (!d.endpoint.empty()) ++perPod[d.pod.empty() ? d.endpoint : d.pod];
            ++perService[d.service.empty() ? "(none: the controller answered)" : d.service];
            ordered = ordered && at >= lastAt && rec.kind == trace::TraceRecord::Kind::Request;
            lastAt = at;
        };
        o.onCompleted = [&](const std::string&, std::int64_t, std::int64_t latency) {
            ++completed;
            ordered = ordered && latency >= 0;
        };
        trace::TraceOptions t;
        t.format = trace::TraceFormat::IngressNginx;
        auto r = replayText(demoLog(2000), o, demoTable(), t);
        QVERIFY(ordered);
        QCOMPARE(seen, r.requests);
        QCOMPARE(rejected, r.rejected);
        QCOMPARE(completed, r.latency.count());
        std::uint64_t serviceCanary = 0;
        for (const auto& s : r.services) {
            QVERIFY2(perService[s.name] == s.requests, s.name.c_str());
            serviceCanary += s.canary;
        }
        QCOMPARE(canary, serviceCanary);
        for (const auto& p : r.pods) QVERIFY2(perPod[p.name] == p.requests, p.name.c_str());
    }

    // A cancel flag set from outside stops the replay at the next record, with a partial result.
    void cancelFlagStopsTheReplay() {
        std::atomic<bool> cancel{false};
        replay::ReplayOptions o;
        o.cancel = &cancel;
        std::uint64_t seen = 0;
        o.onRequest = [&](const trace::TraceRecord&, const sim::Decision&, std::int64_t, bool) {
            if (++seen == 100) cancel = true;
        };
        trace::TraceOptions t;
        t.format = trace::TraceFormat::IngressNginx;
        auto r = replayText(demoLog(20000), o, demoTable(), t);
        QVERIFY(r.cancelled);
        QVERIFY2(r.lines <= 100 + 2 * 4096, qPrintable(QString::number(r.lines)));  // at most the batch in hand
        QCOMPARE(r.requests + r.bad + r.skipped, r.lines);
    }
};

QTEST_GUILESS_MAIN(TestReplayEngine)
#include "tst_replay_engine.moc"
