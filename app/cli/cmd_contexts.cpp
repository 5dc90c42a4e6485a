// hopscope-cli contexts: every kubeconfig context with its resolved server, namespace, auth method
// and the files its settings come from — never a secret value (tokens, passwords, keys and exec
// environment values are not printed, only which method is used).
#include "app/cli/cli.h"
#include "kubeclient/kubeconfig.h"
#include "model/json_writer.h"

#include <algorithm>
#include <ostream>

namespace hs::cli {

namespace {

struct Row {
    std::string name, cluster, server, user, ns, auth, definedIn, error;
    bool current = false;
    std::vector<std::pair<std::string, std::string>> files;  // setting -> absolute path
};

Row describe(const kube::KubeConfig& cfg, const std::string& name) {
    Row r;
    const kube::ContextEntry& ctx = cfg.contexts.at(name);
    r.name = name;
    r.current = name == cfg.currentContext;
    r.cluster = ctx.cluster;
    r.user = ctx.user;
    r.ns = ctx.ns.empty() ? "default" : ctx.ns;
    r.definedIn = ctx.origin.file;
    r.auth = "none";
    if (auto it = cfg.clusters.find(ctx.cluster); it != cfg.clusters.end()) {
        const auto& c = it->second;
        r.server = c.server;
        if (!c.certificateAuthority.empty() && c.certificateAuthorityData.empty())
            r.files.emplace_back("certificateAuthority", c.certificateAuthority);
    }
    if (auto it = cfg.users.find(ctx.user); it != cfg.users.end()) {
        const auto& u = it->second;
        kube::AuthMethod m = u.method();
        r.auth =
            m == kube::AuthMethod::OtherAuthProvider ? "authProvider:" + u.authProvider->name : kube::authMethodName(m);
        if (!u.clientCertificate.empty() && u.clientCertificateData.empty())
            r.files.emplace_back("clientCertificate", u.clientCertificate);
        if (!u.clientKey.empty() && u.clientKeyData.empty()) r.files.emplace_back("clientKey", u.clientKey);
        if (!u.tokenFile.empty() && u.token.empty()) r.files.emplace_back("tokenFile", u.tokenFile);
        if (u.exec && u.exec->command.find('/') != std::string::npos)
            r.files.emplace_back("execCommand", u.exec->command);
        if (u.authProvider) {
            auto ca = u.authProvider->config.find("idp-certificate-authority");
            if (ca != u.authProvider->config.end() && !ca->second.empty())
                r.files.emplace_back("idpCertificateAuthority", ca->second);
        }
    }
    auto resolved = kube::resolveClientConfig(cfg, {name, {}});
    if (!resolved) r.error = resolved.error().message;
    return r;
}

int runContexts(const Args& args, Io& io) {
    auto rules = kube::LoadingRules::fromEnvironment(args.get("--kubeconfig", ""));
    auto cfg = kube::loadKubeConfig(rules);
    if (!cfg) {
        io.err << "error: " << cfg.error().message << '\n';
        return kExitUsage;
    }
    std::vector<Row> rows;
    for (const auto& name : cfg->contextOrder) rows.push_back(describe(*cfg, name));

    if (args.has("--json")) {
        model::JsonWriter w(true);
        w.beginObject();
        w.field("currentContext", cfg->currentContext);
        w.key("kubeconfigFiles").beginArray();
        for (const auto& f : cfg->files) w.value(f);
        w.endArray();
        w.key("contexts").beginArray();
        for (const auto& r : rows) {
            w.beginObject();
            w.field("name", r.name).field("current", r.current).field("cluster", r.cluster).field("server", r.server);
            w.field("user", r.user).field("namespace", r.ns).field("auth", r.auth);
            w.key("files").beginObject();
            for (const auto& [k, v] : r.files) w.field(k, v);
            w.endObject();
            w.field("definedIn", r.definedIn);
            if (!r.error.empty()) w.field("error", r.error);
            w.endObject();
        }
        w.endArray();
        w.key("warnings").beginArray();
        for (const auto& x : cfg->warnings) w.value(x);
        w.endArray();
        w.endObject();
        io.out << w.str() << '\n';
        return kExitOk;
    }

    if (rows.empty()) {
        io.out << "no contexts";
        if (cfg->files.empty()) io.out << " (no kubeconfig file found: set KUBECONFIG or pass --kubeconfig)";
        io.out << '\n';
        return kExitOk;
    }
    std::vector<std::vector<std::string>> table = {
        {"CURRENT", "NAME", "CLUSTER", "SERVER", "USER", "NAMESPACE", "AUTH", "DEFINED IN"}};
    for (const auto& r : rows)
        table.push_back({r.current ? "*" : "", r.name, r.cluster, r.server, r.user, r.ns, r.auth, r.definedIn});
    std::vector<std::size_t> width(table.front().size(), 0);
    for (const auto& row : table)
        for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    for (const auto& row : table) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        io.out << line << '\n';
    }
    bool anyFiles = std::any_of(rows.begin(), rows.end(), [](const Row& r) { return !r.files.empty(); });
    if (anyFiles) {
        io.out << "\nFiles:\n";
        for (const auto& r : rows)
            for (const auto& [k, v] : r.files) io.out << "  " << r.name << ": " << k << " " << v << '\n';
    }
    for (const auto& r : rows)
        if (!r.error.empty()) io.err << "warning: context " << r.name << " cannot be used: " << r.error << '\n';
    for (const auto& w : cfg->warnings) io.err << "warning: " << w << '\n';
    return kExitOk;
}

}  // namespace

Command contextsCommand() {
    Command c;
    c.name = "contexts";
    c.summary = "list kubeconfig contexts: server, namespace, auth method, files (no secrets)";
    c.usage = "[--kubeconfig FILE] [--json]";
    c.options = {
        {"--kubeconfig", "", true, false, false, "read only this kubeconfig (default: $KUBECONFIG or ~/.kube/config)",
         "FILE"},
        {"--json", "", false, false, false, "JSON output (documented in docs/kubeclient.md)", ""},
    };
    c.run = runContexts;
    return c;
}

}  // namespace hs::cli
