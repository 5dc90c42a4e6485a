#include "kubeclient/http_client.h"

#include "hopscope/version.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace hs::kube {

using Clock = std::chrono::steady_clock;

const std::string* HttpResponse::header(std::string_view lowerName) const {
    for (const auto& [k, v] : headers)
        if (k == lowerName) return &v;
    return nullptr;
}

// The state of one request, shared between the I/O thread (which fills it) and the consumer
// (which drains it). Fields under `mu` are shared; the curl handles belong to the I/O thread.
class Transfer {
public:
    std::mutex mu;
    std::condition_variable cv;
    bool headersDone = false;
    bool done = false;
    long status = 0;
    Headers headers;
    std::string httpVersion;
    std::string pending;  // body bytes not yet read
    std::optional<Error> error;
    std::atomic<bool> cancelled{false};

    // Posts a cancel to the I/O thread. Set before the transfer is shared; the client joins its
    // I/O thread only after completing every transfer, so a posted cancel never outlives it.
    std::function<void(std::shared_ptr<Transfer>)> requestCancel;

    // I/O thread only.
    CURL* easy = nullptr;
    curl_slist* headerList = nullptr;
    curl_slist* connectToList = nullptr;
    Clock::time_point* lastActivity = nullptr;  // the client's, updated as bytes arrive
    std::atomic<std::uint64_t>* totalBytes = nullptr;
    char errbuf[CURL_ERROR_SIZE] = {};
    HttpRequest req;
    std::string url;
    bool probe = false;
    bool inHeaderBlock = false;
};

struct HttpClient::Impl {
    TransportConfig cfg;
    std::string baseUrl;  // scheme://host:port[/prefix] as used in URLs (tls-server-name applied)
    std::string connectTo;  // CURLOPT_CONNECT_TO entry for tls-server-name, or empty
    std::string hostHeader;  // the server's own host:port when the URL carries tls-server-name

    CURLM* multi = nullptr;
    CURLSH* share = nullptr;
    std::thread thread;
    std::mutex cmdMu;
    std::vector<std::function<void()>> commands;
    bool stopping = false;

    // I/O thread only.
    std::vector<std::shared_ptr<Transfer>> active;
    std::shared_ptr<Transfer> probe;
    Clock::time_point lastActivity = Clock::now();
    std::shared_ptr<const ClientCertificate> lastClientCert;

    std::atomic<std::uint64_t> requests{0}, bytes{0}, dropped{0}, probes{0};

    void post(std::function<void()> fn) {
        {
            std::lock_guard lock(cmdMu);
            commands.push_back(std::move(fn));
        }
        if (multi) curl_multi_wakeup(multi);
    }

    void newMulti() {
        multi = curl_multi_init();
        curl_multi_setopt(multi, CURLMOPT_PIPELINING,
                          cfg.http2 && cfg.multiplex ? CURLPIPE_MULTIPLEX : CURLPIPE_NOTHING);
    }

    void run();
    void add(const std::shared_ptr<Transfer>& t);
    void finish(const std::shared_ptr<Transfer>& t, CURLcode code);
    void fail(const std::shared_ptr<Transfer>& t, Error e);
    void remove(const std::shared_ptr<Transfer>& t);
    void abortAllNow(const std::string& why);
    void healthCheck();
    Error curlError(const Transfer& t, CURLcode code) const;
};

namespace {

std::once_flag gCurlInit;

// HOPSCOPE_KUBE_TRACE=1 prints one line per request to stderr: method, path, status, duration.
// Never headers or bodies (they carry credentials and Secrets).
bool traceEnabled() {
    static const bool on = [] {
        const char* v = std::getenv("HOPSCOPE_KUBE_TRACE");
        return v && *v && std::string_view(v) != "0";
    }();
    return on;
}

std::size_t onWrite(char* ptr, std::size_t size, std::size_t nmemb, void* userdata) {
    auto* t = static_cast<Transfer*>(userdata);
    std::size_t n = size * nmemb;
    if (t->cancelled.load()) return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
    if (t->lastActivity) *t->lastActivity = Clock::now();
    if (t->totalBytes) *t->totalBytes += n;
    {
        std::lock_guard lock(t->mu);
        if (!t->headersDone) t->headersDone = true;
        t->pending.append(ptr, n);
    }
    t->cv.notify_all();
    return n;
}

std::size_t onHeader(char* ptr, std::size_t size, std::size_t nmemb, void* userdata) {
    auto* t = static_cast<Transfer*>(userdata);
    std::size_t n = size * nmemb;
    std::string_view line(ptr, n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    std::lock_guard lock(t->mu);
    if (line.rfind("HTTP/", 0) == 0) {
        // A new header block (after 100 Continue or a proxy's CONNECT answer): start over.
        t->headers.clear();
        auto sp = line.find(' ');
        t->httpVersion = std::string(line.substr(5, sp == std::string_view::npos ? std::string_view::npos : sp - 5));
        t->status = sp == std::string_view::npos ? 0 : std::atol(std::string(line.substr(sp + 1, 3)).c_str());
        t->inHeaderBlock = true;
        return n;
    }
    if (line.empty()) {
        if (t->inHeaderBlock && t->status >= 200) {
            t->headersDone = true;
            t->cv.notify_all();
        }
        t->inHeaderBlock = false;
        return n;
    }
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        t->headers.emplace_back(std::move(name), std::string(trimSpace(line.substr(colon + 1))));
    }
    return n;
}

// Splits "https://host:port/prefix" into scheme, host, port, prefix.
struct ParsedUrl {
    std::string scheme, host, port, prefix;
};
std::optional<ParsedUrl> parseServer(const std::string& server) {
    ParsedUrl u;
    auto sep = server.find("://");
    if (sep == std::string::npos) return std::nullopt;
    u.scheme = server.substr(0, sep);
    std::string rest = server.substr(sep + 3);
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    if (slash != std::string::npos) u.prefix = rest.substr(slash);
    while (!u.prefix.empty() && u.prefix.back() == '/') u.prefix.pop_back();
    if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
        auto close = authority.find(']');
        if (close == std::string::npos) return std::nullopt;
        u.host = authority.substr(0, close + 1);
        if (close + 1 < authority.size() && authority[close + 1] == ':') u.port = authority.substr(close + 2);
    } else {
        auto colon = authority.rfind(':');
        u.host = authority.substr(0, colon);
        if (colon != std::string::npos) u.port = authority.substr(colon + 1);
    }
    if (u.port.empty()) u.port = u.scheme == "https" ? "443" : "80";
    if (u.host.empty()) return std::nullopt;
    return u;
}

void setBlob(CURL* easy, CURLoption opt, std::string_view data) {
    curl_blob blob{};
    blob.data = const_cast<char*>(data.data());
    blob.len = data.size();
    blob.flags = CURL_BLOB_COPY;  // curl keeps its own copy for the connection's lifetime
    curl_easy_setopt(easy, opt, &blob);
}

}  // namespace

Error HttpClient::Impl::curlError(const Transfer& t, CURLcode code) const {
    std::string detail = t.errbuf[0] ? std::string(t.errbuf) : std::string(curl_easy_strerror(code));
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == '.')) detail.pop_back();
    std::string where =
        t.req.method + ' ' + (t.req.absoluteUrl.empty() ? cfg.server + t.req.target : t.req.absoluteUrl);
    // Continue tokens are opaque but long; keep messages readable.
    if (where.size() > 200) where = where.substr(0, 200) + "…";
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT: return makeError(ErrorCode::Timeout, where + ": timed out (" + detail + ")");
    case CURLE_PEER_FAILED_VERIFICATION:
        return makeError(ErrorCode::Tls,
                         where + ": the server's TLS certificate could not be verified: " + detail +
                             " (check certificate-authority / tls-server-name in the kubeconfig)");
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
        return makeError(ErrorCode::Tls, where + ": the client certificate or key could not be used: " + detail);
    case CURLE_SSL_CONNECT_ERROR: return makeError(ErrorCode::Tls, where + ": TLS handshake failed: " + detail);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_PROXY: return makeError(ErrorCode::Network, where + ": " + detail);
    default: return makeError(ErrorCode::Network, where + ": " + detail);
    }
}

void HttpClient::Impl::add(const std::shared_ptr<Transfer>& t) {
    CURL* e = curl_easy_init();
    if (!e) {
        fail(t, makeError(ErrorCode::Internal, "cannot create a curl handle"));
        return;
    }
    t->easy = e;
    t->lastActivity = &lastActivity;
    t->totalBytes = &bytes;
    t->url = t->req.absoluteUrl.empty() ? baseUrl + t->req.target : t->req.absoluteUrl;
    bool ownServer = t->req.absoluteUrl.empty();
    curl_easy_setopt(e, CURLOPT_URL, t->url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_SHARE, share);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, onWrite);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    // A request with a body goes over HTTP/1.1. Over HTTP/2 an API server that answers before
    // reading the body (a 403 from authorization, say) resets the stream right after its answer,
    // and libcurl 7.88 then drops the answer's body ("Transferred a partial file", the status and
    // no text: a kubeclient.live_auth test lost the API server's "system:anonymous" message about
    // one time in six under load). HTTP/1.1 has no such race; these requests are few and small
    // (access and identity reviews), the watches and lists stay multiplexed.
    const bool sendsBody = t->req.method != "GET" &&
        (!t->req.body.empty() || t->req.method == "POST" || t->req.method == "PUT" || t->req.method == "PATCH");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, cfg.http2 && !sendsBody ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
    if (cfg.multiplex)
        curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);  // wait to multiplex rather than open another connection
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(cfg.connectTimeout.count()));
    if (t->req.timeout.count() > 0) curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(t->req.timeout.count()));
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 15L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, cfg.userAgent.c_str());
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    if (!cfg.disableCompression) curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    if (ownServer) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, cfg.insecureSkipTlsVerify ? 0L : 1L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, cfg.insecureSkipTlsVerify ? 0L : 2L);
        if (!cfg.caPem.empty() && !cfg.insecureSkipTlsVerify) setBlob(e, CURLOPT_CAINFO_BLOB, cfg.caPem);
        if (!connectTo.empty()) {
            t->connectToList = curl_slist_append(nullptr, connectTo.c_str());
            curl_easy_setopt(e, CURLOPT_CONNECT_TO, t->connectToList);
            t->headerList = curl_slist_append(t->headerList, ("Host: " + hostHeader).c_str());
        }
        auto cert = t->req.clientCert ? t->req.clientCert : cfg.clientCert;
        if (cert && !cert->certPem.empty()) {
            setBlob(e, CURLOPT_SSLCERT_BLOB, cert->certPem);
            curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
            setBlob(e, CURLOPT_SSLKEY_BLOB, cert->keyPem.view());
            curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
            if (!t->probe) lastClientCert = cert;
        }
        if (!cfg.proxyUrl.empty()) {
            std::string proxy = cfg.proxyUrl;
            // socks5: let the proxy resolve the name, as Go's SOCKS5 dialer does.
            if (proxy.rfind("socks5://", 0) == 0) proxy = "socks5h://" + proxy.substr(9);
            curl_easy_setopt(e, CURLOPT_PROXY, proxy.c_str());
        }
    } else {
        // A third-party endpoint (OIDC issuer): verification always on, CA from the request's owner.
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!cfg.caPem.empty()) setBlob(e, CURLOPT_CAINFO_BLOB, cfg.caPem);
    }
    for (const auto& [k, v] : t->req.headers) t->headerList = curl_slist_append(t->headerList, (k + ": " + v).c_str());
    if (t->headerList) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headerList);
    if (t->req.method == "GET") {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, t->req.method.c_str());
        if (!t->req.body.empty() || t->req.method == "POST" || t->req.method == "PUT" || t->req.method == "PATCH") {
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(t->req.body.size()));
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->req.body.data());
        }
    }
    if (t->probe) curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(cfg.probeTimeout.count()));
    CURLMcode mc = curl_multi_add_handle(multi, e);
    if (mc != CURLM_OK) {
        fail(t, makeError(ErrorCode::Internal, std::string("curl_multi_add_handle: ") + curl_multi_strerror(mc)));
        return;
    }
    ++requests;
    if (!t->probe) active.push_back(t);
    if (active.size() == 1 && !t->probe) lastActivity = Clock::now();
}

void HttpClient::Impl::remove(const std::shared_ptr<Transfer>& t) {
    if (t->easy) {
        curl_multi_remove_handle(multi, t->easy);
        curl_easy_cleanup(t->easy);
        t->easy = nullptr;
    }
    if (t->headerList) {
        curl_slist_free_all(t->headerList);
        t->headerList = nullptr;
    }
    if (t->connectToList) {
        curl_slist_free_all(t->connectToList);
        t->connectToList = nullptr;
    }
    std::erase(active, t);
    if (probe == t) probe.reset();
}

void HttpClient::Impl::fail(const std::shared_ptr<Transfer>& t, Error e) {
    remove(t);
    {
        std::lock_guard lock(t->mu);
        if (!t->done) {
            t->done = true;
            t->headersDone = true;
            if (!t->error) t->error = std::move(e);
        }
    }
    t->cv.notify_all();
}

void HttpClient::Impl::finish(const std::shared_ptr<Transfer>& t, CURLcode code) {
    if (traceEnabled()) {
        double total = 0;
        curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME, &total);
        long status = 0;
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
        curl_off_t size = 0;
        curl_easy_getinfo(t->easy, CURLINFO_SIZE_DOWNLOAD_T, &size);
        std::string path = t->req.target.substr(0,
                                                t->req.target.find("continue=") == std::string::npos
                                                    ? std::string::npos
                                                    : t->req.target.find("continue=") + 9);
        std::fprintf(stderr, "[kube] %s %s -> %ld %s %.0f ms %lld bytes%s\n", t->req.method.c_str(), path.c_str(),
                     status, code == CURLE_OK ? "ok" : curl_easy_strerror(code), total * 1000,
                     static_cast<long long>(size), t->probe ? " (probe)" : "");
    }
    std::optional<Error> err;
    if (t->cancelled.load())
        err = makeError(ErrorCode::Cancelled, "request cancelled");
    else if (code != CURLE_OK)
        err = curlError(*t, code);
    if (code == CURLE_OK) lastActivity = Clock::now();
    bool wasProbe = t->probe;
    remove(t);
    {
        std::lock_guard lock(t->mu);
        t->done = true;
        t->headersDone = true;
        t->error = std::move(err);
    }
    t->cv.notify_all();
    if (wasProbe && code != CURLE_OK && !active.empty()) {
        abortAllNow("connection to the API server lost: no answer to a health check within " +
                    std::to_string(cfg.probeTimeout.count() / 1000.0).substr(0, 4) + " s");
    }
}

void HttpClient::Impl::abortAllNow(const std::string& why) {
    // Counted before the transfers fail: their callbacks change what observers see (the live
    // status turns to Reconnecting), and the count must already say why.
    ++dropped;
    auto victims = active;
    if (probe) victims.push_back(probe);
    for (auto& t : victims) {
        Error e = makeError(ErrorCode::Network, t->req.method + ' ' + cfg.server + t->req.target + ": " + why);
        fail(t, std::move(e));
    }
    // Dropping the multi handle closes every cached connection, so nothing reuses a dead one.
    curl_multi_cleanup(multi);
    newMulti();
    lastActivity = Clock::now();
}

void HttpClient::Impl::healthCheck() {
    if (probe || active.empty() || cfg.readIdleTimeout.count() <= 0) return;
    if (Clock::now() - lastActivity < cfg.readIdleTimeout) return;
    auto t = std::make_shared<Transfer>();
    t->probe = true;
    t->req.target = "/livez";  // any HTTP answer (even 401/403) proves the connection is alive
    t->req.clientCert = lastClientCert;
    probe = t;
    ++probes;
    add(t);
}

void HttpClient::Impl::run() {
    while (true) {
        std::vector<std::function<void()>> cmds;
        bool stop;
        {
            std::lock_guard lock(cmdMu);
            cmds.swap(commands);
            stop = stopping;
        }
        for (auto& c : cmds) c();
        if (stop) break;
        int running = 0;
        curl_multi_perform(multi, &running);
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
            if (msg->msg != CURLMSG_DONE) continue;
            Transfer* raw = nullptr;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &raw);
            CURLcode code = msg->data.result;
            std::shared_ptr<Transfer> t;
            if (probe && probe.get() == raw) t = probe;
            for (auto& a : active)
                if (a.get() == raw) t = a;
            if (t) finish(t, code);
        }
        healthCheck();
        long curlTimeout = -1;
        curl_multi_timeout(multi, &curlTimeout);
        int waitMs = 250;
        if (curlTimeout >= 0 && curlTimeout < waitMs) waitMs = static_cast<int>(curlTimeout);
        curl_multi_poll(multi, nullptr, 0, waitMs, nullptr);
    }
    auto victims = active;
    if (probe) victims.push_back(probe);
    for (auto& t : victims) fail(t, makeError(ErrorCode::Cancelled, "connection closed: the client is shutting down"));
    curl_multi_cleanup(multi);
    multi = nullptr;
}

// ---- HttpStream ---------------------------------------------------------------------------------

HttpStream::~HttpStream() { cancel(); }

void HttpStream::cancel() {
    if (!t_) return;
    std::function<void(std::shared_ptr<Transfer>)> req;
    {
        std::lock_guard lock(t_->mu);
        if (t_->done) return;
        t_->cancelled.store(true);
        req = t_->requestCancel;
    }
    if (req) req(t_);
}

Result<long> HttpStream::waitHeaders(std::chrono::milliseconds timeout) {
    std::unique_lock lock(t_->mu);
    auto ready = [&] { return t_->headersDone || t_->done; };
    if (timeout.count() > 0) {
        if (!t_->cv.wait_for(lock, timeout, ready))
            return makeError(ErrorCode::Timeout,
                             "no response headers within " + std::to_string(timeout.count()) + " ms");
    } else {
        t_->cv.wait(lock, ready);
    }
    if (t_->status == 0 && t_->error) return *t_->error;
    if (t_->status == 0) return makeError(ErrorCode::Protocol, "the server closed the connection without answering");
    return t_->status;
}

long HttpStream::status() const {
    std::lock_guard lock(t_->mu);
    return t_->status;
}

Headers HttpStream::headers() const {
    std::lock_guard lock(t_->mu);
    return t_->headers;
}

std::string HttpStream::httpVersion() const {
    std::lock_guard lock(t_->mu);
    return t_->httpVersion;
}

HttpStream::Read HttpStream::read(std::string& out, std::chrono::milliseconds timeout) {
    std::unique_lock lock(t_->mu);
    auto ready = [&] { return !t_->pending.empty() || t_->done; };
    if (timeout.count() > 0) {
        if (!t_->cv.wait_for(lock, timeout, ready)) return Read::Timeout;
    } else {
        t_->cv.wait(lock, ready);
    }
    if (!t_->pending.empty()) {
        if (out.empty())
            out.swap(t_->pending);
        else {
            out.append(t_->pending);
            t_->pending.clear();
        }
        return Read::Data;
    }
    return Read::End;
}

std::optional<Error> HttpStream::error() const {
    std::lock_guard lock(t_->mu);
    return t_->error;
}

// ---- HttpClient ---------------------------------------------------------------------------------

HttpClient::HttpClient(TransportConfig config) : config_(std::move(config)), impl_(std::make_unique<Impl>()) {}

Result<std::shared_ptr<HttpClient>> HttpClient::create(TransportConfig config) {
    std::call_once(gCurlInit, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    auto parsed = parseServer(config.server);
    if (!parsed || (parsed->scheme != "https" && parsed->scheme != "http"))
        return makeError(ErrorCode::Config, "server \"" + config.server + "\" is not an http(s) URL");
    if (config.userAgent.empty()) config.userAgent = "hopscope/" HOPSCOPE_VERSION;
    std::shared_ptr<HttpClient> c(new HttpClient(config));
    Impl& im = *c->impl_;
    im.cfg = c->config_;
    if (!config.tlsServerName.empty() && parsed->scheme == "https") {
        // Connect to the server's address but present and verify tls-server-name: the URL names
        // tls-server-name (SNI + verification), CONNECT_TO routes the TCP connection, and the Host
        // header keeps the server's own name.
        im.baseUrl = parsed->scheme + "://" + config.tlsServerName + ':' + parsed->port + parsed->prefix;
        im.connectTo = config.tlsServerName + ':' + parsed->port + ':' + parsed->host + ':' + parsed->port;
        im.hostHeader = parsed->host + (parsed->port == "443" ? std::string() : ':' + parsed->port);
    } else {
        im.baseUrl = parsed->scheme + "://" + parsed->host + ':' + parsed->port + parsed->prefix;
    }
    im.share = curl_share_init();
    curl_share_setopt(im.share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(im.share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    im.newMulti();
    im.thread = std::thread([&im] { im.run(); });
    return c;
}

HttpClient::~HttpClient() {
    {
        std::lock_guard lock(impl_->cmdMu);
        impl_->stopping = true;
    }
    if (impl_->multi) curl_multi_wakeup(impl_->multi);
    if (impl_->thread.joinable()) impl_->thread.join();
    if (impl_->share) curl_share_cleanup(impl_->share);
}

std::unique_ptr<HttpStream> HttpClient::start(HttpRequest request) {
    auto t = std::make_shared<Transfer>();
    t->req = std::move(request);
    Impl* im = impl_.get();
    // A weak pointer keeps a late cancel() from touching a transfer the I/O thread already freed.
    t->requestCancel = [im](std::shared_ptr<Transfer> tr) {
        std::weak_ptr<Transfer> weak = tr;
        im->post([im, weak] {
            if (auto s = weak.lock()) {
                if (s->easy) im->fail(s, makeError(ErrorCode::Cancelled, "request cancelled"));
            }
        });
    };
    std::unique_ptr<HttpStream> stream(new HttpStream(t));
    bool stopping;
    {
        std::lock_guard lock(im->cmdMu);
        stopping = im->stopping;
        if (!stopping)
            im->commands.push_back([im, t] {
                if (t->cancelled.load()) {
                    im->fail(t, makeError(ErrorCode::Cancelled, "request cancelled"));
                    return;
                }
                im->add(t);
            });
    }
    if (stopping) {
        std::lock_guard lock(t->mu);
        t->done = t->headersDone = true;
        t->error = makeError(ErrorCode::Cancelled, "the client is shutting down");
    } else {
        curl_multi_wakeup(im->multi);
    }
    return stream;
}

Result<HttpResponse> HttpClient::perform(HttpRequest request, CancelScope* cancel) {
    auto stream = start(std::move(request));
    HttpStream* raw = stream.get();
    if (cancel && !cancel->attach([raw] { raw->cancel(); })) {
        stream->cancel();
    }
    HttpResponse resp;
    auto status = stream->waitHeaders();
    if (!status) {
        if (cancel) cancel->detach();
        return std::move(status).error();
    }
    while (stream->read(resp.body) == HttpStream::Read::Data) {}
    if (cancel) cancel->detach();
    if (auto err = stream->error()) return *err;
    resp.status = stream->status();
    resp.headers = stream->headers();
    resp.httpVersion = stream->httpVersion();
    return resp;
}

void HttpClient::abortAll(std::string why) {
    Impl* im = impl_.get();
    im->post([im, why = std::move(why)] { im->abortAllNow(why); });
}

HttpClient::Stats HttpClient::stats() const {
    Stats s;
    s.requests = impl_->requests.load();
    s.bytesReceived = impl_->bytes.load();
    s.connectionsDropped = impl_->dropped.load();
    s.probes = impl_->probes.load();
    return s;
}

Result<std::string> readPemFile(const std::string& path, const std::string& what) {
    std::string err;
    auto text = readWholeFile(path, err);
    if (!text) return makeError(ErrorCode::Config, "unable to read " + what + " " + path + ": " + err);
    return std::move(*text);
}

}  // namespace hs::kube
