// API server Status objects turned into errors that say what the user cannot do.
#include "kubeclient/status.h"

#include <QtTest>

using namespace hs::kube;

class TestStatus : public QObject {
    Q_OBJECT
private slots:
    void parsesStatus() {
        auto st = parseStatus(
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
            R"("message":"pods is forbidden: User \u0022jane\u0022 cannot list resource \u0022pods\u0022 in API group \u0022\u0022 in the namespace \u0022team-b\u0022",)"
            R"("reason":"Forbidden","details":{"kind":"pods"},"code":403})");
        QVERIFY(st);
        QCOMPARE(st->code, 403);
        QCOMPARE(st->reason, std::string("Forbidden"));
        QCOMPARE(st->detailsKind, std::string("pods"));
        QVERIFY(!parseStatus(R"({"kind":"Pod"})"));
        QVERIFY(!parseStatus("not json"));
    }

    void messages_data() {
        QTest::addColumn<int>("http");
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("what");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("forbidden namespace")
            << 403
            << R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods is forbidden: User \u0022jane\u0022 cannot list resource \u0022pods\u0022 in API group \u0022\u0022 in the namespace \u0022team-b\u0022","reason":"Forbidden","details":{"kind":"pods"},"code":403})"
            << "list pods in namespace team-b" << int(ErrorCode::Forbidden)
            << R"(cannot list pods in namespace team-b: User "jane" cannot list resource "pods" in API group "" in the namespace "team-b")";
        QTest::newRow("forbidden cluster scope")
            << 403
            << R"({"kind":"Status","message":"nodes is forbidden: User \u0022jane\u0022 cannot list resource \u0022nodes\u0022 in API group \u0022\u0022 at the cluster scope","reason":"Forbidden","code":403})"
            << "list nodes" << int(ErrorCode::Forbidden)
            << R"(cannot list nodes: User "jane" cannot list resource "nodes" in API group "" at the cluster scope)";
        QTest::newRow("unauthorized")
            << 401 << R"({"kind":"Status","message":"Unauthorized","reason":"Unauthorized","code":401})"
            << "list pods in all namespaces" << int(ErrorCode::Unauthorized)
            << "cannot list pods in all namespaces: the API server rejected the credentials (401 Unauthorized)";
        QTest::newRow("expired continue")
            << 410
            << R"({"kind":"Status","message":"The provided continue parameter is too old to display a consistent list result.","reason":"Expired","code":410})"
            << "list services in all namespaces" << int(ErrorCode::Expired)
            << "cannot list services in all namespaces: the resource version is too old (410 Expired): The provided continue parameter is too old to display a consistent list result.";
        QTest::newRow("not found")
            << 404 << R"({"kind":"Status","message":"secrets \u0022x\u0022 not found","reason":"NotFound","code":404})"
            << "get secret shop/x" << int(ErrorCode::NotFound)
            << R"(cannot get secret shop/x: not found (secrets "x" not found))";
        QTest::newRow("throttled")
            << 429
            << R"({"kind":"Status","message":"Too many requests","reason":"TooManyRequests","code":429,"details":{"retryAfterSeconds":1}})"
            << "list pods" << int(ErrorCode::TooManyRequests)
            << "cannot list pods: 429 TooManyRequests: Too many requests";
        QTest::newRow("proxy html") << 502 << "<html>\n<body>Bad Gateway</body></html>"
                                    << "list pods" << int(ErrorCode::Server)
                                    << "cannot list pods: 502: <html> <body>Bad Gateway</body></html>";
    }
    void messages() {
        QFETCH(int, http);
        QFETCH(QString, body);
        QFETCH(QString, what);
        QFETCH(int, code);
        QFETCH(QString, message);
        Error e = httpError(http, body.toStdString(), what.toStdString());
        QCOMPARE(int(e.code), code);
        QCOMPARE(QString::fromStdString(e.message), message);
        QCOMPARE(e.httpStatus, http);
    }

    void transientErrors() {
        QVERIFY(makeError(ErrorCode::Network, "x").transient());
        QVERIFY(makeError(ErrorCode::Server, "x").transient());
        QVERIFY(!makeError(ErrorCode::Forbidden, "x").transient());
        QVERIFY(!makeError(ErrorCode::Unauthorized, "x").transient());
        QCOMPARE(errorCodeFor(410, ""), ErrorCode::Expired);
        QCOMPARE(errorCodeFor(500, "Gone"), ErrorCode::Expired);
        QCOMPARE(errorCodeFor(422, "Invalid"), ErrorCode::BadRequest);
    }
};

QTEST_GUILESS_MAIN(TestStatus)
#include "tst_status.moc"
