// Secrets never leak: tokens, passwords and client keys in a kubeconfig, TLS private keys in
// Secrets (data, stringData, kubectl's last-applied annotation, inside a List), and bearer tokens
// in a trace's Authorization header go through every CLI command and the desktop app; none of
// them may appear in standard output or error, written reports, decision logs, snapshots of the
// loaded state, exported configurations, or the app's output and settings. TLS keys never reach
// ClusterState at all.
#include "app/cli/cli.h"
#include "kubeclient/object_decoder.h"
#include "model/loader.h"
#include "model/manifest_writer.h"
#include "tests/cli/run_cli.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

const std::string kToken = "hs-secret-token-Zq7K1x9Vb2LmT0";
const std::string kPassword = "hs-secret-password-Pw4tR8yN";
const std::string kBearer = "hs-secret-bearer-Hh3eU6oQ1sA";

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeFile(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

std::string base64(const std::string& s) { return QByteArray::fromStdString(s).toBase64().toStdString(); }

// The body lines of a PEM block (the key material itself), without the BEGIN/END lines.
std::vector<std::string> pemBodyLines(const std::string& pem) {
    std::vector<std::string> out;
    std::istringstream in(pem);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty() && line.rfind("-----", 0) != 0) out.push_back(line);
    return out;
}

using hs::testing::CliResult;
using hs::testing::runCli;

// Runs `openssl` with `args`; returns false (and says why) when it fails.
bool openssl(const QStringList& args, QString& why) {
    QProcess p;
    p.start(QStringLiteral("openssl"), args);
    if (!p.waitForFinished(60'000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        why = QStringLiteral("openssl %1: %2 %3")
                  .arg(args.join(' '), p.errorString(), QString::fromUtf8(p.readAllStandardError()));
        return false;
    }
    return true;
}

}  // namespace

class TestSecrets : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    fs::path dir_, manifests_, kubeconfig_, trace_;
    std::string tlsKeyPem_, tlsCertPem_, clientKeyPem_;
    std::vector<std::pair<std::string, std::string>> needles_;  // what, secret text

    // The first secret found in `text`, or empty.
    std::string leak(const std::string& text) const {
        for (const auto& [what, s] : needles_)
            if (text.find(s) != std::string::npos) return what;
        return {};
    }
    // Every regular file under `root`, checked.
    std::string leakInFiles(const fs::path& root) const {
        for (const auto& e : fs::recursive_directory_iterator(root)) {
            if (!e.is_regular_file()) continue;
            if (std::string w = leak(readAll(e.path())); !w.empty()) return w + " in " + e.path().string();
        }
        return {};
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        dir_ = tmp_.path().toStdString();
        QString why;
        QString d = QString::fromStdString(dir_.string());
        QVERIFY2(openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                          "-keyout", d + "/tls.key", "-out", d + "/tls.crt", "-subj", "/CN=shop.example.com", "-days",
                          "2", "-addext", "subjectAltName=DNS:shop.example.com"},
                         why),
                 qPrintable(why));
        QVERIFY2(openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out",
                          d + "/client.key"},
                         why),
                 qPrintable(why));
        tlsKeyPem_ = readAll(dir_ / "tls.key");
        tlsCertPem_ = readAll(dir_ / "tls.crt");
        clientKeyPem_ = readAll(dir_ / "client.key");
        QVERIFY(tlsKeyPem_.find("PRIVATE KEY") != std::string::npos);

        needles_ = {{"the kubeconfig token", kToken},
                    {"the kubeconfig password", kPassword},
                    {"the trace's bearer token", kBearer},
                    {"tls.key (base64)", base64(tlsKeyPem_)},
                    {"client-key-data (base64)", base64(clientKeyPem_)}};
        for (const auto& l : pemBodyLines(tlsKeyPem_)) needles_.push_back({"a line of the TLS private key", l});
        for (const auto& l : pemBodyLines(clientKeyPem_)) needles_.push_back({"a line of the client key", l});

        manifests_ = dir_ / "manifests";
        writeFile(
            manifests_ / "app.yaml",
            "apiVersion: v1\n"
            "kind: Namespace\n"
            "metadata: {name: shop}\n"
            "---\n"
            "apiVersion: apps/v1\n"
            "kind: Deployment\n"
            "metadata: {name: web, namespace: shop}\n"
            "spec:\n"
            "  replicas: 2\n"
            "  selector: {matchLabels: {app: web}}\n"
            "  template:\n"
            "    metadata: {labels: {app: web}}\n"
            "    spec:\n"
            "      containers: [{name: web, image: example/web, ports: [{name: http, containerPort: 8080}]}]\n"
            "---\n"
            "apiVersion: v1\n"
            "kind: Service\n"
            "metadata: {name: web, namespace: shop}\n"
            "spec:\n"
            "  selector: {app: web}\n"
            "  ports: [{name: http, port: 80, targetPort: 8080}]\n"
            "---\n"
            "apiVersion: networking.k8s.io/v1\n"
            "kind: IngressClass\n"
            "metadata: {name: nginx}\n"
            "spec: {controller: k8s.io/ingress-nginx}\n"
            "---\n"
            "apiVersion: networking.k8s.io/v1\n"
            "kind: Ingress\n"
            "metadata:\n"
            "  name: web\n"
            "  namespace: shop\n"
            "  annotations:\n"
            "    nginx.ingress.kubernetes.io/auth-secret: basic-auth\n"
            "spec:\n"
            "  ingressClassName: nginx\n"
            "  tls: [{hosts: [shop.example.com], secretName: shop-tls}]\n"
            "  rules:\n"
            "    - host: shop.example.com\n"
            "      http:\n"
            "        paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]\n");
        // kubectl's last-applied annotation repeats the Secret, key included (as JSON text).
        std::string lastApplied = "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"stringData\":{\"tls.key\":\"" +
            QByteArray::fromStdString(tlsKeyPem_).replace("\n", "\\n").toStdString() + "\"}}";
        std::string secretYaml =
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: shop-tls\n  namespace: shop\n  annotations:\n"
            "    kubectl.kubernetes.io/last-applied-configuration: '" +
            lastApplied +
            "'\n"
            "type: kubernetes.io/tls\ndata:\n  tls.crt: " +
            base64(tlsCertPem_) + "\n  tls.key: " + base64(tlsKeyPem_) +
            "\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: basic-auth, namespace: shop}\n"
            "type: Opaque\nstringData:\n  auth: \"admin:" +
            kPassword + "\"\n  token: " + kToken + "\n";
        writeFile(manifests_ / "secrets.yaml", secretYaml);
        // The same key inside a List (JSON), next to an object that is not a Secret.
        std::string keyJson = QByteArray::fromStdString(tlsKeyPem_).replace("\n", "\\n").toStdString();
        writeFile(
            manifests_ / "list.json",
            "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n"
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\",\"namespace\":\"shop\"},\"data\":{\"mode\":\"fast\"}},\n"
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"other-tls\",\"namespace\":\"shop\"},\"type\":\"kubernetes.io/tls\",\n"
            " \"stringData\":{\"tls.crt\":\"" +
                QByteArray::fromStdString(tlsCertPem_).replace("\n", "\\n").toStdString() + "\",\"tls.key\":\"" +
                keyJson + "\"}}]}\n");

        // A kubeconfig whose server refuses connections (port 9 on loopback): the live code paths
        // run up to their error messages.
        kubeconfig_ = dir_ / "kubeconfig";
        writeFile(kubeconfig_,
                  "apiVersion: v1\nkind: Config\ncurrent-context: token\nclusters:\n- name: c\n  cluster:\n"
                  "    server: https://127.0.0.1:9\n    certificate-authority-data: " +
                      base64(tlsCertPem_) +
                      "\n"
                      "users:\n- name: token-user\n  user:\n    token: " +
                      kToken +
                      "\n"
                      "- name: cert-user\n  user:\n    client-certificate-data: " +
                      base64(tlsCertPem_) + "\n    client-key-data: " + base64(clientKeyPem_) +
                      "\n"
                      "- name: basic-user\n  user:\n    username: admin\n    password: " +
                      kPassword +
                      "\n"
                      "contexts:\n- name: token\n  context: {cluster: c, user: token-user}\n"
                      "- name: cert\n  context: {cluster: c, user: cert-user}\n"
                      "- name: basic\n  context: {cluster: c, user: basic-user}\n");

        trace_ = dir_ / "access.jsonl";
        std::string t;
        for (int i = 0; i < 20; ++i)
            t += "{\"time\": \"2026-11-25T10:00:0" + std::to_string(i % 10) +
                ".000Z\", \"method\": \"GET\", \"url\": \"https://shop.example.com/api/" + std::to_string(i) +
                "\", \"headers\": {\"Authorization\": \"Bearer " + kBearer + "\", \"Cookie\": \"session=" + kToken +
                "\"}}" + "\n";
        writeFile(trace_, t);
    }

    // ClusterState keeps certificate facts of a TLS Secret, never the key: not in a field, not in
    // the annotations, not in the kept source text of the document (nor of its List neighbours).
    void tlsKeysNeverInClusterState() {
        auto r = hs::model::loadManifests({manifests_.string()});
        QVERIFY(r.state);
        int secrets = 0;
        for (const auto& s : r.state->secrets().all()) {
            ++secrets;
            for (const auto& [k, v] : s->meta.annotations)
                QVERIFY2(leak(v).empty(), (s->meta.name + ": annotation " + k).c_str());
            QVERIFY2(!s->meta.source || leak(s->meta.source->text).empty(), (s->meta.name + ": source text").c_str());
        }
        QCOMPARE(secrets, 3);
        for (const auto& cm : r.state->configMaps().all())
            QVERIFY2(!cm->meta.source || leak(cm->meta.source->text).empty(),
                     "the ConfigMap in the Secret's List kept its text");
        auto tls = r.state->secrets().find("shop", "shop-tls");
        QVERIFY(tls);
        QVERIFY(tls->hadPrivateKey);
        QVERIFY2(tls->certificate.has_value(), "the certificate facts should still be read");
    }

    // A snapshot of the loaded state (what `snapshot` writes) holds no key, token or password.
    void snapshotWriterWritesNoSecret() {
        auto r = hs::model::loadManifests({manifests_.string()});
        hs::model::ManifestWriterOptions wo;
        wo.certificatePem = [&](const std::string&, const std::string&) { return tlsCertPem_; };
        auto files = hs::model::writeManifests(*r.state, wo);
        QVERIFY(!files.empty());
        for (const auto& f : files) QVERIFY2(leak(f.text).empty(), (leak(f.text) + " in " + f.name).c_str());
    }

    // A Secret read from the API server keeps the certificate only.
    void liveSecretDecodeDropsKey() {
        hs::kube::ObjectDecoder dec;
        std::string json =
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"t\",\"namespace\":\"shop\"},\"type\":\"kubernetes.io/tls\",\n"
            "\"data\":{\"tls.crt\":\"" +
            base64(tlsCertPem_) + "\",\"tls.key\":\"" + base64(tlsKeyPem_) + "\"}}";
        std::string pem;
        auto obj = dec.decodeSecret(json, &pem);
        QVERIFY2(obj, obj ? "" : obj.error().message.c_str());
        QVERIFY2(leak(pem).empty(), "the PEM handed to snapshots holds key material");
        QVERIFY(pem.find("BEGIN CERTIFICATE") != std::string::npos);
        const auto& secret = std::get<std::shared_ptr<const hs::model::Secret>>(*obj);
        QVERIFY(secret->hadPrivateKey);
        QVERIFY(!secret->meta.source);
    }

    void cliOutputsHoldNoSecret_data() {
        QTest::addColumn<QStringList>("words");
        const QString m = QString::fromStdString(manifests_.string());
        const QString k = QString::fromStdString(kubeconfig_.string());
        const QString t = QString::fromStdString(trace_.string());
        QTest::newRow("lint") << QStringList{"lint", "-f", m, "--all"};
        QTest::newRow("graph json") << QStringList{"graph", "-f", m, "--format", "json"};
        QTest::newRow("graph dot") << QStringList{"graph", "-f", m, "--format", "dot"};
        QTest::newRow("route with auth header")
            << QStringList{"route",
                           "-f",
                           m,
                           "--url",
                           "https://shop.example.com/",
                           "-H",
                           QString::fromStdString("Authorization: Bearer " + kBearer),
                           "--cookie",
                           QString::fromStdString("session=" + kToken),
                           "--json"};
        QTest::newRow("route text") << QStringList{"route",
                                                   "-f",
                                                   m,
                                                   "--url",
                                                   "https://shop.example.com/",
                                                   "-H",
                                                   QString::fromStdString("Authorization: Bearer " + kBearer)};
        QTest::newRow("export-nginx") << QStringList{"export-nginx", "-f", m};
        QTest::newRow("replay") << QStringList{"replay", "-f", m, "--trace", t, "--json"};
        QTest::newRow("contexts") << QStringList{"contexts", "--kubeconfig", k};
        QTest::newRow("contexts json") << QStringList{"contexts", "--kubeconfig", k, "--json"};
        QTest::newRow("live lint, token") << QStringList{"lint", "--kubeconfig", k, "--context", "token"};
        QTest::newRow("live lint, client key") << QStringList{"lint", "--kubeconfig", k, "--context", "cert"};
        QTest::newRow("live lint, password") << QStringList{"lint", "--kubeconfig", k, "--context", "basic"};
        QTest::newRow("snapshot, token") << QStringList{"snapshot",
                                                        "--kubeconfig",
                                                        k,
                                                        "--context",
                                                        "token",
                                                        "-o",
                                                        QString::fromStdString((dir_ / "snap").string())};
    }
    void cliOutputsHoldNoSecret() {
        QFETCH(QStringList, words);
        std::vector<std::string> w;
        for (const auto& s : words) w.push_back(s.toStdString());
        CliResult r = runCli(w);
        std::string where = leak(r.out);
        QVERIFY2(where.empty(), (where + " on standard output:\n" + r.out.substr(0, 2000)).c_str());
        where = leak(r.err);
        QVERIFY2(where.empty(), (where + " on standard error:\n" + r.err).c_str());
    }

    // Files the CLI writes: the replay's decision log and summary, the exported configuration.
    void cliWrittenFilesHoldNoSecret() {
        fs::path out = dir_ / "out";
        fs::create_directories(out);
        CliResult r = runCli({"replay", "-f", manifests_.string(), "--trace", trace_.string(), "--decisions",
                              (out / "decisions.jsonl").string(), "--summary", (out / "summary.json").string()});
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY(fs::file_size(out / "decisions.jsonl") > 0);
        r = runCli({"export-nginx", "-f", manifests_.string(), "-o", (out / "nginx.conf").string()});
        QVERIFY2(r.code == 0, r.err.c_str());
        std::string where = leakInFiles(out);
        QVERIFY2(where.empty(), where.c_str());
    }

    // The desktop app, run offscreen on the same inputs (and the kubeconfig in KUBECONFIG): its
    // output, and every file it leaves in its home (settings, caches), hold no secret.
    void desktopAppHoldsNoSecret() {
#ifndef HS_GUI_BINARY
        QSKIP("built without the desktop app (HOPSCOPE_GUI=OFF)");
#else
        fs::path home = dir_ / "home";
        fs::create_directories(home);
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("HOME", QString::fromStdString(home.string()));
        env.insert("XDG_CONFIG_HOME", QString::fromStdString((home / ".config").string()));
        env.insert("XDG_CACHE_HOME", QString::fromStdString((home / ".cache").string()));
        env.insert("XDG_DATA_HOME", QString::fromStdString((home / ".local/share").string()));
        env.insert("KUBECONFIG", QString::fromStdString(kubeconfig_.string()));
        env.insert("QT_LOGGING_RULES", "*.debug=true");  // whatever the app logs, even at debug level
        app.setProcessEnvironment(env);
        app.start(QStringLiteral(HS_GUI_BINARY),
                  {"-f", QString::fromStdString(manifests_.string()), "--quit-after-ms", "1500"});
        QVERIFY2(app.waitForFinished(120'000), "the app did not quit");
        std::string out = app.readAllStandardOutput().toStdString(), err = app.readAllStandardError().toStdString();
        QVERIFY2(app.exitStatus() == QProcess::NormalExit && app.exitCode() == 0, err.c_str());
        std::string where = leak(out);
        QVERIFY2(where.empty(), (where + " on the app's standard output").c_str());
        where = leak(err);
        QVERIFY2(where.empty(), (where + " on the app's standard error").c_str());
        where = leakInFiles(home);
        QVERIFY2(where.empty(), where.c_str());
#endif
    }
};

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
