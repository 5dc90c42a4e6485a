#pragma once
// HTTPS to one API server on libcurl. One HttpClient per cluster owns one curl multi handle
// (with a share for DNS and TLS sessions) driven by its own I/O thread, so every request — short
// GETs, paginated lists and long-running watches — shares one connection pool. HTTP/2 is used
// where the server offers it (ALPN); multiplexing streams over one connection is optional (see
// TransportConfig::multiplex).
//
// TLS verification is on unless the configuration says insecure; the CA, client certificate and
// key come from memory (never written to disk); `tls-server-name` becomes the SNI and the name
// verified while the TCP connection still goes to the server's address; responses are gzip-
// compressed unless disabled; proxies come from the configuration or the usual environment
// variables (https_proxy, HTTPS_PROXY, NO_PROXY).
//
// A connection that goes silent is detected like client-go's HTTP/2 health check: after
// `readIdleTimeout` without a byte received while requests are open, a probe request is sent; if
// it gets no answer within `probeTimeout`, every open request fails with a Network error and all
// connections are dropped, so callers reconnect on fresh ones.
//
// Threads: create() and everything on HttpClient/HttpStream may be called from any thread.
// Response data is queued by the I/O thread and consumed on the caller's thread; no caller code
// ever runs on the I/O thread.

#include "kubeclient/cancel.h"
#include "kubeclient/result.h"
#include "kubeclient/util.h"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hs::kube {

struct ClientCertificate {
    std::string certPem;  // certificate chain
    SecretString keyPem;  // private key (PEM; PKCS#1, PKCS#8 or SEC1)
};

struct TransportConfig {
    std::string server;  // https://host:port[/prefix]
    bool insecureSkipTlsVerify = false;
    std::string caPem;  // trust anchors; empty = the system store
    std::string tlsServerName;  // SNI and verified name; empty = the server's host
    std::shared_ptr<const ClientCertificate> clientCert;  // from the kubeconfig; requests may override
    std::string proxyUrl;  // http://, https:// or socks5://; empty = environment
    bool disableCompression = false;
    bool http2 = true;
    // Multiplex concurrent requests as HTTP/2 streams of one connection. Off by default: the
    // libcurl of Debian bookworm (7.88.1) can leave a multiplexed stream's data buffered without
    // waking the transfer (seen here: a list page stalled 30 s until another request arrived), so
    // each concurrent request gets its own connection from the shared pool instead; idle
    // connections are still reused.
    bool multiplex = false;
    std::chrono::milliseconds connectTimeout{30'000};
    std::chrono::milliseconds readIdleTimeout{30'000};
    std::chrono::milliseconds probeTimeout{15'000};
    std::string userAgent;  // default "hopscope/<version>"
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method = "GET";
    std::string target;  // path and query: "/api/v1/pods?limit=500"
    Headers headers;
    std::string body;
    std::chrono::milliseconds timeout{0};  // whole transfer; 0 = none (watches)
    std::shared_ptr<const ClientCertificate> clientCert;  // overrides TransportConfig::clientCert
    std::string absoluteUrl;  // when set, used instead of server + target (OIDC discovery)
};

struct HttpResponse {
    long status = 0;
    Headers headers;  // names in lower case
    std::string body;
    std::string httpVersion;  // "1.1", "2"
    const std::string* header(std::string_view lowerName) const;
};

class Transfer;
class HttpClient;

// One response being received. Headers first, then body chunks, read on the consumer's thread.
class HttpStream {
public:
    enum class Read { Data, End, Timeout };

    ~HttpStream();
    HttpStream(const HttpStream&) = delete;
    HttpStream& operator=(const HttpStream&) = delete;

    // Blocks until the status line and all headers arrived; the error when the transfer failed.
    Result<long> waitHeaders(std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
    long status() const;
    Headers headers() const;
    std::string httpVersion() const;

    // Appends the next body bytes to `out`. End: the body is complete (or failed: see error()).
    // Timeout: nothing arrived within `timeout` (0 = wait indefinitely).
    Read read(std::string& out, std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
    // The transfer's failure once read() returned End; nullopt after a clean end.
    std::optional<Error> error() const;

    // Aborts the transfer; read() then returns End with a Cancelled error. Any thread.
    void cancel();

private:
    friend class HttpClient;
    explicit HttpStream(std::shared_ptr<Transfer> t) : t_(std::move(t)) {}
    std::shared_ptr<Transfer> t_;
};

class HttpClient {
public:
    static Result<std::shared_ptr<HttpClient>> create(TransportConfig config);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Starts a request; the stream delivers the response.
    std::unique_ptr<HttpStream> start(HttpRequest request);

    // Runs a request to completion. `cancel` (optional) aborts it from another thread.
    Result<HttpResponse> perform(HttpRequest request, CancelScope* cancel = nullptr);

    // Fails every open request with `why` and drops all connections (the next requests connect
    // afresh).
    void abortAll(std::string why);

    const TransportConfig& config() const { return config_; }

    struct Stats {
        std::uint64_t requests = 0;
        std::uint64_t bytesReceived = 0;
        std::uint64_t connectionsDropped = 0;  // abortAll() / failed health probes
        std::uint64_t probes = 0;
    };
    Stats stats() const;

private:
    explicit HttpClient(TransportConfig config);
    struct Impl;
    TransportConfig config_;
    std::unique_ptr<Impl> impl_;
};

// Reads a PEM file of certificates or a key for the transport (helper for the kubeconfig paths).
Result<std::string> readPemFile(const std::string& path, const std::string& what);

}  // namespace hs::kube
