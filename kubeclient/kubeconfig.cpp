#include "kubeclient/kubeconfig.h"

#include "model/doc_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace hs::kube {

using model::DocNode;

std::string Origin::str() const {
    if (file.empty()) return "<kubeconfig>";
    if (line == 0) return file;
    return file + ':' + std::to_string(line) + ':' + std::to_string(col);
}

const char* authMethodName(AuthMethod m) {
    switch (m) {
    case AuthMethod::None: return "none";
    case AuthMethod::Token: return "token";
    case AuthMethod::TokenFile: return "tokenFile";
    case AuthMethod::ClientCertificate: return "clientCertificate";
    case AuthMethod::Basic: return "basic";
    case AuthMethod::Exec: return "exec";
    case AuthMethod::Oidc: return "oidc";
    case AuthMethod::OtherAuthProvider: return "authProvider";
    }
    return "none";
}

AuthMethod UserEntry::method() const {
    if (exec) return AuthMethod::Exec;
    if (authProvider) return authProvider->name == "oidc" ? AuthMethod::Oidc : AuthMethod::OtherAuthProvider;
    if (!token.empty()) return AuthMethod::Token;
    if (!tokenFile.empty()) return AuthMethod::TokenFile;
    if (!username.empty() || !password.empty()) return AuthMethod::Basic;
    if (!clientCertificate.empty() || !clientCertificateData.empty()) return AuthMethod::ClientCertificate;
    return AuthMethod::None;
}

std::string removedAuthProviderMessage(const std::string& name) {
    // Wording follows client-go's stubs for the removed in-tree providers (Kubernetes 1.26).
    if (name == "gcp")
        return "The gcp auth plugin has been removed. Please use the \"gke-gcloud-auth-plugin\" kubectl/client-go "
               "credential plugin instead (install it with `gcloud components install gke-gcloud-auth-plugin`, then "
               "run `gcloud container clusters get-credentials` again to rewrite this kubeconfig entry as an exec "
               "plugin). See https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke";
    if (name == "azure")
        return "The azure auth plugin has been removed. Please use the \"kubelogin\" kubectl/client-go credential "
               "plugin instead (`kubelogin convert-kubeconfig` rewrites this entry). See "
               "https://azure.github.io/kubelogin/";
    return {};
}

// ---- parsing one file ------------------------------------------------------------------------

namespace {

// YAML 1.1 booleans as go-yaml v2 reads them (the reader already classified the scalar).
bool isTrue(std::string_view s) {
    return s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "Yes" || s == "YES" || s == "on" ||
        s == "On" || s == "ON" || s == "y" || s == "Y";
}

struct Parser {
    std::string file;  // absolute
    std::string dir;
    std::vector<std::string> errors;

    Origin at(const DocNode* n) const {
        Origin o;
        o.file = file;
        if (n) {
            o.line = n->mark.line;
            o.col = n->mark.col;
        }
        return o;
    }
    void fail(const DocNode* n, const std::string& msg) { errors.push_back(at(n).str() + ": " + msg); }

    std::string str(const DocNode* n, std::string_view what) {
        if (!n || n->isNull()) return {};
        if (!n->isScalar()) {
            fail(n, std::string(what) + ": expected a string");
            return {};
        }
        // client-go decodes YAML through JSON: a number where a string belongs is an error there.
        if (n->scalarType != model::ScalarType::String) {
            fail(n, std::string(what) + ": expected a string, found \"" + n->scalar + "\" (quote it)");
        }
        return n->scalar;
    }
    bool boolean(const DocNode* n, std::string_view what) {
        if (!n || n->isNull()) return false;
        if (!n->isScalar() || n->scalarType != model::ScalarType::Bool) {
            fail(n, std::string(what) + ": expected true or false");
            return false;
        }
        return isTrue(n->scalar);
    }
    std::string data(const DocNode* n, std::string_view what) {
        std::string b64 = str(n, what);
        if (b64.empty()) return {};
        auto d = base64Decode(b64);
        if (!d) {
            fail(n, std::string(what) + ": illegal base64 data");
            return {};
        }
        return std::move(*d);
    }
    std::string path(const DocNode* n, std::string_view what) {
        std::string p = str(n, what);
        if (p.empty()) return p;
        return joinPath(dir, p);
    }
    std::vector<std::string> strList(const DocNode* n, std::string_view what) {
        std::vector<std::string> out;
        if (!n || n->isNull()) return out;
        if (!n->isSequence()) {
            fail(n, std::string(what) + ": expected a list");
            return out;
        }
        for (const auto& i : n->items) out.push_back(str(&i, what));
        return out;
    }
    // A `- name: X \n <key>: {...}` list entry: returns (name node, body node).
    template <class F>
    void namedList(const DocNode* list, std::string_view section, std::string_view bodyKey, F&& each) {
        if (!list || list->isNull()) return;
        if (!list->isSequence()) {
            fail(list, std::string(section) + ": expected a list of {name, " + std::string(bodyKey) + "}");
            return;
        }
        std::set<std::string> seen;
        for (const auto& item : list->items) {
            if (!item.isMap()) {
                fail(&item, std::string(section) + ": expected a map with name and " + std::string(bodyKey));
                continue;
            }
            std::string name = str(item.find("name"), "name");
            if (!seen.insert(name).second) {
                // client-go's conversion refuses a name listed twice in one file.
                fail(item.find("name"), "duplicate name \"" + name + "\" in " + std::string(section));
                continue;
            }
            const DocNode* body = item.find(bodyKey);
            if (body && !body->isNull() && !body->isMap()) {
                fail(body, std::string(bodyKey) + ": expected a map");
                continue;
            }
            each(name, item, body);
        }
    }
};

std::string docToJson(const DocNode& n) {
    std::string out;
    switch (n.type) {
    case DocNode::Type::Null: return "null";
    case DocNode::Type::Scalar:
        switch (n.scalarType) {
        case model::ScalarType::Int:
        case model::ScalarType::Float: return n.scalar;
        case model::ScalarType::Bool: return isTrue(n.scalar) ? "true" : "false";
        case model::ScalarType::Null: return "null";
        case model::ScalarType::String: break;
        }
        out.push_back('"');
        for (char c : n.scalar) {
            switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out.push_back(c);
                }
            }
        }
        out.push_back('"');
        return out;
    case DocNode::Type::Sequence:
        out.push_back('[');
        for (std::size_t i = 0; i < n.items.size(); ++i) {
            if (i) out.push_back(',');
            out += docToJson(n.items[i]);
        }
        out.push_back(']');
        return out;
    case DocNode::Type::Map:
        out.push_back('{');
        for (std::size_t i = 0; i < n.members.size(); ++i) {
            if (i) out.push_back(',');
            DocNode key;
            key.type = DocNode::Type::Scalar;
            key.scalarType = model::ScalarType::String;
            key.scalar = n.members[i].first;
            out += docToJson(key);
            out.push_back(':');
            out += docToJson(n.members[i].second);
        }
        out.push_back('}');
        return out;
    }
    return "null";
}

void parseCluster(Parser& p, ClusterEntry& c, const DocNode* body) {
    if (!body) return;
    auto field = [&](const char* key) -> const DocNode* {
        const DocNode* n = body->find(key);
        if (n && !n->isNull()) c.fields[key] = p.at(n);
        return n;
    };
    c.server = p.str(field("server"), "server");
    c.tlsServerName = p.str(field("tls-server-name"), "tls-server-name");
    c.insecureSkipTlsVerify = p.boolean(field("insecure-skip-tls-verify"), "insecure-skip-tls-verify");
    c.certificateAuthority = p.path(field("certificate-authority"), "certificate-authority");
    c.certificateAuthorityData = p.data(field("certificate-authority-data"), "certificate-authority-data");
    c.proxyUrl = p.str(field("proxy-url"), "proxy-url");
    c.disableCompression = p.boolean(field("disable-compression"), "disable-compression");
    if (const DocNode* ext = body->find("extensions"); ext && ext->isSequence()) {
        for (const auto& e : ext->items) {
            if (e.isMap() && e.find("name") && e.find("name")->text() == "client.authentication.k8s.io/exec" &&
                e.find("extension"))
                c.execExtensionJson = docToJson(*e.find("extension"));
        }
    }
}

void parseUser(Parser& p, UserEntry& u, const DocNode* body) {
    if (!body) return;
    auto field = [&](const char* key) -> const DocNode* {
        const DocNode* n = body->find(key);
        if (n && !n->isNull()) u.fields[key] = p.at(n);
        return n;
    };
    u.token.assign(p.str(field("token"), "token"));
    u.tokenFile = p.path(field("tokenFile"), "tokenFile");
    u.username = p.str(field("username"), "username");
    u.password.assign(p.str(field("password"), "password"));
    u.clientCertificate = p.path(field("client-certificate"), "client-certificate");
    u.clientKey = p.path(field("client-key"), "client-key");
    u.clientCertificateData = p.data(field("client-certificate-data"), "client-certificate-data");
    {
        std::string key = p.data(field("client-key-data"), "client-key-data");
        u.clientKeyData.assign(key);
        wipeString(key);
    }
    u.impersonate = p.str(field("as"), "as");
    u.impersonateUid = p.str(field("as-uid"), "as-uid");
    u.impersonateGroups = p.strList(field("as-groups"), "as-groups");

    if (const DocNode* ap = field("auth-provider"); ap && !ap->isNull()) {
        AuthProviderConfig a;
        a.origin = p.at(ap);
        if (!ap->isMap()) {
            p.fail(ap, "auth-provider: expected a map with name and config");
        } else {
            a.name = p.str(ap->find("name"), "auth-provider.name");
            if (const DocNode* cfg = ap->find("config"); cfg && cfg->isMap()) {
                for (const auto& [k, v] : cfg->members) a.config[k] = p.str(&v, "auth-provider.config." + k);
            }
        }
        u.authProvider = std::move(a);
    }
    if (const DocNode* ex = field("exec"); ex && !ex->isNull()) {
        ExecConfig e;
        e.origin = p.at(ex);
        if (!ex->isMap()) {
            p.fail(ex, "exec: expected a map");
        } else {
            e.command = p.str(ex->find("command"), "exec.command");
            // client-go resolves the command against the file's directory only when it names a path.
            if (e.command.find('/') != std::string::npos) e.command = joinPath(p.dir, e.command);
            if (const DocNode* cmd = ex->find("command")) u.fields["exec.command"] = p.at(cmd);
            e.args = p.strList(ex->find("args"), "exec.args");
            if (const DocNode* env = ex->find("env"); env && !env->isNull()) {
                if (!env->isSequence()) {
                    p.fail(env, "exec.env: expected a list of {name, value}");
                } else {
                    for (const auto& kv : env->items) {
                        if (!kv.isMap()) {
                            p.fail(&kv, "exec.env: expected {name, value}");
                            continue;
                        }
                        e.env.push_back(
                            {p.str(kv.find("name"), "exec.env.name"), p.str(kv.find("value"), "exec.env.value")});
                    }
                }
            }
            e.apiVersion = p.str(ex->find("apiVersion"), "exec.apiVersion");
            e.installHint = p.str(ex->find("installHint"), "exec.installHint");
            e.provideClusterInfo = p.boolean(ex->find("provideClusterInfo"), "exec.provideClusterInfo");
            e.interactiveMode = p.str(ex->find("interactiveMode"), "exec.interactiveMode");
            // v1beta1 (and the removed v1alpha1) default interactiveMode to IfAvailable when it is
            // unset; v1 requires it (validation reports it).
            if (e.interactiveMode.empty() && e.apiVersion != "client.authentication.k8s.io/v1")
                e.interactiveMode = "IfAvailable";
        }
        u.exec = std::move(e);
    }
}

}  // namespace

Result<KubeConfig> parseKubeConfig(std::string_view text, const std::string& fileName) {
    KubeConfig cfg;
    Parser p;
    p.file = fileName.empty() ? std::string("<kubeconfig>") : fileName;
    p.dir = fileName.empty() ? std::string(".") : dirName(fileName);
    cfg.files.push_back(p.file);

    model::Diagnostics diags;
    auto fileShared = std::make_shared<const std::string>(p.file);
    std::vector<model::ParsedDocument> docs;
    try {
        docs = model::readYamlDocuments(text, fileShared, diags);
    } catch (const std::exception& e) {  // the reader promises not to throw; this is the module edge
        return makeError(ErrorCode::Config, p.file + ": cannot parse kubeconfig: " + e.what());
    }
    for (const auto& d : diags)
        if (d.severity == model::Severity::Error)
            return makeError(ErrorCode::Config, "error loading config file \"" + p.file + "\": " + d.format());
    const DocNode* root = nullptr;
    for (const auto& d : docs)
        if (!d.failed && !d.root.isNull()) {
            root = &d.root;
            break;
        }
    if (!root) return cfg;  // an empty file is an empty configuration, as for client-go
    if (!root->isMap())
        return makeError(ErrorCode::Config,
                         p.at(root).str() + ": error loading config file \"" + p.file +
                             "\": a kubeconfig must be a map (apiVersion: v1, kind: Config)");
    if (const DocNode* kind = root->find("kind"); kind && !kind->text().empty() && kind->text() != "Config")
        p.fail(kind, "kind \"" + kind->scalar + "\" is not a kubeconfig (kind: Config)");

    p.namedList(root->find("clusters"), "clusters", "cluster",
                [&](const std::string& name, const DocNode& item, const DocNode* body) {
                    ClusterEntry c;
                    c.name = name;
                    c.origin = p.at(&item);
                    parseCluster(p, c, body);
                    cfg.clusters.emplace(name, std::move(c));
                });
    p.namedList(root->find("users"), "users", "user",
                [&](const std::string& name, const DocNode& item, const DocNode* body) {
                    UserEntry u;
                    u.name = name;
                    u.origin = p.at(&item);
                    parseUser(p, u, body);
                    cfg.users.emplace(name, std::move(u));
                });
    p.namedList(root->find("contexts"), "contexts", "context",
                [&](const std::string& name, const DocNode& item, const DocNode* body) {
                    ContextEntry c;
                    c.name = name;
                    c.origin = p.at(&item);
                    if (body) {
                        c.cluster = p.str(body->find("cluster"), "context.cluster");
                        c.user = p.str(body->find("user"), "context.user");
                        c.ns = p.str(body->find("namespace"), "context.namespace");
                    }
                    cfg.contextOrder.push_back(name);
                    cfg.contexts.emplace(name, std::move(c));
                });
    if (const DocNode* cc = root->find("current-context")) {
        cfg.currentContext = p.str(cc, "current-context");
        cfg.currentContextOrigin = p.at(cc);
    }
    if (!p.errors.empty()) {
        std::string msg = "error loading config file \"" + p.file + "\":";
        for (const auto& e : p.errors) msg += "\n  " + e;
        return makeError(ErrorCode::Config, msg);
    }
    return cfg;
}

void mergeKubeConfig(KubeConfig& into, KubeConfig next) {
    for (auto& f : next.files) into.files.push_back(std::move(f));
    if (into.currentContext.empty() && !next.currentContext.empty()) {
        into.currentContext = std::move(next.currentContext);
        into.currentContextOrigin = std::move(next.currentContextOrigin);
    }
    for (auto& [name, c] : next.clusters) into.clusters.emplace(name, std::move(c));
    for (auto& [name, u] : next.users) into.users.emplace(name, std::move(u));
    for (auto& name : next.contextOrder) {
        auto it = next.contexts.find(name);
        if (into.contexts.emplace(name, std::move(it->second)).second) into.contextOrder.push_back(name);
    }
    for (auto& w : next.warnings) into.warnings.push_back(std::move(w));
}

// ---- loading rules -----------------------------------------------------------------------------

LoadingRules LoadingRules::fromEnvironment(std::string explicitPath) {
    LoadingRules r;
    r.explicitPath = std::move(explicitPath);
    if (const char* env = std::getenv("KUBECONFIG")) r.kubeconfigEnv = std::string(env);
    if (const char* home = std::getenv("HOME")) r.home = home;
    return r;
}

std::vector<std::pair<std::string, bool>> LoadingRules::chain() const {
    std::vector<std::pair<std::string, bool>> out;
    if (!explicitPath.empty()) {
        out.emplace_back(absolutePath(explicitPath), true);
        return out;
    }
    if (kubeconfigEnv && !kubeconfigEnv->empty()) {
        std::set<std::string> seen;
        std::string_view rest = *kubeconfigEnv;
        while (true) {
            auto colon = rest.find(':');
            std::string part(rest.substr(0, colon));
            if (!part.empty()) {
                std::string abs = absolutePath(part);
                // Duplicates are dropped by their spelling in KUBECONFIG, as filepath.SplitList +
                // deduplicate do; resolving first also drops `./a` next to `a`.
                if (seen.insert(abs).second) out.emplace_back(abs, false);
            }
            if (colon == std::string_view::npos) break;
            rest.remove_prefix(colon + 1);
        }
        return out;
    }
    if (!home.empty()) out.emplace_back(joinPath(home, ".kube/config"), false);
    return out;
}

Result<KubeConfig> loadKubeConfig(const LoadingRules& rules) {
    KubeConfig merged;
    for (const auto& [file, required] : rules.chain()) {
        struct stat st {};
        if (::stat(file.c_str(), &st) != 0) {
            if (required)
                return makeError(ErrorCode::Config, "stat " + file + ": no such file or directory (from --kubeconfig)");
            continue;  // KUBECONFIG entries and ~/.kube/config may be missing
        }
        if (S_ISDIR(st.st_mode))
            return makeError(ErrorCode::Config, "error loading config file \"" + file + "\": is a directory");
        std::string err;
        auto text = readWholeFile(file, err);
        if (!text) return makeError(ErrorCode::Config, "error loading config file \"" + file + "\": " + err);
        auto one = parseKubeConfig(*text, file);
        wipeString(*text);  // the text may hold tokens and keys
        if (!one) return std::move(one).error();
        mergeKubeConfig(merged, std::move(one.value()));
    }
    return merged;
}

// ---- choosing and validating a context ------------------------------------------------------------

namespace {

bool isDns1123Label(const std::string& s) {
    if (s.empty() || s.size() > 63) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && !(c == '-' && i > 0 && i + 1 < s.size())) return false;
    }
    return true;
}

void checkReadable(const std::string& path, const std::string& what, const std::string& owner, const Origin& where,
                   std::vector<std::string>& errors) {
    if (path.empty()) return;
    if (::access(path.c_str(), R_OK) != 0) {
        std::string why = std::strerror(errno);
        errors.push_back(where.str() + ": unable to read " + what + " " + path + " for " + owner + " due to open " +
                         path + ": " + why);
    }
}

Origin fieldOrigin(const std::map<std::string, Origin>& fields, const char* key, const Origin& fallback) {
    auto it = fields.find(key);
    return it == fields.end() ? fallback : it->second;
}

}  // namespace

Result<ClientConfig> resolveClientConfig(const KubeConfig& config, const Overrides& overrides) {
    ClientConfig out;
    out.warnings = config.warnings;
    std::string contextName = overrides.context.empty() ? config.currentContext : overrides.context;
    if (contextName.empty()) {
        if (config.contexts.empty() && config.clusters.empty() && config.users.empty())
            return makeError(ErrorCode::Config,
                             config.files.empty()
                                 ? "invalid configuration: no configuration has been provided (no kubeconfig file "
                                   "found: set KUBECONFIG or pass --kubeconfig)"
                                 : "invalid configuration: no configuration has been provided (the kubeconfig "
                                   "files define no contexts)");
        std::string names;
        for (const auto& n : config.contextOrder) names += (names.empty() ? "" : ", ") + n;
        return makeError(ErrorCode::Config,
                         "no context chosen: the kubeconfig sets no current-context; pass --context" +
                             (names.empty() ? std::string() : " (contexts: " + names + ")"));
    }
    auto ctxIt = config.contexts.find(contextName);
    if (ctxIt == config.contexts.end()) {
        if (!overrides.context.empty())
            return makeError(ErrorCode::Config, "context \"" + contextName + "\" does not exist");
        return makeError(ErrorCode::Config,
                         config.currentContextOrigin.str() +
                             ": invalid configuration: context was not found for specified context: " + contextName);
    }
    out.contextName = contextName;
    out.context = ctxIt->second;
    const ContextEntry& ctx = ctxIt->second;

    std::vector<std::string> errors;
    const ClusterEntry* cluster = nullptr;
    const UserEntry* user = nullptr;
    if (ctx.user.empty()) {
        errors.push_back(ctx.origin.str() + ": user was not specified for context \"" + contextName + "\"");
    } else if (auto it = config.users.find(ctx.user); it == config.users.end()) {
        errors.push_back(ctx.origin.str() + ": user \"" + ctx.user + "\" was not found for context \"" + contextName +
                         "\"");
    } else {
        user = &it->second;
    }
    if (ctx.cluster.empty()) {
        errors.push_back(ctx.origin.str() + ": cluster was not specified for context \"" + contextName + "\"");
    } else if (auto it = config.clusters.find(ctx.cluster); it == config.clusters.end()) {
        errors.push_back(ctx.origin.str() + ": cluster \"" + ctx.cluster + "\" was not found for context \"" +
                         contextName + "\"");
    } else {
        cluster = &it->second;
    }
    if (!ctx.ns.empty() && !isDns1123Label(ctx.ns))
        errors.push_back(ctx.origin.str() + ": namespace \"" + ctx.ns + "\" for context \"" + contextName +
                         "\" does not conform to the kubernetes DNS_LABEL rules");

    if (cluster) {
        const ClusterEntry& c = *cluster;
        if (c.server.empty())
            errors.push_back(c.origin.str() + ": no server found for cluster \"" + c.name + "\"");
        else if (c.server.rfind("https://", 0) != 0 && c.server.rfind("http://", 0) != 0)
            errors.push_back(fieldOrigin(c.fields, "server", c.origin).str() + ": server \"" + c.server +
                             "\" of cluster \"" + c.name + "\" is not an http(s) URL");
        bool hasCA = !c.certificateAuthority.empty() || !c.certificateAuthorityData.empty();
        if (c.insecureSkipTlsVerify && hasCA)
            errors.push_back(fieldOrigin(c.fields, "insecure-skip-tls-verify", c.origin).str() +
                             ": specifying a root certificates file with the insecure flag is not allowed (cluster \"" +
                             c.name + "\" sets insecure-skip-tls-verify and a certificate-authority)");
        if (!c.certificateAuthority.empty() && !c.certificateAuthorityData.empty())
            out.warnings.push_back(fieldOrigin(c.fields, "certificate-authority-data", c.origin).str() +
                                   ": certificate-authority-data and certificate-authority are both specified for " +
                                   c.name + "; certificate-authority-data is used");
        else
            checkReadable(c.certificateAuthority, "certificate-authority", c.name,
                          fieldOrigin(c.fields, "certificate-authority", c.origin), errors);
        if (!c.proxyUrl.empty()) {
            auto scheme = c.proxyUrl.substr(0, c.proxyUrl.find("://"));
            if (c.proxyUrl.find("://") == std::string::npos ||
                (scheme != "http" && scheme != "https" && scheme != "socks5"))
                errors.push_back(fieldOrigin(c.fields, "proxy-url", c.origin).str() + ": invalid 'proxy-url' \"" +
                                 c.proxyUrl + "\" for cluster \"" + c.name +
                                 "\": only http, https and socks5 proxies are supported");
        }
        out.cluster = c;
    }
    if (user) {
        const UserEntry& u = *user;
        std::vector<std::string> methods;
        if (!u.token.empty()) methods.push_back("token");
        if (!u.username.empty() || !u.password.empty()) methods.push_back("basicAuth");
        if (methods.size() > 1)
            errors.push_back(u.origin.str() + ": more than one authentication method found for " + u.name +
                             "; found [token basicAuth], only one is allowed");
        bool hasCert = !u.clientCertificate.empty() || !u.clientCertificateData.empty();
        bool hasKey = !u.clientKey.empty() || !u.clientKeyData.empty();
        if (hasCert) {
            if (!hasKey)
                errors.push_back(u.origin.str() + ": client-key-data or client-key must be specified for " + u.name +
                                 " to use the clientCert authentication method.");
            if (!u.clientCertificate.empty() && !u.clientCertificateData.empty())
                out.warnings.push_back(fieldOrigin(u.fields, "client-certificate-data", u.origin).str() +
                                       ": client-certificate-data and client-certificate are both specified for " +
                                       u.name + "; client-certificate-data is used");
            else
                checkReadable(u.clientCertificate, "client-cert", u.name,
                              fieldOrigin(u.fields, "client-certificate", u.origin), errors);
            if (!u.clientKey.empty() && !u.clientKeyData.empty())
                out.warnings.push_back(fieldOrigin(u.fields, "client-key-data", u.origin).str() +
                                       ": client-key-data and client-key are both specified for " + u.name +
                                       "; client-key-data is used");
            else
                checkReadable(u.clientKey, "client-key", u.name, fieldOrigin(u.fields, "client-key", u.origin), errors);
        } else if (hasKey) {
            errors.push_back(u.origin.str() + ": client-key is set for " + u.name + " but no client-certificate");
        }
        if (u.token.empty() && !u.tokenFile.empty())
            checkReadable(u.tokenFile, "tokenFile", u.name, fieldOrigin(u.fields, "tokenFile", u.origin), errors);
        if (u.exec) {
            const ExecConfig& e = *u.exec;
            if (u.authProvider)
                errors.push_back(e.origin.str() +
                                 ": authProvider cannot be provided in combination with an exec plugin for " + u.name);
            if (e.command.empty())
                errors.push_back(e.origin.str() + ": command must be specified for " + u.name +
                                 " to use exec authentication plugin");
            if (e.apiVersion.empty())
                errors.push_back(e.origin.str() + ": apiVersion must be specified for " + u.name +
                                 " to use exec authentication plugin");
            else if (e.apiVersion != "client.authentication.k8s.io/v1" &&
                     e.apiVersion != "client.authentication.k8s.io/v1beta1")
                errors.push_back(e.origin.str() + ": exec plugin: invalid apiVersion \"" + e.apiVersion +
                                 "\" (use client.authentication.k8s.io/v1 or v1beta1)");
            for (const auto& v : e.env)
                if (v.name.empty())
                    errors.push_back(e.origin.str() + ": env variable name must be specified for " + u.name +
                                     " to use exec authentication plugin");
            if (e.interactiveMode.empty())
                errors.push_back(e.origin.str() + ": interactiveMode must be specified for " + u.name +
                                 " to use exec authentication plugin");
            else if (e.interactiveMode != "Never" && e.interactiveMode != "IfAvailable" &&
                     e.interactiveMode != "Always")
                errors.push_back(e.origin.str() + ": invalid interactiveMode for " + u.name + ": \"" +
                                 e.interactiveMode + "\"");
        }
        if (u.authProvider) {
            const AuthProviderConfig& a = *u.authProvider;
            std::string removed = removedAuthProviderMessage(a.name);
            if (!removed.empty()) {
                errors.push_back(a.origin.str() + ": " + removed);
            } else if (a.name == "oidc") {
                auto has = [&](const char* k) {
                    auto it = a.config.find(k);
                    return it != a.config.end() && !it->second.empty();
                };
                if (!has("idp-issuer-url"))
                    errors.push_back(a.origin.str() + ": Must provide idp-issuer-url (oidc auth-provider of " + u.name +
                                     ")");
                if (!has("client-id"))
                    errors.push_back(a.origin.str() + ": Must provide client-id (oidc auth-provider of " + u.name +
                                     ")");
            } else {
                errors.push_back(a.origin.str() + ": no Auth Provider found for name \"" + a.name + "\"");
            }
        }
        if (!u.impersonateGroups.empty() && u.impersonate.empty())
            errors.push_back(u.origin.str() + ": requesting groups or user-extra for " + u.name +
                             " without impersonating a user");
        out.user = u;
    }
    if (!errors.empty()) {
        std::string msg = "invalid configuration for context \"" + contextName + "\":";
        if (errors.size() == 1)
            msg += " " + errors.front();
        else
            for (const auto& e : errors) msg += "\n  " + e;
        return makeError(ErrorCode::Config, msg);
    }
    if (!overrides.ns.empty()) {
        out.ns = overrides.ns;
        out.nsOverridden = true;
    } else if (!ctx.ns.empty()) {
        out.ns = ctx.ns;
    }
    return out;
}

}  // namespace hs::kube
