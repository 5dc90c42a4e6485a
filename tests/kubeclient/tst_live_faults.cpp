// What a real cluster does to a client, and the snapshot converging afterwards to exactly what a
// fresh list of the server holds: the API server killed and restarted mid-watch, connections cut
// (FIN and RST) by a proxy the test controls, connections silently stalled, refused, and slow.
#include "test_cluster.h"

#include <QtTest>

#include <mutex>

using namespace hs;
using namespace hs::kube;
using hs::test::FaultProxy;
using hs::test::TestCluster;

namespace {

std::unique_ptr<LiveCluster> startLive(const ClientConfig& cc, LiveOptions opt = {}) {
    auto lc = LiveCluster::create(cc, opt);
    if (!lc || !(*lc)->start() || !(*lc)->waitUntilSynced(std::chrono::seconds(120))) return nullptr;
    return std::move(*lc);
}

std::uint64_t watchesOpened(const LiveCluster& lc) {
    std::uint64_t n = 0;
    for (const auto& r : lc.status().resources) n += r.watchRestarts;
    return n;
}

}  // namespace

class TestLiveFaults : public QObject {
    Q_OBJECT
    TestCluster cluster;
    std::shared_ptr<ApiClient> admin;
    int changes = 0;

    // A few changes straight to the API server (never through the proxy): a new Pod, an
    // EndpointSlice endpoint flipped, an Ingress annotated.
    void change() {
        int n = ++changes;
        auto check = [](const Result<HttpResponse>& r) {
            if (!r) qWarning("change failed: %s", r.error().message.c_str());
        };
        check(admin->request(
            "POST", "/api/v1/namespaces/team-a/pods",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"fault-" + std::to_string(n) +
                "\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}",
            "application/json", "create a pod"));
        check(admin->request("PATCH", "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices/frontend-q4m8z",
                             "[{\"op\":\"replace\",\"path\":\"/endpoints/2/conditions/ready\",\"value\":" +
                                 std::string(n % 2 ? "true" : "false") + "}]",
                             "application/json-patch+json", "patch a slice"));
        check(
            admin->request("PATCH", "/apis/networking.k8s.io/v1/namespaces/shop/ingresses/shop",
                           "{\"metadata\":{\"annotations\":{\"hopscope.test/change\":\"" + std::to_string(n) + "\"}}}",
                           "application/merge-patch+json", "annotate an ingress"));
    }

    std::string throughProxy(const FaultProxy& p, const QString& name) {
        return cluster.kubeconfig(name, "    tokenFile: " + cluster.envs("ADMIN_TOKEN_FILE") + "\n",
                                  "    server: https://127.0.0.1:" + std::to_string(p.listenPort) +
                                      "\n    certificate-authority: " + cluster.envs("CA_FILE") + "\n");
    }

private slots:
    void initTestCase() {
        QString err;
        QVERIFY2(cluster.start(err, {"--small", "--gateway=false"}), qPrintable(err));
        admin = *ApiClient::create(cluster.admin());
    }
    void cleanupTestCase() {
        admin.reset();
        cluster.stop();
    }

    void apiServerKilledMidWatch() {
        auto lc = startLive(cluster.admin());
        QVERIFY(lc);
        std::mutex mu;
        std::vector<ConnectionState> seen;
        lc->subscribe([&](const std::shared_ptr<const model::ClusterState>&, const LiveStatus& st) {
            std::lock_guard lock(mu);
            if (seen.empty() || seen.back() != st.state) seen.push_back(st.state);
        });
        QString out;
        QVERIFY2(cluster.script("stop-apiserver.sh", {"--kill"}, &out), qPrintable(out));
        bool reconnecting = test::waitForStatus(
            *lc, [](const LiveStatus& st) { return st.state == ConnectionState::Reconnecting; },
            std::chrono::seconds(30));
        QVERIFY2(reconnecting, connectionStateName(lc->status().state));
        auto st = lc->status();
        QVERIFY2(!st.message.empty(), "a reconnecting client says why");
        QVERIFY(st.since <= std::chrono::system_clock::now());
        QVERIFY2(cluster.script("start-apiserver.sh", {}, &out), qPrintable(out));
        change();
        std::string diff = test::converge(*lc, cluster.admin(), std::chrono::seconds(90));
        QVERIFY2(diff.empty(), diff.c_str());
        QVERIFY(test::waitForStatus(
            *lc, [](const LiveStatus& s) { return s.state == ConnectionState::Live; }, std::chrono::seconds(60)));
        std::lock_guard lock(mu);
        QVERIFY2(std::find(seen.begin(), seen.end(), ConnectionState::Reconnecting) != seen.end(),
                 "observers saw the outage");
        QCOMPARE(seen.back(), ConnectionState::Live);
    }

    void connectionsCut() {
        FaultProxy proxy;
        QVERIFY(proxy.start(cluster));
        auto lc = startLive(*TestCluster::clientConfig(throughProxy(proxy, "via-proxy-cut")));
        QVERIFY(lc);
        for (const char* how : {"cut", "rst"}) {
            std::uint64_t before = watchesOpened(*lc);
            QVERIFY2(proxy.command(how).rfind("OK", 0) == 0, how);
            change();
            std::string diff = test::converge(*lc, cluster.admin(), std::chrono::seconds(90));
            QVERIFY2(diff.empty(), (std::string(how) + ":\n" + diff).c_str());
            QVERIFY2(watchesOpened(*lc) > before, "the watches reconnected");
        }
    }

    void connectionsStalled() {
        FaultProxy proxy;
        QVERIFY(proxy.start(cluster));
        LiveOptions opt;
        // client-go pings an idle HTTP/2 connection after 30 s and gives up 15 s later; shorter here.
        opt.client.readIdleTimeout = std::chrono::seconds(2);
        opt.client.probeTimeout = std::chrono::seconds(2);
        auto lc = startLive(*TestCluster::clientConfig(throughProxy(proxy, "via-proxy-pause")), opt);
        QVERIFY(lc);
        auto dropsBefore = lc->client().http().stats().connectionsDropped;
        QVERIFY(proxy.command("pause").rfind("OK", 0) == 0);
        change();
        // Nothing arrives and nothing fails on its own: the health probe notices.
        bool noticed = test::waitForStatus(
            *lc, [](const LiveStatus& st) { return st.state == ConnectionState::Reconnecting; },
            std::chrono::seconds(30));
        QVERIFY2(noticed, "a stalled connection must be detected");
        QVERIFY(lc->client().http().stats().connectionsDropped > dropsBefore);
        QVERIFY(proxy.command("resume").rfind("OK", 0) == 0);
        std::string diff = test::converge(*lc, cluster.admin(), std::chrono::seconds(120));
        QVERIFY2(diff.empty(), diff.c_str());
    }

    void connectionsRefused() {
        FaultProxy proxy;
        QVERIFY(proxy.start(cluster));
        auto lc = startLive(*TestCluster::clientConfig(throughProxy(proxy, "via-proxy-refuse")));
        QVERIFY(lc);
        QVERIFY(proxy.command("refuse").rfind("OK", 0) == 0);
        QVERIFY(proxy.command("cut").rfind("OK", 0) == 0);
        QVERIFY(test::waitForStatus(
            *lc, [](const LiveStatus& st) { return st.state == ConnectionState::Reconnecting; },
            std::chrono::seconds(30)));
        change();
        QVERIFY(proxy.command("accept").rfind("OK", 0) == 0);
        std::string diff = test::converge(*lc, cluster.admin(), std::chrono::seconds(120));
        QVERIFY2(diff.empty(), diff.c_str());
    }

    void slowResponses() {
        FaultProxy proxy;
        QVERIFY(proxy.start(cluster));
        QVERIFY(proxy.command("delay 150").rfind("OK", 0) == 0);
        // Syncing from scratch through a slow link, then following changes through it.
        auto lc = startLive(*TestCluster::clientConfig(throughProxy(proxy, "via-proxy-slow")));
        QVERIFY(lc);
        change();
        std::string diff = test::converge(*lc, cluster.admin(), std::chrono::seconds(120));
        QVERIFY2(diff.empty(), diff.c_str());
        QVERIFY(proxy.command("delay 0").rfind("OK", 0) == 0);
        change();
        diff = test::converge(*lc, cluster.admin(), std::chrono::seconds(60));
        QVERIFY2(diff.empty(), diff.c_str());
    }
};

QTEST_GUILESS_MAIN(TestLiveFaults)
#include "tst_live_faults.moc"
