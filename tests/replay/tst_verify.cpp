// Verify mode: 100 % agreement on a log generated from the demo configuration (the generator
// writes what ingress-nginx would log; the replay infers hosts and compares), and every kind of
// disagreement grouped with counts and examples when the log says something else.
#include "tests/replay/replay_fixtures.h"

#include <QtTest>

using namespace hs;
using hs::testing::demoLog;
using hs::testing::replayText;

namespace {

// Replaces `from` by `to` in the first `times` lines that contain both `from` and `when`.
std::string tamper(const std::string& text, const std::string& from, const std::string& to, int times,
                   const std::string& when = "") {
    std::string out;
    std::size_t start = 0;
    int done = 0;
    while (start < text.size()) {
        std::size_t nl = text.find('\n', start);
        std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        std::size_t at = line.find(from);
        if (done < times && at != std::string::npos && line.find(when) != std::string::npos) {
            line.replace(at, from.size(), to);
            ++done;
        }
        out += line + "\n";
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    return out;
}

const replay::VerifyGroup* group(const replay::VerifyReport& v, const std::string& check, const std::string& recorded) {
    for (const auto& g : v.groups)
        if (g.check == check && g.recorded.find(recorded) != std::string::npos) return &g;
    return nullptr;
}

}  // namespace

class TestVerify : public QObject {
    Q_OBJECT
private slots:
    void demoLogAgreesCompletely_data() {
        QTest::addColumn<int>("requests");
        QTest::addColumn<int>("logSeed");
        QTest::addColumn<int>("replaySeed");
        QTest::newRow("20000 requests, other seed") << 20000 << 42 << 1;
        QTest::newRow("5000 requests, same seed") << 5000 << 9 << 9;
    }
    void demoLogAgreesCompletely() {
        QFETCH(int, requests);
        QFETCH(int, logSeed);
        QFETCH(int, replaySeed);
        replay::ReplayOptions o;
        o.seed = static_cast<std::uint64_t>(replaySeed);
        auto r = replayText(demoLog(static_cast<std::uint64_t>(requests), static_cast<std::uint64_t>(logSeed)), o);
        QVERIFY(r.verify.has_value());
        const auto& v = *r.verify;
        QCOMPARE(r.requests, std::uint64_t(requests));
        QCOMPARE(v.compared, r.requests);
        std::string groups;
        for (const auto& g : v.groups)
            groups += g.check + ": " + g.recorded + " vs " + g.simulated + " ×" + std::to_string(g.count) + "\n";
        QVERIFY2(v.agreed == v.compared, groups.c_str());
        QVERIFY(v.canaryByWeight > 0);
        QCOMPARE(v.checks, (std::vector<std::string>{"upstream", "canary", "answer", "endpoint"}));
        // hosts were inferred for every line, some ambiguously (blog-web serves two hosts)
        QCOMPARE(r.hostsInferred, r.requests);
        QVERIFY(r.hostsAmbiguous > 0);
    }

    void disagreementsAreGrouped() {
        std::string log = demoLog(4000);
        log = tamper(log, "[shop-storefront-http] []", "[shop-admin-http] []", 5);
        log = tamper(log, " 10.244.25.195:9000 ", " 10.9.9.9:9000 ", 3);
        log = tamper(log, "\" 302 ", "\" 307 ", 2, "[ops-grafana-80]");
        log = tamper(log, "[shop-api-80] [] ", "[shop-api-80] [shop-storefront-http] ", 4, "10.244.42.158:9000");
        auto r = replayText(log, {}, hs::testing::demoTable(), {}, "tampered.log");
        const auto& v = *r.verify;
        QCOMPARE(v.compared, std::uint64_t(4000));
        QVERIFY2(v.compared - v.agreed == 14, qPrintable(QString::number(v.compared - v.agreed)));
        const auto* up = group(v, "upstream", "shop-admin-http");
        QVERIFY2(up && up->count == 5, "upstream group");
        QCOMPARE(up->simulated, std::string("shop-storefront-http"));
        QCOMPARE(up->examples.size(), std::size_t(3));
        QVERIFY2(up->examples[0].rfind("tampered.log:", 0) == 0, up->examples[0].c_str());
        const auto* ep = group(v, "endpoint", "10.9.9.9:9000");
        QVERIFY2(ep && ep->count == 3, "endpoint group");
        QVERIFY2(ep->simulated.find("not an endpoint of shop-api-80") != std::string::npos, ep->simulated.c_str());
        const auto* st = group(v, "answer", "answered 307");
        QVERIFY2(st && st->count == 2, "answer group");
        QCOMPARE(st->simulated, std::string("answered 302"));
        const auto* cn = group(v, "canary", "shop-storefront-http");
        QVERIFY2(cn && cn->count == 4, "canary group");
        QCOMPARE(cn->simulated, std::string("shop-api-canary-80"));
        // most frequent first
        for (std::size_t i = 1; i < v.groups.size(); ++i) QVERIFY(v.groups[i - 1].count >= v.groups[i].count);
    }

    void hostRecordedMeansNoInference() {
        // a custom format with $host: the replay uses the recorded host; verify compares all the same
        std::string text =
            "203.0.113.7 www.example.com [25/Nov/2026:08:00:01 +0000] \"GET /home HTTP/1.1\" 200 [blog-blog-web-80] [] 10.244.55.75:8080\n"
            "203.0.113.7 blog.example.com [25/Nov/2026:08:00:01 +0000] \"GET /api/posts/1 HTTP/1.1\" 200 [blog-blog-api-http] [] 10.244.62.119:3000\n"
            "203.0.113.7 www.example.com [25/Nov/2026:08:00:02 +0000] \"GET / HTTP/1.1\" 302 [-] [] -\n";
        trace::TraceOptions t;
        t.logFormat =
            "$remote_addr $host [$time_local] \"$request\" $status [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr";
        auto r = replayText(text, {}, hs::testing::demoTable(), t);
        QCOMPARE(r.hostsInferred, std::uint64_t(0));
        QVERIFY(r.hosts.empty());
        std::string groups;
        for (const auto& g : r.verify->groups) groups += g.check + ": " + g.recorded + " vs " + g.simulated + "\n";
        QVERIFY2(r.verify->agreed == 3 && r.verify->compared == 3, groups.c_str());
    }

    // The default format has no scheme: lines are https, but a port-80 request that ssl-redirect
    // sent to https is logged as the controller's own 308. Only that line is switched to http;
    // a permanent redirect (the same answer on both schemes) and a proxied request stay https.
    // Without $upstream_addr nothing says the controller answered: no switch.
    void redirectOnlyPlainHttpGivesSwitchesTheScheme() {
        const std::string text =
            "203.0.113.7 - - [25/Nov/2026:08:00:01 +0000] \"GET /cart HTTP/1.1\" 308 164 \"-\" \"curl/8.5.0\" 80 0.000 [shop-storefront-http] [] - - - - a1\n"
            "203.0.113.7 - - [25/Nov/2026:08:00:01 +0000] \"GET /cart HTTP/2.0\" 200 512 \"-\" \"curl/8.5.0\" 80 0.004 [shop-storefront-http] [] 10.244.2.34:8080 512 0.004 200 a2\n"
            "203.0.113.7 - - [25/Nov/2026:08:00:02 +0000] \"GET /2019/archive HTTP/1.1\" 301 166 \"-\" \"curl/8.5.0\" 80 0.000 [blog-blog-web-80] [] - - - - a3\n";
        std::vector<std::string> schemes;
        replay::ReplayOptions o;
        o.onRequest = [&](const trace::TraceRecord& rec, const sim::Decision&, std::int64_t, bool) {
            schemes.push_back(rec.request.scheme);
        };
        auto r = replayText(text, o, hs::testing::demoTable(), {}, "http.log");
        std::string groups;
        for (const auto& g : r.verify->groups) groups += g.check + ": " + g.recorded + " vs " + g.simulated + "\n";
        QVERIFY2(r.verify->compared == 3 && r.verify->agreed == 3, groups.c_str());
        QCOMPARE(r.schemesSwitched, std::uint64_t(1));
        QCOMPARE(schemes, (std::vector<std::string>{"http", "https", "https"}));
        QCOMPARE(r.outcomes[static_cast<std::size_t>(sim::Outcome::Redirect)], std::uint64_t(2));

        // the same port-80 request in a combined log (no upstream fields): stays https
        const std::string combined =
            "203.0.113.7 - - [25/Nov/2026:08:00:01 +0000] \"GET /cart HTTP/1.1\" 308 164 \"-\" \"curl/8.5.0\"\n";
        replay::ReplayOptions c;
        c.host = "shop.example.com";
        auto rc = replayText(combined, c, hs::testing::demoTable(), {}, "combined.log");
        QCOMPARE(rc.requests, std::uint64_t(1));
        QCOMPARE(rc.schemesSwitched, std::uint64_t(0));
        QCOMPARE(rc.outcomes[static_cast<std::size_t>(sim::Outcome::Routed)], std::uint64_t(1));
    }

    void verifyOffAndNotPossible() {
        replay::ReplayOptions off;
        off.verify = replay::ReplayOptions::Verify::Off;
        QVERIFY(!replayText(demoLog(100), off).verify);
        // JSON Lines without recorded fields: nothing to compare
        QVERIFY(!replayText("{\"url\":\"https://shop.example.com/\"}\n").verify);
    }
};

QTEST_GUILESS_MAIN(TestVerify)
#include "tst_verify.moc"
