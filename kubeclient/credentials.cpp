#include "kubeclient/credentials.h"

#include "kubeclient/process.h"
#include "model/atomic_file.h"
#include "model/decode.h"
#include "model/doc_reader.h"
#include "model/json_writer.h"

#include <simdjson.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace hs::kube {

namespace {

using SysClock = std::chrono::system_clock;

std::atomic<std::uint64_t> gSerial{1};
std::uint64_t nextSerial() { return gSerial.fetch_add(1); }

SysClock::time_point nowOf(const AuthOptions& o) { return o.now ? o.now() : SysClock::now(); }

std::string tail(std::string_view s, std::size_t max) {
    s = trimSpace(s);
    if (s.size() <= max) return std::string(s);
    return "…" + std::string(s.substr(s.size() - max));
}

// ---- static token / basic ------------------------------------------------------------------------

class StaticAuthenticator : public Authenticator {
public:
    StaticAuthenticator(Headers headers, std::string what) : headers_(std::move(headers)), what_(std::move(what)) {}
    ~StaticAuthenticator() override {
        for (auto& [k, v] : headers_) wipeString(v);
    }
    Result<AuthData> get(CancelScope*) override {
        AuthData d;
        d.headers = headers_;
        d.serial = serial_;
        return d;
    }
    std::string describe() const override { return what_; }

private:
    Headers headers_;
    std::string what_;
    std::uint64_t serial_ = nextSerial();
};

// ---- tokenFile -------------------------------------------------------------------------------------

class TokenFileAuthenticator : public Authenticator {
public:
    TokenFileAuthenticator(std::string path, AuthOptions opts) : path_(std::move(path)), opts_(std::move(opts)) {}
    Result<AuthData> get(CancelScope*) override {
        std::lock_guard lock(mu_);
        auto now = nowOf(opts_);
        // client-go re-reads a token file at most once a minute (and we after any 401).
        if (token_.empty() || now - readAt_ > std::chrono::minutes(1)) {
            std::string err;
            auto text = readWholeFile(path_, err);
            if (!text) return makeError(ErrorCode::Credentials, "cannot read tokenFile " + path_ + ": " + err);
            token_.assign(trimSpace(*text));
            wipeString(*text);
            if (token_.empty()) return makeError(ErrorCode::Credentials, "tokenFile " + path_ + " is empty");
            readAt_ = now;
            serial_ = nextSerial();
        }
        AuthData d;
        d.headers.emplace_back("Authorization", "Bearer " + std::string(token_.view()));
        d.serial = serial_;
        return d;
    }
    bool unauthorized(std::uint64_t serial) override {
        std::lock_guard lock(mu_);
        if (serial != serial_) return true;  // already re-read since
        token_.wipe();
        return true;
    }
    std::string describe() const override { return "tokenFile " + path_; }

private:
    std::string path_;
    AuthOptions opts_;
    std::mutex mu_;
    SecretString token_;
    SysClock::time_point readAt_{};
    std::uint64_t serial_ = 0;
};

// ---- exec plugin ----------------------------------------------------------------------------------

class ExecAuthenticator : public Authenticator {
public:
    ExecAuthenticator(ExecConfig exec, ClusterEntry cluster, AuthOptions opts)
        : exec_(std::move(exec)), cluster_(std::move(cluster)), opts_(std::move(opts)) {}

    Result<AuthData> get(CancelScope* cancel) override {
        std::lock_guard lock(mu_);
        if (cached_ && (!expiry_ || nowOf(opts_) < *expiry_)) return *cached_;
        auto r = run(cancel);
        if (!r) return std::move(r).error();
        return *cached_;
    }
    bool unauthorized(std::uint64_t serial) override {
        std::lock_guard lock(mu_);
        // Only the credential that was rejected is dropped; a newer one (another request already
        // re-ran the plugin) stays.
        if (cached_ && cached_->serial == serial) cached_.reset();
        return true;
    }
    std::string describe() const override { return "exec plugin " + exec_.command; }
    std::uint64_t runs() const { return runs_; }

private:
    Result<void> run(CancelScope* cancel) {
        auto interactive = execInteractive(exec_, ::isatty(STDIN_FILENO) == 1, opts_.stdinAvailable);
        if (!interactive)
            return makeError(ErrorCode::Credentials, "getting credentials: " + interactive.error().message);
        std::vector<std::pair<std::string, std::string>> env;
        for (const auto& v : exec_.env) env.emplace_back(v.name, v.value);
        env.emplace_back("KUBERNETES_EXEC_INFO", execInfoJson(exec_, cluster_, *interactive));
        ProcessSpec spec;
        spec.command = exec_.command;
        spec.args = exec_.args;
        spec.env = mergedEnvironment(env);
        spec.inheritStdin = *interactive;
        spec.inheritStderr = *interactive;  // prompts ("open this URL, enter this code") must reach the user
        spec.timeout = opts_.execTimeout;
        SpawnFailure failure = SpawnFailure::None;
        ++runs_;
        auto res = runProcess(spec, cancel, &failure);
        for (auto& e : spec.env)
            if (e.rfind("KUBERNETES_EXEC_INFO=", 0) != 0) wipeString(e);  // env values may be secrets
        if (!res) {
            if (failure == SpawnFailure::NotFound)
                return makeError(ErrorCode::Credentials, "getting credentials: " + execNotFoundMessage(exec_));
            Error e = std::move(res).error();
            if (e.code != ErrorCode::Cancelled) e.message = "getting credentials: exec: " + e.message;
            return e;
        }
        ProcessResult& pr = *res;
        if (pr.exitCode != 0) {
            std::string msg = "getting credentials: exec: executable " + exec_.command +
                (pr.signal ? " was killed by signal " + std::to_string(pr.signal)
                           : " failed with exit code " + std::to_string(pr.exitCode));
            // The plugin's stderr is meant for the user (client-go passes it through).
            if (!trimSpace(pr.err).empty()) msg += ": " + tail(pr.err, 600);
            wipeString(pr.out);
            return makeError(ErrorCode::Credentials, msg);
        }
        auto status = parseExecCredential(pr.out, exec_.apiVersion);
        wipeString(pr.out);
        if (!status) return makeError(ErrorCode::Credentials, "getting credentials: " + status.error().message);
        AuthData d;
        d.serial = nextSerial();
        if (!status->token.empty())
            d.headers.emplace_back("Authorization", "Bearer " + std::string(status->token.view()));
        if (!status->clientCertificateData.empty()) {
            auto cert = std::make_shared<ClientCertificate>();
            cert->certPem = status->clientCertificateData;
            cert->keyPem = status->clientKeyData;
            d.clientCert = std::move(cert);
        }
        expiry_ = status->expiration;
        cached_ = std::move(d);
        return {};
    }

    ExecConfig exec_;
    ClusterEntry cluster_;
    AuthOptions opts_;
    std::mutex mu_;  // also serialises plugin runs: an interactive plugin must run only once
    std::optional<AuthData> cached_;
    std::optional<SysClock::time_point> expiry_;
    std::atomic<std::uint64_t> runs_{0};
};

// ---- oidc ---------------------------------------------------------------------------------------------

class OidcAuthenticator : public Authenticator {
public:
    OidcAuthenticator(AuthProviderConfig cfg, std::string userName, std::string definingFile, AuthOptions opts)
        : cfg_(std::move(cfg)), user_(std::move(userName)), file_(std::move(definingFile)), opts_(std::move(opts)) {}
    ~OidcAuthenticator() override {
        for (auto& [k, v] : cfg_.config) wipeString(v);
    }

    Result<AuthData> get(CancelScope* cancel) override {
        std::lock_guard lock(mu_);
        const std::string& idToken = value("id-token");
        if (!idToken.empty()) {
            auto exp = jwtExpiry(idToken);
            if (!exp)
                return makeError(ErrorCode::Credentials, "oidc: the id-token of user " + user_ + " is not a valid JWT");
            // client-go refreshes 10 s before the expiry.
            auto now = std::chrono::duration_cast<std::chrono::seconds>(nowOf(opts_).time_since_epoch()).count();
            if (now + 10 < *exp) return bearer(idToken);
        }
        auto r = refresh(cancel);
        if (!r) return std::move(r).error();
        return bearer(value("id-token"));
    }
    std::string describe() const override { return "oidc auth-provider (" + value("idp-issuer-url") + ")"; }

private:
    const std::string& value(const char* key) const {
        static const std::string empty;
        auto it = cfg_.config.find(key);
        return it == cfg_.config.end() ? empty : it->second;
    }
    AuthData bearer(const std::string& token) {
        AuthData d;
        d.headers.emplace_back("Authorization", "Bearer " + token);
        if (token != lastToken_) {
            lastToken_ = token;
            serial_ = nextSerial();
        }
        d.serial = serial_;
        return d;
    }

    Result<void> refresh(CancelScope* cancel) {
        const std::string& rt = value("refresh-token");
        if (rt.empty())
            return makeError(ErrorCode::Credentials,
                             "oidc: no valid id-token for user " + user_ +
                                 ", and cannot refresh without refresh-token (log in again)");
        std::string issuer = value("idp-issuer-url");
        while (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
        TransportConfig tc;
        tc.server = issuer;
        if (!value("idp-certificate-authority-data").empty()) {
            auto ca = base64Decode(value("idp-certificate-authority-data"));
            if (!ca) return makeError(ErrorCode::Config, "oidc: idp-certificate-authority-data is not valid base64");
            tc.caPem = *ca;
        } else if (!value("idp-certificate-authority").empty()) {
            auto ca = readPemFile(value("idp-certificate-authority"), "idp-certificate-authority");
            if (!ca) return std::move(ca).error();
            tc.caPem = *ca;
        }
        tc.readIdleTimeout = std::chrono::milliseconds(0);
        auto client = HttpClient::create(tc);
        if (!client) return std::move(client).error();
        HttpRequest disc;
        disc.absoluteUrl = issuer + "/.well-known/openid-configuration";
        disc.timeout = std::chrono::seconds(30);
        auto dr = (*client)->perform(disc, cancel);
        if (!dr) return makeError(dr.error().code, "oidc: " + dr.error().message);
        if (dr->status != 200)
            return makeError(
                ErrorCode::Credentials,
                "oidc: failed to query metadata endpoint " + disc.absoluteUrl + ": HTTP " + std::to_string(dr->status));
        std::string tokenUrl;
        {
            simdjson::dom::parser p;
            simdjson::dom::element root;
            std::string_view v;
            if (p.parse(dr->body).get(root) != simdjson::SUCCESS)
                return makeError(ErrorCode::Credentials, "oidc: failed to decode provider discovery object");
            if (root["token_endpoint"].get_string().get(v) == simdjson::SUCCESS) tokenUrl = std::string(v);
        }
        if (tokenUrl.empty())
            return makeError(ErrorCode::Credentials, "oidc: discovery object doesn't contain a token_endpoint");

        // Like golang.org/x/oauth2's auto-detection: client credentials in an Authorization header
        // first, then in the form body if the endpoint refuses that.
        HttpResponse tr;
        for (int style = 0; style < 2; ++style) {
            HttpRequest req;
            req.method = "POST";
            req.absoluteUrl = tokenUrl;
            req.timeout = std::chrono::seconds(30);
            req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
            req.headers.emplace_back("Accept", "application/json");
            req.body = "grant_type=refresh_token&refresh_token=" + urlEncode(rt);
            if (style == 0) {
                req.headers.emplace_back(
                    "Authorization",
                    "Basic " + base64Encode(urlEncode(value("client-id")) + ':' + urlEncode(value("client-secret"))));
            } else {
                req.body += "&client_id=" + urlEncode(value("client-id"));
                if (!value("client-secret").empty()) req.body += "&client_secret=" + urlEncode(value("client-secret"));
            }
            auto r = (*client)->perform(req, cancel);
            wipeString(req.body);
            if (!r) return makeError(r.error().code, "oidc: failed to refresh token: " + r.error().message);
            tr = std::move(*r);
            if (tr.status == 200) break;
        }
        if (tr.status != 200)
            return makeError(
                ErrorCode::Credentials,
                "oidc: failed to refresh token: the token endpoint answered HTTP " + std::to_string(tr.status));
        std::string newId, newRefresh;
        {
            simdjson::dom::parser p;
            simdjson::dom::element root;
            std::string_view v;
            if (p.parse(tr.body).get(root) != simdjson::SUCCESS)
                return makeError(ErrorCode::Credentials, "oidc: failed to refresh token: unreadable token response");
            if (root["id_token"].get_string().get(v) == simdjson::SUCCESS) newId = std::string(v);
            if (root["refresh_token"].get_string().get(v) == simdjson::SUCCESS) newRefresh = std::string(v);
        }
        wipeString(tr.body);
        if (newId.empty())
            return makeError(ErrorCode::Credentials,
                             "oidc: token response did not contain an id_token, either the scope \"openid\" wasn't "
                             "requested upon login, or the provider doesn't support id_tokens as part of the refresh "
                             "response");
        std::map<std::string, std::string> updates{{"id-token", newId}};
        if (!newRefresh.empty() && newRefresh != rt) updates["refresh-token"] = newRefresh;
        if (opts_.persistOidcTokens && !file_.empty()) {
            auto p = persistAuthProviderConfig(file_, user_, updates);
            if (!p)
                return makeError(ErrorCode::Credentials, "oidc: could not persist new tokens: " + p.error().message);
        }
        for (auto& [k, v] : updates) cfg_.config[k] = v;
        for (auto& [k, v] : updates) wipeString(v);
        return {};
    }

    AuthProviderConfig cfg_;
    std::string user_;
    std::string file_;
    AuthOptions opts_;
    std::mutex mu_;
    std::string lastToken_;
    std::uint64_t serial_ = 0;
};

std::string jsonGet(simdjson::dom::element e, std::string_view key) {
    std::string_view v;
    if (e[key].get_string().get(v) == simdjson::SUCCESS) return std::string(v);
    return {};
}

}  // namespace

// ---- exec protocol helpers ------------------------------------------------------------------------

Result<ExecCredentialStatus> parseExecCredential(std::string_view json, const std::string& expectedApiVersion) {
    simdjson::dom::parser p;
    simdjson::dom::element root;
    if (auto err = p.parse(json.data(), json.size()).get(root); err != simdjson::SUCCESS)
        return makeError(
            ErrorCode::Credentials,
            std::string("decoding stdout: the plugin's output is not JSON (") + simdjson::error_message(err) + ")");
    if (!root.is_object())
        return makeError(ErrorCode::Credentials, "decoding stdout: the plugin's output is not a JSON object");
    std::string kind = jsonGet(root, "kind");
    std::string apiVersion = jsonGet(root, "apiVersion");
    if (kind != "ExecCredential")
        return makeError(ErrorCode::Credentials,
                         "decoding stdout: expected kind ExecCredential, found \"" + kind + "\"");
    if (apiVersion != expectedApiVersion)
        return makeError(ErrorCode::Credentials,
                         "exec plugin is configured to use API version " + expectedApiVersion +
                             ", plugin returned version " + apiVersion);
    simdjson::dom::element status;
    if (root["status"].get(status) != simdjson::SUCCESS || !status.is_object())
        return makeError(ErrorCode::Credentials, "exec plugin didn't return a status field");
    ExecCredentialStatus out;
    out.token.assign(jsonGet(status, "token"));
    out.clientCertificateData = jsonGet(status, "clientCertificateData");
    out.clientKeyData.assign(jsonGet(status, "clientKeyData"));
    if (out.token.empty() && out.clientCertificateData.empty() && out.clientKeyData.empty())
        return makeError(ErrorCode::Credentials, "exec plugin didn't return a token or cert/key pair");
    if (out.clientCertificateData.empty() != out.clientKeyData.empty())
        return makeError(ErrorCode::Credentials, "exec plugin returned only certificate or key, not both");
    std::string exp = jsonGet(status, "expirationTimestamp");
    if (!exp.empty()) {
        auto t = model::parseTimestamp(exp);
        if (!t)
            return makeError(ErrorCode::Credentials,
                             "decoding stdout: expirationTimestamp \"" + exp + "\" is not RFC 3339");
        out.expiration = SysClock::time_point(std::chrono::seconds(*t));
    }
    return out;
}

std::string execInfoJson(const ExecConfig& exec, const ClusterEntry& cluster, bool interactive) {
    // Field names and omitempty behaviour of clientauthentication/v1 ExecCredential/Cluster.
    auto q = [](std::string_view v) {
        std::string out;
        model::JsonWriter::escape(out, v);
        return out;
    };
    std::string s = "{\"kind\":\"ExecCredential\",\"apiVersion\":" + q(exec.apiVersion) + ",\"spec\":{";
    if (exec.provideClusterInfo) {
        s += "\"cluster\":{\"server\":" + q(cluster.server);
        if (!cluster.tlsServerName.empty()) s += ",\"tls-server-name\":" + q(cluster.tlsServerName);
        if (cluster.insecureSkipTlsVerify) s += ",\"insecure-skip-tls-verify\":true";
        std::string ca = cluster.certificateAuthorityData;
        if (ca.empty() && !cluster.certificateAuthority.empty()) {
            std::string err;
            if (auto text = readWholeFile(cluster.certificateAuthority, err)) ca = *text;
        }
        if (!ca.empty()) s += ",\"certificate-authority-data\":" + q(base64Encode(ca));
        if (!cluster.proxyUrl.empty()) s += ",\"proxy-url\":" + q(cluster.proxyUrl);
        if (cluster.disableCompression) s += ",\"disable-compression\":true";
        // The cluster's exec extension is passed through verbatim (already JSON).
        if (!cluster.execExtensionJson.empty()) s += ",\"config\":" + cluster.execExtensionJson;
        s += "},";
    }
    s += std::string("\"interactive\":") + (interactive ? "true" : "false") + "}}";
    return s;
}

Result<bool> execInteractive(const ExecConfig& exec, bool stdinIsTerminal, bool stdinAvailable) {
    if (exec.interactiveMode == "Never") return false;
    if (exec.interactiveMode == "IfAvailable" || exec.interactiveMode.empty()) return stdinIsTerminal && stdinAvailable;
    if (exec.interactiveMode == "Always") {
        if (!stdinIsTerminal)
            return makeError(ErrorCode::Credentials,
                             "exec plugin cannot support interactive mode: standard input is not a terminal");
        if (!stdinAvailable)
            return makeError(ErrorCode::Credentials,
                             "exec plugin cannot support interactive mode: standard input is unavailable");
        return true;
    }
    return makeError(ErrorCode::Config, "unknown interactiveMode: \"" + exec.interactiveMode + "\"");
}

std::string execNotFoundMessage(const ExecConfig& exec) {
    std::string msg = "exec: executable " + exec.command +
        " not found\n\nThe kubeconfig asks for a client-go credential plugin that is not installed "
        "(or not on PATH). See "
        "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins";
    if (!exec.installHint.empty()) msg += "\n\n" + exec.installHint;
    return msg;
}

std::optional<std::int64_t> jwtExpiry(std::string_view jwt) {
    auto d1 = jwt.find('.');
    if (d1 == std::string_view::npos) return std::nullopt;
    auto d2 = jwt.find('.', d1 + 1);
    if (d2 == std::string_view::npos || jwt.find('.', d2 + 1) != std::string_view::npos) return std::nullopt;
    auto payload = base64UrlDecode(jwt.substr(d1 + 1, d2 - d1 - 1));
    if (!payload) return std::nullopt;
    simdjson::dom::parser p;
    simdjson::dom::element root;
    if (p.parse(*payload).get(root) != simdjson::SUCCESS) return std::nullopt;
    int64_t i = 0;
    double d = 0;
    if (root["exp"].get_int64().get(i) == simdjson::SUCCESS) return i;
    if (root["exp"].get_double().get(d) == simdjson::SUCCESS) return static_cast<std::int64_t>(d);
    return std::nullopt;
}

// ---- persisting oidc tokens ---------------------------------------------------------------------------

namespace {

// The byte range of a single-line scalar starting at `offset`; nullopt for block or multi-line scalars.
std::optional<std::pair<std::size_t, std::size_t>> scalarExtent(const std::string& text, std::size_t offset) {
    if (offset >= text.size()) return std::nullopt;
    char q = text[offset];
    std::size_t lineEnd = text.find('\n', offset);
    if (lineEnd == std::string::npos) lineEnd = text.size();
    if (q == '|' || q == '>') return std::nullopt;
    if (q == '"') {
        for (std::size_t i = offset + 1; i < lineEnd; ++i) {
            if (text[i] == '\\')
                ++i;
            else if (text[i] == '"')
                return std::make_pair(offset, i + 1);
        }
        return std::nullopt;
    }
    if (q == '\'') {
        for (std::size_t i = offset + 1; i < lineEnd; ++i) {
            if (text[i] == '\'') {
                if (i + 1 < lineEnd && text[i + 1] == '\'')
                    ++i;
                else
                    return std::make_pair(offset, i + 1);
            }
        }
        return std::nullopt;
    }
    std::size_t end = lineEnd;
    auto comment = text.find(" #", offset);
    if (comment != std::string::npos && comment < end) end = comment;
    while (end > offset && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\r')) --end;
    // A plain scalar that continues on the next, more indented line is multi-line: refuse.
    return std::make_pair(offset, end);
}

std::string yamlQuote(const std::string& v) {
    std::string out = "\"";
    for (char c : v) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out + '"';
}

}  // namespace

Result<void> persistAuthProviderConfig(const std::string& file, const std::string& user,
                                       const std::map<std::string, std::string>& updates) {
    std::string err;
    auto textOpt = readWholeFile(file, err);
    if (!textOpt) return makeError(ErrorCode::Config, "cannot read " + file + ": " + err);
    std::string text = std::move(*textOpt);
    model::Diagnostics diags;
    auto docs = model::readYamlDocuments(text, std::make_shared<const std::string>(file), diags);
    const model::DocNode* root = docs.empty() ? nullptr : &docs.front().root;
    const model::DocNode* cfg = nullptr;
    if (root && root->find("users") && root->find("users")->isSequence()) {
        for (const auto& u : root->find("users")->items) {
            if (u.find("name") && u.find("name")->text() == user) {
                cfg = u.get({"user", "auth-provider", "config"});
                break;
            }
        }
    }
    if (!cfg || !cfg->isMap() || cfg->members.empty())
        return makeError(ErrorCode::Config, file + ": user \"" + user + "\" has no auth-provider config to update");
    model::LineIndex lines(text);
    auto offsetOf = [&](model::Mark m) -> std::optional<std::size_t> {
        if (m.line == 0) return std::nullopt;
        std::size_t pos = 0;
        for (std::uint32_t l = 1; l < m.line; ++l) {
            pos = text.find('\n', pos);
            if (pos == std::string::npos) return std::nullopt;
            ++pos;
        }
        return pos + m.col - 1;
    };
    struct Edit {
        std::size_t from, to;
        std::string with;
    };
    std::vector<Edit> edits;
    std::map<std::string, std::string> inserts;
    for (const auto& [key, value] : updates) {
        const model::DocNode* n = cfg->find(key);
        if (!n) {
            inserts[key] = value;
            continue;
        }
        auto off = offsetOf(n->mark);
        auto ext = off ? scalarExtent(text, *off) : std::nullopt;
        if (!ext || !n->isScalar())
            return makeError(
                ErrorCode::Config,
                file + ": cannot rewrite " + key + " of user \"" + user + "\" in place (not a single-line value)");
        edits.push_back({ext->first, ext->second, yamlQuote(value)});
    }
    if (!inserts.empty()) {
        // New keys go on lines after the last member, with the members' indentation.
        const model::DocNode& last = cfg->members.back().second;
        auto off = offsetOf(last.mark);
        if (!off) return makeError(ErrorCode::Config, file + ": cannot locate the auth-provider config of " + user);
        std::size_t lineStart = text.rfind('\n', *off);
        lineStart = lineStart == std::string::npos ? 0 : lineStart + 1;
        std::size_t indent = 0;
        while (lineStart + indent < text.size() && text[lineStart + indent] == ' ') ++indent;
        if (text.find('{', lineStart) < *off)
            return makeError(ErrorCode::Config, file + ": cannot add keys to a flow-style auth-provider config");
        std::size_t lineEnd = text.find('\n', *off);
        std::string add;
        for (const auto& [k, v] : inserts) add += '\n' + std::string(indent, ' ') + k + ": " + yamlQuote(v);
        if (lineEnd == std::string::npos)
            edits.push_back({text.size(), text.size(), add});
        else
            edits.push_back({lineEnd, lineEnd, add});
    }
    std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.from > b.from; });
    for (auto& e : edits) text.replace(e.from, e.to - e.from, e.with);

    // Atomic (model/atomic_file.h): a failed write leaves the kubeconfig as it was; the file keeps
    // its permission bits.
    model::FileWriteResult written = model::writeFileAtomic(file, text);
    wipeString(text);
    if (!written) return makeError(ErrorCode::Config, written.error);
    return {};
}

// ---- factory -------------------------------------------------------------------------------------------

Result<std::shared_ptr<const ClientCertificate>> loadClientCertificate(const UserEntry& user) {
    if (user.clientCertificate.empty() && user.clientCertificateData.empty())
        return std::shared_ptr<const ClientCertificate>();
    auto cert = std::make_shared<ClientCertificate>();
    if (!user.clientCertificateData.empty()) {
        cert->certPem = user.clientCertificateData;
    } else {
        auto pem = readPemFile(user.clientCertificate, "client-certificate");
        if (!pem) return std::move(pem).error();
        cert->certPem = std::move(*pem);
    }
    if (!user.clientKeyData.empty()) {
        cert->keyPem = user.clientKeyData;
    } else {
        auto pem = readPemFile(user.clientKey, "client-key");
        if (!pem) return std::move(pem).error();
        cert->keyPem.assign(*pem);
        wipeString(*pem);
    }
    return std::shared_ptr<const ClientCertificate>(std::move(cert));
}

Result<std::shared_ptr<Authenticator>> makeAuthenticator(const ClientConfig& config, AuthOptions options) {
    const UserEntry& u = config.user;
    if (u.exec)
        return std::shared_ptr<Authenticator>(std::make_shared<ExecAuthenticator>(*u.exec, config.cluster, options));
    if (u.authProvider) {
        if (u.authProvider->name == "oidc")
            return std::shared_ptr<Authenticator>(
                std::make_shared<OidcAuthenticator>(*u.authProvider, u.name, u.origin.file, options));
        std::string removed = removedAuthProviderMessage(u.authProvider->name);
        return makeError(
            ErrorCode::Config,
            !removed.empty() ? removed : "no Auth Provider found for name \"" + u.authProvider->name + "\"");
    }
    if (!u.token.empty()) {
        Headers h{{"Authorization", "Bearer " + std::string(u.token.view())}};
        return std::shared_ptr<Authenticator>(std::make_shared<StaticAuthenticator>(std::move(h), "token"));
    }
    if (!u.tokenFile.empty())
        return std::shared_ptr<Authenticator>(std::make_shared<TokenFileAuthenticator>(u.tokenFile, options));
    if (!u.username.empty() || !u.password.empty()) {
        std::string userpass = u.username + ':' + std::string(u.password.view());
        Headers h{{"Authorization", "Basic " + base64Encode(userpass)}};
        wipeString(userpass);
        return std::shared_ptr<Authenticator>(
            std::make_shared<StaticAuthenticator>(std::move(h), "basic authentication (username/password)"));
    }
    std::string what =
        (!u.clientCertificate.empty() || !u.clientCertificateData.empty()) ? "client certificate" : "no credentials";
    return std::shared_ptr<Authenticator>(std::make_shared<StaticAuthenticator>(Headers{}, what));
}

}  // namespace hs::kube
