// hopscope-cli lint and graph, run in-process: output format, exit codes, usage errors.
#include "app/cli/cli.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>

namespace {
struct Result {
    int code;
    std::string out, err;
};
Result runCli(std::vector<std::string> words, const std::string& stdinText = {}) {
    std::ostringstream out, err;
    std::istringstream in(stdinText);
    hs::cli::Io io{out, err, in};
    int code = hs::cli::run(words, io);
    return {code, out.str(), err.str()};
}
}  // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void lintDemoIsClean() {
        Result r = runCli({"lint", "--demo"});
        QVERIFY2(r.code == 0, (r.out + r.err).c_str());
        QVERIFY(r.out.empty());
        QVERIFY2(r.err.find("0 error(s), 0 warning(s)") != std::string::npos, r.err.c_str());
    }

    void lintFormatAndExitCode() {
        QTemporaryDir dir;
        std::string path = dir.filePath("bad.yaml").toStdString();
        std::ofstream(path)
            << "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: shop\n"
               "spec:\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n"
               "          - path: api\n            pathType: Prefix\n"
               "            backend: {service: {name: web, port: {number: 80}}}\n";
        Result r = runCli({"lint", "-f", path});
        QCOMPARE(r.code, 1);
        std::string expected = path +
            ":11:19: error: Invalid value \"api\": must be an absolute path [Ingress shop/web spec.rules[0].http.paths[0].path]";
        QVERIFY2(r.out.find(expected) != std::string::npos, r.out.c_str());
    }

    void usageErrors_data() {
        QTest::addColumn<QStringList>("words");
        QTest::newRow("no source") << QStringList{"lint"};
        QTest::newRow("unknown option") << QStringList{"lint", "--demo", "--frobnicate"};
        QTest::newRow("unknown command") << QStringList{"teleport"};
        QTest::newRow("missing file") << QStringList{"lint", "-f", "/nonexistent/x.yaml"};
        QTest::newRow("bad format") << QStringList{"graph", "--demo", "--format", "png"};
        QTest::newRow("value missing") << QStringList{"graph", "--demo", "--format"};
    }
    void usageErrors() {
        QFETCH(QStringList, words);
        std::vector<std::string> w;
        for (const auto& s : words) w.push_back(s.toStdString());
        Result r = runCli(w);
        QCOMPARE(r.code, 2);
        QVERIFY(!r.err.empty());
    }

    void graphJsonDescribesTheDemo() {
        Result r = runCli({"graph", "--demo", "--format", "json"});
        QCOMPARE(r.code, 0);
        QJsonParseError e;
        QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(r.out), &e);
        QVERIFY2(e.error == QJsonParseError::NoError, qPrintable(e.errorString()));
        QJsonArray nodes = doc.object()["nodes"].toArray();
        QJsonArray edges = doc.object()["edges"].toArray();
        QVERIFY(nodes.size() > 40);
        QVERIFY(edges.size() > 40);
        QSet<QString> ids;
        bool brokenCheckout = false;
        for (const auto& n : nodes) {
            QJsonObject o = n.toObject();
            ids.insert(o["id"].toString());
            if (o["id"].toString() == "Service/shop/checkout") brokenCheckout = o["health"].toString() == "broken";
        }
        QVERIFY(ids.contains("Ingress/shop/storefront"));
        QVERIFY(ids.contains("Pod/shop/storefront-7d9c6b5f4-k2x8p"));
        QVERIFY2(brokenCheckout, "checkout has no ready endpoints and must be drawn broken");
        for (const auto& e2 : edges) {
            QVERIFY(ids.contains(e2.toObject()["from"].toString()));
            QVERIFY(ids.contains(e2.toObject()["to"].toString()));
        }
    }

    void graphDot() {
        Result r = runCli({"graph", "--demo", "--format", "dot", "--nodes"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.rfind("digraph hopscope {", 0) == 0);
        QVERIFY(r.out.find("node-a") != std::string::npos);
    }

    void versionAndHelp() {
        Result r = runCli({"--version"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.rfind("hopscope-cli ", 0) == 0);
        r = runCli({"lint", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.find("-f, --filename") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestCli)
#include "tst_cli.moc"
