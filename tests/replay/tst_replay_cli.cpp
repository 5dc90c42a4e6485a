// hopscope-cli replay in-process: outputs (text report, --summary, --decisions), exit codes for
// each kind of bad input, and problems printed as file:line: why.
#include "tests/replay/replay_fixtures.h"
#include "tests/trace/trace_fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace hs;
using hs::testing::demoLog;
using hs::testing::runCli;

class TestReplayCli : public QObject {
    Q_OBJECT
private slots:
    void replayTheDemoLog() {
        QTemporaryDir dir;
        std::string trace = hs::testing::writeFile(dir, "access.log.gz", hs::testing::gzip(demoLog(3000)));
        std::string summary = dir.filePath("s.json").toStdString(), decisions = dir.filePath("d.jsonl").toStdString();
        auto r = runCli(
            {"replay", "--demo", "--trace", trace, "--summary", summary, "--decisions", decisions, "--seed", "5"});
        QVERIFY2(r.code == 0, (r.out + r.err).c_str());
        for (const char* part : {"Replay of", "ingress-nginx, gzip, 3000 lines", "Outcomes", "Latency", "Pod",
                                 "Verify (upstream, canary, answer, endpoint): 3000 of 3000"})
            QVERIFY2(r.out.find(part) != std::string::npos, (std::string(part) + " missing in\n" + r.out).c_str());
        QJsonParseError e;
        auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(hs::testing::readFile(summary)), &e);
        QVERIFY2(e.error == QJsonParseError::NoError, qPrintable(e.errorString()));
        QCOMPARE(doc.object()["lines"].toObject()["total"].toInteger(), 3000);
        QCOMPARE(doc.object()["seed"].toInteger(), 5);
        QCOMPARE(doc.object()["verify"].toObject()["agreement"].toDouble(), 1.0);
        std::string log = hs::testing::readFile(decisions);
        QCOMPARE(std::count(log.begin(), log.end(), '\n'), 3000);
        // --json prints the summary instead of the report
        auto j = runCli({"replay", "--demo", "--trace", trace, "--json", "--seed", "5"});
        QCOMPARE(j.code, 0);
        QCOMPARE(j.out, hs::testing::readFile(summary));
    }

    void badLinesArePrintedAndCounted() {
        QTemporaryDir dir;
        std::string text = demoLog(20) + "not a log line\n" + demoLog(20);
        std::string trace = hs::testing::writeFile(dir, "mixed.log", text);
        auto r = runCli({"replay", "--demo", "--trace", trace, "--format", "ingress-nginx", "--quiet"});
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY2(r.err.find("warning: " + trace + ":21: ") != std::string::npos, r.err.c_str());
        auto strict =
            runCli({"replay", "--demo", "--trace", trace, "--format", "ingress-nginx", "--strict", "--quiet"});
        QCOMPARE(strict.code, 2);
        // only the first --max-problems are printed
        std::string many = demoLog(5);
        for (int i = 0; i < 30; ++i) many += "junk\n";
        std::string manyPath = hs::testing::writeFile(dir, "many.log", many);
        auto limited = runCli(
            {"replay", "--demo", "--trace", manyPath, "--format", "ingress-nginx", "--quiet", "--max-problems", "3"});
        QCOMPARE(std::count(limited.err.begin(), limited.err.end(), '\n'), 4);
        QVERIFY2(limited.err.find("… and 27 more") != std::string::npos, limited.err.c_str());
    }

    void inputErrors_data() {
        QTest::addColumn<QString>("content");  // the trace file
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty file") << "" << QStringList{} << 2 << "is empty";
        QTest::newRow("unknown format") << "hello\nworld\n" << QStringList{} << 2 << "cannot tell the format";
        QTest::newRow("no requests at all") << "junk\n"
                                            << QStringList{"--format", "ingress-nginx"} << 2 << "none of the 1 lines";
        QTest::newRow("bad --format") << "{}\n" << QStringList{"--format", "xml"} << 2 << "unknown --format";
        QTest::newRow("bad --speed") << "{}\n" << QStringList{"--speed", "fast"} << 2 << "--speed";
        QTest::newRow("bad --log-format") << "{}\n" << QStringList{"--log-format", "$a$b"} << 2 << "--log-format";
        QTest::newRow("verify without records") << "{\"url\":\"https://shop.example.com/\"}\n"
                                                << QStringList{"--verify"} << 2 << "records none";
        QTest::newRow("unknown option") << "{}\n" << QStringList{"--frobnicate"} << 2 << "unknown option";
    }
    void inputErrors() {
        QFETCH(QString, content);
        QFETCH(QStringList, extra);
        QFETCH(int, code);
        QFETCH(QString, message);
        QTemporaryDir dir;
        std::string trace = hs::testing::writeFile(dir, "t.log", content.toStdString());
        std::vector<std::string> w{"replay", "--demo", "--trace", trace};
        for (const auto& e : extra) w.push_back(e.toStdString());
        auto r = runCli(w);
        QVERIFY2(r.code == code, (std::to_string(r.code) + " " + r.err).c_str());
        QVERIFY2(r.err.find(message.toStdString()) != std::string::npos, r.err.c_str());
    }

    void truncatedGzipKeepsPartialResults() {
        QTemporaryDir dir;
        std::string z = hs::testing::gzip(demoLog(3000));
        std::string trace = hs::testing::writeFile(dir, "cut.log.gz", z.substr(0, z.size() / 2));
        std::string summary = dir.filePath("s.json").toStdString();
        auto r = runCli({"replay", "--demo", "--trace", trace, "--summary", summary, "--quiet"});
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY2(r.err.find("truncated") != std::string::npos, r.err.c_str());
        auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(hs::testing::readFile(summary)));
        auto lines = doc.object()["lines"].toObject();
        QVERIFY(lines["requests"].toInteger() > 500);
        QVERIFY(lines["total"].toInteger() < 3000);
        QVERIFY(doc.object()["inputError"].toString().contains("truncated"));
    }

    void verifyDisagreementFailsWithVerify() {
        QTemporaryDir dir;
        std::string log = demoLog(200);
        auto at = log.find("[shop-storefront-http]");
        log.replace(at, std::string("[shop-storefront-http]").size(), "[shop-admin-http]");
        std::string trace = hs::testing::writeFile(dir, "t.log", log);
        auto automatic = runCli({"replay", "--demo", "--trace", trace});
        QCOMPARE(automatic.code, 0);  // reported, not a failure unless asked for
        QVERIFY2(
            automatic.out.find("upstream: recorded shop-admin-http, simulated shop-storefront-http: 1 request(s)") !=
                std::string::npos,
            automatic.out.c_str());
        auto asked = runCli({"replay", "--demo", "--trace", trace, "--verify", "--quiet"});
        QCOMPARE(asked.code, 1);
    }

    void badScenarioIsLocated() {
        QTemporaryDir dir;
        std::string trace = hs::testing::writeFile(dir, "t.log", demoLog(10));
        std::string sc = hs::testing::writeFile(dir, "s.yaml", "events:\n  - at: soon\n    podUnready: shop/api-0\n");
        auto r = runCli({"replay", "--demo", "--trace", trace, "--scenario", sc});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.find(sc + ":2:") != std::string::npos, r.err.c_str());
    }
};

QTEST_GUILESS_MAIN(TestReplayCli)
#include "tst_replay_cli.moc"
