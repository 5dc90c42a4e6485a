#pragma once
// The Kubernetes API over HttpClient: discovery, paginated lists streamed item by item, watches,
// GETs — with credentials applied to every request (re-obtained once after a 401, which is how
// exec plugins and token files rotate) and error responses turned into Errors that say what could
// not be done.
//
// Threads: every method may be called from any thread, concurrently; blocking calls can be
// interrupted through their CancelScope.

#include "kubeclient/cancel.h"
#include "kubeclient/credentials.h"
#include "kubeclient/http_client.h"
#include "kubeclient/json_stream.h"
#include "kubeclient/kubeconfig.h"
#include "kubeclient/resources.h"

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace hs::kube {

struct ServerInfo {
    std::string gitVersion;  // "v1.36.3"
    int major = 0;
    int minor = 0;
    std::map<model::Kind, ApiResource> served;  // the version chosen for each wanted kind
    std::vector<std::string> missing;  // wanted, not optional, not served ("ingresses.networking.k8s.io")
};

struct ListOptions {
    int limit = 500;
    std::string continueToken;
    std::string resourceVersion;
    std::string resourceVersionMatch;
    std::string labelSelector;
    std::string fieldSelector;
};

struct ListPageInfo {
    std::string resourceVersion;  // of the list (all pages share the first page's)
    std::string continueToken;  // empty on the last page
    std::int64_t remainingItemCount = -1;
    std::size_t items = 0;
};

struct WatchOptions {
    std::string resourceVersion;
    bool allowBookmarks = true;
    bool sendInitialEvents = false;  // watch-list: synthetic ADDED events first, then a bookmark
    int timeoutSeconds = 0;  // server-side timeout; 0 = server default
    std::string labelSelector;
    std::string fieldSelector;
};

// A watch response: one JSON event at a time.
class WatchStream {
public:
    enum class Next { Event, End, Timeout };
    // The next event's JSON (a view valid until the next call). End: the server closed the watch
    // (see error() for why, nullopt after a clean end such as the server's timeout).
    Next next(std::string_view& event, std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
    std::optional<Error> error() const { return error_; }
    void cancel() { stream_->cancel(); }
    std::string httpVersion() const { return stream_->httpVersion(); }

private:
    friend class ApiClient;
    explicit WatchStream(std::unique_ptr<HttpStream> s) : stream_(std::move(s)) {}
    std::unique_ptr<HttpStream> stream_;
    JsonValueFramer framer_;
    std::deque<std::string> ready_;
    std::string current_;
    std::string chunk_;
    std::optional<Error> error_;
    bool ended_ = false;
};

struct ApiClientOptions {
    AuthOptions auth;
    std::chrono::milliseconds connectTimeout{30'000};
    std::chrono::milliseconds readIdleTimeout{30'000};
    std::chrono::milliseconds probeTimeout{15'000};
    std::chrono::milliseconds requestTimeout{60'000};  // discovery and GETs (lists and watches: none)
    bool http2 = true;
    bool multiplex = false;  // see TransportConfig::multiplex
};

class ApiClient {
public:
    static Result<std::shared_ptr<ApiClient>> create(const ClientConfig& config, ApiClientOptions options = {});

    Result<ServerInfo> discover(CancelScope* cancel = nullptr);

    // GET of a path; 2xx ⇒ the response, anything else ⇒ an Error about `what`.
    Result<HttpResponse> get(const std::string& target, const std::string& what, CancelScope* cancel = nullptr);

    // Any request (tests and tools change objects with it): 2xx ⇒ the response.
    Result<HttpResponse> request(const std::string& method, const std::string& target, std::string body,
                                 const std::string& contentType, const std::string& what,
                                 CancelScope* cancel = nullptr);

    // One page of a list; each item's JSON goes to `onItem` as soon as it has arrived.
    Result<ListPageInfo> listPage(const ApiResource& res, const std::string& ns, const ListOptions& options,
                                  const std::function<void(std::string_view)>& onItem, CancelScope* cancel = nullptr);

    // Opens a watch; returns once the server accepted it (200) or refused it (an Error).
    Result<std::unique_ptr<WatchStream>> watch(const ApiResource& res, const std::string& ns,
                                               const WatchOptions& options, CancelScope* cancel = nullptr);

    const ClientConfig& config() const { return config_; }
    HttpClient& http() { return *http_; }
    std::string describeAuth() const { return auth_->describe(); }

    // "list pods in namespace team-b", "list nodes", "watch ingresses in all namespaces".
    static std::string describeOp(const std::string& verb, const ApiResource& res, const std::string& ns);

    // Watch-list (sendInitialEvents) is used until the server refuses it once; then every
    // reflector of this client lists instead.
    bool watchListEnabled() const { return watchList_.load(); }
    void disableWatchList() { watchList_.store(false); }

private:
    ApiClient() = default;
    // Sends with credentials; on a 401 refreshes them once and retries. Returns the stream with
    // its headers received.
    Result<std::unique_ptr<HttpStream>> send(HttpRequest req, const std::string& what, CancelScope* cancel);
    Error unauthorizedError(Error e) const;
    Error explain(Error e) const;

    ClientConfig config_;
    ApiClientOptions options_;
    std::shared_ptr<HttpClient> http_;
    std::shared_ptr<Authenticator> auth_;
    Headers extraHeaders_;  // impersonation
    std::atomic<bool> watchList_{true};
};

}  // namespace hs::kube
