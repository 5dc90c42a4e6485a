// Loading manifests: the demo, every input shape (multi-doc, List, JSON, folders), derivation of
// Pods and EndpointSlices, and bad input that must be reported without losing the good parts.
#include "model/lint.h"
#include "model/loader.h"
#include "resources/demo.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <random>

using namespace hs::model;

namespace {
QString dump(const Diagnostics& d) {
    QString s;
    for (const auto& x : d) s += QString::fromStdString(x.format()) + "\n";
    return s;
}
LoadResult loadText(const std::string& text, const std::string& name = "test.yaml") {
    return loadTexts({{name, text}});
}
bool hasDiag(const Diagnostics& d, const std::string& code) {
    return std::any_of(d.begin(), d.end(), [&](const Diagnostic& x) { return x.code == code; });
}
void writeFile(const QString& path, const std::string& text) {
    std::ofstream(path.toStdString(), std::ios::binary) << text;
}
const char* kIngress = R"(apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: web, port: {number: 80}}
)";
}  // namespace

class TestLoader : public QObject {
    Q_OBJECT
private slots:
    void demoLoadsWithoutProblems() {
        LoadResult r = hs::demo::load();
        Diagnostics all = r.diagnostics;
        Diagnostics refs = lintReferences(*r.state);
        all.insert(all.end(), refs.begin(), refs.end());
        QVERIFY2(all.empty(), qPrintable(dump(all)));
        const ClusterState& st = *r.state;
        QCOMPARE(st.source(), std::string("demo"));
        QVERIFY(st.ingresses().size() >= 15);
        QCOMPARE(st.ingressClasses().size(), size_t(2));
        QVERIFY(st.ingressClasses().find("", "nginx")->isDefault());
        QCOMPARE(st.httpRoutes().size(), size_t(4));
        QCOMPARE(st.nodes().size(), size_t(3));
        // explicit Pods keep their IPs; Deployments without Pods get replicas × template
        QCOMPARE(st.pods().find("shop", "storefront-7d9c6b5f4-k2x8p")->podIP, std::string("10.244.1.21"));
        QCOMPARE(st.podsMatching("shop", StringMap{{"app", "api"}, {"track", "stable"}}).size(), size_t(3));
        QVERIFY(st.pods().find("shop", "api-0")->meta.derived);
        QCOMPARE(r.stats.derived.syntheticPods, size_t(23));
        // The TLS Secret keeps names and dates, never the key or the document text.
        const Secret* tls = st.secrets().find("shop", "shop-tls");
        QVERIFY(tls && tls->certificate);
        QCOMPARE(tls->certificate->subjectCN, std::string("shop.example.com"));
        QVERIFY(tls->certificate->covers("shop.example.com"));
        QVERIFY(!tls->certificate->covers("api.shop.example.com"));
        QVERIFY(tls->hadPrivateKey);
        QVERIFY(!tls->meta.source);
        QVERIFY(tls->certificate->notAfter > tls->certificate->notBefore);
    }

    void namedTargetPortResolvesPerPod() {
        LoadResult r = hs::demo::load();
        auto slices = r.state->slicesForService("tenants", "tenant-router");
        std::map<std::string, std::int32_t> portOfPod;
        std::size_t withoutPort = 0;
        for (const EndpointSlice* s : slices) {
            QVERIFY(s->meta.derived);
            for (const auto& e : s->endpoints) {
                if (s->ports.empty()) {
                    ++withoutPort;
                    continue;
                }
                portOfPod[e.targetRef->name] = *s->ports[0].port;
            }
        }
        QCOMPARE(portOfPod["tenant-router-a-0"], 8080);
        QCOMPARE(portOfPod["tenant-router-a-1"], 8080);
        QCOMPARE(portOfPod["tenant-router-b-0"], 9090);
        QCOMPARE(withoutPort, size_t(1));  // the debug Pod has no "web" port
    }

    void notReadyAndTerminatingConditions() {
        LoadResult r = hs::demo::load();
        auto checkout = r.state->slicesForService("shop", "checkout");
        QCOMPARE(checkout.size(), size_t(1));
        for (const auto& e : checkout[0]->endpoints) QCOMPARE(e.conditions.ready.value_or(true), false);
        auto store = r.state->slicesForService("shop", "storefront");
        QCOMPARE(store.size(), size_t(1));
        QVERIFY(!store[0]->meta.derived);  // the manifest's own slice wins
        QCOMPARE(store[0]->endpoints[2].conditions.terminating.value_or(false), true);
    }

    void listsAndJson() {
        std::string list = R"({"apiVersion": "v1", "kind": "List", "items": [
          {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a", "namespace": "x"},
           "spec": {"ports": [{"port": 80}], "selector": {"app": "a"}}},
          {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "x"}, "data": {"k": "v"}}
        ]})";
        LoadResult r = loadText(list, "list.json");
        QCOMPARE(r.state->services().size(), size_t(1));
        QCOMPARE(r.state->configMaps().size(), size_t(1));
        QCOMPARE(r.state->services().find("x", "a")->meta.sourcePath, std::string("items[0]"));
        // API-style typed list: items carry no kind
        std::string typed =
            "apiVersion: networking.k8s.io/v1\nkind: IngressList\nitems:\n"
            "  - metadata: {name: i1, namespace: ns}\n    spec: {defaultBackend: {service: {name: s, port: {number: 80}}}}\n";
        r = loadText(typed);
        QCOMPARE(r.state->ingresses().size(), size_t(1));
        QVERIFY2(r.diagnostics.empty(), qPrintable(dump(r.diagnostics)));
    }

    void unknownKindsAreCountedNotErrors() {
        std::string text = std::string(kIngress) +
            "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x.example.com}\n"
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n"
            "---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\n";
        LoadResult r = loadText(text);
        QVERIFY2(r.diagnostics.empty(), qPrintable(dump(r.diagnostics)));
        QCOMPARE(r.stats.skippedKinds.size(), size_t(3));
        QCOMPARE(r.stats.skippedKinds["apiextensions.k8s.io/v1 CustomResourceDefinition"], 1);
        QCOMPARE(r.state->ingresses().size(), size_t(1));
    }

    void duplicatesWarnAndLaterWins() {
        std::string text = std::string(kIngress) + "---\n" + kIngress;
        std::string second = text;
        second.replace(second.rfind("number: 80"), 10, "number: 81");
        LoadResult r = loadText(second);
        QVERIFY(hasDiag(r.diagnostics, "manifest.duplicate"));
        QCOMPARE(r.state->ingresses().size(), size_t(1));
        QCOMPARE(r.state->ingresses().find("shop", "web")->rules[0].paths[0].backend.service->port.number, 81);
    }

    void v1beta1IsConvertedWithWarning() {
        std::string text = R"(apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: old, namespace: ns}
spec:
  backend: {serviceName: fallback, servicePort: 80}
  rules:
    - host: a.example.com
      http:
        paths:
          - path: /x
            backend: {serviceName: x, servicePort: http}
)";
        LoadResult r = loadText(text);
        QVERIFY(hasDiag(r.diagnostics, "ingress.v1beta1"));
        QCOMPARE(countSeverity(r.diagnostics, Severity::Error), size_t(0));
        const Ingress* ing = r.state->ingresses().find("ns", "old");
        QVERIFY(ing->convertedFromV1beta1);
        QCOMPARE(ing->defaultBackend->service->name, std::string("fallback"));
        QCOMPARE(int(ing->rules[0].paths[0].pathType), int(PathType::ImplementationSpecific));
        QCOMPARE(ing->rules[0].paths[0].backend.service->port.name, std::string("http"));
    }

    void legacyEndpointsMirroredOnlyWithoutSlices() {
        std::string text = R"(apiVersion: v1
kind: Service
metadata: {name: ext, namespace: ns}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: ext, namespace: ns}
subsets:
  - addresses: [{ip: 10.1.0.5}]
    notReadyAddresses: [{ip: 10.1.0.6}]
    ports: [{port: 8080}]
)";
        LoadResult r = loadText(text);
        QVERIFY2(r.diagnostics.empty(), qPrintable(dump(r.diagnostics)));
        auto slices = r.state->slicesForService("ns", "ext");
        QCOMPARE(slices.size(), size_t(1));
        QVERIFY(slices[0]->convertedFromEndpoints);
        QCOMPARE(slices[0]->endpoints.size(), size_t(2));
        QCOMPARE(slices[0]->endpoints[1].conditions.ready.value_or(true), false);
    }

    void wrongTypesAreLocatedAndCoerced() {
        std::string text = R"(apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ns
  annotations:
    enabled: true
spec:
  ports:
    - port: "80"
      name: http
)";
        LoadResult r = loadText(text);
        QCOMPARE(countSeverity(r.diagnostics, Severity::Error), size_t(2));
        const Diagnostic& a = r.diagnostics[0];
        QCOMPARE(a.loc.line, 7u);
        QVERIFY2(a.format().find("test.yaml:7:") == 0, a.format().c_str());
        QVERIFY(a.message.find("quote it") != std::string::npos);
        QCOMPARE(r.diagnostics[1].loc.line, 10u);
        QCOMPARE(r.state->services().find("ns", "web")->ports[0].port, 80);
        QCOMPARE(*lookup(r.state->services().find("ns", "web")->meta.annotations, "enabled"), std::string("true"));
    }

    void badFilesKeepTheGoodParts() {
        QTemporaryDir dir;
        writeFile(dir.filePath("a-good.yaml"), kIngress);
        writeFile(dir.filePath("b-empty.yaml"), "");
        std::mt19937 rng(7);
        std::string garbage(4096, '\0');
        for (auto& c : garbage) c = static_cast<char>(rng());
        writeFile(dir.filePath("c-binary.yaml"), garbage);
        writeFile(dir.filePath("d-long.yaml"), "x: " + std::string(10 << 20, 'y'));
        writeFile(dir.filePath("e-mixed.yaml"),
                  "key: [unclosed\n---\n" +
                      std::string(kIngress).replace(std::string(kIngress).find("name: web"), 9, "name: web2"));
        writeFile(dir.filePath("f-scalar.json"), "42\n");
        QDir(dir.path()).mkdir(".git");
        writeFile(dir.filePath(".git/hidden.yaml"), "this: [is ignored");
        QDir(dir.path()).mkdir("sub");
        writeFile(dir.filePath("sub/g.yml"),
                  std::string(kIngress).replace(std::string(kIngress).find("name: web"), 9, "name: web3"));
        writeFile(dir.filePath("sub/readme.txt"), "not a manifest");
        LoadResult r = loadManifests({dir.path().toStdString()});
        QCOMPARE(r.stats.files, size_t(7));
        QCOMPARE(r.state->ingresses().size(), size_t(3));
        QVERIFY(!r.inputError);
        QVERIFY2(hasDiag(r.diagnostics, "yaml.utf8") || hasDiag(r.diagnostics, "yaml.binary") ||
                     hasDiag(r.diagnostics, "yaml.syntax"),
                 qPrintable(dump(r.diagnostics)));
        QVERIFY(hasDiag(r.diagnostics, "yaml.syntax"));
        QVERIFY(hasDiag(r.diagnostics, "manifest.not-object"));
        for (const auto& d : r.diagnostics) {
            QVERIFY2(d.loc.known(), d.format().c_str());
            QVERIFY2(d.loc.fileName().find(".git") == std::string::npos, d.format().c_str());
        }
    }

    void missingPathIsAnInputError() {
        LoadResult r = loadManifests({"/nonexistent/hopscope/path.yaml"});
        QVERIFY(r.inputError);
        QVERIFY(hasDiag(r.diagnostics, "file.missing"));
        QCOMPARE(r.state->objectCount(), size_t(0));
    }

    void fiveThousandManifests() {
        QTemporaryDir dir;
        for (int i = 0; i < 5000; ++i) {
            std::string n = std::to_string(i);
            writeFile(
                dir.filePath(QString("m%1.yaml").arg(i)),
                "apiVersion: v1\nkind: Service\nmetadata: {name: s" + n +
                    ", namespace: ns}\nspec:\n  selector: {app: a" + n +
                    "}\n  ports: [{port: 80, targetPort: http}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d" +
                    n + ", namespace: ns}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: a" + n +
                    "}}\n  template:\n    metadata: {labels: {app: a" + n +
                    "}}\n    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}\n");
        }
        LoadResult r = loadManifests({dir.path().toStdString()});
        QVERIFY2(r.diagnostics.empty(), qPrintable(dump(r.diagnostics).left(2000)));
        QCOMPARE(r.stats.files, size_t(5000));
        QCOMPARE(r.stats.objects, size_t(10000));
        QCOMPARE(r.state->pods().size(), size_t(5000));
        QCOMPARE(r.state->endpointSlices().size(), size_t(5000));
        QCOMPARE(*r.state->slicesForService("ns", "s4999")[0]->ports[0].port, 8080);
    }

    void locateInSourceFindsFields() {
        LoadResult r = loadText(kIngress);
        const Ingress* ing = r.state->ingresses().find("shop", "web");
        SourceLoc loc = locateInSource(ing->meta, "spec.rules[0].http.paths[0].backend.service.name");
        QCOMPARE(loc.line, 14u);
        QCOMPARE(loc.fileName(), std::string("test.yaml"));
    }
};

QTEST_APPLESS_MAIN(TestLoader)
#include "tst_loader.moc"
