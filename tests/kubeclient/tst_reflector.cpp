// Reflector behaviour that a real API server shows only in rare moments, against a stub server
// that produces them on demand: a continue token expiring in the middle of a list (410 ⇒ the
// list starts over), a server refusing watch-list (⇒ list + watch, remembered for the client),
// and an ERROR 410 event in a watch (⇒ relist replacing what was there).
#include "kubeclient/reflector.h"
#include "test_servers.h"

#include <QtTest>

#include <condition_variable>
#include <set>

using namespace hs;
using namespace hs::kube;

namespace {

struct Sink : ReflectorSink {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<ReflectorDelta> deltas;
    void deliver(ReflectorDelta d) override {
        {
            std::lock_guard lock(mu);
            deltas.push_back(std::move(d));
        }
        cv.notify_all();
    }
    // Waits for a delta matching `pred`; returns it.
    template <class P>
    std::optional<ReflectorDelta> waitFor(P pred, std::chrono::seconds timeout = std::chrono::seconds(15)) {
        std::unique_lock lock(mu);
        std::optional<ReflectorDelta> found;
        cv.wait_for(lock, timeout, [&] {
            for (const auto& d : deltas)
                if (pred(d)) {
                    found = d;
                    return true;
                }
            return false;
        });
        return found;
    }
    int count(ReflectorDelta::Type t) {
        std::lock_guard lock(mu);
        return static_cast<int>(
            std::count_if(deltas.begin(), deltas.end(), [&](const auto& d) { return d.type == t; }));
    }
};

std::string svc(const std::string& name, const std::string& rv = "5") {
    return "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"ns\",\"resourceVersion\":\"" + rv +
        "\"},\"spec\":{\"ports\":[{\"port\":80}]}}";
}
std::string list(const std::vector<std::string>& items, const std::string& rv, const std::string& cont) {
    std::string s = "{\"kind\":\"ServiceList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"" + rv + "\"";
    if (!cont.empty()) s += ",\"continue\":\"" + cont + "\"";
    s += "},\"items\":[";
    for (std::size_t i = 0; i < items.size(); ++i) s += (i ? "," : "") + items[i];
    return s + "]}";
}
std::string status(int code, const std::string& reason, const std::string& msg) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + msg +
        "\",\"reason\":\"" + reason + "\",\"code\":" + std::to_string(code) + "}";
}
bool has(const std::string& target, const std::string& part) { return target.find(part) != std::string::npos; }

std::shared_ptr<ApiClient> clientFor(int port) {
    ClientConfig cc;
    cc.contextName = "stub";
    cc.cluster.name = "stub";
    cc.cluster.server = "http://127.0.0.1:" + std::to_string(port);
    cc.user.name = "u";
    cc.user.token.assign("stub-token");
    ApiClientOptions o;
    o.readIdleTimeout = std::chrono::milliseconds(0);
    return *ApiClient::create(cc, o);
}

const ApiResource kServices{"", "v1", "services", "Service", true, model::Kind::Service};

std::set<std::string> names(const ReflectorDelta& d) {
    std::set<std::string> n;
    for (const auto& o : d.objects) n.insert(model::metaOf(o).name);
    return n;
}

}  // namespace

class TestReflector : public QObject {
    Q_OBJECT
private slots:
    void expiredContinueTokenRestartsTheList() {
        std::atomic<int> expired{0};
        test::StubApiServer server([&](const std::string&, const std::string& t) -> test::StubApiServer::Response {
            if (has(t, "continue=page2-old")) {
                ++expired;
                return {410,
                        status(410, "Expired",
                               "The provided continue parameter is too old to display a consistent list result.")};
            }
            if (has(t, "continue=page2-new")) return {200, list({svc("c")}, "20", "")};
            // First list: a token that will have expired; the restarted list: a fresh one.
            return {200, list({svc("a"), svc("b")}, expired ? "20" : "10", expired ? "page2-new" : "page2-old")};
        });
        QVERIFY(server.start());
        Sink sink;
        ReflectorOptions o;
        o.watch = false;
        o.pageSize = 2;
        Reflector r(1, clientFor(server.port), kServices, "", o, &sink);
        r.start();
        auto d = sink.waitFor([](const ReflectorDelta& x) { return x.type == ReflectorDelta::Type::Replace; });
        QVERIFY(d);
        QCOMPARE(names(*d), (std::set<std::string>{"a", "b", "c"}));
        QVERIFY(sink.waitFor([](const ReflectorDelta& x) { return x.status.phase == ReflectorPhase::Done; }));
        r.stop();
        QCOMPARE(expired.load(), 1);
        auto reqs = server.requests();
        QCOMPARE(reqs.size(), std::size_t(4));
        QVERIFY2(has(reqs[2], "limit=2") && !has(reqs[2], "continue="), reqs[2].c_str());
    }

    void serverWithoutWatchListGetsListAndWatch() {
        test::StubApiServer server([&](const std::string&, const std::string& t) -> test::StubApiServer::Response {
            if (has(t, "sendInitialEvents=true"))
                return {422,
                        status(422, "Invalid",
                               "ListOptions.meta.k8s.io \\\"\\\" is invalid: sendInitialEvents: Forbidden")};
            if (has(t, "watch=1")) return {200, "", {"{\"type\":\"ADDED\",\"object\":" + svc("d", "11") + "}\n"}, 5000};
            return {200, list({svc("a")}, "10", "")};
        });
        QVERIFY(server.start());
        auto client = clientFor(server.port);
        Sink sink;
        Reflector r(1, client, kServices, "", {}, &sink);
        r.start();
        auto up = sink.waitFor([](const ReflectorDelta& x) { return x.type == ReflectorDelta::Type::Upsert; });
        QVERIFY(up);
        QCOMPARE(names(*up), std::set<std::string>{"d"});
        r.stop();
        QVERIFY(!client->watchListEnabled());  // remembered: the other reflectors list right away
        auto reqs = server.requests();
        QVERIFY2(has(reqs.at(0), "sendInitialEvents=true"), reqs.at(0).c_str());
        QVERIFY2(has(reqs.at(1), "limit=500"), reqs.at(1).c_str());
        QVERIFY2(has(reqs.at(2), "watch=1&resourceVersion=10&allowWatchBookmarks=true"), reqs.at(2).c_str());
        QVERIFY(!r.status().watchList);
    }

    void watchListWithBookmark() {
        test::StubApiServer server([&](const std::string&, const std::string& t) -> test::StubApiServer::Response {
            if (has(t, "sendInitialEvents=true"))
                return {
                    200,
                    "",
                    {"{\"type\":\"ADDED\",\"object\":" + svc("a") + "}\n{\"type\":\"ADDED\",\"object\":" + svc("b") +
                         "}",
                     "\n{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Service\",\"metadata\":{\"resourceVersion\":\"12\","
                     "\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}}\n",
                     "{\"type\":\"DELETED\",\"object\":" + svc("a", "13") + "}\n"},
                    5000};
            return {500, status(500, "InternalError", "unexpected request")};
        });
        QVERIFY(server.start());
        Sink sink;
        Reflector r(1, clientFor(server.port), kServices, "", {}, &sink);
        r.start();
        auto rep = sink.waitFor([](const ReflectorDelta& x) { return x.type == ReflectorDelta::Type::Replace; });
        QVERIFY(rep);
        QCOMPARE(names(*rep), (std::set<std::string>{"a", "b"}));
        auto del = sink.waitFor([](const ReflectorDelta& x) { return x.type == ReflectorDelta::Type::Delete; });
        QVERIFY(del);
        QCOMPARE(del->name, std::string("a"));
        r.stop();
        QVERIFY(r.status().watchList);
        QCOMPARE(server.requests().size(), std::size_t(1));  // one request did the sync and the watch
    }

    void watchErrorExpiredRelists() {
        std::atomic<int> lists{0};
        test::StubApiServer server([&](const std::string&, const std::string& t) -> test::StubApiServer::Response {
            if (has(t, "watch=1"))
                return {200,
                        "",
                        {"{\"type\":\"ERROR\",\"object\":" +
                         status(410, "Expired", "too old resource version: 10 (15)") + "}\n"},
                        0};
            // The second list no longer has "a": the relist must remove it.
            return {200, ++lists == 1 ? list({svc("a"), svc("b")}, "10", "") : list({svc("b")}, "15", "")};
        });
        QVERIFY(server.start());
        Sink sink;
        ReflectorOptions o;
        o.useWatchList = false;
        Reflector r(1, clientFor(server.port), kServices, "", o, &sink);
        r.start();
        auto second = sink.waitFor(
            [](const ReflectorDelta& x) { return x.type == ReflectorDelta::Type::Replace && x.objects.size() == 1; });
        QVERIFY(second);
        QCOMPARE(names(*second), std::set<std::string>{"b"});
        r.stop();
        QVERIFY(r.status().relists >= 1);
    }
};

QTEST_GUILESS_MAIN(TestReflector)
#include "tst_reflector.moc"
