// Listing and watching a real API server: the initial snapshot, partial visibility under RBAC
// (jane), pagination over 1,300 objects, watch updates reaching snapshots (sharing unchanged
// objects), watch-list and list agreeing, 410 relists, and the CLI's live source, snapshot and
// contexts commands.
#include "app/cli/cli.h"
#include "model/lint.h"
#include "test_cluster.h"

#include <QtTest>

#include <sstream>

using namespace hs;
using namespace hs::kube;
using hs::test::TestCluster;

namespace {

using Snap = std::shared_ptr<const model::ClusterState>;

template <class Pred>
Snap waitForSnapshot(LiveCluster& lc, Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    Snap s = lc.snapshot();
    while (!(s && pred(*s)) && std::chrono::steady_clock::now() < deadline) {
        lc.waitForNewer(s ? s->generation() : 0, std::chrono::milliseconds(500));
        s = lc.snapshot();
    }
    return s && pred(*s) ? s : nullptr;
}

std::unique_ptr<LiveCluster> startLive(const ClientConfig& cc, LiveOptions opt = {}) {
    auto lc = LiveCluster::create(cc, opt);
    if (!lc) return nullptr;
    if (!(*lc)->start()) return nullptr;
    if (!(*lc)->waitUntilSynced(std::chrono::seconds(60))) return nullptr;
    return std::move(*lc);
}

bool hasProblem(const LiveStatus& st, const std::string& text) {
    return std::find(st.problems.begin(), st.problems.end(), text) != st.problems.end();
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += "  " + x + "\n";
    return s;
}

struct CliResult {
    int code;
    std::string out, err;
};
CliResult runCli(const std::vector<std::string>& words) {
    std::ostringstream out, err;
    std::istringstream in;
    cli::Io io{out, err, in};
    int code = cli::run(words, io);
    return {code, out.str(), err.str()};
}

}  // namespace

class TestLiveSync : public QObject {
    Q_OBJECT
    TestCluster cluster;
    std::shared_ptr<ApiClient> admin;

    HttpResponse mutate(const std::string& method, const std::string& path, const std::string& body,
                        const std::string& type = "application/json") {
        auto r = admin->request(method, path, body, type, method + " " + path);
        if (!r) qWarning("%s", r.error().message.c_str());
        return r ? *r : HttpResponse{};
    }

private slots:
    void initTestCase() {
        QString err;
        QVERIFY2(cluster.start(err, {"--small"}), qPrintable(err));
        QVERIFY2(cluster.seed({"--many", "services=1300", "--many-namespace", "paging-svc"}, &err), qPrintable(err));
        admin = *ApiClient::create(cluster.admin());
    }
    void cleanupTestCase() {
        admin.reset();
        cluster.stop();
    }

    void initialSnapshot() {
        LiveOptions opt;
        opt.ns = "";
        auto lc = startLive(cluster.admin(), opt);
        QVERIFY(lc);
        auto st = lc->status();
        QCOMPARE(st.state, ConnectionState::Live);
        QVERIFY2(st.problems.empty(), joined(st.problems).c_str());
        QCOMPARE(st.serverVersion, std::string("v1.36.3"));
        auto s = lc->snapshot();
        QCOMPARE(s->source(), std::string("context admin@hopscope-test"));
        QCOMPARE(s->ingresses().size(), std::size_t(6));
        QCOMPARE(s->ingressClasses().size(), std::size_t(2));
        QCOMPARE(s->services().size(), std::size_t(8 + 1300));
        QCOMPARE(s->endpointSlices().size(), std::size_t(5));
        QCOMPARE(s->pods().size(), std::size_t(10));
        QVERIFY(s->namespaces().find("", "paging-svc"));
        QCOMPARE(s->gatewayClasses().size(), std::size_t(1));
        QCOMPARE(s->gateways().size(), std::size_t(1));
        QCOMPARE(s->httpRoutes().size(), std::size_t(1));
        // Fields as the server has them: the admission plugin set b-ingress's class.
        QCOMPARE(s->ingresses().find("team-b", "b-ingress")->ingressClassName, std::optional<std::string>("nginx"));
        QCOMPARE(s->pods().find("team-a", "api-1")->ready, std::optional<bool>(false));
        QCOMPARE(s->pods().find("team-a", "web-0")->podIP, std::string("10.244.1.10"));
        // TLS Secrets fetched by name, certificate only; the Opaque b-secret is not referenced, so not read.
        QCOMPARE(s->secrets().size(), std::size_t(2));
        const model::Secret* tls = s->secrets().find("shop", "shop-tls");
        QVERIFY(tls && tls->certificate && tls->certificate->error.empty());
        QVERIFY(tls->certificate->covers("x.shop.example.com"));
        QVERIFY(tls->hadPrivateKey);
        QVERIFY(!lc->certificatePem("shop", "shop-tls").empty());
        QVERIFY(!s->secrets().find("team-b", "b-secret"));
        for (const auto& r : st.resources) QVERIFY2(r.synced, r.resource.resource.c_str());
    }

    void partialVisibilityUnderRbac() {
        auto jane = TestCluster::clientConfig(cluster.envs("JANE_KUBECONFIG"));
        QVERIFY(jane.ok());
        auto lc = startLive(*jane);
        QVERIFY(lc);
        auto st = lc->status();
        // Forbidden is not an error: everything jane may see is live.
        QCOMPARE(st.state, ConnectionState::Live);
        auto s = lc->snapshot();
        QCOMPARE(s->ingresses().size(), std::size_t(6));
        QCOMPARE(s->services().size(), std::size_t(1308));
        QCOMPARE(s->endpointSlices().size(), std::size_t(5));
        QCOMPARE(s->pods().size(), std::size_t(4));  // team-a only
        for (const auto& p : s->pods().all()) QCOMPARE(p->meta.ns, std::string("team-a"));
        // Exactly what she cannot see, in the API server's words.
        for (const char* ns : {"team-b", "shop", "default", "paging-svc"}) {
            std::string want = std::string("cannot list pods in namespace ") + ns +
                ": User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"" + ns + "\"";
            QVERIFY2(hasProblem(st, want), (want + "\nproblems:\n" + joined(st.problems)).c_str());
        }
        QVERIFY2(
            hasProblem(
                st,
                "cannot list namespaces: User \"jane\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope"),
            joined(st.problems).c_str());
        QVERIFY2(
            hasProblem(
                st,
                "cannot get secret shop/shop-tls: User \"jane\" cannot get resource \"secrets\" in API group \"\" in the namespace \"shop\""),
            joined(st.problems).c_str());
        for (const auto& p : st.problems) QVERIFY2(p.find("namespace team-a:") == std::string::npos, p.c_str());
        // The cluster-wide refusal was replaced by the per-namespace ones.
        QVERIFY(!hasProblem(
            st,
            "cannot list pods in all namespaces: User \"jane\" cannot list resource \"pods\" in API group \"\" at the cluster scope"));

        // Within one namespace (-n team-b): her pods there are refused, the rest is there.
        LiveOptions opt;
        opt.ns = "team-b";
        auto lcb = startLive(*jane, opt);
        QVERIFY(lcb);
        QCOMPARE(lcb->snapshot()->services().size(), std::size_t(2));
        QCOMPARE(lcb->snapshot()->pods().size(), std::size_t(0));
        QVERIFY2(
            hasProblem(
                lcb->status(),
                "cannot list pods in namespace team-b: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"team-b\""),
            joined(lcb->status().problems).c_str());
    }

    void watchUpdatesReachSnapshots() {
        auto lc = startLive(cluster.admin());
        QVERIFY(lc);
        Snap before = lc->snapshot();
        const std::string slice = "/apis/discovery.k8s.io/v1/namespaces/team-a/endpointslices/web-h8x2k";
        mutate("PATCH", slice, "[{\"op\":\"replace\",\"path\":\"/endpoints/1/conditions/ready\",\"value\":false}]",
               "application/json-patch+json");
        Snap s = waitForSnapshot(*lc, [](const model::ClusterState& st) {
            const auto* es = st.endpointSlices().find("team-a", "web-h8x2k");
            return es && es->endpoints.size() == 2 && es->endpoints[1].conditions.ready == std::optional<bool>(false);
        });
        QVERIFY2(s, "the EndpointSlice change never reached a snapshot");
        // Immutable snapshots share every object that did not change.
        QCOMPARE(s->services().findShared("shop", "frontend").get(),
                 before->services().findShared("shop", "frontend").get());
        QVERIFY(s->endpointSlices().findShared("team-a", "web-h8x2k").get() !=
                before->endpointSlices().findShared("team-a", "web-h8x2k").get());
        QVERIFY(s->generation() > before->generation());

        mutate(
            "POST", "/api/v1/namespaces/team-a/pods",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-2\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"registry.example/web:1\"}]}}");
        mutate("DELETE", "/api/v1/namespaces/shop/pods/cart-0", "{\"gracePeriodSeconds\":0}");
        mutate("PATCH", "/apis/networking.k8s.io/v1/namespaces/team-b/ingresses/b-ingress",
               "{\"metadata\":{\"annotations\":{\"hopscope.test/changed\":\"yes\"}}}", "application/merge-patch+json");
        mutate("DELETE", "/apis/networking.k8s.io/v1/namespaces/shop/ingresses/broken", "");
        s = waitForSnapshot(*lc, [](const model::ClusterState& st) {
            const auto* ing = st.ingresses().find("team-b", "b-ingress");
            return st.pods().find("team-a", "web-2") && !st.pods().find("shop", "cart-0") && ing &&
                model::lookup(ing->meta.annotations, "hopscope.test/changed") && !st.ingresses().find("shop", "broken");
        });
        QVERIFY2(s, "create/delete/patch did not all reach a snapshot");
        QVERIFY(lc->lastPublishLatency() < std::chrono::seconds(1));
        std::string diff = test::converge(*lc, cluster.admin());
        QVERIFY2(diff.empty(), diff.c_str());
    }

    void paginationOver1300Objects() {
        // Plain pages of 100 (no watch-list), namespace paging-svc: 13 pages.
        LiveOptions opt;
        opt.ns = "paging-svc";
        opt.kinds = {model::Kind::Service};
        opt.reflector.pageSize = 100;
        opt.reflector.useWatchList = false;
        opt.fetchTlsSecrets = false;
        auto lc = startLive(cluster.admin(), opt);
        QVERIFY(lc);
        auto s = lc->snapshot();
        QCOMPARE(s->services().size(), std::size_t(1300));
        QVERIFY(s->services().find("paging-svc", "svc-00000"));
        QVERIFY(s->services().find("paging-svc", "svc-01299"));
        QVERIFY2(lc->client().http().stats().requests >= 13 + 3, "expected at least 13 list pages");
        QVERIFY(!lc->status().resources.front().watchList);

        // The pages themselves: every page shares the first page's resourceVersion.
        ApiResource svc{"", "v1", "services", "Service", true, model::Kind::Service};
        ListOptions lo;
        lo.limit = 500;
        std::set<std::string> names;
        std::string rv;
        int pages = 0;
        ObjectDecoder dec;
        do {
            auto page = admin->listPage(svc, "paging-svc", lo, [&](std::string_view item) {
                auto o = dec.decodeItem(item, svc);
                if (o) names.insert(model::metaOf(*o).name);
            });
            QVERIFY2(page.ok(), page.ok() ? "" : page.error().message.c_str());
            if (pages++ == 0)
                rv = page->resourceVersion;
            else
                QCOMPARE(page->resourceVersion, rv);
            QVERIFY(page->continueToken.empty() || page->remainingItemCount > 0);
            lo.continueToken = page->continueToken;
        } while (!lo.continueToken.empty());
        QCOMPARE(pages, 3);
        QCOMPARE(names.size(), std::size_t(1300));
    }

    void watchListAndListAgree() {
        LiveOptions wl;
        wl.reflector.useWatchList = true;
        auto a = startLive(cluster.admin(), wl);
        LiveOptions l;
        l.reflector.useWatchList = false;
        auto b = startLive(cluster.admin(), l);
        QVERIFY(a && b);
        bool usedWatchList = false;
        for (const auto& r : a->status().resources) usedWatchList = usedWatchList || r.watchList;
        QVERIFY2(usedWatchList, "the server supports watch-list (sendInitialEvents); it should have been used");
        QCOMPARE(test::fingerprint(*a->snapshot()), test::fingerprint(*b->snapshot()));
    }

    void cliLiveSource() {
        std::string kc = cluster.envs("ADMIN_KUBECONFIG");
        auto live = runCli({"lint", "--kubeconfig", kc});
        QVERIFY2(live.code == cli::kExitFindings,
                 (live.out + live.err).c_str());  // the seeded ghost Service has no endpoints
        QVERIFY2(live.out.find("[Service shop/ghost spec.selector]") != std::string::npos, live.out.c_str());

        // A snapshot loads offline with no problem of its own: lint finds exactly what it finds live.
        QTemporaryDir dir;
        std::string out = dir.filePath("snap").toStdString();
        auto snap = runCli({"snapshot", "--kubeconfig", kc, "-o", out});
        QVERIFY2(snap.code == 0, snap.err.c_str());
        QVERIFY2(snap.err.find("wrote ") != std::string::npos, snap.err.c_str());
        auto offline = runCli({"lint", "-f", out});
        QVERIFY2(offline.err.find("0 error(s)") != std::string::npos, offline.err.c_str());
        auto messages = [](const std::string& text) {
            std::multiset<std::string> m;
            std::istringstream in(text);
            std::string line;
            while (std::getline(in, line)) {
                auto w = line.find("warning: ");
                if (w != std::string::npos) m.insert(line.substr(w));
            }
            return m;
        };
        QCOMPARE(messages(offline.out), messages(live.out));
        // Certificates made it, keys did not.
        std::ifstream secrets(out + "/secrets.yaml");
        std::string text((std::istreambuf_iterator<char>(secrets)), {});
        QVERIFY2(text.find("tls.crt:") != std::string::npos, text.c_str());
        QVERIFY(text.find("tls.key") == std::string::npos || text.find("tls.key was not copied") != std::string::npos);
        QVERIFY(text.find("PRIVATE KEY") == std::string::npos);
        // Route-relevant objects round-trip: same objects, same fields the model keeps.
        auto loaded = model::loadManifests({out});
        QVERIFY(!loaded.inputError);
        auto fresh = readLiveOnce(cluster.admin());
        QVERIFY(fresh.ok());
        auto want = test::fingerprint(*fresh->state), have = test::fingerprint(*loaded.state);
        QVERIFY2(want == have, test::describeDiff(want, have).c_str());

        // jane: partial visibility is reported, the snapshot still written.
        auto janeSnap = runCli(
            {"snapshot", "--kubeconfig", cluster.envs("JANE_KUBECONFIG"), "-o", dir.filePath("jane").toStdString()});
        QCOMPARE(janeSnap.code, 0);
        QVERIFY2(
            janeSnap.err.find("warning: cannot list pods in namespace default: User \"jane\"") != std::string::npos,
            janeSnap.err.c_str());
        QVERIFY2(janeSnap.err.find("more namespaces") != std::string::npos, janeSnap.err.c_str());

        // contexts over a KUBECONFIG chain: JSON as documented, no secret values.
        std::string chain = kc + ":" + cluster.envs("JANE_KUBECONFIG") + ":" + cluster.envs("EXEC_KUBECONFIG") + ":" +
            cluster.envs("CERT_USER_KUBECONFIG");
        ::setenv("KUBECONFIG", chain.c_str(), 1);
        auto ctx = runCli({"contexts", "--json"});
        ::unsetenv("KUBECONFIG");
        QCOMPARE(ctx.code, 0);
        QVERIFY2(ctx.out.find("\"currentContext\": \"admin@hopscope-test\"") != std::string::npos, ctx.out.c_str());
        for (const char* auth : {"\"auth\": \"token\"", "\"auth\": \"exec\"", "\"auth\": \"clientCertificate\""})
            QVERIFY2(ctx.out.find(auth) != std::string::npos, ctx.out.c_str());
        QVERIFY2(ctx.out.find("\"definedIn\": \"" + cluster.envs("EXEC_KUBECONFIG") + "\"") != std::string::npos,
                 ctx.out.c_str());
        QVERIFY2(ctx.out.find("\"execCommand\": \"" + cluster.envs("EXEC_PLUGIN") + "\"") != std::string::npos,
                 ctx.out.c_str());
        std::ifstream tok(cluster.envs("ADMIN_TOKEN_FILE"));
        std::string adminToken;
        tok >> adminToken;
        QVERIFY(!adminToken.empty());
        QVERIFY2(ctx.out.find(adminToken) == std::string::npos, "the admin token leaked into `contexts --json`");
        QVERIFY(ctx.out.find("exec-token-valid") == std::string::npos);
        QVERIFY(ctx.out.find("BEGIN") == std::string::npos);
    }

    // Runs last: it restarts the API server.
    void relistAfterExpiredResourceVersion() {
        LiveOptions opt;
        opt.reflector.useWatchList = false;
        auto lc = startLive(cluster.admin(), opt);
        QVERIFY(lc);
        // Writes the pod watch does not see move the server's resourceVersion past the watch's; a
        // restarted API server's watch cache starts there, so resuming from the old one is 410.
        for (int i = 0; i < 3; ++i)
            mutate("POST", "/api/v1/namespaces/default/configmaps",
                   "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"bump-" + std::to_string(i) +
                       "\"}}");
        QString out;
        QVERIFY2(cluster.script("restart-apiserver.sh", {}, &out), qPrintable(out));
        mutate(
            "POST", "/api/v1/namespaces/team-b/pods",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"after-restart\",\"labels\":{\"app\":\"backend\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}");
        std::string diff = test::converge(*lc, cluster.admin());
        QVERIFY2(diff.empty(), diff.c_str());
        std::uint64_t relists = 0;
        for (const auto& r : lc->status().resources)
            if (r.resource.resource == "pods") relists += r.relists;
        QVERIFY2(relists >= 1, "the pod reflector should have relisted after 410 Expired");
        // Every reflector is back (some were still in their retry backoff when the pods converged).
        bool live = test::waitForStatus(
            *lc, [](const LiveStatus& st) { return st.state == ConnectionState::Live; }, std::chrono::seconds(60));
        std::string why;
        for (const auto& r : lc->status().resources)
            if (r.phase != ReflectorPhase::Watching)
                why += r.resource.resource + " " + reflectorPhaseName(r.phase) +
                    (r.lastError ? ": " + r.lastError->message : "") + "\n";
        QVERIFY2(live, why.c_str());

        // The same condition at the API level: an ERROR event with a 410 Status.
        ApiResource pods{"", "v1", "pods", "Pod", true, model::Kind::Pod};
        WatchOptions wo;
        wo.resourceVersion = "1";
        auto w = admin->watch(pods, "team-a", wo);
        QVERIFY(w.ok());
        std::string_view ev;
        QCOMPARE((*w)->next(ev, std::chrono::seconds(10)), WatchStream::Next::Event);
        ObjectDecoder dec;
        auto e = dec.decodeEvent(ev, pods);
        QVERIFY(e.ok());
        QCOMPARE(e->type, WatchEventType::Error);
        QCOMPARE(statusError(*e->status, e->status->code, "watch pods").code, ErrorCode::Expired);
    }
};

QTEST_GUILESS_MAIN(TestLiveSync)
#include "tst_live_sync.moc"
