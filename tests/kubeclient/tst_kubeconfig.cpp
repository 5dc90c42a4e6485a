// kubeconfig loading as client-go does it: the KUBECONFIG chain, first-wins merging, relative
// paths per defining file, *-data over paths, overrides, and client-go's validation messages,
// located at file:line:col.
#include "kubeclient/kubeconfig.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace hs::kube;

namespace {

std::string write(const QTemporaryDir& dir, const std::string& name, const std::string& text) {
    std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    QDir().mkpath(QFileInfo(QString::fromStdString(path)).absolutePath());
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

LoadingRules envRules(const std::string& kubeconfigEnv, const std::string& home = "/nonexistent-home") {
    LoadingRules r;
    r.kubeconfigEnv = kubeconfigEnv;
    r.home = home;
    return r;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

const char* kA = R"(apiVersion: v1
kind: Config
current-context: a
clusters:
- name: shared
  cluster:
    server: https://a.example:6443
    certificate-authority: certs/ca.crt
- name: only-a
  cluster:
    server: https://only-a.example
users:
- name: shared-user
  user:
    token: token-from-a
contexts:
- name: a
  context: {cluster: shared, user: shared-user, namespace: team-a}
- name: shared-ctx
  context: {cluster: shared, user: shared-user}
)";

const char* kB = R"(apiVersion: v1
kind: Config
current-context: b
clusters:
- name: shared
  cluster:
    server: https://b.example:6443
users:
- name: shared-user
  user:
    token: token-from-b
- name: b-user
  user:
    client-certificate: b.crt
    client-key: keys/b.key
    tokenFile: ../tokens/b.token
contexts:
- name: b
  context: {cluster: shared, user: b-user}
- name: shared-ctx
  context: {cluster: only-a, user: b-user, namespace: from-b}
)";

}  // namespace

class TestKubeconfig : public QObject {
    Q_OBJECT
private slots:
    void explicitPathIsTheOnlyFile() {
        QTemporaryDir dir;
        std::string a = write(dir, "a/config", kA);
        write(dir, "b/config", kB);
        LoadingRules r = envRules(dir.filePath("b/config").toStdString());
        r.explicitPath = a;
        auto cfg = loadKubeConfig(r);
        QVERIFY2(cfg.ok(), cfg.ok() ? "" : cfg.error().message.c_str());
        QCOMPARE(cfg->files.size(), std::size_t(1));
        QCOMPARE(cfg->currentContext, std::string("a"));
        QVERIFY(!cfg->contexts.count("b"));
    }

    void explicitMissingIsAnError() {
        LoadingRules r = envRules("");
        r.explicitPath = "/nonexistent/kubeconfig";
        auto cfg = loadKubeConfig(r);
        QVERIFY(!cfg.ok());
        QCOMPARE(cfg.error().code, ErrorCode::Config);
        QVERIFY2(contains(cfg.error().message, "/nonexistent/kubeconfig"), cfg.error().message.c_str());
    }

    void chainMergesFirstWinsWholeEntries() {
        QTemporaryDir dir;
        std::string a = write(dir, "a/config", kA);
        std::string b = write(dir, "b/config", kB);
        // Missing entries are skipped, duplicates dropped, empty entries ignored.
        std::string env = "/nonexistent/x::" + a + ":" + b + ":" + a;
        auto cfg = loadKubeConfig(envRules(env));
        QVERIFY2(cfg.ok(), cfg.ok() ? "" : cfg.error().message.c_str());
        QCOMPARE(cfg->files, (std::vector<std::string>{a, b}));
        QCOMPARE(cfg->currentContext, std::string("a"));  // the first file that sets it
        // The first file defining a name wins the whole entry (no field-level merge).
        QCOMPARE(cfg->clusters.at("shared").server, std::string("https://a.example:6443"));
        QCOMPARE(std::string(cfg->users.at("shared-user").token.view()), std::string("token-from-a"));
        QCOMPARE(cfg->contexts.at("shared-ctx").cluster, std::string("shared"));
        QVERIFY(cfg->contexts.at("shared-ctx").ns.empty());
        // Names only b defines still come from b.
        QVERIFY(cfg->users.count("b-user"));
        QCOMPARE(cfg->contexts.at("b").origin.file, b);
        QCOMPARE(cfg->contextOrder, (std::vector<std::string>{"a", "shared-ctx", "b"}));
    }

    void chainOrderDecides() {
        QTemporaryDir dir;
        std::string a = write(dir, "a/config", kA);
        std::string b = write(dir, "b/config", kB);
        auto cfg = loadKubeConfig(envRules(b + ":" + a));
        QVERIFY(cfg.ok());
        QCOMPARE(cfg->currentContext, std::string("b"));
        QCOMPARE(cfg->clusters.at("shared").server, std::string("https://b.example:6443"));
    }

    void relativePathsResolveAgainstTheDefiningFile() {
        QTemporaryDir dir;
        std::string a = write(dir, "a/config", kA);
        std::string b = write(dir, "b/config", kB);
        auto cfg = loadKubeConfig(envRules(a + ":" + b));
        QVERIFY(cfg.ok());
        std::string base = QDir(dir.path()).canonicalPath().toStdString();
        QCOMPARE(cfg->clusters.at("shared").certificateAuthority, dir.filePath("a/certs/ca.crt").toStdString());
        const UserEntry& u = cfg->users.at("b-user");
        QCOMPARE(u.clientCertificate, dir.filePath("b/b.crt").toStdString());
        QCOMPARE(u.clientKey, dir.filePath("b/keys/b.key").toStdString());
        QCOMPARE(u.tokenFile, dir.filePath("tokens/b.token").toStdString());
        (void)base;
    }

    void execCommandResolvesOnlyWithASlash() {
        QTemporaryDir dir;
        std::string f = write(dir, "k/config", R"(users:
- name: path
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/plugin, interactiveMode: Never}
- name: bare
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws}
)");
        auto cfg = loadKubeConfig(envRules(f));
        QVERIFY(cfg.ok());
        QCOMPARE(cfg->users.at("path").exec->command, dir.filePath("k/bin/plugin").toStdString());
        QCOMPARE(cfg->users.at("bare").exec->command, std::string("aws"));
        // v1beta1 defaults interactiveMode to IfAvailable; v1 keeps what it says.
        QCOMPARE(cfg->users.at("bare").exec->interactiveMode, std::string("IfAvailable"));
        QCOMPARE(cfg->users.at("path").exec->interactiveMode, std::string("Never"));
    }

    void unsetKubeconfigUsesHome() {
        QTemporaryDir dir;
        write(dir, ".kube/config", kA);
        LoadingRules r;
        r.home = dir.path().toStdString();
        auto cfg = loadKubeConfig(r);
        QVERIFY(cfg.ok());
        QCOMPARE(cfg->currentContext, std::string("a"));
        // An empty KUBECONFIG counts as unset.
        r.kubeconfigEnv = "";
        cfg = loadKubeConfig(r);
        QVERIFY(cfg.ok());
        QCOMPARE(cfg->currentContext, std::string("a"));
        // No file at all: an empty configuration, and resolving it says so.
        LoadingRules none = envRules("", "/nonexistent-home");
        auto empty = loadKubeConfig(none);
        QVERIFY(empty.ok());
        auto cc = resolveClientConfig(*empty);
        QVERIFY(!cc.ok());
        QVERIFY2(contains(cc.error().message, "no configuration has been provided"), cc.error().message.c_str());
    }

    void dataOverridesPaths() {
        QTemporaryDir dir;
        std::string f = write(dir, "config", R"(clusters:
- name: c
  cluster:
    server: https://x
    certificate-authority: /nonexistent/ca.crt
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
users:
- name: u
  user:
    client-certificate: /nonexistent/u.crt
    client-certificate-data: Y2VydA==
    client-key-data: a2V5
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
)");
        auto cfg = loadKubeConfig(envRules(f));
        QVERIFY(cfg.ok());
        auto cc = resolveClientConfig(*cfg);
        QVERIFY2(cc.ok(), cc.ok() ? "" : cc.error().message.c_str());
        QCOMPARE(cc->cluster.certificateAuthorityData, std::string("-----BEGIN CERTIFICATE-----\n"));
        QCOMPARE(cc->user.clientCertificateData, std::string("cert"));
        QCOMPARE(std::string(cc->user.clientKeyData.view()), std::string("key"));
        // The unreadable paths are not used, so not an error — but both being set is worth a warning.
        QCOMPARE(cc->warnings.size(), std::size_t(2));
        QVERIFY2(contains(cc->warnings[0], "certificate-authority-data and certificate-authority are both specified"),
                 cc->warnings[0].c_str());
        QCOMPARE(cc->user.method(), AuthMethod::ClientCertificate);
    }

    void overridesAndNamespace() {
        QTemporaryDir dir;
        std::string a = write(dir, "a", kA);
        write(dir, "certs/ca.crt", "-----BEGIN CERTIFICATE-----\n");  // must be readable
        auto cfg = loadKubeConfig(envRules(a));
        QVERIFY(cfg.ok());
        auto cc = resolveClientConfig(*cfg);
        QVERIFY2(cc.ok(), cc.ok() ? "" : cc.error().message.c_str());
        QCOMPARE(cc->contextName, std::string("a"));
        QCOMPARE(cc->ns, std::string("team-a"));
        QVERIFY(!cc->nsOverridden);
        cc = resolveClientConfig(*cfg, {"shared-ctx", ""});
        QVERIFY(cc.ok());
        QCOMPARE(cc->ns, std::string("default"));  // none in the context
        cc = resolveClientConfig(*cfg, {"", "override"});
        QVERIFY(cc.ok());
        QCOMPARE(cc->ns, std::string("override"));
        QVERIFY(cc->nsOverridden);
        cc = resolveClientConfig(*cfg, {"nope", ""});
        QVERIFY(!cc.ok());
        QCOMPARE(cc.error().message, std::string("context \"nope\" does not exist"));
    }

    void validation_data() {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("cluster");
        QTest::addColumn<QString>("expected");
        const QString okCluster = "server: https://x";
        QTest::newRow("insecure with CA")
            << "token: t"
            << "server: https://x\n    insecure-skip-tls-verify: true\n    certificate-authority-data: Y2E="
            << "specifying a root certificates file with the insecure flag is not allowed";
        QTest::newRow("token and basic")
            << "token: t\n    username: u\n    password: p" << okCluster
            << "more than one authentication method found for u; found [token basicAuth], only one is allowed";
        QTest::newRow("cert without key")
            << "client-certificate-data: Y2VydA==" << okCluster
            << "client-key-data or client-key must be specified for u to use the clientCert authentication method.";
        QTest::newRow("exec and auth-provider")
            << "exec: {apiVersion: client.authentication.k8s.io/v1, command: x, interactiveMode: Never}\n    auth-provider: {name: oidc, config: {idp-issuer-url: https://i, client-id: c}}"
            << okCluster << "authProvider cannot be provided in combination with an exec plugin for u";
        QTest::newRow("exec v1 without interactiveMode")
            << "exec: {apiVersion: client.authentication.k8s.io/v1, command: x}" << okCluster
            << "interactiveMode must be specified for u to use exec authentication plugin";
        QTest::newRow("exec without command") << "exec: {apiVersion: client.authentication.k8s.io/v1beta1}" << okCluster
                                              << "command must be specified for u to use exec authentication plugin";
        QTest::newRow("exec bad interactiveMode")
            << "exec: {apiVersion: client.authentication.k8s.io/v1, command: x, interactiveMode: Sometimes}"
            << okCluster << "invalid interactiveMode for u: \"Sometimes\"";
        QTest::newRow("gcp removed") << "auth-provider: {name: gcp}" << okCluster << "gke-gcloud-auth-plugin";
        QTest::newRow("azure removed") << "auth-provider: {name: azure}" << okCluster << "kubelogin";
        QTest::newRow("unknown provider")
            << "auth-provider: {name: custom}" << okCluster << "no Auth Provider found for name \"custom\"";
        QTest::newRow("oidc without issuer")
            << "auth-provider: {name: oidc, config: {client-id: c}}" << okCluster << "Must provide idp-issuer-url";
        QTest::newRow("no server") << "token: t"
                                   << "insecure-skip-tls-verify: true"
                                   << "no server found for cluster \"c\"";
        QTest::newRow("unreadable CA") << "token: t"
                                       << "server: https://x\n    certificate-authority: /nonexistent/ca.pem"
                                       << "unable to read certificate-authority /nonexistent/ca.pem for c due to";
        QTest::newRow("bad proxy") << "token: t"
                                   << "server: https://x\n    proxy-url: ftp://proxy"
                                   << "invalid 'proxy-url'";
    }
    void validation() {
        QFETCH(QString, user);
        QFETCH(QString, cluster);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        std::string text = "clusters:\n- name: c\n  cluster:\n    " + cluster.toStdString() +
            "\nusers:\n- name: u\n  user:\n    " + user.toStdString() +
            "\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n";
        std::string f = write(dir, "config", text);
        auto cfg = loadKubeConfig(envRules(f));
        QVERIFY2(cfg.ok(), cfg.ok() ? "" : cfg.error().message.c_str());
        auto cc = resolveClientConfig(*cfg);
        QVERIFY(!cc.ok());
        QCOMPARE(cc.error().code, ErrorCode::Config);
        QVERIFY2(contains(cc.error().message, expected.toStdString()), cc.error().message.c_str());
        // Located in the file that holds the mistake.
        QVERIFY2(contains(cc.error().message, f + ":"), cc.error().message.c_str());
    }

    void parseErrorsAreLocated_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("where");
        QTest::addColumn<QString>("expected");
        QTest::newRow("yaml syntax") << "clusters:\n- name: a\n  cluster: {server: [\n"
                                     << ":4:"
                                     << "error loading config file";
        QTest::newRow("bad base64")
            << "clusters:\n- name: a\n  cluster:\n    server: https://x\n    certificate-authority-data: '%%%'\n"
            << ":5:33"
            << "illegal base64 data";
        QTest::newRow("number as token") << "users:\n- name: u\n  user:\n    token: 12345\n"
                                         << ":4:12"
                                         << "quote it";
        QTest::newRow("duplicate name") << "contexts:\n- name: x\n  context: {}\n- name: x\n  context: {}\n"
                                        << ":4:9"
                                        << "duplicate name \"x\"";
        QTest::newRow("not a map") << "- a\n- b\n"
                                   << ":1:1"
                                   << "must be a map";
    }
    void parseErrorsAreLocated() {
        QFETCH(QString, text);
        QFETCH(QString, where);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        std::string f = write(dir, "config", text.toStdString());
        auto cfg = loadKubeConfig(envRules(f));
        QVERIFY(!cfg.ok());
        QVERIFY2(contains(cfg.error().message, f + where.toStdString()), cfg.error().message.c_str());
        QVERIFY2(contains(cfg.error().message, expected.toStdString()), cfg.error().message.c_str());
    }

    void emptyFileIsEmptyConfig() {
        QTemporaryDir dir;
        std::string e = write(dir, "empty", "");
        std::string a = write(dir, "a", kA);
        auto cfg = loadKubeConfig(envRules(e + ":" + a));
        QVERIFY(cfg.ok());
        QCOMPARE(cfg->currentContext, std::string("a"));
    }

    void authMethods_data() {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("method");
        QTest::newRow("token") << "token: t"
                               << "token";
        QTest::newRow("token beats tokenFile") << "token: t\n    tokenFile: /x"
                                               << "token";
        QTest::newRow("tokenFile") << "tokenFile: /x"
                                   << "tokenFile";
        QTest::newRow("basic") << "username: u\n    password: p"
                               << "basic";
        QTest::newRow("cert") << "client-certificate-data: Y2VydA==\n    client-key-data: a2V5"
                              << "clientCertificate";
        QTest::newRow("exec")
            << "exec: {apiVersion: client.authentication.k8s.io/v1, command: x, interactiveMode: Never}"
            << "exec";
        QTest::newRow("oidc") << "auth-provider: {name: oidc, config: {idp-issuer-url: https://i, client-id: c}}"
                              << "oidc";
        QTest::newRow("none") << "{}"
                              << "none";
    }
    void authMethods() {
        QFETCH(QString, user);
        QFETCH(QString, method);
        std::string text = "users:\n- name: u\n  user:\n    " + user.toStdString() + "\n";
        auto cfg = parseKubeConfig(text, "/tmp/k");
        QVERIFY2(cfg.ok(), cfg.ok() ? "" : cfg.error().message.c_str());
        QCOMPARE(std::string(authMethodName(cfg->users.at("u").method())), method.toStdString());
    }
};

QTEST_GUILESS_MAIN(TestKubeconfig)
#include "tst_kubeconfig.moc"
