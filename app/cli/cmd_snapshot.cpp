// hopscope-cli snapshot: a live cluster saved as manifests that `-f DIR` loads offline, so what-if
// work starts from the real cluster. Also the live source of every other command
// (--kubeconfig/--context): the cluster is listed once, without watching.
#include "app/cli/cli.h"
#include "kubeclient/live_cluster.h"
#include "model/atomic_file.h"
#include "model/decode.h"
#include "model/manifest_writer.h"

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

namespace hs::cli {

namespace {

struct LiveRead {
    kube::LiveReadResult result;
    std::string context;
    std::string server;
};

// RBAC refusals repeat per namespace; print the first in full and name the other namespaces.
void printProblems(const std::vector<std::string>& problems, Io& io) {
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;  // first message, other namespaces
    std::map<std::string, std::size_t> byPrefix;
    for (const auto& p : problems) {
        auto at = p.find(" in namespace ");
        auto colon = at == std::string::npos ? std::string::npos : p.find(": ", at);
        if (colon == std::string::npos) {
            groups.push_back({p, {}});
            continue;
        }
        std::string prefix = p.substr(0, at);
        std::string ns = p.substr(at + 14, colon - at - 14);
        auto it = byPrefix.find(prefix);
        if (it == byPrefix.end()) {
            byPrefix[prefix] = groups.size();
            groups.push_back({p, {}});
        } else {
            groups[it->second].second.push_back(ns);
        }
    }
    for (const auto& [msg, more] : groups) {
        io.err << "warning: " << msg;
        if (!more.empty()) {
            io.err << " (the same in " << more.size() << " more namespace" << (more.size() > 1 ? "s" : "") << ": ";
            for (std::size_t i = 0; i < more.size(); ++i) io.err << (i ? ", " : "") << more[i];
            io.err << ')';
        }
        io.err << '\n';
    }
}

std::optional<LiveRead> readLive(const Args& args, Io& io, int& exitCode) {
    if (args.has("-n") && args.has("-A")) {
        io.err << "error: give either -n NAMESPACE or -A, not both\n";
        exitCode = kExitUsage;
        return std::nullopt;
    }
    auto cfg = kube::loadKubeConfig(kube::LoadingRules::fromEnvironment(args.get("--kubeconfig", "")));
    if (!cfg) {
        io.err << "error: " << cfg.error().message << '\n';
        exitCode = kExitUsage;
        return std::nullopt;
    }
    kube::Overrides ov;
    ov.context = args.get("--context", "");
    ov.ns = args.get("-n", "");
    auto cc = kube::resolveClientConfig(*cfg, ov);
    if (!cc) {
        io.err << "error: " << cc.error().message << '\n';
        exitCode = kExitUsage;
        return std::nullopt;
    }
    for (const auto& w : cc->warnings) io.err << "warning: " << w << '\n';
    kube::LiveOptions opt;
    // Routing crosses namespaces (IngressClasses, default backends, Gateway routes), so the whole
    // cluster is read unless -n narrows it; the context's namespace does not.
    opt.ns = args.get("-n", "");
    opt.client.auth.stdinAvailable = ::isatty(STDIN_FILENO) == 1;
    auto r = kube::readLiveOnce(*cc, opt);
    if (!r) {
        io.err << "error: " << r.error().message << '\n';
        exitCode = kExitUsage;
        return std::nullopt;
    }
    printProblems(r->problems, io);
    return LiveRead{std::move(*r), cc->contextName, cc->cluster.server};
}

std::string nowUtc() { return model::formatTimestamp(static_cast<std::int64_t>(std::time(nullptr))); }

int runSnapshot(const Args& args, Io& io) {
    auto out = args.get("-o");
    if (!out) {
        io.err << "error: -o DIR is required\n";
        return kExitUsage;
    }
    int code = kExitOk;
    auto live = readLive(args, io, code);
    if (!live) return code;
    const model::ClusterState& st = *live->result.state;
    std::error_code ec;
    std::filesystem::create_directories(*out, ec);
    if (ec) {
        io.err << "error: cannot create " << *out << ": " << ec.message() << '\n';
        return kExitUsage;
    }
    std::string when = nowUtc();
    model::ManifestWriterOptions wo;
    wo.header = "hopscope-cli snapshot of context " + live->context + " (" + live->server + ") at " + when +
        "\nLoad it with: hopscope-cli lint -f DIR (or route/graph -f DIR)";
    const auto& certs = live->result.certificates;
    wo.certificatePem = [&](const std::string& ns, const std::string& name) {
        auto it = certs.find(ns + '/' + name);
        return it == certs.end() ? std::string() : it->second;
    };
    auto files = model::writeManifests(st, wo);
    // Files of kinds that have no objects now are removed, so re-running into the same folder
    // never leaves stale objects behind.
    for (const char* name : {"namespaces.yaml", "nodes.yaml", "ingressclasses.yaml", "ingresses.yaml", "services.yaml",
                             "endpointslices.yaml", "pods.yaml", "workloads.yaml", "secrets.yaml", "configmaps.yaml",
                             "gatewayclasses.yaml", "gateways.yaml", "httproutes.yaml", "referencegrants.yaml"}) {
        bool written =
            std::any_of(files.begin(), files.end(), [&](const model::ManifestFile& f) { return f.name == name; });
        if (!written) std::filesystem::remove(std::filesystem::path(*out) / name, ec);
    }
    std::size_t total = 0;
    for (const auto& f : files) {
        // Each file is replaced atomically: a failed write leaves the previous snapshot's file whole.
        if (auto w = model::writeFileAtomic(std::filesystem::path(*out) / f.name, f.text); !w) {
            io.err << "error: " << w.error << '\n';
            return kExitUsage;
        }
        total += f.objects;
    }
    {
        std::ostringstream info;
        info << "context: " << live->context << "\nserver: " << live->server
             << "\nserver version: " << live->result.status.serverVersion << "\ntaken: " << when
             << "\nobjects: " << total << '\n';
        for (const auto& f : files) info << "  " << f.name << ": " << f.objects << '\n';
        info << "TLS Secrets hold the certificate only (tls.key is never read into Hopscope, so never written).\n";
        if (!live->result.problems.empty()) {
            info << "not visible to this user (the snapshot lacks these):\n";
            for (const auto& p : live->result.problems) info << "  " << p << '\n';
        }
        if (auto w = model::writeFileAtomic(std::filesystem::path(*out) / "snapshot-info.txt", info.str()); !w) {
            io.err << "error: " << w.error << '\n';
            return kExitUsage;
        }
    }
    io.err << "wrote " << total << " object(s) in " << files.size() << " file(s) to " << *out;
    if (!live->result.problems.empty())
        io.err << " (" << live->result.problems.size() << " warning(s): some objects were not visible)";
    io.err << '\n';
    return kExitOk;
}

}  // namespace

std::optional<model::LoadResult> loadLiveSource(const Args& args, Io& io, int& exitCode) {
    auto live = readLive(args, io, exitCode);
    if (!live) return std::nullopt;
    model::LoadResult r;
    r.state = live->result.state;
    r.stats.objects = r.state->objectCount();
    return r;
}

Command snapshotCommand() {
    Command c;
    c.name = "snapshot";
    c.summary = "save a live cluster as manifests for offline what-if (-f DIR)";
    c.usage = "[--kubeconfig FILE] [--context NAME] [-n NAMESPACE | -A] -o DIR";
    c.options = {
        {"--kubeconfig", "", true, false, false, "read only this kubeconfig (default: $KUBECONFIG or ~/.kube/config)",
         "FILE"},
        {"--context", "", true, false, false, "the kubeconfig context (default: current-context)", "NAME"},
        {"-n", "--namespace", true, false, false, "only this namespace", "NS"},
        {"-A", "--all-namespaces", false, false, false, "all namespaces (the default)", ""},
        {"-o", "--output", true, false, false, "folder to write the manifests to (created if missing)", "DIR"},
    };
    c.run = runSnapshot;
    return c;
}

}  // namespace hs::cli
