// API-server validation, row by row from the spec's validation vectors (ROUTING.md, "Validation").
#include "model/loader.h"
#include "model/validation.h"

#include <QtTest>

#include <set>

using namespace hs::model;

namespace {
std::string ingressYaml(const std::string& host, const std::string& path, const std::string& pathType,
                        const std::string& port = "{number: 80}", const std::string& extraSpec = "",
                        const std::string& extraMeta = "") {
    std::string t = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: t\n  namespace: ns\n" +
        extraMeta + "spec:\n" + extraSpec + "  rules:\n    - ";
    if (!host.empty()) t += "host: \"" + host + "\"\n      ";
    t += "http:\n        paths:\n          - path: \"" + path + "\"\n";
    if (!pathType.empty()) t += "            pathType: " + pathType + "\n";
    t +=
        "            backend:\n              service:\n                name: web\n                port: " + port + "\n";
    return t;
}
std::set<std::string> errorCodes(const std::string& text) {
    LoadResult r = loadTexts({{"v.yaml", text}});
    std::set<std::string> codes;
    for (const auto& d : r.diagnostics)
        if (d.severity == Severity::Error) codes.insert(d.code);
    return codes;
}
QString join(const std::set<std::string>& s) {
    QString out;
    for (const auto& x : s) out += QString::fromStdString(x) + " ";
    return out;
}
}  // namespace

class TestValidation : public QObject {
    Q_OBJECT
private slots:
    void ingress_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expectCode");  // empty = valid
        QTest::newRow("prefix relative path invalid")
            << QString::fromStdString(ingressYaml("a.com", "foo", "Prefix")) << "ingress.path.absolute";
        QTest::newRow("double slash invalid")
            << QString::fromStdString(ingressYaml("a.com", "/a//b", "Prefix")) << "ingress.path.sequence";
        QTest::newRow("exact ending /.. invalid")
            << QString::fromStdString(ingressYaml("a.com", "/a/..", "Exact")) << "ingress.path.suffix";
        QTest::newRow("encoded slash invalid")
            << QString::fromStdString(ingressYaml("a.com", "/a%2Fb", "Prefix")) << "ingress.path.sequence";
        QTest::newRow("implementation specific empty valid")
            << QString::fromStdString(ingressYaml("a.com", "", "ImplementationSpecific")) << "";
        QTest::newRow("implementation specific regex valid")
            << QString::fromStdString(ingressYaml("a.com", "/api(/|$)(.*)", "ImplementationSpecific")) << "";
        QTest::newRow("wildcard host valid") << QString::fromStdString(ingressYaml("*.foo.com", "/", "Prefix")) << "";
        QTest::newRow("bare star invalid")
            << QString::fromStdString(ingressYaml("*", "/", "Prefix")) << "ingress.host.invalid";
        QTest::newRow("inner star invalid")
            << QString::fromStdString(ingressYaml("foo.*.com", "/", "Prefix")) << "ingress.host.invalid";
        QTest::newRow("ip host invalid") << QString::fromStdString(ingressYaml("1.2.3.4", "/", "Prefix"))
                                         << "ingress.host.invalid";
        QTest::newRow("uppercase host invalid")
            << QString::fromStdString(ingressYaml("Shop.com", "/", "Prefix")) << "ingress.host.invalid";
        QTest::newRow("host with port invalid")
            << QString::fromStdString(ingressYaml("a.com:80", "/", "Prefix")) << "ingress.host.invalid";
        QTest::newRow("missing pathType invalid")
            << QString::fromStdString(ingressYaml("a.com", "/", "")) << "ingress.pathtype.required";
        QTest::newRow("unknown pathType invalid")
            << QString::fromStdString(ingressYaml("a.com", "/", "Regex")) << "ingress.pathtype.invalid";
        QTest::newRow("port name and number invalid")
            << QString::fromStdString(ingressYaml("a.com", "/", "Prefix", "{name: http, number: 80}"))
            << "ingress.backend.port.both";
        QTest::newRow("port neither invalid")
            << QString::fromStdString(ingressYaml("a.com", "/", "Prefix", "{}")) << "ingress.backend.port.none";
        QTest::newRow("port out of range invalid")
            << QString::fromStdString(ingressYaml("a.com", "/", "Prefix", "{number: 70000}")) << "port.range";
        QTest::newRow("class name mismatch invalid")
            << QString::fromStdString(ingressYaml("a.com", "/", "Prefix", "{number: 80}", "  ingressClassName: nginx\n",
                                                  "  annotations:\n    kubernetes.io/ingress.class: traefik\n"))
            << "ingress.class.mismatch";
        QTest::newRow("no rules no default backend invalid")
            << "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: t}\nspec: {}\n"
            << "ingress.empty";
        QTest::newRow("both service and resource invalid")
            << "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: t}\nspec:\n  defaultBackend:\n    service: {name: a, port: {number: 80}}\n    resource: {kind: Bucket, name: b}\n"
            << "ingress.backend.both";
        QTest::newRow("empty paths list invalid")
            << "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: t}\nspec:\n  rules:\n    - host: a.com\n      http: {paths: []}\n"
            << "ingress.paths.required";
        QTest::newRow("bad tls host invalid")
            << QString::fromStdString(
                   ingressYaml("a.com", "/", "Prefix", "{number: 80}", "  tls:\n    - hosts: [\"A_B\"]\n"))
            << "ingress.tls.host";
        QTest::newRow("valid") << QString::fromStdString(ingressYaml("shop.example.com", "/api", "Prefix")) << "";
    }
    void ingress() {
        QFETCH(QString, text);
        QFETCH(QString, expectCode);
        auto codes = errorCodes(text.toStdString());
        if (expectCode.isEmpty())
            QVERIFY2(codes.empty(), qPrintable(join(codes)));
        else
            QVERIFY2(codes.count(expectCode.toStdString()), qPrintable("got: " + join(codes)));
    }

    void otherKinds_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expectCode");
        QTest::newRow("service name must be DNS-1035")
            << "apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec: {ports: [{port: 80}]}\n"
            << "meta.name.invalid";
        QTest::newRow("service ports need names when several")
            << "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}, {port: 81, name: b}]}\n"
            << "service.port.name.required";
        QTest::newRow("service bad target port name")
            << "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80, targetPort: \"8080\"}]}\n"
            << "service.targetport";
        QTest::newRow("externalname needs name")
            << "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: ExternalName}\n"
            << "service.externalname.required";
        QTest::newRow("endpoint slice loopback refused")
            << "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s, labels: {kubernetes.io/service-name: web}}\naddressType: IPv4\nendpoints: [{addresses: [127.0.0.1]}]\n"
            << "endpointslice.address.loopback";
        QTest::newRow("deployment selector must match template")
            << "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: b}}\n    spec: {containers: [{name: c}]}\n"
            << "workload.selector.mismatch";
        QTest::newRow("ingressclass controller needs a domain")
            << "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: c}\nspec: {controller: nginx}\n"
            << "ingressclass.controller";
        QTest::newRow("httproute redirect and backends")
            << "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r}\nspec:\n  rules:\n    - filters: [{type: RequestRedirect, requestRedirect: {scheme: https}}]\n      backendRefs: [{name: a, port: 80}]\n"
            << "httproute.filter.redirect-backends";
        QTest::newRow("httproute relative path")
            << "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r}\nspec:\n  rules:\n    - matches: [{path: {type: PathPrefix, value: api}}]\n      backendRefs: [{name: a, port: 80}]\n"
            << "httproute.path.absolute";
        QTest::newRow("gateway duplicate listener")
            << "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec:\n  gatewayClassName: c\n  listeners: [{name: a, port: 80, protocol: HTTP}, {name: a, port: 81, protocol: HTTP}]\n"
            << "gateway.listener.duplicate";
        QTest::newRow("label value too long")
            << QString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {a: %1}}\n").arg(QString(70, 'x'))
            << "meta.label.value";
    }
    void otherKinds() {
        QFETCH(QString, text);
        QFETCH(QString, expectCode);
        auto codes = errorCodes(text.toStdString());
        QVERIFY2(codes.count(expectCode.toStdString()), qPrintable("got: " + join(codes)));
    }

    void names_data() {
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("subdomain");
        QTest::addColumn<bool>("portName");
        QTest::newRow("simple") << "web" << true << true;
        QTest::newRow("dotted") << "a.b.c" << true << false;
        QTest::newRow("digits only") << "8080" << true << false;
        QTest::newRow("upper") << "Web" << false << false;
        QTest::newRow("double hyphen") << "a--b" << true << false;
        QTest::newRow("long port name") << "abcdefghijklmnop" << true << false;
        QTest::newRow("leading hyphen") << "-a" << false << false;
    }
    void names() {
        QFETCH(QString, value);
        QFETCH(bool, subdomain);
        QFETCH(bool, portName);
        QCOMPARE(names::dns1123Subdomain(value.toStdString()).empty(), subdomain);
        QCOMPARE(names::portName(value.toStdString()).empty(), portName);
    }
};

QTEST_APPLESS_MAIN(TestValidation)
#include "tst_validation.moc"
