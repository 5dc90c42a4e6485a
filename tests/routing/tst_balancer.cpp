// Balancer state machines (ROUTING.md B.7): sequences for a fixed seed, distributions over many
// requests, stickiness and rebalancing when endpoints change.
#include "simulator/balancer.h"

#include <QtTest>

#include <map>
#include <set>

using namespace hs::sim;

namespace {
std::vector<EndpointInfo> endpoints(int n, int base = 1) {
    std::vector<EndpointInfo> v;
    for (int i = 0; i < n; ++i) {
        EndpointInfo e;
        e.address = "10.0.0." + std::to_string(base + i);
        e.port = 8080;
        e.hostPort = e.address + ":8080";
        v.push_back(e);
    }
    return v;
}
Request req(const std::string& target = "/", const std::string& cookie = "") {
    Request r;
    r.host = "h.test";
    r.target = target;
    if (!cookie.empty()) r.headers.push_back({"Cookie", cookie});
    return r;
}
BalanceInput input(const Request& r, double now = 0) {
    BalanceInput in;
    in.request = &r;
    in.uri = r.path();
    in.host = "h.test";
    in.serverName = "h.test";
    in.locationPath = "/app";
    in.nowSeconds = now;
    return in;
}
}  // namespace

class TestBalancer : public QObject {
    Q_OBJECT
private slots:
    void rngIsDeterministic() {
        Rng a(42), b(42), c(43);
        for (int i = 0; i < 100; ++i) QCOMPARE(a.next(), b.next());
        QVERIFY(Rng(42).next() != c.next());
        Rng r(7);
        for (int i = 0; i < 1000; ++i) {
            auto v = r.range(1, 6);
            QVERIFY(v >= 1 && v <= 6);
        }
    }

    void roundRobinVisitsEachOncePerCycle() {
        Rng rng(3);
        EwmaStore ew;
        auto eps = endpoints(3);
        BalancerConfig cfg;
        auto b = Balancer::create(cfg, eps, rng, ew);
        Request r = req();
        std::string scratch;
        for (int cycle = 0; cycle < 5; ++cycle) {
            std::set<std::size_t> seen;
            for (int i = 0; i < 3; ++i) {
                BalanceResult out;
                b->pick(input(r), rng, scratch, out);
                seen.insert(out.index);
            }
            QCOMPARE(seen.size(), size_t(3));
        }
    }

    void roundRobinStartIsRandomButSeeded() {
        std::set<std::size_t> starts;
        for (std::uint64_t seed = 1; seed <= 30; ++seed) {
            Rng rng(seed);
            EwmaStore ew;
            auto eps = endpoints(3);
            auto b = Balancer::create(BalancerConfig{}, eps, rng, ew);
            Request r = req();
            std::string s;
            BalanceResult out;
            b->pick(input(r), rng, s, out);
            starts.insert(out.index);
        }
        QCOMPARE(starts.size(), size_t(3));
    }

    void ewmaPicksTheLowerDecayedScore() {
        Rng rng(5);
        EwmaStore ew;
        auto eps = endpoints(2);
        BalancerConfig cfg;
        cfg.kind = BalancerKind::Ewma;
        auto b = Balancer::create(cfg, eps, rng, ew);
        b->observe(0, 0.500, 100.0);  // slow
        b->observe(1, 0.010, 100.0);  // fast
        Request r = req();
        std::string s;
        for (int i = 0; i < 50; ++i) {
            BalanceResult out;
            b->pick(input(r, 100.5), rng, s, out);
            QCOMPARE(out.index, size_t(1));
        }
        // Decay: after a long idle time both scores fade towards 0 at the same rate.
        QVERIFY(ew.entries["10.0.0.1:8080"].ewma > ew.entries["10.0.0.2:8080"].ewma);
    }

    void ewmaNewEndpointsStartAtTheAverage() {
        Rng rng(5);
        EwmaStore ew;
        ew.entries["10.0.0.1:8080"] = {0.2, 0};
        ew.entries["10.0.0.2:8080"] = {0.4, 0};
        BalancerConfig cfg;
        cfg.kind = BalancerKind::Ewma;
        auto eps = endpoints(3);
        auto b = Balancer::create(cfg, eps, rng, ew);
        QCOMPARE(ew.entries["10.0.0.3:8080"].ewma, 0.3);
    }

    void consistentHashIsStableAndConsistent() {
        Rng rng(1);
        EwmaStore ew;
        BalancerConfig cfg;
        cfg.kind = BalancerKind::CHash;
        cfg.hashBy = VarExpr("$request_uri");
        auto eps4 = endpoints(4);
        auto b4 = Balancer::create(cfg, eps4, rng, ew);
        std::vector<EndpointInfo> eps3(eps4.begin(), eps4.begin() + 3);
        auto b3 = Balancer::create(cfg, eps3, rng, ew);
        std::string s;
        std::map<std::size_t, int> counts;
        int moved = 0, onRemoved = 0;
        for (int i = 0; i < 4000; ++i) {
            Request r = req("/item/" + std::to_string(i));
            BalanceResult a, a2, c;
            b4->pick(input(r), rng, s, a);
            b4->pick(input(r), rng, s, a2);
            QCOMPARE(a.index, a2.index);  // same key, same endpoint
            ++counts[a.index];
            b3->pick(input(r), rng, s, c);
            if (a.index == 3)
                ++onRemoved;
            else if (a.index != c.index)
                ++moved;
        }
        QCOMPARE(moved, 0);  // only keys of the removed endpoint move
        QVERIFY(onRemoved > 0);
        for (auto [idx, n] : counts)
            QVERIFY2(n > 500 && n < 1500, qPrintable(QString("endpoint %1 got %2 of 4000").arg(idx).arg(n)));
    }

    void hashSubsetsPadTheLastSetFromTheStart() {
        Rng rng(1);
        EwmaStore ew;
        BalancerConfig cfg;
        cfg.kind = BalancerKind::CHashSubset;
        cfg.hashBy = VarExpr("$http_x_user");
        cfg.subsetSize = 3;
        auto eps = endpoints(5);  // e1..e5
        auto b = Balancer::create(cfg, eps, rng, ew);
        std::string s;
        const std::set<std::size_t> set1{0, 1, 2}, set2{3, 4, 0};
        for (int user = 0; user < 50; ++user) {
            Request r = req();
            r.headers.push_back({"X-User", "user-" + std::to_string(user)});
            std::set<std::size_t> picked;
            for (int i = 0; i < 40; ++i) {
                BalanceResult out;
                b->pick(input(r), rng, s, out);
                picked.insert(out.index);
            }
            bool inOne = std::includes(set1.begin(), set1.end(), picked.begin(), picked.end()) ||
                std::includes(set2.begin(), set2.end(), picked.begin(), picked.end());
            QVERIFY2(inOne, qPrintable(QString("user %1 spread over more than one subset").arg(user)));
        }
    }

    void stickyCookieIsSetAndPins() {
        Rng rng(9);
        EwmaStore ew;
        BalancerConfig cfg;
        cfg.kind = BalancerKind::StickyBalanced;
        cfg.upstreamName = "default-st-80";
        cfg.affinity.locations = {{"h.test", "/app"}};
        auto eps = endpoints(3);
        auto b = Balancer::create(cfg, eps, rng, ew);
        std::string s;
        Request first = req("/app/x");
        BalanceResult out;
        b->pick(input(first), rng, s, out);
        QVERIFY2(out.setCookie.rfind("INGRESSCOOKIE=", 0) == 0, out.setCookie.c_str());
        QVERIFY2(out.setCookie.find("; Path=/app; HttpOnly") != std::string::npos, out.setCookie.c_str());
        std::string value = out.setCookie.substr(14, out.setCookie.find(';') - 14);
        QVERIFY(value.find('|') != std::string::npos);
        Request again = req("/app/y", "INGRESSCOOKIE=" + value);
        QVERIFY(b->isAffinitized(again));
        for (int i = 0; i < 20; ++i) {
            BalanceResult o2;
            b->pick(input(again), rng, s, o2);
            QCOMPARE(o2.index, out.index);
            QVERIFY(o2.setCookie.empty());
        }
    }

    void balancedRebalancesPersistentDoesNot_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("expectMoves");
        QTest::newRow("balanced") << int(BalancerKind::StickyBalanced) << true;
        QTest::newRow("persistent") << int(BalancerKind::StickyPersistent) << false;
    }
    void balancedRebalancesPersistentDoesNot() {
        QFETCH(int, kind);
        QFETCH(bool, expectMoves);
        Rng rng(11);
        EwmaStore ew;
        BalancerConfig cfg;
        cfg.kind = static_cast<BalancerKind>(kind);
        cfg.upstreamName = "default-st-80";
        cfg.affinity.locations = {{"h.test", "/app"}};
        auto eps3 = endpoints(3), eps4 = endpoints(4);
        auto before = Balancer::create(cfg, eps3, rng, ew);
        auto after = Balancer::create(cfg, eps4, rng, ew);
        std::string s;
        int moved = 0, sessions = 400;
        for (int i = 0; i < sessions; ++i) {
            Request r = req("/app");
            BalanceResult first;
            before->pick(input(r, i), rng, s, first);
            std::string value = first.setCookie.substr(14, first.setCookie.find(';') - 14);
            Request again = req("/app", "INGRESSCOOKIE=" + value);
            BalanceResult o3, o4;
            before->pick(input(again), rng, s, o3);
            after->pick(input(again), rng, s, o4);
            QCOMPARE(o3.index, first.index);
            if (eps4[o4.index].hostPort != eps3[o3.index].hostPort) ++moved;
        }
        if (expectMoves)
            QVERIFY2(moved > sessions / 10 && moved < sessions / 2, qPrintable(QString("moved %1").arg(moved)));
        else
            QCOMPARE(moved, 0);
    }

    void weightedShares() {
        Rng rng(2);
        int w[] = {1, 3};
        int counts[2] = {0, 0};
        for (int i = 0; i < 40000; ++i) ++counts[pickWeighted(w, rng)];
        QVERIFY2(std::abs(counts[0] - 10000) < 600, qPrintable(QString::number(counts[0])));
        int z[] = {0, 5};
        for (int i = 0; i < 100; ++i) QCOMPARE(pickWeighted(z, rng), size_t(1));
    }

    // By key: the same key, the same choice; shares laid out from the last, so that the last
    // choice of [90, 10] takes exactly the rolls a canary-weight 10 sends to the canary.
    void weightedByKeyMatchesCanaryRolls() {
        int w[] = {90, 10};
        int canary = 0;
        for (std::uint64_t key = 1; key <= 20000; ++key) {
            Rng roll(key);
            const bool toCanary = roll.range(1, 100) <= 10;  // ingress-nginx's canary-weight 10
            const std::size_t pick = pickWeightedByKey(w, key);
            QCOMPARE(pick, toCanary ? size_t(1) : size_t(0));
            QCOMPARE(pickWeightedByKey(w, key), pick);
            canary += toCanary;
        }
        QVERIFY2(canary > 1800 && canary < 2200, qPrintable(QString::number(canary)));
        int z[] = {5, 0};
        for (std::uint64_t key = 1; key <= 100; ++key) QCOMPARE(pickWeightedByKey(z, key), size_t(0));
    }

    void variableExpressions_data() {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<QString>("expected");
        QTest::newRow("request_uri") << "$request_uri"
                                     << "/a/b?x=1&user=7";
        QTest::newRow("uri") << "$uri"
                             << "/a/b";
        QTest::newRow("remote_addr") << "$remote_addr"
                                     << "198.51.100.4";
        QTest::newRow("header") << "$http_x_user"
                                << "alice";
        QTest::newRow("cookie") << "$cookie_session"
                                << "s1";
        QTest::newRow("arg") << "$arg_user"
                             << "7";
        QTest::newRow("host") << "$host"
                              << "h.test";
        QTest::newRow("concatenation") << "u-$http_x_user-${arg_user}"
                                       << "u-alice-7";
        QTest::newRow("missing") << "$http_x_none"
                                 << "";
    }
    void variableExpressions() {
        QFETCH(QString, expr);
        QFETCH(QString, expected);
        Request r = req("/a/b?x=1&user=7", "session=s1; other=2");
        r.clientIP = "198.51.100.4";
        r.headers.push_back({"X-User", "alice"});
        std::string out;
        VarExpr(expr.toStdString()).eval(r, "/a/b", out);
        QCOMPARE(QString::fromStdString(out), expected);
    }
};

QTEST_APPLESS_MAIN(TestBalancer)
#include "tst_balancer.moc"
