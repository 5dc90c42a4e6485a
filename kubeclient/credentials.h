#pragma once
// Credentials for API requests, one Authenticator per connection:
//  - token (static), tokenFile (re-read when older than a minute or after a 401, as client-go's
//    cached file token source does), basic (sent as the kubeconfig asks; Kubernetes removed it
//    in 1.19, so a 401 names that as the likely cause), a static client certificate (from files
//    or data, kept in memory only);
//  - exec plugins (client.authentication.k8s.io/v1 and v1beta1): the ExecCredential on stdout
//    gives a token or a client certificate + key; it is cached until expirationTimestamp and run
//    again after a 401;
//  - the oidc auth-provider: its id-token while valid, else a refresh-token grant against the
//    issuer's token endpoint (found by OpenID discovery), the new tokens persisted back into the
//    kubeconfig file that defined the user (as client-go does).
//
// Thread-safety: get() and unauthorized() may be called concurrently from any thread; plugin runs
// and refreshes are serialised per Authenticator, so concurrent requests trigger one run.

#include "kubeclient/cancel.h"
#include "kubeclient/http_client.h"
#include "kubeclient/kubeconfig.h"
#include "kubeclient/result.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace hs::kube {

// What one request carries. `serial` identifies the credential so a 401 can invalidate exactly it.
struct AuthData {
    Headers headers;  // Authorization (never logged)
    std::shared_ptr<const ClientCertificate> clientCert;  // exec plugins may return one
    std::uint64_t serial = 0;
};

class Authenticator {
public:
    virtual ~Authenticator() = default;
    virtual Result<AuthData> get(CancelScope* cancel) = 0;
    // Called after a 401 with the serial of the rejected credential. Returns true when fresh
    // credentials may help (so the request is worth retrying once).
    virtual bool unauthorized(std::uint64_t serial) {
        (void)serial;
        return false;
    }
    // What the user configured, for messages: "token", "exec plugin /usr/bin/foo", ...
    virtual std::string describe() const = 0;
};

struct AuthOptions {
    // Exec plugins: may they use the terminal? The GUI sets false (there is none); the CLI leaves
    // it to isatty(stdin).
    bool stdinAvailable = true;
    std::chrono::milliseconds execTimeout{60'000};
    // oidc: write refreshed tokens back into the kubeconfig (client-go does).
    bool persistOidcTokens = true;
    std::function<std::chrono::system_clock::time_point()> now;  // for tests; default: system clock
};

Result<std::shared_ptr<Authenticator>> makeAuthenticator(const ClientConfig& config, AuthOptions options = {});

// The static client certificate of a user (files or data), or nullptr when it has none.
Result<std::shared_ptr<const ClientCertificate>> loadClientCertificate(const UserEntry& user);

// ---- exec plugin protocol (exposed for tests) ------------------------------------------------------

struct ExecCredentialStatus {
    SecretString token;
    std::string clientCertificateData;
    SecretString clientKeyData;
    std::optional<std::chrono::system_clock::time_point> expiration;
};

// Parses a plugin's stdout. Checks kind, apiVersion (must equal the configured one), that a status
// is present with a token or a certificate + key pair, and the expiration timestamp.
Result<ExecCredentialStatus> parseExecCredential(std::string_view json, const std::string& expectedApiVersion);

// The KUBERNETES_EXEC_INFO value: an ExecCredential with spec.interactive and, when the exec
// config asks for it (provideClusterInfo), spec.cluster.
std::string execInfoJson(const ExecConfig& exec, const ClusterEntry& cluster, bool interactive);

// Whether a plugin runs interactively, per interactiveMode; an error for Always without a terminal.
Result<bool> execInteractive(const ExecConfig& exec, bool stdinIsTerminal, bool stdinAvailable);

// The message for a plugin that cannot be found, with the kubeconfig's installHint.
std::string execNotFoundMessage(const ExecConfig& exec);

// ---- oidc (exposed for tests) -----------------------------------------------------------------------

// Seconds since the epoch of a JWT's `exp` claim; nullopt when the token is not a JWT.
std::optional<std::int64_t> jwtExpiry(std::string_view jwt);

// Rewrites auth-provider config values of `user` in the kubeconfig `file` in place (only the
// scalars change; comments and layout stay). Used to persist refreshed oidc tokens.
Result<void> persistAuthProviderConfig(const std::string& file, const std::string& user,
                                       const std::map<std::string, std::string>& updates);

}  // namespace hs::kube
