// The guided lessons: every compiled-in lesson parses, every request of it routes on the demo
// cluster to exactly what the lesson says (so lesson text cannot drift from the engine), every
// teaching text belongs to a hop the learner will actually see, and malformed lesson files give
// located errors instead of crashes.
#include "app/gui/lesson.h"
#include "resources/demo.h"
#include "tests/test_paths.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTest>

#include <set>

using namespace hs;

class TestLessons : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void everyLessonFileIsCompiledIn();
    void lessonsCoverTheTopics();
    void requestHoldsOnTheDemo_data();
    void requestHoldsOnTheDemo();
    void malformedLessonIsLocated_data();
    void malformedLessonIsLocated();
    void expectationMismatchIsReported();

private:
    std::shared_ptr<const model::ClusterState> demo_;
    std::vector<gui::Lesson> lessons_;
    std::vector<gui::LessonRun> runs_;
};

void TestLessons::initTestCase() {
    QElapsedTimer t;
    t.start();
    demo_ = demo::load().state;
    const qint64 loadMs = t.restart();
    std::vector<std::string> errors;
    lessons_ = gui::builtinLessons(&errors);
    std::string all;
    for (const auto& e : errors) all += e + '\n';
    QVERIFY2(errors.empty(), all.c_str());
    const qint64 parseMs = t.restart();
    for (const auto& l : lessons_) runs_.push_back(gui::runLesson(l, demo_));
    const qint64 runMs = t.elapsed();
    qInfo("demo load %lld ms, %zu lessons parsed in %lld ms, routed in %lld ms", loadMs, lessons_.size(), parseMs,
          runMs);
}

void TestLessons::everyLessonFileIsCompiledIn() {
    const QDir dir(QString::fromStdString(hs::testing::sourceDir() + "/resources/lessons"));
    QVERIFY2(dir.exists(), qPrintable(dir.path()));
    std::set<std::string> onDisk, compiled;
    for (const QString& f : dir.entryList({QStringLiteral("*.yaml")}, QDir::Files)) onDisk.insert(f.toStdString());
    for (const std::string& p : gui::builtinLessonFiles()) compiled.insert(p.substr(p.rfind('/') + 1));
    for (const auto& f : onDisk)
        QVERIFY2(
            compiled.count(f),
            qPrintable(
                QStringLiteral("%1 is not listed in resources/lessons/lessons.qrc").arg(QString::fromStdString(f))));
    QCOMPARE(compiled.size(), onDisk.size());
    QCOMPARE(lessons_.size(), onDisk.size());
}

void TestLessons::lessonsCoverTheTopics() {
    // The topics the teaching mode promises (docs/gui.md); each must have a lesson with a request
    // whose decision shows it.
    bool wildcardHost = false, exact = false, prefix = false, regex = false, sni = false, sslRedirect = false,
         defaultBackend = false, canaryHeader = false, canaryWeight = false, hash = false, ewma = false;
    std::set<std::string> roundRobinEndpoints;
    for (const auto& run : runs_) {
        for (const sim::Decision& d : run.decisions) {
            wildcardHost |= d.server.rfind("*.", 0) == 0;
            exact |= d.pathType == "Exact" && d.outcome == sim::Outcome::Routed;
            prefix |= d.pathType == "Prefix";
            regex |= d.pathType == "ImplementationSpecific" && d.upstreamPath != "";
            sni |= d.tlsCertificate != "" && d.tlsCertificate != "default";
            sslRedirect |= d.outcome == sim::Outcome::Redirect && d.redirectLocation.rfind("https://", 0) == 0;
            defaultBackend |= d.server == "_" || d.outcome == sim::Outcome::DefaultBackend;
            canaryHeader |= d.canaryRule == sim::CanaryRule::Header && d.canary;
            canaryWeight |= d.canaryRule == sim::CanaryRule::Weight;
            for (const auto& h : d.hops) {
                if (h.stage != sim::Stage::Endpoint) continue;
                hash |= h.reason.find("consistent hash") != std::string::npos;
                ewma |= h.reason.find("ewma") != std::string::npos;
                if (h.reason.find("round robin") != std::string::npos && d.service == "shop/storefront")
                    roundRobinEndpoints.insert(d.endpoint);
            }
        }
    }
    QVERIFY(wildcardHost);
    QVERIFY(exact);
    QVERIFY(prefix);
    QVERIFY(regex);
    QVERIFY(sni);
    QVERIFY(sslRedirect);
    QVERIFY(defaultBackend);
    QVERIFY(canaryHeader);
    QVERIFY(canaryWeight);
    QVERIFY(hash);
    QVERIFY(ewma);
    QVERIFY2(roundRobinEndpoints.size() >= 2, "the load-balancing lesson must show round robin changing the endpoint");
}

void TestLessons::requestHoldsOnTheDemo_data() {
    QTest::addColumn<int>("lesson");
    QTest::addColumn<int>("request");
    for (std::size_t l = 0; l < lessons_.size(); ++l)
        for (std::size_t r = 0; r < lessons_[l].requests.size(); ++r)
            QTest::addRow("%s #%zu %s", lessons_[l].file.c_str(), r + 1, lessons_[l].requests[r].url.c_str())
                << static_cast<int>(l) << static_cast<int>(r);
}

void TestLessons::requestHoldsOnTheDemo() {
    QFETCH(int, lesson);
    QFETCH(int, request);
    const gui::Lesson& l = lessons_[static_cast<std::size_t>(lesson)];
    const gui::LessonRun& run = runs_[static_cast<std::size_t>(lesson)];
    QVERIFY2(run.error.empty(), run.error.c_str());
    QCOMPARE(run.decisions.size(), l.requests.size());
    const gui::LessonRequest& lr = l.requests[static_cast<std::size_t>(request)];
    const sim::Decision& d = run.decisions[static_cast<std::size_t>(request)];

    // The lesson's promise, checked by the same call the panel uses.
    std::string why;
    for (const auto& m : run.mismatches[static_cast<std::size_t>(request)]) why += m + "; ";
    QVERIFY2(why.empty(), (l.file + ":" + std::to_string(lr.line) + ": " + why).c_str());
    // Independently of checkExpectation: the outcome written in the file is the engine's.
    QCOMPARE(lr.expect.fields.front().first, std::string("outcome"));
    QCOMPARE(std::string(sim::outcomeName(d.outcome)), lr.expect.fields.front().second);

    // Every teaching text is shown: its stage is one of the decision's hops.
    std::set<std::string> stages;
    for (const auto& h : d.hops) stages.insert(sim::stageName(h.stage));
    for (const auto& [stage, text] : lr.teach)
        QVERIFY2(stages.count(stage),
                 (l.file + ":" + std::to_string(lr.line) + ": teach." + stage +
                  " is never shown: the decision has no " + stage + " hop")
                     .c_str());
    QVERIFY2(!lr.teach.empty(), (l.file + ":" + std::to_string(lr.line) + ": a request with nothing to teach").c_str());
    QVERIFY2(!d.hops.empty(), "explain mode gives hops");
}

void TestLessons::malformedLessonIsLocated_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("error");
    const QString req =
        QStringLiteral("requests:\n  - url: https://shop.example.com/\n    expect: {outcome: routed}\n");
    QTest::newRow("yaml syntax") << QStringLiteral("title: x\nrequests: [\n  - url: a\n")
                                 << QStringLiteral("bad.yaml:");
    QTest::newRow("not a mapping") << QStringLiteral("- a\n- b\n")
                                   << QStringLiteral("bad.yaml:1:1: a lesson must be a mapping");
    QTest::newRow("no title") << QString(req) << QStringLiteral("bad.yaml:1:1: a lesson needs 'title'");
    QTest::newRow("unknown key") << QStringLiteral("title: x\ntitel: y\n") + req
                                 << QStringLiteral("bad.yaml:2:1: unknown key 'titel' in the lesson");
    QTest::newRow("no requests") << QStringLiteral("title: x\nrequests: []\n")
                                 << QStringLiteral("bad.yaml:2:11: a lesson needs a non-empty list 'requests'");
    QTest::newRow("request without url") << QStringLiteral(
                                                "title: x\nrequests:\n  - label: y\n    expect: {outcome: routed}\n")
                                         << QStringLiteral("bad.yaml:3:5: a request needs 'url'");
    QTest::newRow("url with a space")
        << QStringLiteral("title: x\nrequests:\n  - url: https://shop.example.com/a b\n    expect: {outcome: routed}\n")
        << QStringLiteral("bad.yaml:3:10: url 'https://shop.example.com/a b'");
    QTest::newRow("unknown stage")
        << QStringLiteral(
               "title: x\nrequests:\n  - url: https://a/\n    teach: {hots: x}\n    expect: {outcome: routed}\n")
        << QStringLiteral("bad.yaml:4:13: unknown stage 'hots' in teach");
    QTest::newRow("no expect") << QStringLiteral("title: x\nrequests:\n  - url: https://a/\n")
                               << QStringLiteral("bad.yaml:3:5: a request needs 'expect'");
    QTest::newRow("expect without outcome")
        << QStringLiteral("title: x\nrequests:\n  - url: https://a/\n    expect: {service: a/b}\n")
        << QStringLiteral("bad.yaml:4:13: expect needs at least 'outcome'");
    QTest::newRow("unknown outcome") << QStringLiteral(
                                            "title: x\nrequests:\n  - url: https://a/\n    expect: {outcome: sent}\n")
                                     << QStringLiteral("bad.yaml:4:23: unknown outcome 'sent'");
    QTest::newRow("unknown expect key")
        << QStringLiteral("title: x\nrequests:\n  - url: https://a/\n    expect: {outcome: routed, servce: a/b}\n")
        << QStringLiteral("bad.yaml:4:31: unknown key 'servce' in expect");
    QTest::newRow("order not a number") << QStringLiteral("title: x\norder: first\n") + req
                                        << QStringLiteral("bad.yaml:2:8:");
    QTest::newRow("unknown profile") << QStringLiteral("title: x\nprofile: traefik\n") + req
                                     << QStringLiteral("bad.yaml:2:10: unknown profile 'traefik'");
    QTest::newRow("empty file") << QString() << QStringLiteral("bad.yaml: a lesson must be a mapping");
}

void TestLessons::malformedLessonIsLocated() {
    QFETCH(QString, text);
    QFETCH(QString, error);
    gui::LessonParse p = gui::parseLesson(text.toStdString(), "bad.yaml");
    QVERIFY2(!p.lesson, "a malformed lesson must not load");
    QVERIFY2(QString::fromStdString(p.error).startsWith(error),
             qPrintable(QStringLiteral("got: ") + QString::fromStdString(p.error)));
}

void TestLessons::expectationMismatchIsReported() {
    // A lesson that promises the wrong Service is caught, with both values in the message.
    gui::LessonParse p = gui::parseLesson(
        "title: wrong\nrequests:\n  - url: https://shop.example.com/api/x\n"
        "    teach: {path: x}\n    expect: {outcome: routed, service: shop/storefront, stages: [host]}\n",
        "wrong.yaml");
    QVERIFY2(p.lesson, p.error.c_str());
    gui::LessonRun run = gui::runLesson(*p.lesson, demo_);
    QCOMPARE(run.mismatches.size(), std::size_t(1));
    QCOMPARE(run.mismatches[0].size(), std::size_t(2));
    QCOMPARE(run.mismatches[0][0],
             std::string("service: the lesson says 'shop/storefront', the engine says 'shop/api'"));
    QVERIFY2(run.mismatches[0][1].find("stages: the lesson says [host], the engine says [tls, host, path") == 0,
             run.mismatches[0][1].c_str());
}

QTEST_GUILESS_MAIN(TestLessons)
#include "tst_lessons.moc"
