#pragma once
// kubeconfig loading exactly as client-go's clientcmd does it (loader.go, client_config.go,
// validation.go), with every setting remembering where it was written so errors point at
// `file:line:col`.
//
// Rules implemented:
//  - `--kubeconfig F`: only F; a missing F is an error.
//  - else `KUBECONFIG`, split on ':', empty entries and duplicates dropped, missing files skipped;
//    unset or empty ⇒ `~/.kube/config` (missing ⇒ an empty configuration).
//  - clusters/users/contexts: the first file that defines a name wins the whole entry;
//    `current-context`: the first file that sets it. A name defined twice in one file is an error.
//  - relative `certificate-authority`, `client-certificate`, `client-key`, `tokenFile` and an
//    `exec.command` containing '/' resolve against the directory of the file that defined them.
//  - `*-data` (base64) win over the matching file path (Hopscope warns where client-go's
//    validation would refuse both being set).
//  - context: the override, else `current-context`; namespace: the override, else the context's,
//    else "default".
//  - validation of the chosen context (client-go's messages): missing user/cluster/server,
//    insecure-skip-tls-verify with a CA, token together with basic auth, a client certificate
//    without a key, exec together with an auth-provider, exec without command/apiVersion/
//    interactiveMode (v1), the removed `gcp`/`azure` auth-providers (with the replacement
//    plugin to install), unreadable files.
//
// Pure functions, no global state: safe from any thread.

#include "kubeclient/result.h"
#include "kubeclient/util.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hs::kube {

// Where a setting was written.
struct Origin {
    std::string file;  // absolute path; empty when synthesised
    std::uint32_t line = 0;
    std::uint32_t col = 0;
    std::string str() const;  // "file:line:col" (or "file" when the position is unknown)
};

enum class AuthMethod { None, Token, TokenFile, ClientCertificate, Basic, Exec, Oidc, OtherAuthProvider };
// The names used by `hopscope-cli contexts --json`: token, tokenFile, clientCertificate, basic,
// exec, oidc, none (and authProvider:NAME for anything else).
const char* authMethodName(AuthMethod m);

struct ExecEnvVar {
    std::string name;
    std::string value;  // may be secret: never printed
};

struct ExecConfig {
    std::string command;  // as resolved (relative paths with a '/' joined to the file's directory)
    std::vector<std::string> args;
    std::vector<ExecEnvVar> env;
    std::string apiVersion;  // client.authentication.k8s.io/v1 or /v1beta1
    std::string installHint;
    bool provideClusterInfo = false;
    std::string interactiveMode;  // Never, IfAvailable, Always; v1beta1 defaults to IfAvailable
    Origin origin;
};

struct AuthProviderConfig {
    std::string name;  // oidc, gcp, azure, ...
    std::map<std::string, std::string> config;  // values may be secret (id-token, refresh-token)
    Origin origin;
};

struct ClusterEntry {
    std::string name;
    std::string server;
    std::string tlsServerName;
    bool insecureSkipTlsVerify = false;
    std::string certificateAuthority;  // absolute path, empty if none
    std::string certificateAuthorityData;  // decoded PEM; wins over the path
    std::string proxyUrl;
    bool disableCompression = false;
    std::string execExtensionJson;  // extensions[client.authentication.k8s.io/exec] as JSON, for exec plugins
    Origin origin;
    std::map<std::string, Origin> fields;  // kubeconfig key -> where it was written
};

struct UserEntry {
    std::string name;
    SecretString token;
    std::string tokenFile;  // absolute path
    std::string username;
    SecretString password;
    std::string clientCertificate;  // absolute path
    std::string clientKey;  // absolute path
    std::string clientCertificateData;  // PEM, wins over clientCertificate
    SecretString clientKeyData;  // PEM, wins over clientKey
    std::optional<ExecConfig> exec;
    std::optional<AuthProviderConfig> authProvider;
    std::string impersonate;  // `as`
    std::string impersonateUid;
    std::vector<std::string> impersonateGroups;
    Origin origin;
    std::map<std::string, Origin> fields;

    // The method a request will use. Token beats tokenFile; exec and auth-provider are exclusive
    // (validation); a client certificate may accompany a token (both are sent, as client-go does).
    AuthMethod method() const;
};

struct ContextEntry {
    std::string name;
    std::string cluster;
    std::string user;
    std::string ns;
    Origin origin;
};

struct KubeConfig {
    std::vector<std::string> files;  // files read, in precedence order (absolute paths)
    std::string currentContext;
    Origin currentContextOrigin;
    std::map<std::string, ClusterEntry> clusters;
    std::map<std::string, UserEntry> users;
    std::map<std::string, ContextEntry> contexts;
    std::vector<std::string> contextOrder;  // names in order of first definition (for listings)
    std::vector<std::string> warnings;  // located, user-facing
};

struct LoadingRules {
    std::string explicitPath;  // --kubeconfig; empty = not given
    std::optional<std::string> kubeconfigEnv;  // the KUBECONFIG value; nullopt = unset
    std::string home;  // for ~/.kube/config

    // KUBECONFIG and HOME from the process environment.
    static LoadingRules fromEnvironment(std::string explicitPath = {});
    // The files that would be read, in precedence order, and whether each must exist.
    std::vector<std::pair<std::string, bool>> chain() const;
};

Result<KubeConfig> loadKubeConfig(const LoadingRules& rules);

// One file's contents; `file` locates messages and is the base of relative paths.
Result<KubeConfig> parseKubeConfig(std::string_view text, const std::string& file);

// Adds `next` (a lower-precedence file) to `into`: names already defined keep their entry.
void mergeKubeConfig(KubeConfig& into, KubeConfig next);

struct Overrides {
    std::string context;  // --context
    std::string ns;  // -n / --namespace
};

// Everything needed to talk to one cluster as one user: the chosen context, validated.
struct ClientConfig {
    std::string contextName;
    ContextEntry context;
    ClusterEntry cluster;
    UserEntry user;
    std::string ns = "default";
    bool nsOverridden = false;
    std::vector<std::string> warnings;
};

Result<ClientConfig> resolveClientConfig(const KubeConfig& config, const Overrides& overrides = {});

// The message for auth-providers removed from client-go (gcp, azure), naming the replacement
// credential plugin; empty for others.
std::string removedAuthProviderMessage(const std::string& name);

}  // namespace hs::kube
