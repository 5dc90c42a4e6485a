// Credentials without a server: the exec plugin protocol (ExecCredential parsing,
// KUBERNETES_EXEC_INFO, interactive modes, caching to expirationTimestamp, re-running after a 401,
// install hints, timeouts — plugins run by fork/exec, never a shell), token files re-read, basic
// auth, and oidc helpers (JWT expiry, persisting refreshed tokens into the kubeconfig in place).
#include "kubeclient/credentials.h"
#include "kubeclient/process.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sys/stat.h>

using namespace hs::kube;
using SysClock = std::chrono::system_clock;

namespace {

std::string writeFile(const QTemporaryDir& dir, const std::string& name, const std::string& text, mode_t mode = 0644) {
    std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path, std::ios::binary) << text;
    ::chmod(path.c_str(), mode);
    return path;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A credential plugin as a script: it records its argv, environment and call count, then prints
// what the test asks for. Run directly (shebang), never through `sh -c`.
std::string makePlugin(const QTemporaryDir& dir, const std::string& output, int exitCode = 0,
                       const std::string& stderrText = "") {
    std::string counter = dir.filePath("calls").toStdString();
    std::string script =
        "#!/bin/sh\n"
        "n=$(cat '" +
        counter + "' 2>/dev/null || echo 0); echo $((n+1)) > '" + counter +
        "'\n"
        "printf '%s\\n' \"$@\" > '" +
        dir.filePath("args").toStdString() +
        "'\n"
        "printf '%s' \"$KUBERNETES_EXEC_INFO\" > '" +
        dir.filePath("info").toStdString() +
        "'\n"
        "printf '%s' \"$PLUGIN_ENV\" > '" +
        dir.filePath("env").toStdString() +
        "'\n"
        "[ -n \"$SLEEP\" ] && sleep \"$SLEEP\"\n"
        "printf '%s' '" +
        stderrText +
        "' >&2\n"
        "cat '" +
        dir.filePath("out").toStdString() +
        "'\n"
        "exit " +
        std::to_string(exitCode) + "\n";
    writeFile(dir, "out", output);
    return writeFile(dir, "plugin.sh", script, 0755);
}

int calls(const QTemporaryDir& dir) { return std::atoi(readFile(dir.filePath("calls").toStdString()).c_str()); }

ClientConfig execConfig(const std::string& command, const std::string& apiVersion = "client.authentication.k8s.io/v1") {
    ClientConfig c;
    c.contextName = "ctx";
    c.cluster.name = "c";
    c.cluster.server = "https://127.0.0.1:6443";
    c.cluster.certificateAuthorityData = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
    c.cluster.tlsServerName = "kubernetes";
    c.user.name = "u";
    ExecConfig e;
    e.command = command;
    e.args = {"get-token", "--cluster", "c d"};
    e.env = {{"PLUGIN_ENV", "from-kubeconfig"}};
    e.apiVersion = apiVersion;
    e.interactiveMode = "Never";
    e.provideClusterInfo = true;
    e.installHint = "Install it with: apt-get install hopscope-test-plugin";
    c.user.exec = e;
    return c;
}

std::string tokenJson(const std::string& token, const std::string& expiry = "",
                      const std::string& apiVersion = "client.authentication.k8s.io/v1") {
    std::string s =
        "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" + apiVersion + "\",\"status\":{\"token\":\"" + token + "\"";
    if (!expiry.empty()) s += ",\"expirationTimestamp\":\"" + expiry + "\"";
    return s + "}}";
}

std::string authHeader(const AuthData& d) {
    for (const auto& [k, v] : d.headers)
        if (k == "Authorization") return v;
    return {};
}

}  // namespace

class TestCredentials : public QObject {
    Q_OBJECT
private slots:
    void parseExecCredential_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("error");  // empty = success
        const QString v1 = "client.authentication.k8s.io/v1";
        QTest::newRow("token") << QString::fromStdString(tokenJson("abc", "2030-01-02T03:04:05Z")) << "";
        QTest::newRow("cert and key")
            << "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{\"clientCertificateData\":\"C\",\"clientKeyData\":\"K\"}}"
            << "";
        QTest::newRow("no status") << "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\"}"
                                   << "exec plugin didn't return a status field";
        QTest::newRow("empty status")
            << "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{}}"
            << "exec plugin didn't return a token or cert/key pair";
        QTest::newRow("cert only")
            << "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{\"clientCertificateData\":\"C\"}}"
            << "exec plugin returned only certificate or key, not both";
        QTest::newRow("other version")
            << QString::fromStdString(tokenJson("abc", "", "client.authentication.k8s.io/v1beta1"))
            << "exec plugin is configured to use API version client.authentication.k8s.io/v1, plugin returned version client.authentication.k8s.io/v1beta1";
        QTest::newRow("bad expiry") << QString::fromStdString(tokenJson("abc", "tomorrow"))
                                    << "expirationTimestamp \"tomorrow\" is not RFC 3339";
        QTest::newRow("not json") << "Please log in at https://login.example"
                                  << "decoding stdout: the plugin's output is not JSON";
        QTest::newRow("wrong kind") << "{\"kind\":\"Status\",\"apiVersion\":\"v1\"}"
                                    << "expected kind ExecCredential";
        (void)v1;
    }
    void parseExecCredential() {
        QFETCH(QString, json);
        QFETCH(QString, error);
        auto r = hs::kube::parseExecCredential(json.toStdString(), "client.authentication.k8s.io/v1");
        if (error.isEmpty()) {
            QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        } else {
            QVERIFY(!r.ok());
            QVERIFY2(r.error().message.find(error.toStdString()) != std::string::npos, r.error().message.c_str());
            // The plugin's output may be a secret: never echoed in errors.
            QVERIFY(r.error().message.find("abc") == std::string::npos);
        }
    }

    void expiryIsParsed() {
        auto r =
            hs::kube::parseExecCredential(tokenJson("t", "2030-01-02T03:04:05Z"), "client.authentication.k8s.io/v1");
        QVERIFY(r.ok());
        QVERIFY(r->expiration);
        QCOMPARE(std::chrono::duration_cast<std::chrono::seconds>(r->expiration->time_since_epoch()).count(),
                 1893553445LL);
    }

    void execInfo() {
        ClientConfig c = execConfig("/x");
        c.cluster.execExtensionJson = "{\"audience\":\"hopscope\"}";
        std::string info = execInfoJson(*c.user.exec, c.cluster, false);
        QCOMPARE(
            info,
            std::string(
                "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"spec\":{\"cluster\":{\"server\":\"https://127.0.0.1:6443\",\"tls-server-name\":\"kubernetes\",\"certificate-authority-data\":\"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkNBCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K\",\"config\":{\"audience\":\"hopscope\"}},\"interactive\":false}}"));
        c.user.exec->provideClusterInfo = false;
        QCOMPARE(
            execInfoJson(*c.user.exec, c.cluster, true),
            std::string(
                "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"spec\":{\"interactive\":true}}"));
    }

    void interactiveModes() {
        ExecConfig e;
        e.interactiveMode = "Never";
        QCOMPARE(*execInteractive(e, true, true), false);
        e.interactiveMode = "IfAvailable";
        QCOMPARE(*execInteractive(e, true, true), true);
        QCOMPARE(*execInteractive(e, false, true), false);
        QCOMPARE(*execInteractive(e, true, false), false);
        e.interactiveMode = "Always";
        QCOMPARE(*execInteractive(e, true, true), true);
        auto r = execInteractive(e, false, true);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().message,
                 std::string("exec plugin cannot support interactive mode: standard input is not a terminal"));
    }

    void execRunsPluginAndCachesUntilExpiry() {
        QTemporaryDir dir;
        std::string plugin = makePlugin(dir, tokenJson("tok-1", "2030-01-01T00:00:00Z"));
        SysClock::time_point now = SysClock::time_point(std::chrono::seconds(1893455000));  // 2029-12-31T23:03:20Z
        AuthOptions opt;
        opt.now = [&] { return now; };
        auto auth = makeAuthenticator(execConfig(plugin), opt);
        QVERIFY(auth.ok());
        auto a = (*auth)->get(nullptr);
        QVERIFY2(a.ok(), a.ok() ? "" : a.error().message.c_str());
        QCOMPARE(authHeader(*a), std::string("Bearer tok-1"));
        QCOMPARE(calls(dir), 1);
        // Cached while not expired.
        QVERIFY((*auth)->get(nullptr).ok());
        QCOMPARE(calls(dir), 1);
        // The plugin saw its args (no shell splitting), its env and KUBERNETES_EXEC_INFO.
        QCOMPARE(readFile(dir.filePath("args").toStdString()), std::string("get-token\n--cluster\nc d\n"));
        QCOMPARE(readFile(dir.filePath("env").toStdString()), std::string("from-kubeconfig"));
        std::string info = readFile(dir.filePath("info").toStdString());
        QVERIFY2(info.find("\"interactive\":false") != std::string::npos, info.c_str());
        QVERIFY2(info.find("\"server\":\"https://127.0.0.1:6443\"") != std::string::npos, info.c_str());
        // Past the expiry the plugin runs again.
        writeFile(dir, "out", tokenJson("tok-2", "2030-01-01T01:00:00Z"));
        now = SysClock::time_point(std::chrono::seconds(1893456001));
        a = (*auth)->get(nullptr);
        QVERIFY(a.ok());
        QCOMPARE(authHeader(*a), std::string("Bearer tok-2"));
        QCOMPARE(calls(dir), 2);
    }

    void execRerunsAfterUnauthorized() {
        QTemporaryDir dir;
        std::string plugin = makePlugin(dir, tokenJson("old", "", "client.authentication.k8s.io/v1beta1"));
        auto auth = makeAuthenticator(execConfig(plugin, "client.authentication.k8s.io/v1beta1"));
        QVERIFY(auth.ok());
        auto first = (*auth)->get(nullptr);
        QVERIFY(first.ok());
        writeFile(dir, "out", tokenJson("new", "", "client.authentication.k8s.io/v1beta1"));
        QVERIFY((*auth)->unauthorized(first->serial));
        auto second = (*auth)->get(nullptr);
        QVERIFY(second.ok());
        QCOMPARE(authHeader(*second), std::string("Bearer new"));
        QCOMPARE(calls(dir), 2);
        // A late 401 for the old credential does not throw away the new one.
        QVERIFY((*auth)->unauthorized(first->serial));
        QVERIFY((*auth)->get(nullptr).ok());
        QCOMPARE(calls(dir), 2);
    }

    void execClientCertificate() {
        QTemporaryDir dir;
        std::string plugin = makePlugin(
            dir,
            "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{\"clientCertificateData\":\"CERT\",\"clientKeyData\":\"KEY\"}}");
        auto auth = makeAuthenticator(execConfig(plugin));
        auto a = (*auth)->get(nullptr);
        QVERIFY(a.ok());
        QVERIFY(a->headers.empty());
        QVERIFY(a->clientCert);
        QCOMPARE(a->clientCert->certPem, std::string("CERT"));
        QCOMPARE(std::string(a->clientCert->keyPem.view()), std::string("KEY"));
    }

    void execMissingCommandShowsInstallHint() {
        auto auth = makeAuthenticator(execConfig("hopscope-no-such-plugin"));
        auto a = (*auth)->get(nullptr);
        QVERIFY(!a.ok());
        QCOMPARE(a.error().code, ErrorCode::Credentials);
        QVERIFY2(a.error().message.find("exec: executable hopscope-no-such-plugin not found") != std::string::npos,
                 a.error().message.c_str());
        QVERIFY2(a.error().message.find("Install it with: apt-get install hopscope-test-plugin") != std::string::npos,
                 a.error().message.c_str());
    }

    void execFailureShowsExitCodeAndStderr() {
        QTemporaryDir dir;
        std::string plugin = makePlugin(dir, "", 3, "login expired, run `login` again");
        auto a = (*makeAuthenticator(execConfig(plugin)))->get(nullptr);
        QVERIFY(!a.ok());
        QVERIFY2(
            a.error().message.find("failed with exit code 3: login expired, run `login` again") != std::string::npos,
            a.error().message.c_str());
    }

    void execTimeoutKillsThePlugin() {
        QTemporaryDir dir;
        std::string plugin = makePlugin(dir, tokenJson("late"));
        ClientConfig c = execConfig(plugin);
        c.user.exec->env.push_back({"SLEEP", "30"});
        AuthOptions opt;
        opt.execTimeout = std::chrono::milliseconds(500);
        auto t0 = std::chrono::steady_clock::now();
        auto a = (*makeAuthenticator(c, opt))->get(nullptr);
        QVERIFY(!a.ok());
        QCOMPARE(a.error().code, ErrorCode::Timeout);
        QVERIFY(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));
    }

    void execCancellation() {
        QTemporaryDir dir;
        std::string plugin = makePlugin(dir, tokenJson("late"));
        ClientConfig c = execConfig(plugin);
        c.user.exec->env.push_back({"SLEEP", "30"});
        CancelScope scope;
        std::thread canceller([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            scope.cancel();
        });
        auto a = (*makeAuthenticator(c))->get(&scope);
        canceller.join();
        QVERIFY(!a.ok());
        QCOMPARE(a.error().code, ErrorCode::Cancelled);
    }

    void tokenFileIsReRead() {
        QTemporaryDir dir;
        std::string f = writeFile(dir, "token", "first\n");
        ClientConfig c;
        c.user.tokenFile = f;
        SysClock::time_point now = SysClock::now();
        AuthOptions opt;
        opt.now = [&] { return now; };
        auto auth = makeAuthenticator(c, opt);
        auto a = (*auth)->get(nullptr);
        QCOMPARE(authHeader(*a), std::string("Bearer first"));
        writeFile(dir, "token", "second\n");
        QCOMPARE(authHeader(*(*auth)->get(nullptr)), std::string("Bearer first"));  // cached for a minute
        now += std::chrono::seconds(61);
        QCOMPARE(authHeader(*(*auth)->get(nullptr)), std::string("Bearer second"));
        writeFile(dir, "token", "third\n");
        auto cur = (*auth)->get(nullptr);
        QVERIFY((*auth)->unauthorized(cur->serial));  // a 401 re-reads at once
        QCOMPARE(authHeader(*(*auth)->get(nullptr)), std::string("Bearer third"));
        writeFile(dir, "token", "");
        now += std::chrono::seconds(61);
        auto empty = (*auth)->get(nullptr);
        QVERIFY(!empty.ok());
        QVERIFY(empty.error().message.find("is empty") != std::string::npos);
    }

    void basicAuthHeader() {
        ClientConfig c;
        c.user.username = "alice";
        c.user.password.assign("s3cret");
        auto a = (*makeAuthenticator(c))->get(nullptr);
        QCOMPARE(authHeader(*a), std::string("Basic YWxpY2U6czNjcmV0"));
        QVERIFY((*makeAuthenticator(c))->describe().find("basic") != std::string::npos);
    }

    void jwtExpiry() {
        // {"alg":"none"}.{"exp":1893456000,"sub":"x"}.
        QCOMPARE(hs::kube::jwtExpiry("eyJhbGciOiJub25lIn0.eyJleHAiOjE4OTM0NTYwMDAsInN1YiI6IngifQ.c2ln"),
                 std::optional<std::int64_t>(1893456000));
        QVERIFY(!hs::kube::jwtExpiry("not-a-jwt"));
        QVERIFY(!hs::kube::jwtExpiry("a.b"));
    }

    void persistsRefreshedTokensInPlace() {
        QTemporaryDir dir;
        std::string f = writeFile(
            dir, "config",
            "# my clusters\nusers:\n- name: other\n  user:\n    token: keep-me\n- name: oidc-user\n  user:\n    auth-provider:\n      name: oidc\n      config:\n        client-id: hopscope   # the client\n        idp-issuer-url: https://issuer.example\n        refresh-token: 'old-refresh'\ncontexts: []\n",
            0600);
        auto r =
            persistAuthProviderConfig(f, "oidc-user", {{"id-token", "new.id.token"}, {"refresh-token", "new-refresh"}});
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        std::string text = readFile(f);
        QVERIFY2(text.find("# my clusters") != std::string::npos, text.c_str());
        QVERIFY2(text.find("client-id: hopscope   # the client") != std::string::npos, text.c_str());
        QVERIFY2(text.find("refresh-token: \"new-refresh\"") != std::string::npos, text.c_str());
        QVERIFY2(text.find("        id-token: \"new.id.token\"") != std::string::npos, text.c_str());
        QVERIFY2(text.find("token: keep-me") != std::string::npos, text.c_str());
        struct stat st {};
        ::stat(f.c_str(), &st);
        QCOMPARE(st.st_mode & 0777, mode_t(0600));
        // It still reads back as a kubeconfig with the new values.
        auto cfg = parseKubeConfig(text, f);
        QVERIFY(cfg.ok());
        QCOMPARE(cfg->users.at("oidc-user").authProvider->config.at("id-token"), std::string("new.id.token"));
        // A second refresh replaces the now existing id-token.
        QVERIFY(persistAuthProviderConfig(f, "oidc-user", {{"id-token", "newer"}}).ok());
        cfg = parseKubeConfig(readFile(f), f);
        QCOMPARE(cfg->users.at("oidc-user").authProvider->config.at("id-token"), std::string("newer"));
    }

    void processNeverUsesAShell() {
        // A command line with shell syntax is one program name, not a script.
        ProcessSpec spec;
        spec.command = "echo hi; touch /tmp/hopscope-should-not-exist";
        spec.env = mergedEnvironment({});
        SpawnFailure failure;
        auto r = runProcess(spec, nullptr, &failure);
        QVERIFY(!r.ok());
        QCOMPARE(failure, SpawnFailure::NotFound);
        QVERIFY(!QFile::exists("/tmp/hopscope-should-not-exist"));
    }
};

QTEST_GUILESS_MAIN(TestCredentials)
#include "tst_credentials.moc"
