// The bad-input matrix (docs/bad-input.md): hostile or broken inputs of every kind — manifests,
// kubeconfig, replay scenarios, traces, API list/watch JSON — are refused with a located message
// (or read as far as they are valid), never crash, hang or balloon. Rows complement the format
// tests (tests/model/tst_doc_reader.cpp, tst_loader.cpp, tests/trace/, tests/kubeclient/) with
// what those do not try. Each row's name is the matrix's name for it.
#include "kubeclient/json_stream.h"
#include "kubeclient/kubeconfig.h"
#include "kubeclient/object_decoder.h"
#include "model/loader.h"
#include "simulator/replay/scenario.h"
#include "simulator/trace/trace_reader.h"

#include <QElapsedTimer>
#include <QtTest>

#include <string>

namespace {

std::string repeat(std::string_view s, int n) {
    std::string out;
    out.reserve(s.size() * static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

// A YAML document whose aliases expand to 9^9 (387 million) nodes: "billion laughs".
std::string billionLaughs(const std::string& key) {
    std::string s = key + ":\n  a: &a [x, x, x, x, x, x, x, x, x]\n";
    for (int i = 0; i < 8; ++i) {
        char cur = static_cast<char>('b' + i), prev = static_cast<char>('a' + i);
        s += std::string("  ") + cur + ": &" + cur + " [";
        for (int j = 0; j < 9; ++j) s += std::string(j ? ", *" : "*") + prev;
        s += "]\n";
    }
    return s;
}

std::string binary() {
    std::string s;
    for (int i = 0; i < 4096; ++i) s += static_cast<char>((i * 7919 + 13) & 0xff);
    return s;
}

const std::string kGoodNamespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: still-here}\n";

std::string dump(const hs::model::Diagnostics& ds) {
    std::string s;
    for (const auto& d : ds) s += d.format() + "\n";
    return s;
}

bool hasError(const hs::model::Diagnostics& ds, const std::string& needle = {}) {
    for (const auto& d : ds)
        if (d.severity == hs::model::Severity::Error && d.message.find(needle) != std::string::npos) return true;
    return false;
}

}  // namespace

class TestBadInput : public QObject {
    Q_OBJECT
private slots:
    // ---- manifests ------------------------------------------------------------------------------
    // Each bad document sits between good ones: the bad one is refused with a located error, the
    // good ones still load.
    void manifests_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("bad");
        QTest::addColumn<QString>("message");  // part of the error expected, empty = any error
        QTest::addColumn<bool>("error");  // false: only warnings (the document still loads)
        auto row = [](const char* tag, const char* file, const std::string& bad, const char* message,
                      bool error = true) {
            QTest::newRow(tag) << QString(file) << QByteArray::fromStdString(bad) << QString(message) << error;
        };
        row("yaml billion laughs", "m.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\n" + billionLaughs("data"), "expands");
        row("yaml deep flow nesting", "m.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + repeat("[", 100000) +
                repeat("]", 100000) + "\n",
            "");
        row(
            "yaml deep block nesting", "m.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n" +
                [] {
                    std::string s;
                    for (int i = 0; i < 400; ++i)
                        s += std::string(static_cast<std::size_t>(2 * i + 2), ' ') + "k" + std::to_string(i) + ":\n";
                    return s;
                }(),
            "");
        row("yaml alias to itself", "m.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: loop, labels: *m}\n", "cycle");
        row("yaml alias cycle, nested", "m.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n}\ndata: &d\n  a: {b: [1, *d]}\n", "cycle");
        row("yaml invalid utf-8", "m.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"caf\xc3\x28\"}\ndata: {k: \"\xff\xfe\"}\n", "");
        row("yaml truncated", "m.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: cut, namespace: x}\nspec:\n  ports: [{port: 80, ", "");
        row("yaml duplicate keys", "m.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: dup\n", "",
            false);
        row("binary", "m.yaml", binary(), "");
        row("json deep nesting", "m.json",
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"d\"},\"data\":" +
                repeat("[", 100000) + repeat("]", 100000) + "}",
            "");
        row("json truncated", "m.json", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"x\"",
            "");
        row("json invalid utf-8", "m.json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"\xc3\x28\"}}", "");
        // Regression: a JSON document simdjson refuses in stage 1 (unclosed string, raw control
        // character in a string) crashed the loader asking the unset document for its location
        // (model/doc_reader.cpp; found by fuzz_manifest).
        row("json unescaped control character", "m.json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"a\tb\x01\"}}", "");
        row("json unclosed string", "m.json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"x}}\n", "");
        row("json lone surrogate", "m.json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"\\ud800\"}}", "");
        row("json list of lists", "m.json",
            "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[" +
                kGoodNamespace.substr(0, 0) + "]}]}",
            "", false);
    }
    void manifests() {
        QFETCH(QString, name);
        QFETCH(QByteArray, bad);
        QFETCH(QString, message);
        QFETCH(bool, error);
        bool json = name.endsWith(".json");
        std::vector<hs::model::InputText> in;
        in.push_back({"good-before.yaml", kGoodNamespace});
        in.push_back({name.toStdString(), bad.toStdString()});
        in.push_back({"good-after.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: after}\n"});
        QElapsedTimer t;
        t.start();
        auto r = hs::model::loadTexts(std::move(in));
        QVERIFY2(t.elapsed() < 20'000, qPrintable(QString("took %1 ms").arg(t.elapsed())));
        QVERIFY(r.state);
        QVERIFY2(r.state->namespaces().find("", "still-here") && r.state->namespaces().find("", "after"),
                 "the good files around the bad one should still load");
        if (error) {
            QVERIFY2(hasError(r.diagnostics, message.toStdString()), dump(r.diagnostics).c_str());
            bool located = false;
            for (const auto& d : r.diagnostics)
                if (d.severity == hs::model::Severity::Error && d.loc.file && *d.loc.file == name.toStdString())
                    located = true;
            QVERIFY2(located || json,
                     ("the error should name " + name.toStdString() + ":\n" + dump(r.diagnostics)).c_str());
        } else {
            QVERIFY2(!hasError(r.diagnostics), dump(r.diagnostics).c_str());
        }
        (void)json;
    }

    // Cycles in references between objects: ownerReferences that loop, a Service whose
    // targetPort names no port, an Ingress default backend that is itself a route. Loading and
    // derivation terminate; nothing is synthesized from a loop.
    void referenceCycles() {
        std::string yaml = R"(apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: a
  namespace: x
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: b, uid: ub, controller: true}]
  uid: ua
spec:
  replicas: 2
  selector: {matchLabels: {app: a}}
  template: {metadata: {labels: {app: a}}, spec: {containers: [{name: c, image: i}]}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: b
  namespace: x
  uid: ub
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: a, uid: ua, controller: true}]
spec:
  replicas: 1
  selector: {matchLabels: {app: a}}
  template: {metadata: {labels: {app: a}}, spec: {containers: [{name: c, image: i}]}}
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: x
  labels: {app: a}
  ownerReferences: [{apiVersion: v1, kind: Pod, name: p, uid: up, controller: true}]
  uid: up
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Service
metadata: {name: s, namespace: x}
spec: {selector: {app: a}, ports: [{port: 80, targetPort: nowhere}]}
)";
        QElapsedTimer t;
        t.start();
        auto r = hs::model::loadTexts({{"cycles.yaml", yaml}});
        QVERIFY2(t.elapsed() < 20'000, "loading owner cycles took too long");
        QVERIFY(r.state);
        QVERIFY(r.state->pods().find("x", "p"));
    }

    // ---- kubeconfig -----------------------------------------------------------------------------
    void kubeconfig_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("message");
        const std::string head = "apiVersion: v1\nkind: Config\n";
        QTest::newRow("empty") << QByteArray() << true << QString();
        QTest::newRow("billion laughs") << QByteArray::fromStdString(head + billionLaughs("preferences")) << false
                                        << QString("expands");
        QTest::newRow("deep nesting") << QByteArray::fromStdString(head + "clusters: " + repeat("[", 50000) +
                                                                   repeat("]", 50000) + "\n")
                                      << false << QString();
        QTest::newRow("binary") << QByteArray::fromStdString(binary()) << false << QString();
        QTest::newRow("truncated") << QByteArray::fromStdString(head +
                                                                "clusters:\n- name: c\n  cluster: {server: \"https://x")
                                   << false << QString();
        QTest::newRow("wrong types") << QByteArray::fromStdString(head +
                                                                  "clusters: 5\nusers: {a: b}\ncontexts: \"x\"\n")
                                     << false << QString();
        QTest::newRow("not a map") << QByteArray::fromStdString("- a\n- b\n") << false << QString("must be a map");
        QTest::newRow("invalid utf-8") << QByteArray::fromStdString(head + "current-context: \"\xc3\x28\xff\"\n")
                                       << false << QString("invalid UTF-8");
        QTest::newRow("duplicate keys") << QByteArray::fromStdString(head + "current-context: a\ncurrent-context: b\n")
                                        << true << QString();
        QTest::newRow("huge scalar") << QByteArray::fromStdString(
                                            head + "current-context: " + std::string(8 << 20, 'x') + "\n")
                                     << true << QString();
    }
    void kubeconfig() {
        QFETCH(QByteArray, text);
        QFETCH(bool, ok);
        QFETCH(QString, message);
        QElapsedTimer t;
        t.start();
        auto r = hs::kube::parseKubeConfig(text.toStdString(), "/tmp/bad-kubeconfig");
        QVERIFY2(t.elapsed() < 20'000, "parsing took too long");
        if (ok) {
            QVERIFY2(r, r ? "" : r.error().message.c_str());
            (void)hs::kube::resolveClientConfig(*r);  // no context: an error value, not a crash
        } else {
            QVERIFY2(!r, "a broken kubeconfig was accepted");
            QVERIFY2(r.error().message.find("/tmp/bad-kubeconfig") != std::string::npos, r.error().message.c_str());
            QVERIFY2(r.error().message.find(message.toStdString()) != std::string::npos, r.error().message.c_str());
        }
    }

    // ---- replay scenarios -----------------------------------------------------------------------
    void scenario_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("billion laughs") << QByteArray::fromStdString(billionLaughs("services"));
        QTest::newRow("deep nesting") << QByteArray::fromStdString("events: " + repeat("[", 50000) +
                                                                   repeat("]", 50000) + "\n");
        QTest::newRow("binary") << QByteArray::fromStdString(binary());
        QTest::newRow("wrong types") << QByteArray::fromStdString("services: 5\nevents: {at: x}\n");
    }
    void scenario() {
        QFETCH(QByteArray, text);
        auto r = hs::replay::parseScenario(text.toStdString(), "bad-scenario.yaml", "/tmp");
        QVERIFY2(!r.scenario, "a broken scenario was accepted");
        QVERIFY2(hasError(r.diagnostics), dump(r.diagnostics).c_str());
    }

    // ---- traces ---------------------------------------------------------------------------------
    void traces_data() {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("readable");  // false: openTraceBytes itself refuses the input
        const std::string ok = "{\"url\": \"https://shop.example.com/a\"}\n";
        QTest::newRow("jsonl deep nesting")
            << "jsonl" << QByteArray::fromStdString("{\"url\": " + repeat("[", 100000) + "\n" + ok) << true;
        QTest::newRow("jsonl duplicate keys")
            << "jsonl" << QByteArray::fromStdString("{\"url\": \"/a\", \"url\": \"/b\"}\n" + ok) << true;
        QTest::newRow("jsonl invalid utf-8")
            << "jsonl" << QByteArray::fromStdString("{\"url\": \"https://shop.example.com/\xff\xfe\"}\n" + ok) << true;
        QTest::newRow("jsonl wrong types")
            << "jsonl" << QByteArray::fromStdString("{\"url\": 5, \"headers\": 7, \"time\": [1]}\n" + ok) << true;
        QTest::newRow("har deep nesting")
            << "har" << QByteArray::fromStdString("{\"log\": {\"entries\": " + repeat("[", 100000) + "}}") << true;
        QTest::newRow("har truncated")
            << "har"
            << QByteArray::fromStdString(
                   "{\"log\": {\"version\": \"1.2\", \"entries\": [{\"request\": {\"method\": \"GET\", \"url\": \"https://a/")
            << true;
        QTest::newRow("har wrong types")
            << "har"
            << QByteArray::fromStdString(
                   "{\"log\": {\"entries\": [{\"request\": 5}, 7, {\"request\": {\"url\": [], \"headers\": {}}}]}}")
            << true;
        QTest::newRow("csv invalid utf-8")
            << "csv" << QByteArray::fromStdString("method,url\nGET,https://shop.example.com/\xff\n") << true;
        QTest::newRow("csv unterminated quote")
            << "csv" << QByteArray::fromStdString("method,url\nGET,\"https://shop.example.com/\n") << true;
        QTest::newRow("binary, detected") << "auto" << QByteArray::fromStdString(binary()) << false;
        QTest::newRow("empty") << "auto" << QByteArray() << false;
    }
    void traces() {
        QFETCH(QString, format);
        QFETCH(QByteArray, bytes);
        QFETCH(bool, readable);
        hs::trace::TraceOptions o;
        o.format = *hs::trace::formatFromName(format.toStdString());
        QElapsedTimer t;
        t.start();
        auto opened = hs::trace::openTraceBytes(bytes.toStdString(), "bad.trace", o);
        if (!opened.reader) {
            QVERIFY2(!readable, opened.error.c_str());
            QVERIFY(!opened.error.empty());
            return;
        }
        hs::trace::TraceRecord rec;
        std::size_t records = 0, bad = 0;
        while (opened.reader->next(rec)) {
            ++records;
            if (rec.kind == hs::trace::TraceRecord::Kind::Bad) {
                ++bad;
                QVERIFY2(!rec.why.empty(), "a bad record needs a reason");
            }
            QVERIFY(records < 1000);
        }
        QVERIFY2(t.elapsed() < 20'000, "reading took too long");
        if (!readable) QVERIFY2(bad > 0 || !opened.reader->inputError().empty(), "binary input read as requests");
        QVERIFY2(records > 0 || !opened.reader->inputError().empty(), "neither a record nor a reason");
    }

    // ---- API list/watch JSON --------------------------------------------------------------------
    // Regression: a BOOKMARK (or any event) whose object has no metadata crashed decodeEvent,
    // which asked an unset simdjson element whether it was an object (kubeclient/
    // object_decoder.cpp; found by fuzz_watch_stream).
    void watchEventWithoutMetadata_data() {
        QTest::addColumn<QByteArray>("event");
        QTest::addColumn<bool>("ok");
        QTest::newRow("bookmark without metadata")
            << QByteArray(R"({"type":"BOOKMARK","object":{"kind":"Pod"}})") << true;
        QTest::newRow("bookmark, metadata not an object")
            << QByteArray(R"({"type":"BOOKMARK","object":{"kind":"Pod","metadata":7}})") << true;
        QTest::newRow("added without metadata") << QByteArray(R"({"type":"ADDED","object":{"kind":"Pod"}})") << false;
    }
    void watchEventWithoutMetadata() {
        QFETCH(QByteArray, event);
        QFETCH(bool, ok);
        hs::kube::ApiResource pods{"", "v1", "pods", "Pod", true, hs::model::Kind::Pod};
        hs::kube::ObjectDecoder dec;
        auto ev = dec.decodeEvent(event.toStdString(), pods);
        if (ok) {
            QVERIFY2(ev, ev ? "" : ev.error().message.c_str());
            QCOMPARE(int(ev->type), int(hs::kube::WatchEventType::Bookmark));
            QVERIFY(ev->resourceVersion.empty());
        } else if (!ev) {
            QVERIFY(!ev.error().message.empty());
        }
    }

    void apiJson_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("deep nesting") << QByteArray::fromStdString(
            "{\"kind\":\"PodList\",\"items\":[{\"metadata\":" + repeat("[", 100000) + repeat("]", 100000) + "}]}");
        QTest::newRow("truncated") << QByteArray::fromStdString(
            "{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"a\"");
        QTest::newRow("invalid utf-8") << QByteArray::fromStdString(
            "{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"\xc3\x28\"}}]}");
        QTest::newRow("wrong types") << QByteArray::fromStdString(
            "{\"kind\":\"PodList\",\"items\":[{\"metadata\":5},[],\"x\",{\"metadata\":{\"name\":[1]}}]}");
        QTest::newRow("items not a list") << QByteArray::fromStdString("{\"kind\":\"PodList\",\"items\":{\"a\":1}}");
        QTest::newRow("binary") << QByteArray::fromStdString(binary());
        QTest::newRow("empty") << QByteArray();
    }
    void apiJson() {
        QFETCH(QByteArray, body);
        hs::kube::ApiResource pods{"", "v1", "pods", "Pod", true, hs::model::Kind::Pod};
        hs::kube::ObjectDecoder dec;
        hs::kube::ListStreamSplitter split;
        std::size_t decoded = 0, refused = 0;
        auto fed = split.feed(body.toStdString(), [&](std::string_view item) {
            if (dec.decodeItem(item, pods))
                ++decoded;
            else
                ++refused;
        });
        auto finished = fed ? split.finish() : hs::kube::Result<void>();
        bool good = fed && finished;
        // Either the list is refused as a whole with a reason, or its bad items are.
        if (!good) {
            std::string why = !fed ? fed.error().message : finished.error().message;
            QVERIFY2(!why.empty(), "refused without a reason");
        }
        if (good) QCOMPARE(decoded + refused, split.itemCount());  // every item decoded or refused
        // Each framed watch event of the same bytes is decoded or refused, never crashes.
        hs::kube::JsonValueFramer framer(1 << 20);
        (void)framer.feed(body.toStdString(), [&](std::string_view v) { (void)dec.decodeEvent(v, pods); });
    }
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_bad_input.moc"
