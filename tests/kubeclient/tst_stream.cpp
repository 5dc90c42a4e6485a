// Framing of streamed API responses: watch events split at every possible byte, list items
// handed over one by one however the chunks fall, and the decoding of one item into the model.
#include "kubeclient/json_stream.h"
#include "kubeclient/object_decoder.h"
#include "stream_samples.h"

#include <QtTest>

#include <random>

using namespace hs::kube;

namespace {

std::vector<std::string> frameAll(const std::vector<std::string_view>& chunks) {
    JsonValueFramer f;
    std::vector<std::string> out;
    for (auto c : chunks) {
        auto r = f.feed(c, [&](std::string_view v) { out.emplace_back(v); });
        if (!r) out.push_back("ERROR " + r.error().message);
    }
    return out;
}

}  // namespace

class TestStream : public QObject {
    Q_OBJECT
private slots:
    void framerSplitsAtEveryByte() {
        std::vector<std::string> whole = frameAll({kEvents});
        QCOMPARE(whole.size(), std::size_t(3));
        QVERIFY(whole[0].rfind("{\"type\":\"ADDED\"", 0) == 0);
        QVERIFY(whole[0].back() == '}');
        for (std::size_t cut = 1; cut < kEvents.size(); ++cut) {
            std::string_view all(kEvents);
            auto parts = frameAll({all.substr(0, cut), all.substr(cut)});
            QVERIFY2(parts == whole, qPrintable(QString("split at %1").arg(cut)));
        }
    }

    void framerByteByByte() {
        std::vector<std::string_view> bytes;
        for (std::size_t i = 0; i < kEvents.size(); ++i) bytes.push_back(std::string_view(kEvents).substr(i, 1));
        QCOMPARE(frameAll(bytes), frameAll({kEvents}));
    }

    void framerReportsMidValue() {
        JsonValueFramer f;
        int n = 0;
        QVERIFY(f.feed("{\"type\":\"ADDED\",\"obj", [&](std::string_view) { ++n; }).ok());
        QCOMPARE(n, 0);
        QVERIFY(f.midValue());
        QVERIFY(f.feed("ect\":{}}\n", [&](std::string_view) { ++n; }).ok());  // balances the brace above
        QCOMPARE(n, 1);
        QVERIFY(!f.midValue());
    }

    void framerRefusesHugeEvents() {
        JsonValueFramer f(64);
        auto r = f.feed("{\"x\":\"" + std::string(100, 'a'), [](std::string_view) {});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Protocol);
    }

    void listSplitterRandomChunks() {
        std::mt19937 rng(7);
        for (int round = 0; round < 200; ++round) {
            ListStreamSplitter s;
            std::vector<std::string> items;
            std::size_t pos = 0;
            while (pos < kList.size()) {
                std::size_t len = std::uniform_int_distribution<std::size_t>(1, 40)(rng);
                auto r = s.feed(std::string_view(kList).substr(pos, len),
                                [&](std::string_view i) { items.emplace_back(i); });
                QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
                pos += len;
            }
            QVERIFY(s.finish().ok());
            QCOMPARE(items.size(), std::size_t(3));
            QCOMPARE(items[1], std::string("{\"metadata\":{\"name\":\"b]\",\"namespace\":\"x\"}}"));
            QCOMPARE(
                std::string(s.member("metadata")),
                std::string(
                    "{\"resourceVersion\":\"4711\",\"continue\":\"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ\",\"remainingItemCount\":3}"));
            QCOMPARE(std::string(s.member("kind")), std::string("\"ServiceList\""));
        }
    }

    void listSplitterShapes_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("items");
        QTest::addColumn<bool>("complete");
        QTest::newRow("empty items") << "{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}"
                                     << 0 << true;
        QTest::newRow("null items") << "{\"kind\":\"PodList\",\"metadata\":{},\"items\":null}" << 0 << true;
        QTest::newRow("metadata after items")
            << "{\"items\":[{\"a\":1},{\"b\":[2,3]}],\"metadata\":{\"resourceVersion\":\"9\"}}" << 2 << true;
        QTest::newRow("whitespace") << "{\n \"items\" : [ {\"a\":1} ,\n {\"b\":2} ] \n}\n" << 2 << true;
        QTest::newRow("truncated") << "{\"items\":[{\"a\":1},{\"b\":" << 1 << false;
    }
    void listSplitterShapes() {
        QFETCH(QString, text);
        QFETCH(int, items);
        QFETCH(bool, complete);
        ListStreamSplitter s;
        int n = 0;
        std::string t = text.toStdString();
        QVERIFY(s.feed(t, [&](std::string_view) { ++n; }).ok());
        QCOMPARE(n, items);
        QCOMPARE(s.finish().ok(), complete);
    }

    void listSplitterRejectsGarbage() {
        ListStreamSplitter s;
        auto r = s.feed("<html>502 Bad Gateway</html>", [](std::string_view) {});
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.find("malformed list response") != std::string::npos);
    }

    void decodesItemsWithoutManagedFields() {
        ApiResource res{"", "v1", "pods", "Pod", true, hs::model::Kind::Pod};
        ObjectDecoder d;
        auto o = d.decodeItem(
            "{\"metadata\":{\"name\":\"web-0\",\"namespace\":\"team-a\",\"resourceVersion\":\"216\","
            "\"labels\":{\"app\":\"web\"},\"managedFields\":[{\"manager\":\"x\",\"fieldsV1\":{\"f:spec\":{}}}]},"
            "\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"ports\":[{\"name\":\"http\",\"containerPort\":8080}]}]},"
            "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.244.1.10\",\"podIPs\":[{\"ip\":\"10.244.1.10\"}],"
            "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}",
            res);
        QVERIFY2(o.ok(), o.ok() ? "" : o.error().message.c_str());
        auto pod = std::get<hs::model::Ptr<hs::model::Pod>>(*o);
        QCOMPARE(pod->meta.key(), std::string("team-a/web-0"));
        QCOMPARE(pod->meta.apiVersion, std::string("v1"));
        QCOMPARE(pod->podIP, std::string("10.244.1.10"));
        QCOMPARE(pod->ready, std::optional<bool>(true));
        QCOMPARE(pod->spec.containers.at(0).ports.at(0).containerPort, 8080);
        QVERIFY(d.takeDiagnostics().empty());
    }

    void decodesWatchEvents() {
        ApiResource res{"networking.k8s.io", "v1", "ingresses", "Ingress", true, hs::model::Kind::Ingress};
        ObjectDecoder d;
        auto bm = d.decodeEvent(
            "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Ingress\",\"apiVersion\":\"networking.k8s.io/v1\","
            "\"metadata\":{\"resourceVersion\":\"27400\",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}},\"spec\":{}}}",
            res);
        QVERIFY(bm.ok());
        QCOMPARE(bm->type, WatchEventType::Bookmark);
        QCOMPARE(bm->resourceVersion, std::string("27400"));
        QVERIFY(bm->initialEventsEnd);
        auto err = d.decodeEvent(kExpiredEvent, res);
        QVERIFY(err.ok());
        QCOMPARE(err->type, WatchEventType::Error);
        QCOMPARE(err->status->code, 410);
        QCOMPARE(err->status->reason, std::string("Expired"));
        auto del = d.decodeEvent(
            "{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"resourceVersion\":\"99\"},"
            "\"spec\":{\"rules\":[{\"host\":\"a.example.com\"}]}}}",
            res);
        QVERIFY(del.ok());
        QCOMPARE(del->type, WatchEventType::Deleted);
        QCOMPARE(hs::model::metaOf(*del->object).key(), std::string("shop/web"));
        QCOMPARE(del->resourceVersion, std::string("99"));
    }

    void secretsKeepNoKey() {
        ObjectDecoder d;
        std::string pem;
        // tls.crt is base64 of a (not parseable) PEM: the certificate facts report the error, the
        // key is never copied.
        auto o = d.decodeSecret(
            "{\"metadata\":{\"name\":\"s\",\"namespace\":\"n\",\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"KEY\"}},"
            "\"type\":\"kubernetes.io/tls\",\"data\":{\"tls.crt\":\"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==\",\"tls.key\":\"U0VDUkVU\"}}",
            &pem);
        QVERIFY(o.ok());
        auto s = std::get<hs::model::Ptr<hs::model::Secret>>(*o);
        QVERIFY(s->hadPrivateKey);
        QVERIFY(s->meta.annotations.empty());
        QCOMPARE(pem, std::string("-----BEGIN CERTIFICATE-----\n"));
    }
};

QTEST_GUILESS_MAIN(TestStream)
#include "tst_stream.moc"
