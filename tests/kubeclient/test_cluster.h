#pragma once
// A real Kubernetes API server for the integration tests: tests/cluster/start.sh in a temporary
// folder (its watchdog stops everything if the test process dies), the harness's scripts for
// restarts and seeding, faultproxy under the test's control, and helpers that compare a live
// snapshot with a fresh list of the server.
#include "kubeclient/live_cluster.h"
#include "tests/test_paths.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <string>

namespace hs::test {

inline QString clusterScript(const QString& name) {
    return QString::fromStdString(hs::testing::sourceDir() + "/tests/cluster/") + name;
}

class TestCluster {
public:
    ~TestCluster() { stop(); }

    // Starts a fresh cluster; `seedArgs` (e.g. {"--small", "--gateway=false"}) are passed to seed.
    bool start(QString& error, const QStringList& seedArgs = {"--small"}) {
        if (!tmp_.isValid()) {
            error = "cannot create a temporary folder";
            return false;
        }
        dir_ = tmp_.path() + "/c";
        QString out;
        if (!run("bash",
                 {clusterScript("start.sh"), dir_, "--owner-pid", QString::number(QCoreApplication::applicationPid())},
                 &out, 300'000)) {
            error = "start.sh failed:\n" + out;
            return false;
        }
        started_ = true;
        loadEnv();
        if (!seedArgs.isEmpty() && !seed(seedArgs, &out)) {
            error = "seed failed:\n" + out;
            return false;
        }
        return true;
    }

    void stop() {
        if (!started_) return;
        started_ = false;
        run("bash", {clusterScript("stop.sh"), dir_}, nullptr, 60'000);
    }

    void loadEnv() {
        env_.clear();
        QFile f(dir_ + "/env");
        if (!f.open(QIODevice::ReadOnly)) return;
        for (const QByteArray& line : f.readAll().split('\n')) {
            int eq = line.indexOf('=');
            if (eq > 0) env_[QString::fromUtf8(line.left(eq))] = QString::fromUtf8(line.mid(eq + 1));
        }
    }

    QString env(const QString& key) const { return env_.value(key); }
    std::string envs(const char* key) const { return env_.value(key).toStdString(); }
    QString dir() const { return dir_; }
    QString tmp() const { return tmp_.path(); }

    // Runs a program (never a shell command line); output (stdout+stderr) to `out`.
    static bool run(const QString& program, const QStringList& args, QString* out = nullptr, int timeoutMs = 120'000) {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.setStandardInputFile(QProcess::nullDevice());
        p.start(program, args);
        if (!p.waitForStarted(10'000)) {
            if (out) *out = program + ": cannot start";
            return false;
        }
        bool finished = p.waitForFinished(timeoutMs);
        if (out) *out = QString::fromUtf8(p.readAll());
        if (!finished) {
            p.kill();
            p.waitForFinished();
            return false;
        }
        return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    bool seed(const QStringList& args, QString* out = nullptr) {
        return run(env("SEED"), QStringList{"--kubeconfig", env("ADMIN_KUBECONFIG")} + args, out, 300'000);
    }
    bool kubectl(const QStringList& args, QString* out = nullptr) {
        return run(env("KUBECTL"), QStringList{"--kubeconfig", env("ADMIN_KUBECONFIG")} + args, out);
    }
    bool script(const QString& name, const QStringList& args = {}, QString* out = nullptr) {
        bool ok = run("bash", QStringList{clusterScript(name), dir_} + args, out, 180'000);
        loadEnv();
        return ok;
    }

    static kube::Result<kube::ClientConfig> clientConfig(const std::string& kubeconfig, kube::Overrides ov = {}) {
        kube::LoadingRules rules;
        rules.explicitPath = kubeconfig;
        auto cfg = kube::loadKubeConfig(rules);
        if (!cfg) return std::move(cfg).error();
        return kube::resolveClientConfig(*cfg, ov);
    }
    kube::ClientConfig admin() const { return *clientConfig(envs("ADMIN_KUBECONFIG")); }

    // Writes a kubeconfig: the admin one's cluster with `userYaml` (indented under `user:`) and
    // optional cluster lines replacing the default server/CA.
    std::string kubeconfig(const QString& name, const std::string& userYaml,
                           const std::string& clusterYaml = {}) const {
        std::string path = (tmp_.path() + "/" + name).toStdString();
        std::string cluster = clusterYaml.empty()
            ? "    server: " + envs("APISERVER_URL") + "\n    certificate-authority: " + envs("CA_FILE") + "\n"
            : clusterYaml;
        std::ofstream(path) << "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n"
                            << cluster << "users:\n- name: u\n  user:\n"
                            << userYaml << "contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
                            << "current-context: x\n";
        return path;
    }

private:
    QTemporaryDir tmp_{QDir::tempPath() + "/hs-kube-XXXXXX"};
    QString dir_;
    QMap<QString, QString> env_;
    bool started_ = false;
};

// faultproxy between the client and the API server, steered over its control port.
class FaultProxy {
public:
    ~FaultProxy() { stop(); }
    bool start(const TestCluster& c) {
        proc_.setProcessChannelMode(QProcess::SeparateChannels);
        proc_.start(c.env("FAULTPROXY"), {"-target", "127.0.0.1:" + c.env("APISERVER_PORT"), "-quiet"});
        if (!proc_.waitForStarted(10'000)) return false;
        while (!proc_.canReadLine())
            if (!proc_.waitForReadyRead(10'000)) return false;
        QString line = QString::fromUtf8(proc_.readLine()).trimmed();  // LISTEN_PORT=N CONTROL_PORT=M
        for (const QString& part : line.split(' ')) {
            if (part.startsWith("LISTEN_PORT=")) listenPort = part.mid(12).toInt();
            if (part.startsWith("CONTROL_PORT=")) controlPort_ = part.mid(13).toInt();
        }
        return listenPort > 0 && controlPort_ > 0;
    }
    void stop() {
        if (proc_.state() == QProcess::NotRunning) return;
        command("quit");
        if (!proc_.waitForFinished(5000)) {
            proc_.kill();
            proc_.waitForFinished();
        }
    }
    // One command, one reply line ("OK ..." / "ERR ...").
    std::string command(const std::string& cmd) {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(controlPort_));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ::close(fd);
            return "ERR connect";
        }
        std::string line = cmd + "\n";
        (void)!::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
        std::string reply;
        char ch;
        while (::read(fd, &ch, 1) == 1 && ch != '\n') reply.push_back(ch);
        ::close(fd);
        return reply;
    }
    int listenPort = 0;

private:
    QProcess proc_;
    int controlPort_ = 0;
};

// What a snapshot holds of the kinds the tests change, with resource versions (objects Hopscope
// derived when loading manifests, marked `derived`, are not the server's and are left out).
inline std::set<std::string> fingerprint(const model::ClusterState& s) {
    std::set<std::string> out;
    auto add = [&](const char* kind, const auto& store) {
        for (const auto& o : store.all())
            if (!o->meta.derived) out.insert(std::string(kind) + ' ' + o->meta.key() + '@' + o->meta.resourceVersion);
    };
    add("Namespace", s.namespaces());
    add("IngressClass", s.ingressClasses());
    add("Ingress", s.ingresses());
    add("Service", s.services());
    add("EndpointSlice", s.endpointSlices());
    add("Pod", s.pods());
    return out;
}

inline std::string describeDiff(const std::set<std::string>& want, const std::set<std::string>& have) {
    std::string d;
    for (const auto& w : want)
        if (!have.count(w)) d += "  missing " + w + "\n";
    for (const auto& h : have)
        if (!want.count(h)) d += "  extra   " + h + "\n";
    return d;
}

// Waits until `lc`'s snapshot holds exactly what a fresh list of the server (as admin, directly)
// holds. Returns an empty string on success, else the last difference.
inline std::string converge(kube::LiveCluster& lc, const kube::ClientConfig& admin,
                            std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string diff = "no snapshot";
    kube::LiveOptions fresh;
    fresh.fetchTlsSecrets = false;
    fresh.controllerConfigMaps.clear();
    while (std::chrono::steady_clock::now() < deadline) {
        auto truth = kube::readLiveOnce(admin, fresh);
        auto snap = lc.snapshot();
        if (truth && snap) {
            auto want = fingerprint(*truth->state), have = fingerprint(*snap);
            if (want == have) return {};
            diff = describeDiff(want, have);
        } else if (!truth) {
            diff = "fresh list failed: " + truth.error().message;
        }
        lc.waitForNewer(snap ? snap->generation() : 0, std::chrono::milliseconds(500));
    }
    return diff;
}

// Waits for a condition on the LiveCluster's status, polling (the status changes on its own threads).
template <class Pred>
bool waitForStatus(kube::LiveCluster& lc, Pred pred, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred(lc.status())) return true;
        QTest::qWait(50);
    }
    return pred(lc.status());
}

// The user the API server sees for a client (SelfSubjectReview, what `kubectl auth whoami` does).
inline kube::Result<std::string> whoami(kube::ApiClient& client) {
    auto r = client.request("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                            "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}",
                            "application/json", "ask who I am");
    if (!r) return std::move(r).error();
    auto pos = r->body.find("\"username\":\"");
    if (pos == std::string::npos) return kube::makeError(kube::ErrorCode::Protocol, "no username in " + r->body);
    pos += 12;
    return r->body.substr(pos, r->body.find('"', pos) - pos);
}

}  // namespace hs::test
