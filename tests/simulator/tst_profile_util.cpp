// The matching helpers the spec, gce and gateway-api profiles share: element-wise prefixes and
// their explanations, the two wildcard flavours, and Gateway API's hostname intersection.
#include "simulator/balancer.h"
#include "simulator/gateway/gateway_model.h"
#include "simulator/profile_util.h"

#include <QtTest>

using namespace hs::sim;

class TestProfileUtil : public QObject {
    Q_OBJECT
private slots:
    void elementPrefix_data() {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("match");
        QTest::newRow("root takes everything") << "/"
                                               << "/anything/at/all" << true;
        QTest::newRow("equal") << "/foo"
                               << "/foo" << true;
        QTest::newRow("trailing slash on the request") << "/foo"
                                                       << "/foo/" << true;
        QTest::newRow("trailing slash on the rule") << "/foo/"
                                                    << "/foo" << true;
        QTest::newRow("sub-path") << "/aaa/bbb"
                                  << "/aaa/bbb/ccc" << true;
        QTest::newRow("string prefix is not an element prefix") << "/aaa/bb"
                                                                << "/aaa/bbb" << false;
        QTest::newRow("longer last element") << "/aaa/bbb"
                                             << "/aaa/bbbxyz" << false;
        QTest::newRow("shorter request") << "/foo/bar"
                                         << "/foo" << false;
        QTest::newRow("case-sensitive") << "/foo"
                                        << "/FOO" << false;
    }
    void elementPrefix() {
        QFETCH(QString, rule);
        QFETCH(QString, path);
        QFETCH(bool, match);
        QCOMPARE(elementPrefixMatch(rule.toStdString(), path.toStdString()), match);
    }

    void mismatchNamesTheElement() {
        std::string why = prefixMismatch("/api", "/apiary");
        QVERIFY2(why.find("element `apiary` ≠ `api`") != std::string::npos, why.c_str());
        why = prefixMismatch("/foo/bar", "/foo");
        QVERIFY2(why.find("needs element `bar`") != std::string::npos, why.c_str());
    }

    void wildcards_data() {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("oneLabel");
        QTest::addColumn<bool>("anyLabels");
        QTest::newRow("one label") << "*.foo.com"
                                   << "bar.foo.com" << true << true;
        QTest::newRow("two labels") << "*.foo.com"
                                    << "baz.bar.foo.com" << false << true;
        QTest::newRow("the base itself") << "*.foo.com"
                                         << "foo.com" << false << false;
        QTest::newRow("case-insensitive") << "*.Foo.com"
                                          << "bar.FOO.com" << true << true;
        QTest::newRow("exact") << "shop.example.com"
                               << "shop.example.com" << true << true;
        QTest::newRow("other domain") << "*.foo.com"
                                      << "bar.foo.org" << false << false;
        QTest::newRow("suffix without dot") << "*.foo.com"
                                            << "barfoo.com" << false << false;
    }
    void wildcards() {
        QFETCH(QString, pattern);
        QFETCH(QString, host);
        QFETCH(bool, oneLabel);
        QFETCH(bool, anyLabels);
        QCOMPARE(hostMatches(pattern.toStdString(), host.toStdString(), WildcardSpan::OneLabel), oneLabel);
        QCOMPARE(hostMatches(pattern.toStdString(), host.toStdString(), WildcardSpan::AnyLabels), anyLabels);
    }

    void intersection_data() {
        QTest::addColumn<QString>("listener");
        QTest::addColumn<QString>("route");
        QTest::addColumn<QString>("result");
        QTest::newRow("equal") << "shop.example.com"
                               << "shop.example.com"
                               << "shop.example.com";
        QTest::newRow("listener wildcard, route exact") << "*.example.com"
                                                        << "a.b.example.com"
                                                        << "a.b.example.com";
        QTest::newRow("listener exact, route wildcard") << "shop.example.com"
                                                        << "*.example.com"
                                                        << "shop.example.com";
        QTest::newRow("nested wildcards") << "*.example.com"
                                          << "*.tenants.example.com"
                                          << "*.tenants.example.com";
        QTest::newRow("disjoint") << "shop.example.com"
                                  << "api.example.com"
                                  << "";
        QTest::newRow("wildcard does not take its base") << "*.example.com"
                                                         << "example.com"
                                                         << "";
    }
    void intersection() {
        QFETCH(QString, listener);
        QFETCH(QString, route);
        QFETCH(QString, result);
        QCOMPARE(QString::fromStdString(gateway::intersectHostnames(listener.toStdString(), route.toStdString())),
                 result);
    }

    void roundRobinCyclesFromASeededStart() {
        Rng a(7), b(7);
        RoundRobinState s1, s2;
        std::vector<std::size_t> seq1, seq2;
        for (int i = 0; i < 6; ++i) {
            seq1.push_back(roundRobinPick(s1, 3, a));
            seq2.push_back(roundRobinPick(s2, 3, b));
        }
        QCOMPARE(seq1, seq2);
        QVERIFY(seq1[0] != seq1[1] && seq1[1] != seq1[2] && seq1[0] != seq1[2]);
        QCOMPARE(seq1[3], seq1[0]);
    }
};

QTEST_APPLESS_MAIN(TestProfileUtil)
#include "tst_profile_util.moc"
