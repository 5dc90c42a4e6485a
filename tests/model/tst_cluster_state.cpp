// ClusterState: indexes, selector lookups, replacement semantics, and sharing objects between
// snapshots (what live updates rely on).
#include "model/cluster_state.h"

#include <QtTest>

#include <thread>

using namespace hs::model;

namespace {
Pod pod(const std::string& ns, const std::string& name, StringMap labels, const std::string& ip) {
    Pod p;
    p.meta.ns = ns;
    p.meta.name = name;
    p.meta.labels = std::move(labels);
    p.podIP = ip;
    return p;
}
}  // namespace

class TestClusterState : public QObject {
    Q_OBJECT
private slots:
    void indexesAndLookups() {
        ClusterStateBuilder b;
        b.add(pod("a", "p1", {{"app", "web"}, {"tier", "front"}}, "10.0.0.1"));
        b.add(pod("a", "p2", {{"app", "web"}}, "10.0.0.2"));
        b.add(pod("b", "p3", {{"app", "web"}}, "10.0.0.3"));
        EndpointSlice s;
        s.meta.ns = "a";
        s.meta.name = "web-1";
        setValue(s.meta.labels, std::string(kServiceNameLabel), "web");
        b.add(s);
        auto st = b.build();
        QCOMPARE(st->pods().size(), size_t(3));
        QVERIFY(st->pods().find("a", "p2"));
        QVERIFY(!st->pods().find("a", "p3"));
        QCOMPARE(st->pods().inNamespace("a").size(), size_t(2));
        QCOMPARE(st->pods().inNamespace("c").size(), size_t(0));
        QCOMPARE(st->podsMatching("a", StringMap{{"app", "web"}}).size(), size_t(2));
        QCOMPARE(st->podsMatching("a", StringMap{{"app", "web"}, {"tier", "front"}}).size(), size_t(1));
        QCOMPARE(st->podsMatching("a", StringMap{{"app", "db"}}).size(), size_t(0));
        QCOMPARE(st->podsMatching("a", StringMap{}).size(), size_t(0));  // empty selector selects nothing
        LabelSelector sel;
        sel.matchExpressions.push_back({"tier", "DoesNotExist", {}});
        setValue(sel.matchLabels, "app", "web");
        QCOMPARE(st->podsMatching("a", sel).size(), size_t(1));
        QCOMPARE(st->podByIP("10.0.0.3")->meta.name, std::string("p3"));
        QVERIFY(!st->podByIP("10.9.9.9"));
        QCOMPARE(st->slicesForService("a", "web").size(), size_t(1));
        QCOMPARE(st->objectCount(), size_t(4));
        QVERIFY(st->contains({Kind::Pod, "b", "p3"}));
    }

    void nextSnapshotSharesUnchangedObjects() {
        ClusterStateBuilder b;
        b.add(pod("a", "p1", {{"app", "web"}}, "10.0.0.1"));
        b.add(pod("a", "p2", {{"app", "web"}}, "10.0.0.2"));
        auto first = b.build();
        ClusterStateBuilder next(*first);
        QVERIFY(next.remove(Kind::Pod, "a", "p2"));
        QVERIFY(!next.remove(Kind::Pod, "a", "nope"));
        next.add(pod("a", "p3", {{"app", "web"}}, "10.0.0.3"));
        auto second = next.build();
        QCOMPARE(second->generation(), first->generation() + 1);
        QCOMPARE(first->pods().size(), size_t(2));  // the old snapshot is untouched
        QCOMPARE(second->pods().size(), size_t(2));
        QCOMPARE(second->pods().findShared("a", "p1").get(), first->pods().findShared("a", "p1").get());
        QVERIFY(!second->pods().find("a", "p2"));
    }

    void concurrentReaders() {
        ClusterStateBuilder b;
        for (int i = 0; i < 2000; ++i)
            b.add(pod("ns", "p" + std::to_string(i), {{"app", "a" + std::to_string(i % 10)}}, ""));
        std::shared_ptr<const ClusterState> st = b.build();
        std::atomic<int> found{0};
        std::vector<std::thread> ts;
        for (int t = 0; t < 4; ++t)
            ts.emplace_back([&] {
                for (int i = 0; i < 10; ++i) found += int(st->podsMatching("ns", StringMap{{"app", "a3"}}).size());
            });
        for (auto& t : ts) t.join();
        QCOMPARE(found.load(), 4 * 10 * 200);
    }

    void workloadKindsShareOneStore() {
        ClusterStateBuilder b;
        Workload d;
        d.meta.ns = "a";
        d.meta.name = "x";
        Workload s = d;
        s.meta.name = "y";
        s.workloadKind = WorkloadKind::StatefulSet;
        b.add(d);
        b.add(s);
        auto st = b.build();
        QCOMPARE(st->count(Kind::Deployment), size_t(1));
        QCOMPARE(st->count(Kind::StatefulSet), size_t(1));
        ClusterStateBuilder c(*st);
        c.clear(Kind::StatefulSet);
        QCOMPARE(c.build()->workloads().size(), size_t(1));
    }
};

QTEST_APPLESS_MAIN(TestClusterState)
#include "tst_cluster_state.moc"
